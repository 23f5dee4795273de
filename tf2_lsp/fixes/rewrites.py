"""libcst rewrites for the fixes that need code (named in `transforms.TRANSFORMS`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst import MaybeSentinel

from tf2_lsp.catalogue.rules import ArgChange
from tf2_lsp.catalogue.transforms import CALL_MAPS, CAST_DTYPES, CallMap
from tf2_lsp.fixes.imports import Renderer
from tf2_lsp.fixes.values import (
    ATOMIC,
    FixError,
    keyword_arg,
    parenthesize,
    scaled,
    with_args,
)
from tf2_lsp.model import Finding


@dataclass(frozen=True, slots=True)
class ArgumentPlan:
    """What an `arguments` fix does to one call, decided once for both rewriters."""

    to_keyword: dict[int, str]  # positional index -> the TF2 keyword it is passed as
    renamed: dict[str, str]  # keyword -> its TF2 name
    removed: frozenset[str]  # TF1 parameters dropped (by keyword or by position)
    dropped_positions: frozenset[int]


def plan_arguments(
    change: ArgChange, positional: int, keywords: Sequence[str | None]
) -> ArgumentPlan:
    """Raises FixError where the rewrite would change what the call means."""
    common = change.stable_positions()
    to_keyword: dict[int, str] = {}
    dropped: set[int] = set()
    filled: list[str] = []  # parameters still passed positionally (a keyword must not repeat them)
    for index in range(positional):
        if index >= common:
            if index >= len(change.v1):
                raise FixError("more positional arguments than the TF1 signature takes")
            name = change.v1[index]
            if name in change.remove:
                dropped.add(index)
            else:
                to_keyword[index] = change.rename.get(name, name)
        elif index < len(change.v1):
            filled.append(change.rename.get(change.v1[index], change.v1[index]))
    passed = [k for k in keywords if k is not None]
    renamed = {k: change.rename[k] for k in passed if k in change.rename}
    removed = {k for k in passed if k in change.remove}
    removed.update(change.v1[i] for i in dropped)
    names = [*to_keyword.values(), *(renamed.get(k, k) for k in passed if k not in change.remove)]
    if len({*names, *filled}) != len(names) + len(filled):
        raise FixError("the renamed keyword is already passed")
    if change.v2:
        unknown = [n for n in names if n not in change.v2]
        if unknown:
            raise FixError(f"TF2 has no parameter `{unknown[0]}`")
    return ArgumentPlan(to_keyword, renamed, frozenset(removed), frozenset(dropped))


def rewrite_arguments(call: cst.Call, change: ArgChange) -> cst.Call:
    positional = sum(1 for arg in call.args if not arg.star and arg.keyword is None)
    plan = plan_arguments(
        change,
        positional,
        [
            arg.keyword.value if arg.keyword else None
            for arg in call.args
            if not arg.star and arg.keyword is not None
        ],
    )
    args: list[cst.Arg] = []
    position = 0
    for arg in call.args:
        if arg.star:
            args.append(arg)
            continue
        if arg.keyword is None:
            index, position = position, position + 1
            if index in plan.dropped_positions:
                continue
            if index in plan.to_keyword:
                arg = keyword_arg(plan.to_keyword[index], arg.value, arg)
            args.append(arg)
            continue
        name = arg.keyword.value
        if name in plan.removed:
            continue
        if name in plan.renamed:
            arg = arg.with_changes(keyword=cst.Name(plan.renamed[name]))
        args.append(arg)
    return with_args(call, args)


def _take(call: cst.Call, name: str, position: int | None) -> tuple[cst.Arg | None, list[cst.Arg]]:
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


def _renamed(call: cst.Call, renderer: Renderer, target: str) -> cst.Call:
    return call.with_changes(func=cst.parse_expression(renderer.name(target)))


# -- transforms -----------------------------------------------------------------------


def _regularizer(target: str, factor: str | None) -> Rewrite:
    def rewrite(call: cst.Call, finding: Finding, renderer: Renderer) -> cst.BaseExpression:
        scale, _ = _take(call, "scale", 0)
        if scale is None:
            raise FixError("no scale argument")
        value = scaled(factor, scale.value) if factor else scale.value
        return _renamed(call, renderer, target).with_changes(args=[cst.Arg(value=value)])

    return rewrite


def _penalty_lambda(penalty: Callable[[Renderer], str]) -> Rewrite:
    """`l2_regularizer(s)` -> `lambda w: s * tf.nn.l2_loss(w)`: TF1's exact penalty, and a plain
    callable, which `tf.compat.v1.get_variable` accepts where Keras 3 regularizers raise
    (measured on TF 2.21 graph mode: "Invalid dtype: float32_ref")."""

    def rewrite(call: cst.Call, finding: Finding, renderer: Renderer) -> cst.BaseExpression:
        scale, _ = _take(call, "scale", 0)
        if scale is None:
            raise FixError("no scale argument")
        factor = scale.value if isinstance(scale.value, ATOMIC) else parenthesize(scale.value)
        body = cst.parse_expression(penalty(renderer))
        return cst.Lambda(
            params=cst.Parameters(params=[cst.Param(name=cst.Name("w"))]),
            body=cst.BinaryOperation(left=factor, operator=cst.Multiply(), right=body),
        )

    return rewrite


def _xavier(target: str, keep_dtype: bool) -> Rewrite:
    """`xavier_initializer(uniform=True)` is exactly Glorot uniform (detection refuses the rest)."""

    def rewrite(call: cst.Call, finding: Finding, renderer: Renderer) -> cst.BaseExpression:
        seed, _ = _take(call, "seed", 1)
        dtype, _ = _take(call, "dtype", 2)
        args = [keyword_arg("seed", seed.value)] if seed is not None else []
        if dtype is not None and keep_dtype:
            args.append(keyword_arg("dtype", dtype.value))
        return with_args(_renamed(call, renderer, target).with_changes(args=[]), args)

    return rewrite


def cast_to(call: cst.Call, finding: Finding, renderer: Renderer) -> cst.BaseExpression:
    dtype = CAST_DTYPES.get(finding.symbol or "")
    if dtype is None:
        raise FixError(f"no dtype known for {finding.symbol}")
    value, rest = _take(call, "x", 0)
    if value is None:
        raise FixError("no value to cast")
    args = [value.with_changes(keyword=None, equal=MaybeSentinel.DEFAULT)]
    args.append(cst.Arg(value=cst.parse_expression(renderer.name(dtype))))
    args.extend(rest)
    return with_args(_renamed(call, renderer, "tensorflow.cast"), args)


def method_to_function(call: cst.Call, finding: Finding, renderer: Renderer) -> cst.BaseExpression:
    """`receiver.method(args)` -> `function(receiver, args)`; the rule's `to` names the function."""
    target = finding.fix.target_for(finding.symbol or "") if finding.fix else None
    if target is None or not isinstance(call.func, cst.Attribute):
        raise FixError("no function to call instead of the method")
    receiver = cst.Arg(value=call.func.value)
    return with_args(_renamed(call, renderer, target), [receiver, *call.args])


