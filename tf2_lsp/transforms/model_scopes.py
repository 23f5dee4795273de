"""Variable scopes nested inside a model function's own scope, in the native form (TF934).

TF1 named a layer's variables after every variable scope around it, and numbered unnamed
layers within each scope:

    with tf.variable_scope("net"):
        with tf.variable_scope("block1"):
            h = tf.layers.dense(x, 4)          # net/block1/dense/kernel
        with tf.variable_scope("block2"):
            y = tf.layers.dense(h, 2)          # net/block2/dense/kernel

A Keras 3 layer's name takes no `/`, but a sublayer builds its variables under the Keras name
scope it is first called in: called inside `tf.keras.name_scope("block1")`, the sublayer named
`dense` has the path `net/block1/dense/kernel`, TF1's checkpoint key, with no key map to keep
(measured on TensorFlow 2.21). So each nested scope becomes that name scope around the same
statements, and its sublayers are created in `__init__` under an attribute that spells the
scope (`self.block1_dense`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

NAME_SCOPE = "tensorflow.keras.name_scope"
_SCOPE = "tensorflow.variable_scope"

Resolve = Callable[[ast.expr], "str | None"]


def nested_name(statement: ast.stmt, resolve: Resolve) -> str | None:
    """The literal name of `with tf.variable_scope("name"):`, or None for another statement."""
    if not (isinstance(statement, ast.With) and len(statement.items) == 1):
        return None
    scope = statement.items[0].context_expr
    if not (isinstance(scope, ast.Call) and resolve(scope.func) == _SCOPE):
        return None
    first = scope.args[0] if scope.args else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return ""


def opened(
    statements: Sequence[ast.stmt], resolve: Resolve
) -> tuple[list[ast.stmt], set[int], str | None]:
    """The statements of a model body in the order they run, nested variable scopes opened
    (their own `with` left out); the ids of those scopes' calls; and why a nested scope cannot
    become a name scope, if one cannot."""
    flat: list[ast.stmt] = []
    scope_calls: set[int] = set()
    seen: set[str] = set()
    for statement in statements:
        name = nested_name(statement, resolve)
        if name is None:
            flat.append(statement)
            continue
        if name in seen:
            # TF1 numbered layers afresh in the reopened scope and raised "Variable ... already
            # exists": there is no program to keep.
            return flat, scope_calls, f"the variable scope `{name}` is opened twice"
        seen.add(name)
        assert isinstance(statement, ast.With)
        item = statement.items[0]
        call = item.context_expr
        assert isinstance(call, ast.Call)
        if not name.isidentifier() or len(call.args) != 1 or call.keywords:
            return (
                flat,
                scope_calls,
                (
                    f"the variable scope on line {statement.lineno} takes more than a literal name"
                    " (reuse, a default name, a computed name), which a Keras name scope cannot"
                ),
            )
        if item.optional_vars is not None:
            return (
                flat,
                scope_calls,
                (f"the variable scope on line {statement.lineno} is bound to a name"),
            )
        scope_calls.add(id(call))
        inner, calls, problem = opened(statement.body, resolve)
        flat.extend(inner)
        scope_calls |= calls
        if problem:
            return flat, scope_calls, problem
    return flat, scope_calls, None


def has_nested(function: ast.FunctionDef, resolve: Resolve) -> bool:
    """Whether a variable scope of `function` holds another."""
    for node in ast.walk(function):
        if isinstance(node, ast.stmt) and node is not function:
            body = getattr(node, "body", None)
            if isinstance(body, list) and any(nested_name(s, resolve) is not None for s in body):
                return True
    return False


def keras2_problem(function: ast.FunctionDef, resolve: Resolve) -> str | None:
    """Why a target with Keras 2 (TensorFlow 2.15 and before) cannot take the native form of
    `function`: its nested scopes would need `tf.keras.name_scope`, which Keras 2 lacks."""
    if not has_nested(function, resolve):
        return None
    return (
        "a nested variable scope becomes `tf.keras.name_scope`, which Keras 2 (TensorFlow 2.15"
        " and before) does not have"
    )
