"""The command line's arguments: `build_parser`, and the converters that validate option
values as the `[tool.tf2-lsp]` settings of the same names are validated."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from tf2_lsp import __version__
from tf2_lsp.cli.status import EXIT_ERROR
from tf2_lsp.settings import DEFAULT_TARGET_VERSION, check_value

FORMATS = ("text", "json", "github", "sarif")  # of `check --format`
DEFAULT_HTML = "tf2-lsp-report.html"  # where `report` writes its page

STDIN = Path("-")  # the PATH that reads one file from stdin

EPILOG = """\
examples:
  tf2-lsp check src/                        report TF1 API uses under src/
  tf2-lsp check --statistics .              count them per rule
  tf2-lsp check --format github .           annotate a GitHub pull request
  tf2-lsp check --write-baseline tf1.json . record today's findings ...
  tf2-lsp check --baseline tf1.json .       ... and report only new ones
  tf2-lsp fix --diff src/                   show what `fix` would change
  tf2-lsp fix --level native --unsafe src/  write idiomatic TF2, unsafe fixes included
  cat m.py | tf2-lsp check - --stdin-filename m.py
  tf2-lsp report -o migration.html .        a one-page migration report
  tf2-lsp rules --statistics                which fixes running them on TensorFlow verified
  tf2-lsp verify old/ new/ --entry model:build --inputs x=2x8:float32
                                            run a function before and after migration

exit status:
  0  nothing found (check), nothing changed and nothing left (fix), written (report)
  1  findings reported, a diff shown (fix --diff) or findings left for review (fix),
     or a difference found (verify)
  2  a usage, configuration or I/O error
"""


class _Parser(argparse.ArgumentParser):
    """argparse, with every bad value ending in "aborting" and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}; aborting\n")


def _option(key: str) -> Callable[[str], str]:
    """An argparse type that validates like the `[tool.tf2-lsp]` setting of the same name."""

    def convert(value: str) -> str:
        try:
            check_value(key, value)
            return value
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"invalid value {value!r}: {error}") from None

    convert.__name__ = key
    return convert


def _choice(name: str, choices: Sequence[str]) -> Callable[[str], str]:
    """Like argparse's `choices`, with the same "invalid value" message as the other options."""

    def convert(value: str) -> str:
        if value not in choices:
            raise argparse.ArgumentTypeError(
                f"invalid value {value!r}: must be one of {', '.join(choices)}"
            )
        return value

    convert.__name__ = name
    return convert


