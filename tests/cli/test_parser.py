"""Arguments (cli/parser.py): usage errors, help, TCP addresses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import TF1, project, run
from tf2_lsp.cli.parser import build_parser, tcp_address


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "missing.py"], "no such file or directory: missing.py"),
        (["check", "--select", "XX", "."], "--select: invalid value 'XX'"),
        (["check", "--ignore", "TF1x", "."], "--ignore: invalid value 'TF1x'"),
        (["check", "--target-version", "3.0", "."], "--target-version: invalid value '3.0'"),
        (["check", "--level", "modern", "."], "--level: invalid value 'modern'"),
        (["check", "--format", "xml", "."], "--format: invalid value 'xml'"),
        (["check", "--jobs", "-1", "."], "--jobs: invalid value '-1'"),
        (["fix", "--jobs", "many", "."], "--jobs: invalid value 'many'"),
        (["check", "-", "a.py"], "cannot be combined"),
        (["check", "--stdin-filename", "x.py", "a.py"], "needs `-`"),
        (["check", "--baseline", "b.json", "--write-baseline", "c.json", "."], "combined"),
        (["check", "--baseline", "missing.json", "."], "cannot read baseline missing.json"),
        (["frobnicate"], "invalid choice"),
        (["check"], "required"),
    ],
)
def test_usage_errors_say_invalid_and_abort_with_exit_2(
    args: list[str], message: str, tmp_path: Path
) -> None:
    project(tmp_path, {"a.py": TF1})
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.rstrip().endswith("aborting")
    assert "using" not in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_help_describes_every_argument_with_examples_and_exit_codes() -> None:
    import argparse

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            assert action.help, f"{name}: {action.dest} has no help"
        text = sub.format_help()
        assert "examples:" in text and "exit status:" in text
    result = run("check", "--help")
    assert result.returncode == 0
    assert "--statistics" in result.stdout and "  2  a usage" in result.stdout


@pytest.mark.parametrize(
    ("value", "address"),
    [("[::1]:2087", ("::1", 2087)), ("2087", ("127.0.0.1", 2087)), ("0.0.0.0:80", ("0.0.0.0", 80))],
)
def test_tcp_addresses(value: str, address: tuple[str, int]) -> None:
    assert tcp_address(value) == address


@pytest.mark.parametrize(
    "value", ["999999", "localhost:999999", "host:", "[::1", "::1:2087", "a:b"]
)
def test_bad_tcp_addresses_are_usage_errors(value: str) -> None:
    result = run("serve", "--tcp", value)
    assert result.returncode == 2
    assert "--tcp" in result.stderr and "Traceback" not in result.stderr
