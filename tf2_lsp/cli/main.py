"""`tf2-lsp check | fix | report | rules | serve`: the command-line face of the engine.

This module reads the arguments and hands over: to the language server, or to the batch
commands (`cli.commands`: settings from `[tool.tf2-lsp]` under the command line's options,
then `check`, `fix`, `report/` or `rules`)."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence

from tf2_lsp.cli.parser import build_parser
from tf2_lsp.cli.status import EXIT_ERROR, EXIT_FINDINGS


def main(argv: Sequence[str] | None = None) -> int:
    _quiet_warnings_about_user_code()
    # File names that are not valid UTF-8 reach Python as surrogate escapes: print them as
    # the bytes they are (as ls and git do) instead of failing with UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="surrogateescape")
    try:
        return _main(argv)
    except BrokenPipeError:
        # `tf2-lsp check . | head`: the reader left; say nothing more, like other tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        return 130


def _quiet_warnings_about_user_code() -> None:
    """Parsing a file that writes `"\\d"` makes Python warn (SyntaxWarning from 3.12, shown by
    default; DeprecationWarning before), once per parse, as if from a module `<unknown>`. That
    is the user's code's business, not a message of ours: it drowned `check`'s output and
    filled the editor's log. Set once at start (`catch_warnings` is not thread-safe); forked
    workers inherit it."""
    for category in (SyntaxWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", category=category, module="<unknown>")


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args.tcp)
    if args.command == "verify":
        from tf2_lsp.cli.verify import run_verify

        return run_verify(args)
    # Imported here: the language server does not load the batch commands (their output
    # formats, worker pool and report), which cost ~60-80 ms of every editor's server start.
    from tf2_lsp.cli.commands import run_command

    return run_command(args, parser)


def serve(tcp: tuple[str, int] | None) -> int:
    from tf2_lsp.lsp.server import run_server

    if tcp is None:
        return run_server(None)
    host, port = tcp
    try:
        return run_server(f"{host}:{port}")
    except OSError as error:
        print(
            f"tf2-lsp: cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr
        )
        return EXIT_ERROR
