"""The fix commands that summaries suggest (cli/suggest.py)."""

from __future__ import annotations

from pathlib import Path

from tf2_lsp.cli.parser import build_parser
from tf2_lsp.cli.suggest import fix_command, hint


def test_the_suggested_command_repeats_this_runs_options() -> None:
    args = build_parser().parse_args(
        ["check", "--select", "TF1,TF2", "--target-version", "2.15", "src", "my dir"]
    )
    assert fix_command(args, None, False) == (
        "tf2-lsp fix --select TF1,TF2 --target-version 2.15 src 'my dir'"
    )
    assert fix_command(args, "native", True) == (
        "tf2-lsp fix --select TF1,TF2 --level native --target-version 2.15 --unsafe src 'my dir'"
    )
    assert hint(args).unsafe == fix_command(args, None, True)


def test_stdin_is_repeated_with_its_file_name() -> None:
    args = build_parser().parse_args(["check", "-", "--stdin-filename", "a b.py"])
    assert args.paths == [Path("-")]
    assert fix_command(args, None, False) == "tf2-lsp fix - --stdin-filename 'a b.py'"
