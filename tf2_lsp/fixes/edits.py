"""Line edits -> minimal text changes, so an editor's undo and diff show just what a fix changed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from tf2_lsp.text import line_ending, split_lines


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


def line_edits_between(old: str, new: str) -> list[LineEdit]:
    """Line edits that turn `old` into `new` (both with the same line endings)."""
    old_lines, new_lines = split_lines(old), split_lines(new)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2 == len(old_lines):  # after the last line: replace it, there is no line after
            i1, j1 = i1 - 1, j1 - 1
        edits.append(LineEdit(i1 + 1, i2, tuple(new_lines[j1:j2])))
    return edits


def minimal_changes(
    source: str, edits: Iterable[LineEdit], lines: list[str] | None = None
) -> list[TextChange]:
    lines = lines if lines is not None else split_lines(source)
    newline = line_ending(source)
    changes = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.end < edit.start:  # an insertion before line `start`
            text = "".join(line + newline for line in edit.lines)
            changes.append(TextChange(edit.start - 1, 0, edit.start - 1, 0, text))
            continue
        if not edit.lines:  # a deletion: the lines go with their line breaks
            changes.append(_deletion(lines, edit.start - 1, edit.end - 1))
            continue
        old = "\n".join(lines[edit.start - 1 : edit.end])
        new = "\n".join(edit.lines)
        prefix = _common_prefix(old, new)
        suffix = _common_prefix(old[prefix:][::-1], new[prefix:][::-1])
        start = _position(old, prefix)
        end = _position(old, len(old) - suffix)
        replacement = new[prefix : len(new) - suffix].replace("\n", newline)
        changes.append(
            TextChange(
                edit.start - 1 + start[0],
                start[1],
                edit.start - 1 + end[0],
                end[1],
                replacement,
            )
        )
    return changes


def _deletion(lines: list[str], first: int, last: int) -> TextChange:
    """Remove 0-based lines first..last, and one line break with them."""
    if last + 1 < len(lines):
        return TextChange(first, 0, last + 1, 0, "")
    if first > 0:  # the last line (no break after it): take the break before it
        return TextChange(first - 1, len(lines[first - 1]), last, len(lines[last]), "")
    return TextChange(first, 0, last, len(lines[last]), "")


def _common_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[index] == b[index]:
        index += 1
    return index


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line = before.count("\n")
    return line, offset - (before.rfind("\n") + 1)