def absl_app_run(call: cst.Call, finding: Finding, renderer: Renderer) -> cst.BaseExpression:
    """`tf.app.run()` found `main` itself; absl's `app.run` must be given it."""
    renamed = _renamed(call, renderer, "absl.app.run")
    if call.args:
        return renamed
    return renamed.with_changes(args=[cst.Arg(value=cst.Name("main"))])


def attribute_to_function(
    node: cst.Attribute, finding: Finding, renderer: Renderer
) -> cst.BaseExpression:
    """`dataset.output_types` -> `tf.compat.v1.data.get_output_types(dataset)`."""
    target = finding.fix.target_for(finding.symbol or "") if finding.fix else None
    if target is None:
        raise FixError("no function to call instead of the attribute")
    func = cst.parse_expression(renderer.name(target))
    return cst.Call(func=func, args=[cst.Arg(value=node.value)])


def dimension_value(node: cst.Attribute, renderer: Renderer) -> cst.BaseExpression:
    func = cst.parse_expression(renderer.name("tensorflow.compat.v1.dimension_value"))
    return cst.Call(func=func, args=[cst.Arg(value=node.value)])


def exact_type_to_isinstance(node: cst.Comparison, renderer: Renderer) -> cst.BaseExpression:
    """`type(x) is tf.Tensor` -> `isinstance(x, tf.Tensor)`; `is not` / `!=` -> `not ...`."""
    [target] = node.comparisons
    left, right = node.left, target.comparator
    call, klass = (left, right) if _is_type_call(left) else (right, left)
    if not isinstance(call, cst.Call) or len(call.args) != 1:
        raise FixError("not a `type(x)` comparison")
    test = cst.Call(
        func=cst.Name("isinstance"),
        args=[
            cst.Arg(
                value=call.args[0].value,
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
            ),
            cst.Arg(value=klass),
        ],
    )
    result: cst.BaseExpression = test
    if isinstance(target.operator, (cst.IsNot, cst.NotEqual)):
        result = cst.UnaryOperation(operator=cst.Not(), expression=test)
    return result.with_changes(lpar=node.lpar, rpar=node.rpar)


def _is_type_call(node: cst.BaseExpression) -> bool:
    return (
        isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "type"
    )


def _times(value: cst.BaseExpression, factor: int) -> cst.BaseExpression:
    if isinstance(value, cst.Integer) and not value.lpar:
        return cst.Integer(str(int(value.value.replace("_", ""), 0) * factor))
    return cst.BinaryOperation(
        left=value if isinstance(value, ATOMIC) else parenthesize(value),
        operator=cst.Multiply(),
        right=cst.Integer(str(factor)),
    )


def _bare(arg: cst.Arg) -> cst.Arg:
    return arg.with_changes(keyword=None, equal=MaybeSentinel.DEFAULT)


