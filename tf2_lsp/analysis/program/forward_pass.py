"""The forward pass of a Session training loop (analysis/program/train_loop.py): the
statements computed from the placeholders or the variables, which move into the training step
(or into the evaluation that fetches them), and the names the loop's statements are read with.

A forward pass moves only when it is TensorFlow ops: a call of the project's own code, of
`tf.layers`, a metric or a summary would create variables or graph state on the step's first
trace that nothing trains.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from tf2_lsp.analysis.names.resolve import canonical
from tf2_lsp.analysis.program.graph_mode import SESSIONS
from tf2_lsp.analysis.program.session_uses import Qualify, loads

_VARIABLES = frozenset({"tensorflow.get_variable", "tensorflow.Variable"})
# TensorFlow modules whose calls create variables or graph state: not for a training step's
# forward pass (the step would create them on its first trace and never train them).
_STATEFUL = tuple(
    f"tensorflow.{module}."
    for module in (
        "layers",
        "contrib",
        "keras",
        "estimator",
        "metrics",
        "summary",
        "train",
        "nn.rnn_cell",
    )
)


def forward_pass(body: Sequence[ast.stmt], names: LoopNames) -> tuple[list[ast.stmt], str | None]:
    """The module-level statements computed from the placeholders or the variables (the
    forward pass, which a step computes again each time, as each `sess.run` did), in order;
    and why they cannot move into a step."""
    inputs = {assigned_name(s) or "" for s in body if names.placeholder_of(s) is not None}
    forward: list[ast.stmt] = []
    fed = set(inputs)  # the inputs and what is computed from them
    known = set(inputs)  # ... and from the variables
    for statement in body:
        if names.placeholder_of(statement) is not None:
            continue
        if is_variable(names, statement, fed):
            known.add(assigned_name(statement) or "")  # a variable stays where it is
            continue
        if not loads(statement) & known:
            continue
        target = assigned_name(statement)
        if target is None or not isinstance(statement, ast.Assign):
            return forward, (
                f"line {statement.lineno} uses the inputs or the variables but is not"
                " `name = value`"
            )
        if (refused := _calls_refusal(statement, names)) is not None:
            return forward, refused
        forward.append(statement)
        known.add(target)
        if loads(statement) & fed:
            fed.add(target)
    return forward, None


def _calls_refusal(statement: ast.stmt, names: LoopNames) -> str | None:
    """Why a statement's calls cannot move into a step (None: TensorFlow ops only)."""
    for node in ast.walk(statement):
        if not isinstance(node, ast.Call):
            continue
        qualified = names.qualified(node.func)
        name = canonical(qualified)[0] if qualified else ""
        if not name.startswith("tensorflow.") or name in _VARIABLES:
            shown = ast.unparse(node.func)
            return (
                f"the forward pass calls `{shown}` (line {node.lineno}), which may create"
                " variables or state that a training step would create again or not train"
            )
        if name.startswith(_STATEFUL):
            shown = ast.unparse(node.func)
            return (
                f"the forward pass calls `{shown}` (line {node.lineno}), which creates"
                " variables or graph state (layers, metrics, summaries)"
            )
    return None


def later_tensors(
    candidates: Sequence[ast.stmt], names: LoopNames, known: set[str], kept: set[str]
) -> list[ast.stmt]:
    """The statements after the train op that compute more tensors from the forward pass
    (`accuracy = ...` built after `minimize`), TensorFlow ops only: they move into the
    functions that fetch them. `kept` are names they may not use (the Session, feed dicts)."""
    later: list[ast.stmt] = []
    known = set(known)
    for statement in candidates:
        target = assigned_name(statement)
        used = loads(statement)
        if target is None or not isinstance(statement, ast.Assign) or not used & known:
            continue
        if (used | {target}) & kept or _calls_refusal(statement, names) is not None:
            continue  # it stays, and is judged as any other statement
        later.append(statement)
        known.add(target)
    return later


def ancestors(loss: str, forward: list[ast.stmt]) -> set[str]:
    """The forward names the loss is computed from, itself included."""
    by_name = {assigned_name(s): s for s in forward}
    needed, todo = set(), [loss]
    while todo:
        name = todo.pop()
        if name in needed or name not in by_name:
            continue
        needed.add(name)
        todo.extend(loads(by_name[name]))
    return needed


def is_variable(names: LoopNames, statement: ast.stmt, graph: set[str]) -> bool | None:
    """True: `v = tf.get_variable(...)` / `tf.Variable(...)` from no input; None: a variable
    built from the inputs; False: not a variable."""
    if not isinstance(statement, ast.Assign) or not isinstance(statement.value, ast.Call):
        return False
    called = names.qualified(statement.value.func)
    if called is None or canonical(called)[0] not in _VARIABLES:
        return False
    return None if loads(statement) & graph else True


def assigned_name(statement: ast.stmt) -> str | None:
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return statement.targets[0].id
    return None


class LoopNames:
    def __init__(self, qualify: Qualify) -> None:
        self.qualified = qualify

    def placeholder_of(self, statement: ast.stmt) -> ast.Call | None:
        if assigned_name(statement) is None or not isinstance(statement, ast.Assign):
            return None
        call = statement.value
        if not isinstance(call, ast.Call):
            return None
        called = self.qualified(call.func)
        return call if called and canonical(called)[0] == "tensorflow.placeholder" else None

    def session_of(self, statement: ast.stmt) -> str | None:
        """`with tf.Session() as sess:` or `sess = tf.Session()` -> `sess`."""
        if isinstance(statement, ast.With) and len(statement.items) == 1:
            item = statement.items[0]
            call, bound = item.context_expr, item.optional_vars
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            call, bound = statement.value, statement.targets[0]
        else:
            return None
        if not isinstance(call, ast.Call):
            return None
        called = self.qualified(call.func)
        if not called or canonical(called)[0] not in SESSIONS:
            return None
        return bound.id if isinstance(bound, ast.Name) else None

    def is_default(self, statement: ast.stmt) -> bool:
        """Whether the Session is the default one: a `with` block's, an InteractiveSession."""
        if isinstance(statement, ast.With):
            return True
        called = self.qualified(self.session_call(statement).func)
        return bool(called) and canonical(called or "")[0] == "tensorflow.InteractiveSession"

    def session_call(self, statement: ast.stmt) -> ast.Call:
        """The `tf.Session(...)` call of a statement `session_of` named a Session for."""
        call = statement.items[0].context_expr if isinstance(statement, ast.With) else None
        call = call or getattr(statement, "value", None)
        assert isinstance(call, ast.Call)
        return call
