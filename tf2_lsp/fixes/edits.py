"""Line edits -> minimal text changes, so an editor's undo and diff show just what a fix changed."""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from tf2_lsp.text import line_ending, line_starts, split_lines_keeping_ends

_LINE_BREAK_SPLIT = re.compile(r"(\r\n|\r|\n)")


@dataclass(frozen=True, slots=True)
class LineEdit:
    """Replace lines `start`..`end` (1-based, inclusive; end = start - 1 inserts) with `lines`."""

    start: int
    end: int
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TextChange:
    """Replace (line, column)..(end_line, end_column), 0-based, columns in characters."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


def apply_line_edits(source: str, edits: Iterable[LineEdit]) -> str:
    """Apply edits keeping each untouched line's own line ending (files may mix them). Lines
    inserted at one place come in the reverse of the edits' order (the last edit's first)."""
    parts = _LINE_BREAK_SPLIT.split(source)
    texts, breaks = parts[0::2], [*parts[1::2], ""]
    newline = line_ending(source)
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        if _appends_to_unended_line(edit, len(texts), breaks):
            # After a last line with no line break: that line gets one, the file still ends
            # without (a conftest.py of one import, no newline, got `...session_tfimport tf`).
            breaks[-1] = newline
            texts.extend(edit.lines)
            breaks.extend([*[newline] * (len(edit.lines) - 1), ""])
            continue
        texts[edit.start - 1 : edit.end] = list(edit.lines)
        breaks[edit.start - 1 : edit.end] = _new_breaks(
            breaks[edit.start - 1 : edit.end], len(edit.lines), newline
        )
    return "".join(text + brk for text, brk in zip(texts, breaks, strict=True))


def _appends_to_unended_line(edit: LineEdit, line_count: int, breaks: list[str]) -> bool:
    """`edit` inserts lines after the file's last line, which has no line break."""
    return (
        edit.end < edit.start == line_count + 1
        and bool(edit.lines)
        and line_count > 0
        and breaks[line_count - 1] == ""
    )


def _new_breaks(old: list[str], count: int, newline: str) -> list[str]:
    """The breaks of `count` lines replacing lines whose breaks were `old`: each replaced line's
    own break, in order, the last one's (maybe none, at the end of the file) on the last new
    line, the file's first line ending for the lines added."""
    new = [newline] * count
    if old and new:
        new[-1] = old[-1]
        for index in range(min(len(old), count) - 1):
            new[index] = old[index]
    return new


def minimal_changes(source: str, edits: Iterable[LineEdit]) -> list[TextChange]:
    """The text changes that make `apply_line_edits(source, edits)` of `source`, each narrowed
    to the characters that differ."""
    parts = _LINE_BREAK_SPLIT.split(source)
    texts, breaks = parts[0::2], [*parts[1::2], ""]
    starts = line_starts(source)
    newline = line_ending(source)
    changes = []
    # Insertions at one place in the order `apply_line_edits` gives them: an editor puts text
    # inserted at one position in the order of the changes.
    ordered = sorted(enumerate(edits), key=lambda pair: (pair[1].start, pair[1].end, -pair[0]))
    for _, edit in ordered:
        first, last = edit.start - 1, max(edit.end, edit.start - 1)  # lines first..last-1 go
        begin = starts[first] if first < len(starts) else len(source)
        old = "".join(t + b for t, b in zip(texts[first:last], breaks[first:last], strict=True))
        if _appends_to_unended_line(edit, len(texts), breaks):
            new = "".join(newline + text for text in edit.lines)
        else:
            new_breaks = _new_breaks(breaks[first:last], len(edit.lines), newline)
            new = "".join(t + b for t, b in zip(edit.lines, new_breaks, strict=True))
        change = _narrowed(source, starts, begin, old, new)
        if change is not None:
            changes.append(change)
    return changes


def text_changes(old: str, new: str) -> list[TextChange]:
    """Changes that turn `old` into exactly `new` (every line ending included), one per run of
    changed lines, each narrowed to the characters that differ."""
    old_lines, new_lines = split_lines_keeping_ends(old), split_lines_keeping_ends(new)
    starts = line_starts(old)
    begins = [*starts[: len(old_lines)], len(old)]  # where each of old_lines begins, and the end
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        change = _narrowed(old, starts, begins[i1], removed, added)
        if change is not None:
            changes.append(change)
    return changes


def _narrowed(source: str, starts: list[int], begin: int, old: str, new: str) -> TextChange | None:
    """Replace `old` (at offset `begin` of `source`) by `new`, minus what they share at either
    end; a range never ends between the \r and \n of one line break."""
    prefix = _common_prefix(old, new)
    suffix = _common_prefix(old[prefix:][::-1], new[prefix:][::-1])
    start, end = begin + prefix, begin + len(old) - suffix
    if start > begin and source[start - 1 : start + 1] == "\r\n":
        start -= 1
    if end < begin + len(old) and source[end - 1 : end + 1] == "\r\n":
        end += 1
    replacement = new[start - begin : len(new) - (begin + len(old) - end)]
    if start == end and not replacement:
        return None
    return TextChange(*_position(starts, start), *_position(starts, end), replacement)


def _common_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[index] == b[index]:
        index += 1
    return index


def _position(starts: list[int], offset: int) -> tuple[int, int]:
    """An offset as (0-based line, character column), lines as LSP and Python count them."""
    line = bisect.bisect_right(starts, offset) - 1
    return line, offset - starts[line]
