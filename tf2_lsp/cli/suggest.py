"""The `tf2-lsp fix ...` command lines that `check` and `fix` summaries suggest: this run's own
options and paths, with a fix level or `--unsafe` added."""

from __future__ import annotations

import argparse
import shlex

from tf2_lsp.cli.formats import Hint
from tf2_lsp.cli.parser import STDIN


def fix_command(
    args: argparse.Namespace, level: str | None, unsafe: bool, diff: bool = False
) -> str:
    """The `tf2-lsp fix ...` line that repeats this run's choices with `level`/`unsafe` (and
    `--diff`) added: the one spelling summaries and the migration report both print."""
    parts = ["tf2-lsp fix"]
    for flag, value in (("--select", args.select), ("--ignore", args.ignore)):
        if value:
            parts.append(f"{flag} {shlex.quote(value)}")
    level = level or args.level
    if level:
        parts.append(f"--level {level}")
    if args.target_version:
        parts.append(f"--target-version {args.target_version}")
    if unsafe:
        parts.append("--unsafe")
    if diff:
        parts.append("--diff")
    parts.append(_paths_text(args))
    return " ".join(parts)


def _paths_text(args: argparse.Namespace) -> str:
    if args.paths == [STDIN]:
        return "-" + (
            f" --stdin-filename {shlex.quote(args.stdin_filename)}" if args.stdin_filename else ""
        )
    return " ".join(shlex.quote(str(p)) for p in args.paths)


def hint(args: argparse.Namespace) -> Hint:
    """The text summary's fix commands, with this run's options."""
    return Hint(fix_command(args, None, False), fix_command(args, None, True))
