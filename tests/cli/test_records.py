"""Findings as records (cli/records.py): 1-based positions, TF000 for what cannot be analysed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import project, run
from tf2_lsp.cli.records import (
    UNREADABLE,
    SourceLines,
    fails,
    syntax_record,
    to_record,
    too_deep,
    unreadable,
)


def test_columns_are_characters(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "import tensorflow as tf\ns = '你好😀'; t = tf.Session()\n"})
    records = json.loads(run("check", "--format", "json", root).stdout)
    assert (records[0]["column"], records[0]["end_column"]) == (16, 26)


def test_a_finding_becomes_a_record_with_1_based_columns_and_its_line_text() -> None:
    from tf2_lsp.catalogue.load import load_catalogue
    from tf2_lsp.engine import analyse
    from tf2_lsp.settings import Settings

    text = "import tensorflow as tf\ns = tf.Session()\n"
    [finding] = analyse(text, load_catalogue(), Settings()).findings
    record = to_record("a.py", finding, SourceLines(text))
    assert (record.line, record.column, record.end_line, record.end_column) == (2, 5, 2, 15)
    assert (record.code, record.line_text) == ("TF101", "s = tf.Session()")
    assert record.fix is not None and record.fix["safety"] == "safe"
    assert to_record("a.py", finding).line_text == ""  # no lines: no baseline key text


def test_what_cannot_be_analysed_is_one_tf000_error() -> None:
    whole = unreadable("a.py", "not valid utf-8 text")
    assert (whole.line, whole.column, whole.code, whole.severity) == (1, 1, UNREADABLE, "error")
    assert whole.message == "cannot analyse this file: not valid utf-8 text"
    error = SyntaxError("invalid syntax")
    error.lineno, error.offset = 3, 7
    syntax = syntax_record("a.py", error)
    assert (syntax.line, syntax.column) == (3, 7)
    assert syntax.message == "cannot analyse this file: syntax error: invalid syntax"
    deep = too_deep("a.py", 9)
    assert (deep.line, deep.code) == (9, UNREADABLE) and "nested too deeply" in deep.message
    assert fails(whole) and fails(deep)


def test_source_lines_are_numbered_as_ast_numbers_them() -> None:
    """A baseline matches on the line's text: \\r and \\r\\n end lines, \\x0c does not."""
    lines = SourceLines("a = 1\rb = 2\r\n\x0cc = 3 \nd")
    assert [lines[n] for n in range(1, 6)] == ["a = 1", "b = 2", "c = 3", "d", ""]
