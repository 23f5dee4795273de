"""`tf.name_scope(name, default_name, values)` -> `tf.name_scope(<the name TF1 chose>)`.

TF1's name scope used `name`, or `default_name` when `name` was None, and only read `values`
to pick the graph to enter (the default graph, in a one-graph program). TensorFlow 2.21 gives
the TF2 scope of that one name the same name in graph and eager mode, uniquified alike
(`head`, `head_1`), so the call keeps its meaning with the chosen name alone. Where the
chosen name cannot be written without evaluating an expression twice, or TF1 had no name at
all, the call stays on `tf.compat.v1.name_scope`.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import FixError, Names, Site, Transform, has_star, keyword

if TYPE_CHECKING:
    import libcst as cst

_TF2 = "tensorflow.name_scope"
_COMPAT = "tensorflow.compat.v1.name_scope"
_PARAMS = ("name", "default_name", "values")


def _bound(call: ast.Call) -> dict[str, ast.expr] | None:
    """TF1 parameter -> its argument; None when the call cannot be read (stars, extras)."""
    if has_star(call) or len(call.args) > len(_PARAMS):
        return None
    bound = dict(zip(_PARAMS, call.args, strict=False))
    for param in _PARAMS:
        given = keyword(call, param)
        if given is not None:
            bound[param] = given.value
    if any(k.arg not in _PARAMS for k in call.keywords):
        return None
    return bound


def _is_none(node: ast.expr | None) -> bool:
    return node is None or (isinstance(node, ast.Constant) and node.value is None)


def _is_name(node: ast.expr) -> bool:
    """A name or a dotted name: reading it twice reads the same value."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def applies(call: ast.Call) -> str | None:
    """Reported when the call passes what TF2's one-parameter `name_scope` cannot take."""
    bound = _bound(call)
    if bound is None:
        return None
    if "default_name" in bound or "values" in bound or _is_none(bound.get("name")):
        return ""
    return None  # `tf.name_scope('x')`: valid TF2


def chosen_name(call: ast.Call) -> str | None:
    """Which argument TF2 is given: "name", "default_name", "either" (`name if name is not
    None else default_name`); None when the call stays on tf.compat.v1 (TF1 had no name, or
    `name` would be evaluated twice)."""
    bound = _bound(call)
    if bound is None:
        return None
    name, default = bound.get("name"), bound.get("default_name")
    if name is None or _is_none(name):
        return None if _is_none(default) else "default_name"
    if isinstance(name, ast.Constant | ast.JoinedStr) or _is_none(default):
        # A literal name is used as it is; with no default, TF1 and TF2 both raise on None.
        return "name"
    return "either" if _is_name(name) else None


def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
    import libcst as cst

    from tf2_lsp.transforms.values import bare, renamed, take, the_call, with_args

    call = the_call(node)
    source = ast.parse(cst.Module([]).code_for_node(call), mode="eval").body
    if not isinstance(source, ast.Call):  # pragma: no cover - a call's code parses as one
        raise FixError("not a call")
    kind = chosen_name(source)
    if kind is None:
        return renamed(call, names, _COMPAT)
    name, _ = take(call, "name", 0)
    default, _ = take(call, "default_name", 1)
    if kind == "default_name":
        assert default is not None
        value = default.value
    elif kind == "name":
        assert name is not None
        value = name.value
    else:
        assert name is not None and default is not None
        value = cst.IfExp(
            test=cst.Comparison(
                left=name.value,
                comparisons=[
                    cst.ComparisonTarget(operator=cst.IsNot(), comparator=cst.Name("None"))
                ],
            ),
            body=name.value,
            orelse=default.value,
        )
    return with_args(renamed(call, names, _TF2), [bare(cst.Arg(value=value))])


TRANSFORMS = (Transform("name_scope_name", applies, (_TF2, _COMPAT), rewrite),)
