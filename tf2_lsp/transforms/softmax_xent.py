"""`tf.nn.softmax_cross_entropy_with_logits(labels=y, ...)` -> `labels=tf.stop_gradient(y)`.

TF1's op blocked gradients into `labels`; the TF2 op of the same name does not unless told to.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import STARRED, FixError, Names, Site, Transform, has_star, keyword

if TYPE_CHECKING:
    import libcst as cst

_STOP_GRADIENT = "tensorflow.stop_gradient"


def _is_stop_gradient(callee: str | None) -> bool:
    """The callee's last name (`tf.stop_gradient`, a from-imported `stop_gradient`)."""
    return callee == "stop_gradient"


def _callee(node: ast.expr) -> str | None:
    func = node.func if isinstance(node, ast.Call) else None
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def applies(call: ast.Call) -> str | None:
    labels = keyword(call, "labels")
    if labels is not None and _is_stop_gradient(_callee(labels.value)) and not keyword(call, "dim"):
        return None  # already keeps the TF1 gradient behaviour
    if has_star(call):
        return STARRED
    if call.args:
        # TF1's function raised on positional arguments (a `_sentinel` first parameter):
        # this is TF2 code, as the rewrite of softmax_cross_entropy_with_logits_v2 writes it.
        return None
    if labels is None:
        return "no `labels=` argument"
    return ""


def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
    import libcst as cst

    from tf2_lsp.transforms.values import the_call, with_args

    def callee(value: cst.BaseExpression) -> str | None:
        func = value.func if isinstance(value, cst.Call) else None
        if isinstance(func, cst.Attribute):
            return func.attr.value
        return func.value if isinstance(func, cst.Name) else None

    call = the_call(node)
    args: list[cst.Arg] = []
    for arg in call.args:
        if arg.keyword is None or arg.star:
            raise FixError("TF1 took labels and logits by keyword only")
        name = arg.keyword.value
        if name == "labels" and not _is_stop_gradient(callee(arg.value)):
            stop = cst.parse_expression(names.name(_STOP_GRADIENT))
            arg = arg.with_changes(value=cst.Call(func=stop, args=[cst.Arg(value=arg.value)]))
        elif name == "dim":
            arg = arg.with_changes(keyword=cst.Name("axis"))
        args.append(arg)
    written = [a.keyword.value for a in args if a.keyword is not None]
    if len(written) != len(set(written)):
        raise FixError("both `dim` and `axis` are passed")
    return with_args(call, args)


TRANSFORMS = (Transform("softmax_xent_stop_gradient", applies, (_STOP_GRADIENT,), rewrite),)
