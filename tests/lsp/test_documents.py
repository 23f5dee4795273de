"""The server's copy of a document follows every change as the editor applies it (LSP's line
rules), checked against a reference model written for clarity, not speed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.workspace import PositionCodec

from tf2_lsp.lsp.documents import LspTextDocument, encoding_of
from tf2_lsp.text import Encoding

# Line breaks, what str.splitlines() also breaks at, and characters of 1-4 UTF-8 bytes and
# 1-2 UTF-16 units.
ALPHABET = ["a", " ", "\n", "\r", "\r\n", "\x0c", "\v", "\x1c", "\x1d", "\x1e", "\x85"]
ALPHABET += ["\u2028", "\u2029", "é", "中", "😀"]
TEXTS = st.lists(st.sampled_from(ALPHABET), max_size=12).map("".join)
ENCODINGS: list[Encoding] = ["utf-8", "utf-16", "utf-32"]


def reference_lines(text: str) -> list[tuple[str, str]]:
    """(content, break) per line; a line ends only at \\r\\n, \\r or \\n."""
    lines: list[tuple[str, str]] = []
    content, index = "", 0
    while index < len(text):
        char = text[index]
        if char == "\r" and text[index + 1 : index + 2] == "\n":
            lines.append((content, "\r\n"))
            content, index = "", index + 2
            continue
        if char in "\r\n":
            lines.append((content, char))
            content = ""
        else:
            content += char
        index += 1
    lines.append((content, ""))
    return lines


def units(char: str, encoding: Encoding) -> int:
    if encoding == "utf-8":
        return len(char.encode("utf-8"))
    return 2 if encoding == "utf-16" and ord(char) > 0xFFFF else 1


def reference_offset(text: str, line: int, character: int, encoding: Encoding) -> int:
    """Past the last line: the end; past a line's end: that end; inside a character: after it."""
    lines = reference_lines(text)
    if line >= len(lines):
        return len(text)
    offset = sum(len(content) + len(end) for content, end in lines[:line])
    count = 0
    for char in lines[line][0]:
        if count >= character:
            return offset
        count += units(char, encoding)
        offset += 1
    return offset


def reference_change(
    text: str, start: tuple[int, int], end: tuple[int, int], new: str, encoding: Encoding
) -> str:
    first = reference_offset(text, *start, encoding)
    last = reference_offset(text, *end, encoding)
    first, last = min(first, last), max(first, last)
    return text[:first] + new + text[last:]


POSITIONS = st.tuples(st.integers(0, 8), st.integers(0, 30))
CHANGES = st.lists(st.tuples(POSITIONS, POSITIONS, TEXTS), min_size=1, max_size=8)


def document(text: str, encoding: Encoding) -> LspTextDocument:
    return LspTextDocument("file:///a.py", text, 1, position_codec=PositionCodec(encoding))


def partial(
    start: tuple[int, int], end: tuple[int, int], new: str
) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(*start), end=types.Position(*end)), text=new
    )


@settings(max_examples=400, deadline=None)
@given(text=TEXTS, changes=CHANGES, encoding=st.sampled_from(ENCODINGS))
def test_changes_match_the_reference_model(
    text: str, changes: list[tuple[tuple[int, int], tuple[int, int], str]], encoding: Encoding
) -> None:
    doc = document(text, encoding)
    expected = text
    for start, end, new in changes:
        doc.apply_change(partial(start, end, new))
        expected = reference_change(expected, start, end, new, encoding)
        assert doc.source == expected


@given(text=TEXTS)
def test_lines_end_only_at_lsp_line_breaks(text: str) -> None:
    lines = [content + end for content, end in reference_lines(text)]
    if lines[-1] == "":  # like str.splitlines(True): no empty line after the last break
        lines.pop()
    assert list(document(text, "utf-16").lines) == lines


@given(text=TEXTS, position=POSITIONS, encoding=st.sampled_from(ENCODINGS))
def test_offset_at_position(text: str, position: tuple[int, int], encoding: Encoding) -> None:
    offset = document(text, encoding).offset_at_position(types.Position(*position))
    assert offset == reference_offset(text, *position, encoding)


def test_the_issue_example_lands_on_the_last_line() -> None:
    doc = document("import tensorflow as tf\n# page\x0cbreak\nx = 1\ny = 2\n", "utf-16")
    doc.apply_change(partial((3, 4), (3, 5), "tf.Session()"))
    assert doc.source == "import tensorflow as tf\n# page\x0cbreak\nx = 1\ny = tf.Session()\n"


def test_a_position_past_the_end_of_the_last_line_is_its_end() -> None:
    doc = document("import tensorflow as tf\nx = 1", "utf-8")
    doc.apply_change(partial((1, 99), (1, 99), "\ny = 2"))
    assert doc.source == "import tensorflow as tf\nx = 1\ny = 2"


def test_encoding_names() -> None:
    assert encoding_of(types.PositionEncodingKind.Utf8) == "utf-8"
    assert encoding_of("utf-32") == "utf-32"
    assert encoding_of(None) == "utf-16"
    assert encoding_of("latin-1") == "utf-16"
