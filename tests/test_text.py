"""Line splitting as Python's tokenizer does it, and column conversions between encodings."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.text import (
    Encoding,
    LineIndex,
    Span,
    from_client_column,
    line_ending,
    split_lines,
    to_client_column,
)


@pytest.mark.parametrize(
    "source",
    # With carriage returns and without (where plain "\n" splitting is taken): \x0c and
    # \u2028 are not line breaks for Python (str.splitlines would split on them).
    ["a = 1\r\nb = '\u2028'\x0c\rc = 2\nd = 3", "a = 1\nb = '\u2028'\x0c\nc = 2\nd = 3"],
)
def test_split_lines_matches_ast_line_numbers(source: str) -> None:
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


# Long lines take another path (offsets computed once per line): it must give what counting
# the characters one by one gives.
CHARS = st.sampled_from(["a", " ", "é", "中", "😀", "\x7f", "\x80", "\u07ff", "\u0800", "\uffff"])


def _units(text: str, encoding: Encoding) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


@settings(max_examples=150, deadline=None)
@given(
    line=st.lists(CHARS, min_size=1, max_size=700).map("".join),
    column=st.integers(0, 800),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-32"]),
)
def test_columns_on_lines_of_any_length(line: str, column: int, encoding: Encoding) -> None:
    character = min(column, len(line))
    assert to_client_column(line, character, encoding) == _units(line[:character], encoding)
    # A client column inside a character is that character's end; past the line, its end.
    expected = next(
        (i for i in range(len(line) + 1) if _units(line[:i], encoding) >= column), len(line)
    )
    assert from_client_column(line, column, encoding) == expected
    source = f"x = 1\n{line}\n"
    byte_column = len(line[:character].encode("utf-8"))
    assert LineIndex(source).char_column(2, byte_column) == character


def test_many_findings_on_one_long_line_are_placed_and_suppressed(catalogue: Catalogue) -> None:
    """Thousands of findings on one non-ASCII line: each at its own column, and a suppression
    comment at its end silences them all."""
    items = ", ".join(["tf.Session()"] * 3000)
    source = f"import tensorflow as tf\nx = ['é😀', {items}]\n"
    line = split_lines(source)[1]
    findings = detect(source, catalogue).findings
    assert len(findings) == 3000
    assert all(line[f.span.column : f.span.end_column] == "tf.Session" for f in findings)
    assert len({f.span.column for f in findings}) == 3000
    silenced = source.replace("]\n", "]  # tf2-lsp: ignore[TF101]\n")
    assert detect(silenced, catalogue).findings == []
