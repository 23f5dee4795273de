"""A dimension that may be a float, given where TensorFlow reads a static shape:
`y.set_shape([n, mul_or_none(m, 1. / k)])`, `tf.placeholder(tf.float32, [None, d / 2])`.

TF1's `Dimension` took any value equal to its `int()` (`3.0` became 3); TensorFlow 2's takes
only integers (values with `__index__`) and raises TypeError on every float, whole or not.
Python 3's `/` makes a float of two ints, which Python 2 (without `from __future__ import
division`) did not. Detection only: `int(...)` would truncate what TF1 refused ("Ambiguous
dimension") and raise on the `None` of an unknown dimension, so the right edit (`//`, an int
helper) is the author's.
"""

from __future__ import annotations

import ast

from tf2_lsp.analysis.nodes import callee_name

SYMBOL = "tensorflow.Dimension.__float__"
# Where a static shape is read: the canonical function, the position and keyword of its shape
# (a shape list, or the one value `tf.Dimension` takes).
_SHAPE_ARGUMENT = {
    "tensorflow.TensorShape": (0, "dims"),
    "tensorflow.Dimension": (0, "value"),
    "tensorflow.TensorSpec": (0, "shape"),
    "tensorflow.placeholder": (1, "shape"),
    "tensorflow.placeholder_with_default": (1, "shape"),
    "tensorflow.get_variable": (1, "shape"),
    "tensorflow.ensure_shape": (1, "shape"),
}
# The last part of those names, and the method: asked before any name is resolved.
CALLEES = frozenset({name.rpartition(".")[2] for name in _SHAPE_ARGUMENT} | {"set_shape"})
# Calls that return an int (or refuse a float) whatever they are given.
_INTEGRAL = frozenset({"int", "round", "len", "floor", "ceil", "dimension_value"})
# Calls that return a float whatever they are given (`np.sqrt(n)`, `math.log2(n)`).
_FLOATING = frozenset({"float", "sqrt", "log", "log2", "log10", "exp", "float32", "float64"})


def float_dimensions(call: ast.Call, function: str | None) -> list[ast.expr]:
    """The dimensions of the shape `call` passes that may be floats. `function`: the call's
    canonical TensorFlow name (None for a method call such as `y.set_shape`)."""
    name = callee_name(call)
    if name == "set_shape" and isinstance(call.func, ast.Attribute):
        position, keyword = 0, "shape"
    elif function in _SHAPE_ARGUMENT:
        position, keyword = _SHAPE_ARGUMENT[function]
    else:
        return []
    shape = _argument(call, position, keyword)
    if shape is None:
        return []
    if function == "tensorflow.Dimension":
        return [shape] if may_be_float(shape) else []
    if not isinstance(shape, (ast.List, ast.Tuple)):
        return []
    return [element for element in shape.elts if may_be_float(element)]


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for given in call.keywords:
        if given.arg == keyword:
            return given.value
    if len(call.args) > position and not any(
        isinstance(a, ast.Starred) for a in call.args[: position + 1]
    ):
        return call.args[position]
    return None


def may_be_float(node: ast.expr) -> bool:
    """Whether the value may be a float: a float literal, a true division, arithmetic on one,
    a float-making call (`np.sqrt(n)`), or a call (not an int-making one) that is given one (a
    helper such as `mul_or_none(m, 1. / k)` computes with it)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, float)
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Div) or may_be_float(node.left) or may_be_float(node.right)
    if isinstance(node, ast.UnaryOp):
        return may_be_float(node.operand)
    if isinstance(node, ast.IfExp):
        return may_be_float(node.body) or may_be_float(node.orelse)
    if isinstance(node, ast.Call):
        name = callee_name(node)
        if name in _INTEGRAL:
            return False
        if name in _FLOATING:
            return True
        values = [*node.args, *(k.value for k in node.keywords)]
        return any(may_be_float(v.value if isinstance(v, ast.Starred) else v) for v in values)
    return False
