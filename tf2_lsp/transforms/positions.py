"""Positions inside a fix's anchor text, for splicing fixes at `ast` positions.

The anchor text is parsed as `(text)`, so line 1's columns are one too far to the right.
"""

from __future__ import annotations

import ast

from tf2_lsp.transforms import numbers
from tf2_lsp.transforms.base import FixError


def offset_in(text: str, line: int | None, column: int | None) -> int:
    """A position of the parsed `(text)` as an offset into `text` (ASCII: bytes = chars)."""
    if line is None or column is None:
        raise FixError("node without a position")
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column - (1 if line == 1 else 0)


def span_in(text: str, node: ast.AST) -> tuple[int, int]:
    return (
        offset_in(text, node.lineno, node.col_offset),  # type: ignore[attr-defined]
        offset_in(text, node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
    )


def blank_before(text: str, position: int) -> int:
    index = position - 1
    while index >= 0 and text[index] in " \t\r\n\\":
        index -= 1
    return index


def blank_after(text: str, position: int) -> int:
    index = position
    while index < len(text) and text[index] in " \t\r\n\\":
        index += 1
    return index


def bare_argument(
    call: ast.Call, text: str, node: ast.AST, keyword: bool = False
) -> tuple[int, int]:
    """The span of an argument written without parentheses of its own (`f(a, (b))` is not:
    `ast` leaves the parentheses out of `b`'s span, so a splice there would land inside them)."""
    start, end = span_in(text, node)
    opening = blank_after(text, span_in(text, call.func)[1])
    before, after = blank_before(text, start), blank_after(text, end)
    allowed = "=" if keyword else ",("
    if text[before] not in allowed or (text[before] == "(" and before != opening):
        raise FixError("parenthesised argument")
    if not (text[after] == "," or after == len(text) - 1):
        raise FixError("parenthesised argument")
    return start, end


_ATOMIC = (ast.Name, ast.Attribute, ast.Call, ast.Subscript)


def one_minus_text(node: ast.expr, text: str) -> str:
    """`1 - value`, written as `values.one_minus` writes it (numbers computed exactly)."""
    start, end = span_in(text, node)
    source = text[start:end]
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        # 0x10 and friends are kept as written.
        return numbers.one_minus(source) or f"1 - {source}"
    return f"1 - {source}" if isinstance(node, _ATOMIC) else f"1 - ({source})"
