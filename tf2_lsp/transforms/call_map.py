"""The call-map family: a TF1 call rewritten onto a TF2 callable argument by argument, from data.

Each family (`keras`, `file_writer`, `tf2_twin`) is a table of `CallMap`s; this module applies
one. Detection binds the call it would write against the target's real signature
(`analysis.call_model.call_map_problem`) before the fix is offered.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import (
    STARRED,
    Applies,
    CallMap,
    FixError,
    Names,
    Rewrite,
    Site,
    Transform,
    has_star,
)

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["CallMap", "call_map_transform", "refusing"]  # CallMap: the tables import it here


def refusing(keywords: frozenset[str], what: str) -> Applies:
    """Applies unless the call passes one of `keywords`, which have no `what` equivalent."""

    def applies(call: ast.Call) -> str | None:
        if has_star(call):
            return STARRED
        for keyword in call.keywords:
            if keyword.arg in keywords:
                return f"`{keyword.arg}=` has no {what} equivalent"
        return ""

    return applies


def call_map_transform(name: str, maps: Mapping[str, CallMap], applies: Applies) -> Transform:
    emits = tuple(sorted({m.target for m in maps.values()}))
    return Transform(name, applies, emits, _rewrite_with(maps), maps=maps)


def _rewrite_with(maps: Mapping[str, CallMap]) -> Rewrite:
    def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
        """The call rewritten by its symbol's `CallMap`; a Keras layer is built, then called."""
        import libcst as cst

        from tf2_lsp.transforms.values import the_call, with_args

        mapping = maps.get(site.symbol)
        if mapping is None:
            raise FixError(f"no TF2 mapping for {site.symbol}")
        new_call, inputs, at_call = remap_call(the_call(node), mapping, names)
        if mapping.inputs is None:
            return new_call
        if inputs is None:
            raise FixError("no input tensor to call the layer on")
        # `tf.layers.dense(x, ...)` -> `tf.keras.layers.Dense(...)(x)`: build, then call.
        return with_args(cst.Call(func=new_call, args=[]), [inputs, *at_call])

    return rewrite


def remap_call(
    call: cst.Call, mapping: CallMap, names: Names
) -> tuple[cst.Call, cst.Arg | None, list[cst.Arg]]:
    """The TF2 call for `mapping`, plus the layer input and call-time arguments it split off."""
    import libcst as cst

    from tf2_lsp.transforms.values import bare, keyword_arg, renamed, with_args

    named: list[tuple[str, cst.Arg, bool]] = []  # (TF1 name, argument, was positional)
    position = 0
    for arg in call.args:
        if arg.star:
            raise FixError(STARRED)
        if arg.keyword is None:
            if position >= len(mapping.v1):
                raise FixError("more positional arguments than the TF1 signature takes")
            named.append((mapping.v1[position], arg, True))
            position += 1
        else:
            name = arg.keyword.value
            if name not in mapping.v1:
                raise FixError(f"TF1 has no parameter `{name}` here")
            named.append((name, arg, False))
    if mapping.positional:
        # The parameters written by position go first, in the target's order.
        first = [n for n in named if n[0] in mapping.positional]
        first.sort(key=lambda n: mapping.v2.index(n[0]))
        if [n[0] for n in first] != list(mapping.v2[: len(first)]):
            raise FixError(f"needs {', '.join(mapping.positional)} to write the TF2 form")
        named = [(n, a, True) for n, a, _ in first] + [n for n in named if n not in first]
    placed, pins = arrange(mapping, [(name, positional) for name, _, positional in named])
    scale = dict(mapping.scale)
    inputs: cst.Arg | None = None
    at_call: list[cst.Arg] = []
    args: list[cst.Arg] = []
    origins: list[cst.Arg | None] = []  # the TF1 argument each comes from (None: added)
    for (name, arg, _), place in zip(named, placed, strict=True):
        if place is None:  # not an argument of the target
            if name in mapping.drop:
                continue
            if name == mapping.inputs:
                inputs = bare(arg)
            else:
                at_call.append(keyword_arg(name, arg.value))
            continue
        value = _times(arg.value, scale[name]) if name in scale else arg.value
        args.append(
            bare(arg).with_changes(value=value) if place == "" else keyword_arg(place, value)
        )
        origins.append(arg)
    written = [*mapping.v2[: placed.count("")], *(place for place in placed if place)]
    if len(written) != len(set(written)):
        raise FixError("an argument is passed twice after renaming")
    defaults = dict(mapping.pin)
    for name in pins:
        args.append(keyword_arg(name, cst.parse_expression(defaults[name])))
        origins.append(None)
    # `with_args` reads the original arguments for a trailing comma, then replaces them.
    new_call = renamed(call, names, mapping.target)
    return with_args(new_call, in_layout(args, call.args, origins)), inputs, at_call


