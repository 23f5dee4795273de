"""`type(x) is tf.Tensor` -> `isinstance(x, tf.Tensor)`; `is not` / `!=` -> `not isinstance`.

TF2's tensors are instances of subclasses (EagerTensor, SymbolicTensor), so an exact type test
is always False where TF1's graph tensors passed it. Detection recognises the shape on `ast`
(`exact_type_test`); the walker checks that `type` is the builtin and the class a tensor type.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import FixError, Names, Site, Transform, always

if TYPE_CHECKING:
    import libcst as cst

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


def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
    import libcst as cst

    if not isinstance(node, cst.Comparison):
        raise FixError("not a comparison")
    [target] = node.comparisons
    left, right = node.left, target.comparator
    # Detection found `type(...)` on one side: the side written as a call to the name `type`.
    left_is_type = (
        isinstance(left, cst.Call) and isinstance(left.func, cst.Name) and left.func.value == "type"
    )
    call, klass = (left, right) if left_is_type else (right, left)
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


TRANSFORMS = (Transform("exact_type_to_isinstance", always, (), rewrite),)
