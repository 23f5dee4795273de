"""A call's arguments as the call model reads them: in source order, as literals, as short text."""

from __future__ import annotations

import ast


def arguments_in_order(call: ast.Call) -> list[ast.expr | ast.keyword]:
    """The call's arguments in source order (positional arguments always come first unless
    a `*args` follows a keyword, which only star-aware code paths accept)."""
    items: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    items.sort(key=lambda node: (node.lineno, node.col_offset))
    return items


def literal(node: ast.expr) -> tuple[bool, object]:
    """(True, value) for a literal argument (`True`, `-1`, `[1, 2]`), else (False, None)."""
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def same_value(a: object, b: object) -> bool:
    """Equal and of the same type (`True` is not `1`, `1` is not `1.0` for a keep list)."""
    return type(a) is type(b) and a == b


def short_source(node: ast.AST) -> str:
    """The argument as a note quotes it: its source, cut at 40 characters."""
    try:
        text = ast.unparse(node)
    except (ValueError, RecursionError):  # pragma: no cover - ast.unparse of parsed code
        return "..."
    return text if len(text) <= 40 else text[:37] + "..."