def in_layout(
    args: Sequence[cst.Arg],
    original: Sequence[cst.Arg],
    origins: Sequence[cst.Arg | None] | None = None,
) -> list[cst.Arg]:
    """`args` laid out as the `original` arguments were: each new argument that comes from an
    original one (`origins`, by identity) keeps the separator that followed it (its line
    break and indentation), so a break stays after the argument it followed when others are
    dropped or moved; an added one takes the separator before it; the last takes the
    original's last comma and the space before the closing parenthesis. Without `origins`,
    the i-th new argument takes the i-th separator."""
    if not original or not args:
        return list(args)
    inner = [arg.comma for arg in original[:-1]]
    last_original = original[-1]
    laid: list[cst.Arg] = []
    for index, arg in enumerate(args):
        origin = origins[index] if origins is not None else None
        if index == len(args) - 1:
            arg = arg.with_changes(
                comma=last_original.comma, whitespace_after_arg=last_original.whitespace_after_arg
            )
        elif origin is not None and origin is not last_original:
            arg = arg.with_changes(comma=origin.comma)
        elif origins is not None and laid:
            arg = arg.with_changes(comma=laid[-1].comma)
        elif inner:
            arg = arg.with_changes(comma=inner[min(index, len(inner) - 1)])
        laid.append(arg)
    return laid


def arrange(
    mapping: CallMap, named: Sequence[tuple[str, bool]]
) -> tuple[list[str | None], list[str]]:
    """How the TF2 call passes each TF1 argument, given in order as (TF1 name, passed by
    position): "" by position, else the keyword; None when the target does not take it
    (dropped, the layer input, a call-time argument). Then the pinned TF1 defaults it adds.
    The rewrite and detection's binding check (`analysis.call_model.call_map_problem`) both use it,
    so the call that is verified is the call that is written."""
    rename = dict(mapping.rename)
    placed: list[str | None] = []
    slot = 0  # next positional slot of the target
    for name, positional in named:
        if name in mapping.drop or name == mapping.inputs or name in mapping.call:
            placed.append(None)
            continue
        new = rename.get(name, name)
        by_keyword = any(placed)  # once one argument goes by keyword, all later ones do
        if positional and not by_keyword and slot < len(mapping.v2) and mapping.v2[slot] == new:
            placed.append("")
            slot += 1
        else:
            placed.append(new)
    written = {*mapping.v2[:slot], *(place for place in placed if place)}
    return placed, [name for name, _ in mapping.pin if name not in written]


def _times(value: cst.BaseExpression, factor: int) -> cst.BaseExpression:
    """`value * factor`, computed when `value` is an integer literal (`flush_secs` -> millis)."""
    import libcst as cst

    from tf2_lsp.transforms.values import operand

    if isinstance(value, cst.Integer) and not value.lpar:
        return cst.Integer(str(int(value.value.replace("_", ""), 0) * factor))
    return cst.BinaryOperation(
        left=operand(value), operator=cst.Multiply(), right=cst.Integer(str(factor))
    )
