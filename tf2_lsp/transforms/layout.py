"""Continuation lines kept under their bracket when a fix moves it.

A TF1 call written across lines usually aligns its later arguments under the first one:

    w = tf.get_variable("w", shape=[3, 3],
                        initializer=init)

A fix that renames the callee (`tf.compat.v1.get_variable`) moves the bracket 10 columns to the
right, and the continuation line, which the fix did not touch, was left under nothing. Each
line that the old text aligned one column past its enclosing bracket is moved to one column
past the same bracket in the new text; every other line keeps the indentation it has.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst as cst

_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")


@dataclass(frozen=True, slots=True)
class _Brackets:
    # Per bracket, in the order they open: (row, column), rows 0-based.
    where: list[tuple[int, int]]
    # Per line: the ordinal of the innermost bracket open where the line's first token
    # starts; None outside brackets, or where the line starts inside a string.
    enclosing: list[int | None]
    # Per line: how many brackets opened on the lines before it.
    opened_before: list[int]


def realigned(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """`new` (the same lines as `old` after a fix), with the continuation lines that `old`
    aligned under their bracket's first character aligned under that bracket in `new`."""
    result = list(new)
    if len(old) != len(new) or len(old) < 2 or not any(map(leaves_open, old[:-1])):
        return result
    before = _brackets(old)
    if before is None or not any(
        ordinal is not None and _indent(old[row]) == before.where[ordinal][1] + 1
        for row, ordinal in enumerate(before.enclosing)
    ):
        return result  # no line is aligned under a bracket: nothing to keep aligned
    after = _brackets(new)
    if after is None:
        return result
    shifts = [0] * len(result)
    for row in range(1, len(result)):
        if before.opened_before[row] != after.opened_before[row]:
            break  # the brackets no longer pair up by their order (a call split in two)
        ordinal = before.enclosing[row]
        if ordinal is None or ordinal != after.enclosing[row]:
            continue
        line = result[row]
        indent = _indent(line)
        if line[indent : indent + 1] == "\t" or old[row][:indent].count("\t"):
            continue
        if _indent(old[row]) != before.where[ordinal][1] + 1:
            continue  # not aligned under the bracket (a hanging indent): left as it is
        bracket_row, bracket_column = after.where[ordinal]
        target = bracket_column + shifts[bracket_row] + 1
        if target != indent:
            result[row] = " " * target + line[indent:]
            shifts[row] = target - indent
    return result


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def leaves_open(line: str) -> bool:
    """The line opens more brackets than it closes, counted as text: a cheap test that spares
    the tokenizer most statements (a bracket in a string only costs a needless look)."""
    return bracket_balance(line) > 0


def bracket_balance(line: str) -> int:
    return (
        line.count("(")
        + line.count("[")
        + line.count("{")
        - line.count(")")
        - line.count("]")
        - line.count("}")
    )


def _brackets(lines: Sequence[str]) -> _Brackets | None:
    """Where the brackets of `lines` open and which encloses each line's start; None when
    the lines are not complete Python tokens (a fix never makes such text, but be safe)."""
    where: list[tuple[int, int]] = []
    enclosing: list[int | None] = [None] * len(lines)
    started = [False] * len(lines)
    stack: list[int] = []
    text = "\n".join(lines) + "\n"
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            row = token.start[0] - 1
            if row >= len(lines):
                break
            if not started[row] and token.type not in (tokenize.NL, tokenize.NEWLINE):
                started[row] = True
                enclosing[row] = stack[-1] if stack else None
            for inside in range(row + 1, min(token.end[0], len(lines))):
                started[inside] = True  # a line that starts in a string: never moved
            if token.type != tokenize.OP:
                continue
            if token.string in _OPENING:
                stack.append(len(where))
                where.append((row, token.start[1]))
            elif token.string in _CLOSING and stack:
                stack.pop()
    except tokenize.TokenError as error:
        # Lines that stop inside a bracket (a statement's first lines) end in this error
        # once every token is out; a string left open does not.
        if "multi-line statement" not in str(error.args[0]):
            return None
    except (IndentationError, SyntaxError):
        return None
    opened_before, count = [], 0
    for row in range(len(lines)):
        while count < len(where) and where[count][0] < row:
            count += 1
        opened_before.append(count)
    return _Brackets(where, enclosing, opened_before)


def aligned_statement(
    statement: cst.SimpleStatementLine, stood: list[str], indent: str
) -> cst.BaseStatement:
    """`statement` (a call moved to a line of its own, as `self.x = Layer(...)` at `indent` in
    `__init__`) with its continuation lines under the bracket they were aligned under where
    the call stood (`stood`: those lines)."""
    import libcst as cst

    lines = cst.Module([]).code_for_node(statement).rstrip("\n").split("\n")
    if len(lines) < 2 or indent.strip(" "):
        return statement
    # libcst writes continuation lines after their block's indentation: compare them as they
    # will stand, then take the block's indentation off again.
    moved = realigned(stood, [indent + line for line in lines])
    kept = [line.removeprefix(indent) for line in moved[1:]]
    return cst.parse_statement("\n".join([lines[0], *kept]) + "\n")
