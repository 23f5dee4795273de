"""libcst building blocks shared by the rewrites: keyword arguments, comma repair, arithmetic."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import libcst as cst
from libcst import MaybeSentinel

from tf2_lsp.fixes.errors import FixError

__all__ = ["FixError", "keyword_arg", "one_minus", "parenthesize", "scaled", "with_args"]

_NO_SPACE = cst.SimpleWhitespace("")
ATOMIC = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float)


def keyword_arg(name: str, value: cst.BaseExpression, like: cst.Arg | None = None) -> cst.Arg:
    arg = cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=_NO_SPACE, whitespace_after=_NO_SPACE),
    )
    return arg.with_changes(comma=like.comma) if like is not None else arg


def with_args(call: cst.Call, args: Sequence[cst.Arg]) -> cst.Call:
    """`call` with new arguments, commas repaired; a trailing comma survives if there was one."""
    trailing = bool(call.args) and not isinstance(call.args[-1].comma, MaybeSentinel)
    fixed = []
    for index, arg in enumerate(args):
        last = index == len(args) - 1
        if not last and isinstance(arg.comma, MaybeSentinel):
            arg = arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        elif last and not trailing:
            arg = arg.with_changes(comma=MaybeSentinel.DEFAULT)
        fixed.append(arg)
    return call.with_changes(args=fixed)


def one_minus(value: cst.BaseExpression) -> cst.BaseExpression:
    number = _literal(value)
    if number is not None:
        return cst.Float(_format(Decimal(1) - number))
    return cst.BinaryOperation(
        left=cst.Integer("1"),
        operator=cst.Subtract(),
        right=value if isinstance(value, ATOMIC) else parenthesize(value),
    )


def scaled(factor: str, value: cst.BaseExpression) -> cst.BaseExpression:
    number = _literal(value)
    if number is not None:
        return cst.Float(_format(Decimal(factor) * number))
    return cst.BinaryOperation(
        left=cst.Float(factor),
        operator=cst.Multiply(),
        right=value if isinstance(value, ATOMIC) else parenthesize(value),
    )


def _literal(value: cst.BaseExpression) -> Decimal | None:
    if isinstance(value, cst.Float | cst.Integer) and not value.lpar:
        try:
            return Decimal(value.value.replace("_", ""))
        except InvalidOperation:
            return None
    return None


def _format(number: Decimal) -> str:
    # Decimal arithmetic first: 1 - 0.9 is 0.1 here, not 0.09999999999999998.
    return repr(float(number))


def parenthesize(value: cst.BaseExpression) -> cst.BaseExpression:
    return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
