"""A TF1 function that TF2 keeps only as a method of its first argument, written as that
method: `tf.assign_sub(v, 1.0)` -> `v.assign_sub(1.0)`.

TF1's `tf.assign`, `tf.assign_add` and `tf.assign_sub` called the variable's own method for a
resource variable (TF2's only kind), so the method computes what they computed. Only calls
that pass the variable as a plain name, the value, and `name` are rewritten: TF1's
`validate_shape` and `use_locking` acted on reference variables alone, and a receiver that is
an expression would need parentheses and could be evaluated in another order.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import FixError, Names, Site, Transform, has_star, keyword

if TYPE_CHECKING:
    import libcst as cst

# TF1 positional order of the three functions: (ref, value, ...); `name` is keyword-only here.
RECEIVER, VALUE, NAME = "ref", "value", "name"


def function_to_method_applies(call: ast.Call) -> str | None:
    """ "" when the call can become `ref.method(value, name=...)`, else why not."""
    if has_star(call):
        return "*args/**kwargs hide which argument is the variable"
    if len(call.args) > 2:
        return "TF1's positional `validate_shape`/`use_locking` have no counterpart on the method"
    extra = [k.arg for k in call.keywords if k.arg not in (RECEIVER, VALUE, NAME)]
    if extra:
        return f"`{extra[0]}=` acted on TF1 reference variables, the method has no such parameter"
    receiver = call.args[0] if call.args else getattr(keyword(call, RECEIVER), "value", None)
    if not isinstance(receiver, ast.Name):
        return "the variable is not a plain name"
    if len(call.args) < 2 and keyword(call, VALUE) is None:
        return "no value to assign"
    return ""


def function_to_method(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
    """`tf.assign_sub(v, x, name=n)` -> `v.assign_sub(x, name=n)`."""
    import libcst as cst

    from tf2_lsp.transforms.values import bare, take, the_call, with_args

    call = the_call(node)
    receiver, rest = take(call, RECEIVER, 0)
    if receiver is None or not isinstance(receiver.value, cst.Name):
        raise FixError("the variable is not a plain name")
    value, rest = take(call.with_changes(args=rest), VALUE, 0)
    if value is None:
        raise FixError("no value to assign")
    method = site.symbol.rsplit(".", 1)[-1]
    func = cst.Attribute(value=receiver.value, attr=cst.Name(method))
    return with_args(call.with_changes(func=func), [bare(value), *rest])


TRANSFORMS = (
    Transform(
        "function_to_method",
        function_to_method_applies,
        (),
        function_to_method,
        falls_back=True,
    ),
)
