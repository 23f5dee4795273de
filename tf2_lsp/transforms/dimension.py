"""`x.shape[i].value` -> `tf.compat.v1.dimension_value(x.shape[i])`: TF2 shapes hold ints,
not Dimensions, and `dimension_value` reads both."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import FixError, Names, Site, Splice, Transform, always
from tf2_lsp.transforms.positions import blank_after, offset_in

if TYPE_CHECKING:
    import libcst as cst

SYMBOL = "tensorflow.Dimension.value"
_FUNCTION = "tensorflow.compat.v1.dimension_value"


def is_dimension_value(node: ast.Attribute) -> bool:
    """`x.shape[i].value` / `x.get_shape()[i].value`."""
    inner = node.value
    if node.attr != "value" or not isinstance(inner, ast.Subscript):
        return False
    shape = inner.value
    return (isinstance(shape, ast.Attribute) and shape.attr == "shape") or (
        isinstance(shape, ast.Call)
        and isinstance(shape.func, ast.Attribute)
        and shape.func.attr == "get_shape"
    )


def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
    import libcst as cst

    if not isinstance(node, cst.Attribute):
        raise FixError("not an attribute")
    func = cst.parse_expression(names.name(_FUNCTION))
    return cst.Call(func=func, args=[cst.Arg(value=node.value)])


def splice(node: ast.expr, text: str, site: Site, names: Names) -> list[Splice] | None:
    if not isinstance(node, ast.Attribute):
        return None
    start = offset_in(text, node.value.end_lineno, node.value.end_col_offset)
    if text[blank_after(text, start) : blank_after(text, start) + 1] != ".":
        return None  # `(x.shape[0]).value`: the parentheses sit between the two
    return [(0, 0, f"{names.name(_FUNCTION)}("), (start, len(text), ")")]


TRANSFORMS = (Transform("dimension_value", always, (_FUNCTION,), rewrite, splice),)
