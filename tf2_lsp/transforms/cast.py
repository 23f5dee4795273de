"""`tf.to_float(x)` and kin -> `tf.cast(x, tf.float32)`."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import STARRED, FixError, Names, Site, Splice, Transform, has_star
from tf2_lsp.transforms.base import keyword as keyword_of
from tf2_lsp.transforms.positions import bare_argument, span_in

if TYPE_CHECKING:
    import libcst as cst

# The dtype each converter casts to.
CAST_DTYPES = {
    "tensorflow.to_float": "tensorflow.float32",
    "tensorflow.to_double": "tensorflow.float64",
    "tensorflow.to_int32": "tensorflow.int32",
    "tensorflow.to_int64": "tensorflow.int64",
    "tensorflow.to_bfloat16": "tensorflow.bfloat16",
    "tensorflow.to_complex64": "tensorflow.complex64",
    "tensorflow.to_complex128": "tensorflow.complex128",
}


def applies(call: ast.Call) -> str | None:
    if has_star(call) or not (call.args or keyword_of(call, "x")):
        return STARRED
    return ""


def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
    import libcst as cst

    from tf2_lsp.transforms.values import bare, renamed, take, the_call, with_args

    call = the_call(node)
    dtype = CAST_DTYPES.get(site.symbol)
    if dtype is None:
        raise FixError(f"no dtype known for {site.symbol}")
    value, rest = take(call, "x", 0)
    if value is None:
        raise FixError("no value to cast")
    args = [bare(value), cst.Arg(value=cst.parse_expression(names.name(dtype))), *rest]
    return with_args(renamed(call, names, "tensorflow.cast"), args)


def splice(node: ast.expr, text: str, site: Site, names: Names) -> list[Splice] | None:
    """The callee renamed and `, tf.float32` inserted after the value: no libcst needed."""
    dtype = CAST_DTYPES.get(site.symbol)
    if not isinstance(node, ast.Call) or dtype is None:
        return None
    if not node.args or isinstance(node.args[0], ast.Starred):
        return None
    func_start, func_end = span_in(text, node.func)
    value_end = bare_argument(node, text, node.args[0])[1]
    return [
        (func_start, func_end, names.name("tensorflow.cast")),
        (value_end, value_end, f", {names.name(dtype)}"),
    ]


TRANSFORMS = (
    Transform(
        "cast_to",
        applies,
        ("tensorflow.cast", *CAST_DTYPES.values()),
        rewrite,
        splice,
        symbols=tuple(CAST_DTYPES),
    ),
)
