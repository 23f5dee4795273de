"""Uses of a variable that only TF1's reference variable supports.

`tf.Variable` is TensorFlow 2's class: it makes a resource variable even after
`tf.compat.v1.disable_v2_behavior()`, while TF1 code was written against the reference
variable that `tf.compat.v1.Variable` still makes there. Measured on TF 2.21 in graph mode
(each use run with both classes), these uses behave otherwise on a resource variable:

| use | reference variable (TF1) | resource variable |
|---|---|---|
| `v._ref()` | the variable's reference tensor | AttributeError |
| `v.initialized_value()` | the value after `v`'s initializer | NotImplementedError |
| `tf.assign(v, x, validate_shape=False)` | `v` takes `x`'s other shape | ValueError |
| `w = tf.Variable(v * 2)` | `v` is initialized first | `v` uninitialized |
| `sess.run([train_op, v])` | `v` after the run's updates | `v` before them |

Reading a variable inside `tf.control_dependencies`, `scatter_*`, `count_up_to`, `cond` and
`while_loop` updates, gradients, savers and moving averages behaved the same. Feeding a
variable is `graph_mode.check_reference_variables`'s first case.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

# Methods only the reference variable has (or that raise on a resource variable in graphs).
REFERENCE_METHODS = {"_ref": "AttributeError", "initialized_value": "NotImplementedError"}
_ASSIGN_FUNCTIONS = frozenset({"assign"})
# The names of the only callees `uses_of` and `fetch_group` answer anything for.
CALLEES = frozenset({*REFERENCE_METHODS, *_ASSIGN_FUNCTIONS, "run"})


def uses_of(call: ast.Call) -> list[tuple[str, str]]:
    """The expressions (as written) that `call` uses as reference variables, with why."""
    func = call.func
    if not isinstance(func, ast.Attribute | ast.Name):
        return []
    name = func.attr if isinstance(func, ast.Attribute) else func.id
    if isinstance(func, ast.Attribute) and name in REFERENCE_METHODS and not call.args:
        receiver = ast.unparse(func.value)
        error = REFERENCE_METHODS[name]
        return [(receiver, f"`{receiver}.{name}()` raises {error} on a resource variable")]
    if name in _ASSIGN_FUNCTIONS and len(call.args) >= 2 and _keeps_shape_free(call):
        target = ast.unparse(call.args[0])
        why = f"`{target}` is assigned a value of another shape (`validate_shape=False`)"
        return [(target, why)]
    return []


def _keeps_shape_free(call: ast.Call) -> bool:
    return any(
        k.arg == "validate_shape" and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in call.keywords
    )


def fetch_group(call: ast.Call) -> list[str]:
    """What `sess.run([train_op, v])` fetches together (as written; [] for one fetch)."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr != "run":
        return []
    fetches = call.args[0] if call.args else None
    for keyword in call.keywords:
        if keyword.arg == "fetches":
            fetches = keyword.value
    if isinstance(fetches, ast.Dict):
        elements = [v for v in fetches.values if v is not None]
    elif isinstance(fetches, ast.List | ast.Tuple):
        elements = list(fetches.elts)
    else:
        return []
    return [ast.unparse(e) for e in elements] if len(elements) > 1 else []


def fetched_with_updates(groups: Iterable[list[str]], variables: set[str]) -> list[tuple[str, str]]:
    """Variables fetched in a run that also computes something else (`sess.run([train_op,
    v])`): a reference variable is read when the run ends, after the run's updates; a resource
    variable's read may run before them. A run that fetches only variables reads them alike."""
    attributes = {v.rpartition(".")[2] for v in variables if "." in v}

    def is_variable(written: str) -> bool:  # `model.step` for `self.step`
        return written in variables or ("." in written and written.rpartition(".")[2] in attributes)

    found = []
    for group in groups:
        others = [w for w in group if not is_variable(w)]
        if not others:
            continue
        named = ", ".join(f"`{w}`" for w in others)
        for written in group:
            if is_variable(written):
                why = f"`{written}` is fetched in the run that computes {named}, and a resource "
                found.append((written, why + "variable may be read before the update"))
    return found


def initial_values_read(
    variables: Iterable[tuple[str, ast.Call, tuple[int, int]]],
) -> list[tuple[str, str]]:
    """The variables another variable's initial value reads (`w = tf.Variable(v * 2)`):
    `global_variables_initializer()` initializes a reference variable's readers after it, a
    resource variable's in any order."""
    made = [(target, call) for target, call, _ in variables]
    targets = {target for target, _ in made}
    found = []
    for reader, call in made:
        initial = call.args[0] if call.args else None
        for keyword in call.keywords:
            if keyword.arg == "initial_value":
                initial = keyword.value
        if initial is None:
            continue
        for node in ast.walk(initial):
            if isinstance(node, ast.Name | ast.Attribute):
                text = ast.unparse(node)
                if text in targets and text != reader:
                    why = f"the initial value of `{reader}` reads `{text}`, which a resource "
                    found.append((text, why + "variable does not initialize first"))
    return found
