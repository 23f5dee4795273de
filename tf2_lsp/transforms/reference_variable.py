"""`tf.Variable(...)` that a graph program uses as TF1's reference variable ->
`tf.compat.v1.Variable(..., use_resource=False)`.

TF2's `tf.Variable` makes a resource variable in every mode. `tf.compat.v1.Variable` makes
TF1's reference variable after `disable_v2_behavior()` only; with `use_resource=False` it does
in any graph (measured on TF 2.21: also after `disable_eager_execution()` alone, and inside
`tf.Graph().as_default()` with TF2 behaviour on). Run eagerly it is a resource variable either
way, as TF2 needs. Detection is the program analysis's (`graph_mode.check_reference_variables`).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import Names, Site, Splice, Transform, keyword, never
from tf2_lsp.transforms.positions import span_in

if TYPE_CHECKING:
    import libcst as cst

TARGET = "tensorflow.compat.v1.Variable"
KEYWORD = "use_resource"


def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
    import libcst as cst

    from tf2_lsp.transforms.values import keyword_arg, renamed, the_call, with_args

    call = renamed(the_call(node), names, TARGET)
    if any(arg.keyword is not None and arg.keyword.value == KEYWORD for arg in call.args):
        return call
    args = list(call.args)
    added = keyword_arg(KEYWORD, cst.Name("False"))
    if args and isinstance(args[-1].comma, cst.Comma):
        # `(\n    2.0,\n)`: the new argument takes the last one's comma, and the last one a
        # comma that starts a line indented as the first argument is.
        comma = args[-1].comma
        start = call.whitespace_before_args
        if not isinstance(start, cst.ParenthesizedWhitespace):
            start = cst.SimpleWhitespace(" ")  # all on one line
        added = added.with_changes(comma=comma)
        args[-1] = args[-1].with_changes(comma=comma.with_changes(whitespace_after=start))
    return with_args(call, [*args, added])


def splice(node: ast.expr, text: str, site: Site, names: Names) -> list[Splice] | None:
    """The callee renamed and `use_resource=False` written before the closing parenthesis."""
    if not isinstance(node, ast.Call) or not text.endswith(")") or "#" in text:
        return None  # a comment may sit before the parenthesis: libcst keeps it in place
    func_start, func_end = span_in(text, node.func)
    splices: list[Splice] = [(func_start, func_end, names.name(TARGET))]
    if keyword(node, KEYWORD) is None:
        inside = text[func_end:-1].strip()
        if inside not in ("(", "") and inside.endswith(","):
            return None  # a trailing comma: libcst keeps the layout
        separator = ", " if node.args or node.keywords else ""
        splices.append((len(text) - 1, len(text) - 1, f"{separator}{KEYWORD}=False"))
    return splices


TRANSFORMS = (Transform("reference_variable", never, (TARGET,), rewrite, splice),)
