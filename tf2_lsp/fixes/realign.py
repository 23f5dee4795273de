"""A spliced fix grown over the continuation lines it moved off their bracket (layout.py)."""

from __future__ import annotations

from collections.abc import Sequence

from tf2_lsp.fixes.edits import LineEdit
from tf2_lsp.transforms.layout import bracket_balance, realigned

# A statement longer than this is not tokenized again to realign a spliced line (a `for` or
# `with` block is the statement of a call in its header).
_LONGEST_STATEMENT = 400


def grown(
    lines: Sequence[str],
    edits: Sequence[LineEdit],
    statements: Sequence[tuple[int, int]],
    busy: set[int],
) -> list[LineEdit]:
    """The splices' `edits`, each grown over the continuation lines of its statement that
    `realigned` moves, where no other edit (nor a line of `busy`) takes them."""
    taken = set(busy)
    for edit in edits:
        taken.update(range(edit.start, edit.end + 1))
    result = []
    for edit in edits:
        around = [(s0, s1) for s0, s1 in statements if s0 <= edit.end and edit.start <= s1]
        if not around:
            result.append(edit)
            continue
        first = min(s0 for s0, _ in around)
        last = max(s1 for _, s1 in around)
        bigger = _grown(lines, edit, (min(first, edit.start), max(last, edit.end)), taken)
        taken.update(range(bigger.start, bigger.end + 1))
        result.append(bigger)
    return result


def _grown(
    lines: Sequence[str], edit: LineEdit, statement: tuple[int, int], taken: set[int]
) -> LineEdit:
    first, last = statement
    if len(edit.lines) != edit.end - edit.start + 1:
        return edit
    # Only lines after one that leaves a bracket open can be aligned under it, and only up
    # to where its brackets close (the header of a `with` block, not its body).
    balance, end = 0, None
    for number in range(edit.start, last + 1):
        balance += bracket_balance(lines[number - 1])
        if number >= edit.end and balance <= 0:
            end = number
            break
    if (end == edit.start == edit.end) or (end is None and last - first >= _LONGEST_STATEMENT):
        return edit
    last = end if end is not None else last
    old = list(lines[first - 1 : last])
    new = list(old)
    new[edit.start - first : edit.end - first + 1] = edit.lines
    moved = realigned(old, new)
    changed = [index for index, line in enumerate(moved) if line != new[index]]
    if not changed:
        return edit
    start = min(edit.start, first + changed[0])
    end = max(edit.end, first + changed[-1])
    if any(n in taken for n in range(start, end + 1) if not edit.start <= n <= edit.end):
        return edit  # another edit holds a line to move: left as the splice wrote it
    return LineEdit(start, end, tuple(moved[start - first : end - first + 1]))
