"""Does a TF1 call pass an argument that changes meaning in TF2? (`CallCheck` data, on `ast`).

Same-name functions whose TF2 signature changed (`tf.constant_initializer`), removed parameters
whose value decides the result (`partition_strategy`), and arguments TF2 rejects (a function
given to `tf.device`) are judged by what the call actually passes: `tf.name_scope('x')` is
valid TF2 and is not reported, `tf.name_scope(None, 'layer')` is.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from tf2_lsp.analysis.nodes import callee_name
from tf2_lsp.catalogue.rules import CallCheck

# `default_differs = { p = "loop_vars:1" }`: TF1's default of `p` differs only when the named
# argument is a list or tuple of one item (TF1 unpacked it).
ONE_ITEM = ":1"


@dataclass(frozen=True, slots=True)
class Changed:
    node: ast.AST  # what the editor underlines: the argument, or the callee
    why: str  # the argument and how its meaning changes, for the message


def bound_arguments(call: ast.Call, v1: tuple[str, ...]) -> dict[str, ast.expr]:
    """TF1 parameter -> the argument passed for it (positions read through `v1`)."""
    bound: dict[str, ast.expr] = {}
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            break  # the positions after *args are unknown
        if index < len(v1):
            bound[v1[index]] = arg
    for keyword in call.keywords:
        if keyword.arg is not None:
            bound[keyword.arg] = keyword.value
    return bound


def hides_arguments(call: ast.Call) -> bool:
    return any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    )


def changed_argument(
    call: ast.Call, check: CallCheck, function_evidence: Callable[[ast.expr], str | None]
) -> Changed | None:
    """The first argument of `call` whose meaning changes in TF2, or None.

    `function_evidence` says why a value is or may be a function (`Scopes.function_evidence`)."""
    bound = bound_arguments(call, check.v1)
    for param in check.passes:
        if param in bound:
            return Changed(bound[param], f"`{param}` has no TF2 counterpart with that meaning")
    for param, values in check.keep.items():
        if _inert(check, param, bound, call):
            continue  # it has no effect in this call, so no value of it matters
        if (
            param in bound
            and _one_of(bound[param], values)
            and _default_matters(check, param, bound)
        ):
            # TF2 behaves like this value, but the call without it would read as TF1 code
            # relying on the TF1 default: dropping it cannot be told apart from the TF1 call.
            return Changed(
                bound[param],
                f"`{param}={_source(bound[param])}` is what TF2 does, but without it the call "
                "would read as relying on TF1's default",
            )
        if param in bound and not _one_of(bound[param], values):
            shown = _source(bound[param])
            if not values:
                return Changed(
                    bound[param],
                    f"`{param}={shown}` has no TF2 counterpart; dropping it changes results",
                )
            return Changed(
                bound[param],
                f"`{param}={shown}` changes results: TF2 always behaves as `{param}={values[0]}`",
            )
    for param, values in check.changes.items():
        if param in bound and _one_of(bound[param], values):
            return Changed(
                bound[param], f"`{param}={_source(bound[param])}` is not accepted the same in TF2"
            )
    for param in check.numbers:
        if param in bound and _number(bound[param]):
            return Changed(bound[param], f"`{param}={_source(bound[param])}` is a single number")
    for param, conversion in check.convert.items():
        if param not in bound:
            continue
        new = conversion.split(":")[0]
        problem = unconvertible(conversion.split(":")[1], bound[param])
        # A value written anew becomes a keyword; a keyword renamed as it is keeps its place.
        by_position = not any(k.arg == param for k in call.keywords)
        if problem is None and by_position and conversion.split(":")[1] != "same":
            problem = "is passed by position"
        if problem is None and (new in bound or _converted_twice(check, bound, new)):
            problem = f"meets another `{new}`"
        if problem is not None:
            return Changed(bound[param], f"`{param}={_source(bound[param])}` {problem}")
    for param in check.functions:
        evidence = function_evidence(bound[param]) if param in bound else None
        if evidence is not None:
            return Changed(bound[param], f"`{param}` {evidence}")
    if hides_arguments(call):
        return None  # *args/**kwargs may pass the parameter whose default differs
    if check.lacks and not any(param in bound for param in check.lacks):
        named = " or ".join(f"`{param}`" for param in check.lacks)
        return Changed(call.func, f"called without {named}")
    for param, when in check.default_differs.items():
        if param in bound:
            continue
        keep = check.keep.get(param, ())
        behaves = f" (TF2 behaves as `{param}={keep[0]}`)" if keep else ""
        if not when and param in check.numbers:  # the default is such a number itself
            return Changed(call.func, f"`{param}` is left at its default, a single number")
        if not when:
            return Changed(call.func, f"TF1's default for `{param}` differs from TF2{behaves}")
        if when.endswith(ONE_ITEM):
            name = when.removesuffix(ONE_ITEM)
            if _one_item(bound.get(name)):
                return Changed(
                    bound[name],
                    f"`{name}` holds one item and `{param}` is left at TF1's default{behaves}",
                )
            continue
        count = _several(bound.get(when))
        if count:
            node = bound[when]
            return Changed(
                node,
                f"`{when}` holds {count} and `{param}` is left at TF1's default{behaves}",
            )
    return None


def unconvertible(conversion: str, node: ast.expr) -> str | None:
    """Why a fix cannot write `node` through `conversion` (None: it can)."""
    if conversion == "gpu_devices":
        try:
            count = ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return "is not a literal count"
        if type(count) is not int or not 0 <= count <= 64:
            return "is not a count of GPUs"
    return None


def _converted_twice(check: CallCheck, bound: dict[str, ast.expr], new: str) -> bool:
    return sum(1 for p, c in check.convert.items() if p in bound and c.split(":")[0] == new) > 1


def _inert(check: CallCheck, param: str, bound: dict[str, ast.expr], call: ast.Call) -> bool:
    """`param` does nothing in this call: the parameter it needs is not passed (or is None)."""
    needed = check.inert_without.get(param)
    if needed is None or hides_arguments(call):
        return False
    value = bound.get(needed)
    return value is None or (isinstance(value, ast.Constant) and value.value is None)


def _default_matters(check: CallCheck, param: str, bound: dict[str, ast.expr]) -> bool:
    if param not in check.default_differs:
        return False
    when = check.default_differs[param]
    if when.endswith(ONE_ITEM):
        return _one_item(bound.get(when.removesuffix(ONE_ITEM)))
    return not when or bool(_several(bound.get(when)))


def _one_item(node: ast.expr | None) -> bool:
    """A list or tuple display of exactly one item (not starred), or a lambda returning one
    (a `tf.cond` branch)."""
    if isinstance(node, ast.Lambda):
        node = node.body
    return (
        isinstance(node, ast.List | ast.Tuple)
        and len(node.elts) == 1
        and not isinstance(node.elts[0], ast.Starred)
    )


def _one_of(node: ast.expr, values: tuple[str, ...]) -> bool:
    """Whether `node` is a literal equal to one of `values` (a non-literal is not)."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return any(type(value) is type(v) and value == v for v in map(ast.literal_eval, values))


