"""Code shapes (not names) that change meaning in TF2, recognised on the `ast` alone."""

from __future__ import annotations

import ast

# `type(x) is tf.Tensor` and kin: TF2's tensors are instances of subclasses (EagerTensor,
# SymbolicTensor), so an exact type test is always False where TF1's graph tensors passed it.
EXACT_TYPE_SYMBOL = "tensorflow.Tensor.__class__"
TENSOR_TYPES = frozenset({"tensorflow.Tensor"})
_EXACT_OPS = (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)


def exact_type_test(node: ast.Compare) -> ast.expr | None:
    """The class compared in `type(x) is C` / `C == type(x)` (one comparison), else None."""
    if len(node.ops) != 1 or not isinstance(node.ops[0], _EXACT_OPS):
        return None
    left, right = node.left, node.comparators[0]
    if _is_type_call(left):
        return right
    if _is_type_call(right):
        return left
    return None


def _is_type_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "type"
        and len(node.args) == 1
        and not node.keywords
        and not isinstance(node.args[0], ast.Starred)
    )
