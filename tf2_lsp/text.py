"""Source text helpers: line splitting as Python's parser sees it, and column conversions.

`ast` reports columns in UTF-8 bytes, LSP clients count UTF-16 code units by default, and the
CLI and libcst count characters. Every conversion lives here so that non-ASCII text before a
symbol cannot shift a range.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass
from typing import Literal

# Python's tokenizer ends lines only at \r\n, \r and \n (str.splitlines also splits at \x0c,
# \u2028 and others, which would shift every line number after them).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_WITH_BREAK = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")

Encoding = Literal["utf-8", "utf-16", "utf-32"]


@dataclass(frozen=True, slots=True)
class Span:
    """A range: 1-based lines, 0-based columns counted in characters (code points)."""

    line: int
    column: int
    end_line: int
    end_column: int

    def contains(self, line: int, column: int) -> bool:
        if (line, column) < (self.line, self.column):
            return False
        return (line, column) <= (self.end_line, self.end_column)


def split_lines(source: str) -> list[str]:
    """The lines of `source` without their line breaks, numbered as `ast` numbers them."""
    if "\r" not in source:
        # `str.split` is about 10x the regular expression's speed, and without a carriage
        # return "\n" is the only break: 3% of a serial `check` went to the expression.
        return source.split("\n")
    return _LINE_BREAK.split(source)


def split_lines_keeping_ends(source: str) -> list[str]:
    """The lines with their breaks, shaped as `str.splitlines(keepends=True)` shapes them (no
    empty line after a final break), but split only where Python and LSP end lines."""
    return _LINE_WITH_BREAK.findall(source)


def line_starts(source: str) -> list[int]:
    """The offset where each line starts (LSP's and Python's line breaks); always >= 1 entry."""
    return [0, *(match.end() for match in _LINE_BREAK.finditer(source))]


def offset_at(source: str, starts: list[int], line: int, column: int, encoding: Encoding) -> int:
    """The offset in `source` of a client position, clamped as LSP says: a column past the end
    of its line is the line's end, a line past the last one is the end of the text."""
    if line >= len(starts):
        return len(source)
    start = starts[line]
    end = starts[line + 1] if line + 1 < len(starts) else len(source)
    content = source[start:end].rstrip("\r\n")  # a line holds no break but its own
    return start + from_client_column(content, column, encoding)


def line_ending(source: str) -> str:
    match = _LINE_BREAK.search(source)
    return match.group(0) if match else "\n"


class LineIndex:
    """Converts `ast` byte columns to character columns, line by line, lazily."""

    def __init__(self, source: str) -> None:
        self.lines = split_lines(source)
        # Per non-ASCII line, the byte offset of each character: made once, so each finding's
        # conversion costs a binary search, whatever the line's length.
        self._byte_starts: dict[int, list[int]] = {}

    def char_column(self, line: int, byte_column: int) -> int:
        if line < 1 or line > len(self.lines):
            return byte_column
        text = self.lines[line - 1]
        if text.isascii():
            return byte_column
        starts = self._byte_starts.get(line)
        if starts is None:
            starts = self._byte_starts[line] = _unit_starts(text, "utf-8")
        return min(bisect.bisect_left(starts, byte_column), len(text))

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""


# Lines longer than this get their column offsets computed once and kept (a generated file's
# one long line holds thousands of findings); shorter ones are converted directly.
_LONG_LINE = 256


def to_client_column(line_text: str, column: int, encoding: Encoding) -> int:
    """A character column as the client counts it."""
    if encoding == "utf-32" or line_text.isascii():
        return column
    if len(line_text) > _LONG_LINE:
        return _long_line_starts(line_text, encoding)[max(0, min(column, len(line_text)))]
    prefix = line_text[:column]
    if encoding == "utf-16":
        return len(prefix.encode("utf-16-le")) // 2
    return len(prefix.encode("utf-8"))


def from_client_column(line_text: str, column: int, encoding: Encoding) -> int:
    """A client's column as a character column (clamped to the line)."""
    if encoding == "utf-32" or line_text.isascii():
        return min(column, len(line_text))
    if len(line_text) > _LONG_LINE:
        starts = _long_line_starts(line_text, encoding)
        return min(bisect.bisect_left(starts, column), len(line_text))
    units = 0
    for index, char in enumerate(line_text):
        if units >= column:
            return index
        if encoding == "utf-16":
            units += 2 if ord(char) > 0xFFFF else 1
        else:
            units += len(char.encode("utf-8"))
    return len(line_text)


@functools.lru_cache(maxsize=16)
def _long_line_starts(line_text: str, encoding: Encoding) -> list[int]:
    # Keyed by the line itself: the findings of one line pass the same string object, so a
    # lookup costs no comparison of its characters.
    return _unit_starts(line_text, encoding)


def _unit_starts(text: str, encoding: Encoding) -> list[int]:
    """Where each character of `text` starts, counted in `encoding`'s code units, and the end."""
    if encoding == "utf-16":
        sizes = (2 if char > "\uffff" else 1 for char in text)
    else:
        sizes = (
            1 if char < "\x80" else 2 if char < "\u0800" else 3 if char <= "\uffff" else 4
            for char in text
        )
    return list(itertools.accumulate(sizes, initial=0))