def remap_call(
    call: cst.Call, mapping: CallMap, renderer: Renderer
) -> tuple[cst.Call, cst.Arg | None, list[cst.Arg]]:
    """The TF2 call for `mapping`, plus the layer input and call-time arguments it split off."""
    named: list[tuple[str, cst.Arg, bool]] = []  # (TF1 name, argument, was positional)
    position = 0
    for arg in call.args:
        if arg.star:
            raise FixError("*args/**kwargs hide the arguments to convert")
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
    rename = dict(mapping.rename)
    scale = dict(mapping.scale)
    inputs: cst.Arg | None = None
    at_call: list[cst.Arg] = []
    args: list[cst.Arg] = []
    slot = 0  # next positional slot of the target
    for name, arg, positional in named:
        if name in mapping.drop:
            continue
        if name == mapping.inputs:
            inputs = _bare(arg)
            continue
        if name in mapping.call:
            at_call.append(keyword_arg(name, arg.value))
            continue
        new = rename.get(name, name)
        value = _times(arg.value, scale[name]) if name in scale else arg.value
        if (
            positional
            and slot < len(mapping.v2)
            and mapping.v2[slot] == new
            and (not args or args[-1].keyword is None)
        ):
            args.append(_bare(arg).with_changes(value=value))
            slot += 1
        else:
            args.append(keyword_arg(new, value))
    names = [*mapping.v2[:slot], *(a.keyword.value for a in args if a.keyword is not None)]
    if len(names) != len(set(names)):
        raise FixError("an argument is passed twice after renaming")
    written = set(names)
    for name, default in mapping.pin:
        if name not in written:
            args.append(keyword_arg(name, cst.parse_expression(default)))
    new_call = _renamed(call, renderer, mapping.target).with_changes(args=[])
    return with_args(new_call, args), inputs, at_call


def _mapped(transform: str) -> Rewrite:
    maps = CALL_MAPS[transform]

    def rewrite(call: cst.Call, finding: Finding, renderer: Renderer) -> cst.BaseExpression:
        mapping = maps.get(finding.symbol or "")
        if mapping is None:
            raise FixError(f"no TF2 mapping for {finding.symbol}")
        new_call, inputs, at_call = remap_call(call, mapping, renderer)
        if mapping.inputs is None:
            return new_call
        if inputs is None:
            raise FixError("no input tensor to call the layer on")
        # `tf.layers.dense(x, ...)` -> `tf.keras.layers.Dense(...)(x)`: build, then call.
        return with_args(cst.Call(func=new_call, args=[]), [inputs, *at_call])

    return rewrite


def softmax_xent_stop_gradient(
    call: cst.Call, finding: Finding, renderer: Renderer
) -> cst.BaseExpression:
    """TF1's op blocked gradients into `labels`; the TF2 op does not unless told to."""
    args: list[cst.Arg] = []
    for arg in call.args:
        if arg.keyword is None or arg.star:
            raise FixError("TF1 took labels and logits by keyword only")
        name = arg.keyword.value
        if name == "labels" and not _is_stop_gradient(arg.value):
            stop = cst.parse_expression(renderer.name("tensorflow.stop_gradient"))
            arg = arg.with_changes(value=cst.Call(func=stop, args=[cst.Arg(value=arg.value)]))
        elif name == "dim":
            arg = arg.with_changes(keyword=cst.Name("axis"))
        args.append(arg)
    names = [a.keyword.value for a in args if a.keyword is not None]
    if len(names) != len(set(names)):
        raise FixError("both `dim` and `axis` are passed")
    return with_args(call, args)


def _is_stop_gradient(value: cst.BaseExpression) -> bool:
    if not isinstance(value, cst.Call):
        return False
    func = value.func
    return (isinstance(func, cst.Attribute) and func.attr.value == "stop_gradient") or (
        isinstance(func, cst.Name) and func.value == "stop_gradient"
    )


Rewrite = Callable[[cst.Call, Finding, Renderer], cst.BaseExpression]

CALL_REWRITES: dict[str, Rewrite] = {
    "l2_regularizer": _penalty_lambda(lambda r: f"{r.name('tensorflow.nn.l2_loss')}(w)"),
    "l1_regularizer": _penalty_lambda(
        lambda r: f"{r.name('tensorflow.reduce_sum')}({r.name('tensorflow.abs')}(w))"
    ),
    "l2_to_keras": _regularizer("tensorflow.keras.regularizers.l2", "0.5"),
    "l1_to_keras": _regularizer("tensorflow.keras.regularizers.l1", None),
    "xavier_initializer": _xavier("tensorflow.compat.v1.glorot_uniform_initializer", True),
    "xavier_to_keras": _xavier("tensorflow.keras.initializers.GlorotUniform", False),
    "cast_to": cast_to,
    "method_to_function": method_to_function,
    "absl_app_run": absl_app_run,
    "keras_optimizer": _mapped("keras_optimizer"),
    "lr_schedule": _mapped("lr_schedule"),
    "keras_layer": _mapped("keras_layer"),
    "file_writer": _mapped("file_writer"),
    "tf2_twin": _mapped("tf2_twin"),
    "softmax_xent_stop_gradient": softmax_xent_stop_gradient,
}