def _jobs(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(
            f"invalid value {value!r}: must be 0 (one per core) or a number of processes"
        )
    return int(value)


def _path(value: str) -> Path:
    if not value:
        # Path("") would silently mean the current directory.
        raise argparse.ArgumentTypeError("an empty PATH names no file or directory")
    return Path(value)


def tcp_address(value: str) -> tuple[str, int]:
    """`HOST:PORT`, `[IPv6]:PORT` or `PORT` (on the loopback address)."""
    host, separator, port = value.rpartition(":")
    if not separator:
        host, port = "127.0.0.1", value
    elif host.startswith("[") or host.endswith("]"):
        if not (host.startswith("[") and host.endswith("]") and len(host) > 2):
            raise argparse.ArgumentTypeError(f"{value!r}: write an IPv6 host as [::1]:2087")
        host = host[1:-1]
    elif ":" in host:
        raise argparse.ArgumentTypeError(f"{value!r}: write an IPv6 host in brackets, [::1]:2087")
    if not host:
        raise argparse.ArgumentTypeError(f"{value!r}: expected HOST:PORT, such as 127.0.0.1:2087")
    if not port.isascii() or not port.isdigit() or not 0 < int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r}: the port must be a number from 1 to 65535")
    return host, int(port)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tf2-lsp",
        description="Find TensorFlow 1.x API uses and rewrite them for TensorFlow 2.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tf2-lsp {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def sub(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    def common(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "paths",
            nargs="+",
            type=_path,
            metavar="PATH",
            help="files or directories (walked for *.py); `-` reads one file from stdin",
        )
        command.add_argument(
            "--select",
            type=_option("select"),
            metavar="CODES",
            help="only these rule codes or prefixes, comma-separated (TF1,TF201)",
        )
        command.add_argument(
            "--ignore",
            type=_option("ignore"),
            metavar="CODES",
            help="skip these rule codes or prefixes, comma-separated",
        )
        command.add_argument(
            "--level",
            type=_option("level"),
            metavar="{compat,native}",
            help="fix level: compat keeps TF1 behaviour through tf.compat.v1 (the default), "
            "native writes idiomatic TF2",
        )
        command.add_argument(
            "--target-version",
            type=_option("target-version"),
            metavar="VERSION",
            help=f"TensorFlow version you migrate to (default {DEFAULT_TARGET_VERSION})",
        )
        command.add_argument(
            "--jobs",
            type=_jobs,
            default=0,
            metavar="N",
            help="worker processes for large trees (default 0: one per core)",
        )
        command.add_argument(
            "--stdin-filename",
            metavar="NAME",
            help="with `-`: the file name to report and to find pyproject.toml from",
        )
        command.add_argument(
            "--no-cache",
            action="store_true",
            help="neither read nor write the result cache",
        )
        command.add_argument(
            "--cache-dir",
            type=_path,
            metavar="DIR",
            help="where the result cache lives (default: $TF2LSP_CACHE_DIR, else "
            ".tf2-lsp_cache beside pyproject.toml, else in the current directory)",
        )

    check = sub("check", "report TF1 API uses")
    common(check)
    check.add_argument(
        "--format",
        type=_choice("format", FORMATS),
        default="text",
        metavar="{" + ",".join(FORMATS) + "}",
        help="text (default); json (one array); github (workflow annotations); sarif (2.1.0)",
    )
    check.add_argument(
        "--statistics",
        action="store_true",
        help="print a count per rule (with how many are fixable safely, unsafely, by hand) "
        "instead of each finding; --format json prints the rows as JSON",
    )
    check.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings that are not in this baseline (see --write-baseline)",
    )
    check.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="write every current finding to FILE as the baseline, and exit 0",
    )

    fix = sub("fix", "rewrite TF1 API uses in place")
    common(fix)
    fix.add_argument(
        "--unsafe", action="store_true", help="also apply fixes that need review (all rules)"
    )
    fix.add_argument(
        "--unsafe-fixes",
        type=_option("unsafe-fixes"),
        metavar="CODES",
        help="also apply the unsafe fixes of these rule codes or prefixes (TF911,TF93)",
    )
    fix.add_argument(
        "--diff",
        action="store_true",
        help="print a unified diff and write nothing; exit 1 when there is a diff",
    )
    fix.add_argument(
        "--write-outside-paths",
        action="store_true",
        help="also rewrite files outside the given PATHs that symlinks inside them point to "
        "(by default such files are named and left alone)",
    )

    _add_report(sub, common)

    rules = sub("rules", "list the rules, or show one rule's documentation")
    rules.add_argument("code", nargs="?", metavar="CODE", help="the rule to document (TF101)")
    rules.add_argument(
        "--format",
        type=_choice("format", ("text", "markdown")),
        default="text",
        metavar="{text,markdown}",
        help="output format of one rule's documentation (default text)",
    )
    rules.add_argument(
        "--statistics",
        action="store_true",
        help="per fix, whether running its examples on TensorFlow verified it; proven/total",
    )

    verify = sub(
        "verify",
        "run a function before and after migration (TF1 semantics vs TF2) and compare them",
    )
    verify.add_argument("old", metavar="OLD", help="the TF1 code: a directory or a .py file")
    verify.add_argument("new", metavar="NEW", help="the migrated code: a directory or a .py file")
    verify.add_argument(
        "--entry",
        required=True,
        metavar="MODULE:FUNCTION",
        help="the function to call on both sides, such as model:build_model",
    )
    verify.add_argument(
        "--inputs",
        default="",
        metavar="NAME=SHAPE[:DTYPE],...",
        help="keyword arguments made of seeded random arrays: images=2x28x28x1:float32",
    )
    verify.add_argument(
        "--train-step",
        action="store_true",
        help="also take one gradient-descent step on the outputs' sum of squares and compare",
    )
    verify.add_argument("--rtol", type=float, default=1e-6, help="relative tolerance (1e-6)")
    verify.add_argument("--atol", type=float, default=1e-5, help="absolute tolerance (1e-5)")

    serve = sub("serve", "run the language server (stdio by default)")
    serve.add_argument(
        "--tcp",
        metavar="HOST:PORT",
        type=tcp_address,
        help="listen on TCP instead of stdio (for one local user; HOST defaults to 127.0.0.1)",
    )
    serve.add_argument("--stdio", action="store_true", help="use stdio (the default)")
    return parser


def _add_report(
    sub: Callable[[str, str], argparse.ArgumentParser],
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    report = sub(
        "report", "write a migration report: one self-contained HTML page, or JSON for dashboards"
    )
    common(report)
    report.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=f"where to write it ('-': stdout; default {DEFAULT_HTML}, or stdout for JSON)",
    )
    report.add_argument(
        "--format",
        choices=("html", "json"),
        default="html",
        help="html (default): one self-contained page; json: the numbers, for dashboards",
    )
    report.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="a previous `check --format json` or `report --format json` output: show the trend",
    )
    report.add_argument(
        "--vscode-links",
        action="store_true",
        help="link files as vscode://file/... (open in VS Code at the line)",
    )