# Calls that make a scalar of the one number they are given: `tf.constant(2.0)`,
# `np.float32(0.5)`, `np.array(1.0)`, `float(1)` (with a `shape`, a constant is no scalar).
_SCALAR_MAKERS = frozenset(
    {"constant", "convert_to_tensor", "array", "asarray", "float", "float16", "float32", "float64"}
)


def _number(node: ast.expr) -> bool:
    """A single number written out: a literal (`2.0`, `-1`; TensorFlow takes `True` as 1.0),
    or one made a scalar by a call of `_SCALAR_MAKERS`."""
    if (
        isinstance(node, ast.Call)
        and len(node.args) == 1
        and callee_name(node) in _SCALAR_MAKERS
        and not any(k.arg in ("shape", None) for k in node.keywords)
    ):
        node = node.args[0]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, int | float)


def _several(node: ast.expr | None) -> str:
    """'2 items' for a list/tuple display of several items; '' when it is not one."""
    if isinstance(node, ast.List | ast.Tuple):
        if any(isinstance(e, ast.Starred) for e in node.elts):
            return "several items"
        return f"{len(node.elts)} items" if len(node.elts) >= 2 else ""
    if isinstance(node, ast.ListComp):
        return "a list of items"
    return ""


def _source(node: ast.expr) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."
