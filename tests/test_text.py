"""Line splitting as Python's tokenizer does it, and column conversions between encodings."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.text import (
    LineIndex,
    Span,
    from_client_column,
    line_ending,
    split_lines,
    to_client_column,
)


def test_split_lines_matches_ast_line_numbers() -> None:
    # \x0c and \u2028 are not line breaks for Python (str.splitlines would split on them).
    source = "a = 1\r\nb = '\u2028'\x0c\rc = 2\nd = 3"
    tree = ast.parse(source)
    lines = split_lines(source)
    for node in tree.body:
        assert lines[node.lineno - 1].startswith(ast.unparse(node)[:1])
    assert len(lines) == 4


@pytest.mark.parametrize(
    ("source", "ending"), [("a\r\nb\n", "\r\n"), ("a\nb\r\n", "\n"), ("a\rb", "\r"), ("a", "\n")]
)
def test_line_ending_is_the_first_one(source: str, ending: str) -> None:
    assert line_ending(source) == ending


def test_char_column_from_ast_byte_offsets() -> None:
    source = "s = '你好😀é'; t = tf\n"
    node = ast.parse(source).body[1]
    assert isinstance(node, ast.Assign)
    value = node.value
    index = LineIndex(source)
    column = index.char_column(value.lineno, value.col_offset)
    assert source[column : column + 2] == "tf"
    assert index.char_column(1, 3) == 3
    assert index.char_column(99, 5) == 5  # out of range: unchanged, never raises


LINE = "a = '😀é'; tf"
TF_COLUMN = LINE.index("tf")  # 10 characters


@pytest.mark.parametrize(
    ("encoding", "column"),
    [("utf-32", TF_COLUMN), ("utf-16", TF_COLUMN + 1), ("utf-8", TF_COLUMN + 3 + 1)],
)
def test_client_columns_round_trip(encoding: str, column: int) -> None:
    assert to_client_column(LINE, TF_COLUMN, encoding) == column  # type: ignore[arg-type]
    assert from_client_column(LINE, column, encoding) == TF_COLUMN  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_from_client_column_clamps(encoding: str) -> None:
    assert from_client_column(LINE, 10_000, encoding) == len(LINE)  # type: ignore[arg-type]


def test_span_contains() -> None:
    span = Span(2, 4, 3, 1)
    assert span.contains(2, 4) and span.contains(2, 99) and span.contains(3, 1)
    assert not span.contains(2, 3) and not span.contains(3, 2) and not span.contains(1, 9)
