"""libcst building blocks shared by the rewrites: arguments, comma repair, arithmetic.

Only rewrites import this module (it loads libcst; see `base`).
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst import MaybeSentinel

from tf2_lsp.transforms import numbers
from tf2_lsp.transforms.base import FixError, Names

_NO_SPACE = cst.SimpleWhitespace("")
ATOMIC = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float)


def the_call(node: cst.BaseExpression) -> cst.Call:
    """The node a call transform was anchored at, as a call."""
    if not isinstance(node, cst.Call):
        raise FixError("not a call")
    return node


def keyword_arg(name: str, value: cst.BaseExpression, like: cst.Arg | None = None) -> cst.Arg:
    arg = cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=_NO_SPACE, whitespace_after=_NO_SPACE),
    )
    return arg.with_changes(comma=like.comma) if like is not None else arg


def bare(arg: cst.Arg) -> cst.Arg:
    """`arg` passed by position."""
    return arg.with_changes(keyword=None, equal=MaybeSentinel.DEFAULT)


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


def take(call: cst.Call, name: str, position: int | None) -> tuple[cst.Arg | None, list[cst.Arg]]:
    """Remove the argument `name` (by keyword, or at `position`) from the call's arguments."""
    found: cst.Arg | None = None
    rest: list[cst.Arg] = []
    index = 0
    for arg in call.args:
        is_positional = arg.keyword is None and not arg.star
        if (arg.keyword is not None and arg.keyword.value == name) or (
            is_positional and index == position
        ):
            found = arg
        else:
            rest.append(arg)
        if is_positional:
            index += 1
    return found, rest


def renamed(call: cst.Call, names: Names, target: str) -> cst.Call:
    """`call` calling `target` instead, spelled through the file's imports."""
    return call.with_changes(func=cst.parse_expression(names.name(target)))


def one_minus(value: cst.BaseExpression) -> cst.BaseExpression:
    exact = _number(value, numbers.one_minus)
    if exact is not None:
        return exact
    return cst.BinaryOperation(left=cst.Integer("1"), operator=cst.Subtract(), right=operand(value))


def gpu_devices(value: cst.BaseExpression) -> cst.BaseExpression:
    """A literal GPU count as the device names TF1 derived from it: `2` -> `['/gpu:0',
    '/gpu:1']`; no GPU meant the CPU (`0` -> `['/cpu:0']`)."""
    if not isinstance(value, cst.Integer):
        raise FixError("the GPU count is not a literal")
    count = int(value.evaluated_value)
    names = [f"'/gpu:{i}'" for i in range(count)] or ["'/cpu:0'"]
    return cst.parse_expression(f"[{', '.join(names)}]")


def scaled(factor: str, value: cst.BaseExpression) -> cst.BaseExpression:
    exact = _number(value, lambda literal: numbers.times(factor, literal))
    if exact is not None:
        return exact
    return cst.BinaryOperation(
        left=cst.Float(factor), operator=cst.Multiply(), right=operand(value)
    )


def _number(value: cst.BaseExpression, compute: numbers.Arithmetic) -> cst.Float | None:
    if isinstance(value, cst.Float | cst.Integer) and not value.lpar:
        result = compute(value.value)
        return cst.Float(result) if result is not None else None
    return None


def operand(value: cst.BaseExpression) -> cst.BaseExpression:
    """`value` as one operand of an operator: parenthesised unless it is atomic."""
    return value if isinstance(value, ATOMIC) else parenthesize(value)


def parenthesize(value: cst.BaseExpression) -> cst.BaseExpression:
    return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
