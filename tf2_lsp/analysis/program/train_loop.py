"""A self-contained Session training loop, which can become a `tf.function` training step.

The TF guide's "Session.run to tf.function" pattern, for the simplest shape real scripts have,
all at module level:

    x = tf.placeholder(tf.float32, [None, 3])          # inputs, fed from Python values
    w = tf.get_variable("w", [3, 1], ...)               # variables, not built from inputs
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))   # the forward pass, from the inputs
    train_op = tf.train.AdamOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(100):
            sess.run(train_op, feed_dict={x: xs})

The Session may also be a name, `sess = tf.Session()` (or `tf.InteractiveSession()`): its block
is then the statements from there to the last one that uses `sess` (`sess.close()` included,
on its own or in the `finally` of a `try`), and `sess` must not escape the code the rewrite
sees (returned, stored, passed to a call, used after `close()`): each such use is named in the
finding.

The loop is self-contained when nothing else reads the graph: the Session only initialises,
runs `train_op` (with values of the forward pass fetched alongside, which the step returns),
evaluates the forward pass with every placeholder fed (an `evaluate` function) and reads
variables; the forward pass (what is computed from the inputs or the variables, before
`minimize` or, for more fetched values, after it) is used only for those values; no other graph
state (collections, `tf.train`'s global step, summaries, `tf.layers`) is in the module. How the
loop's statements use the Session is judged by session_uses.py. Then the forward pass moves into
a training step (transforms/train_step.py). Any other shape with a Session that runs a train op
is reported with what holds it back.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tf2_lsp.analysis.names.resolve import canonical
from tf2_lsp.analysis.program.forward_pass import (
    LoopNames,
    ancestors,
    assigned_name,
    forward_pass,
    is_variable,
    later_tensors,
)
from tf2_lsp.analysis.program.graph_mode import SESSIONS
from tf2_lsp.analysis.program.session_uses import (
    INITIALIZERS,
    LoopGraph,
    Qualify,
    builds_feed,
    escape,
    loads,
    loop_refusal,
)
from tf2_lsp.transforms.default_session import explicit_runs
from tf2_lsp.transforms.session_fetches import (
    bindings,
    evaluation_outputs,
    evaluation_runs,
    feed_dicts,
    step_outputs,
)
from tf2_lsp.transforms.train_step import EVALUATE_NAME, OPTIMIZER_NAME, STEP_NAME

# Graph state the rewrite itself removes or keeps working in eager code.
_REWRITTEN = frozenset(
    {
        "tensorflow.placeholder",
        "tensorflow.get_variable",
        "tensorflow.global_variables_initializer",
        *SESSIONS,
    }
)


@dataclass(frozen=True, slots=True)
class TrainLoop:
    """The statements the rewrite covers (first and last line), the call the finding marks,
    and why it cannot be rewritten (None: it can)."""

    first: int
    last: int
    marked: ast.AST
    refused: str | None


def find_in_module(
    module: Sequence[ast.stmt],
    qualify: Qualify,
    blockers: Sequence[tuple[int, str]],
    taken: set[str],
) -> TrainLoop | None:
    """The module's Session training loop: at module level, or in the body of one top-level
    function (`def main():`) when the module has no graph state outside that function."""
    loop = find(module, qualify, blockers, taken)
    if loop is not None:
        return loop
    for function in module:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if not any(_minimize_of(s) is not None for s in function.body):
            continue
        first, last = function.lineno, function.end_lineno or function.lineno
        outside = [(line, name) for line, name in blockers if not first <= line <= last]
        local = taken | {
            n.id
            for n in ast.walk(function)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        loop = find(function.body, qualify, blockers, local)
        if loop is not None and outside and loop.refused is None:
            line, name = outside[0]
            why = f"the module also uses `{name}` (line {line}) outside `{function.name}`"
            return TrainLoop(loop.first, loop.last, loop.marked, why)
        if loop is not None:
            return loop
    return None


def find(
    body: Sequence[ast.stmt],
    qualify: Qualify,
    blockers: Iterable[tuple[int, str]],
    taken: set[str],
) -> TrainLoop | None:
    """The Session training loop of these statements (a module's or a function's body)."""
    names = LoopNames(qualify)
    minimize = [(i, s) for i, s in enumerate(body) if _minimize_of(s) is not None]
    sessions = [(i, s) for i, s in enumerate(body) if names.session_of(s) is not None]
    if not minimize or not sessions:
        return None
    session, train_op = names.session_of(sessions[-1][1]), assigned_name(minimize[0][1])
    if session and train_op and names.is_default(sessions[-1][1]):
        # `w.eval()`, `train_op.run(...)`: runs of this Session, read as `sess.run(...)`.
        body = explicit_runs(body, session, train_op)
        minimize = [(i, body[i]) for i, _ in minimize]
        sessions = [(i, body[i]) for i, _ in sessions]
    index, statement = minimize[0]
    loop_index, opened = sessions[-1]
    refusal = _refusal(body, names, minimize, sessions, blockers, taken)
    placeholders = [s for s in body if names.placeholder_of(s) is not None]
    forward, _ = forward_pass(body[:index], names)
    call = _minimize_of(statement)
    assert call is not None and isinstance(call.func, ast.Attribute)
    held = optimizer_statement(body[:index], call.func.value)
    first = min(
        s.lineno for s in [statement, opened, *placeholders, *forward, *([held] if held else [])]
    )
    block, _ = _session_block(body, loop_index, index, names)
    inits = [s for s in body if _initializer_name(s, names)]
    first = min([first, *(s.lineno for s in inits)])
    ends = [opened, statement, *block[-1:]]
    return TrainLoop(first, max(s.end_lineno or s.lineno for s in ends), statement, refusal)


def _session_block(
    body: Sequence[ast.stmt], opened: int, train: int, names: LoopNames
) -> tuple[list[ast.stmt], range]:
    """The statements run while the Session is open, and the positions in `body` they hold:
    a `with` block's body (the `with` statement's position); after `sess = tf.Session()`, the
    statements after both it and the train op, to the last one that uses `sess`."""
    statement = body[opened]
    if isinstance(statement, ast.With):
        return list(statement.body), range(opened, opened + 1)
    session = names.session_of(statement)
    start = max(opened, train) + 1
    uses = [p for p in range(start, len(body)) if session in loads(body[p])]
    end = uses[-1] if uses else start - 1
    return list(body[start : end + 1]), range(start, end + 1)


def _refusal(
    body: Sequence[ast.stmt],
    names: LoopNames,
    minimize: list[tuple[int, ast.stmt]],
    sessions: list[tuple[int, ast.stmt]],
    blockers: Iterable[tuple[int, str]],
    taken: set[str],
) -> str | None:
    if len(minimize) > 1:
        return "the module minimizes more than one loss"
    opened = _sessions_opened(body, names)
    if len(sessions) > 1 or len(opened) > 1:
        lines = ", ".join(str(line) for line in opened[:3])
        return f"the module opens more than one Session (lines {lines})"
    index, statement = minimize[0]
    loop_index, loop = sessions[0]
    if loop_index < index and isinstance(loop, ast.With):
        return "the Session is opened before the train op is built"
    opening = names.session_call(loop)
    if opening.args or opening.keywords:
        shown = ast.unparse(opening)[:60]
        return f"the Session is opened with arguments (`{shown}`), which a training step drops"
    call = _minimize_of(statement)
    assert call is not None and isinstance(call.func, ast.Attribute)
    built = call.func.value
    held = optimizer_statement(body[:index], built)
    if held is not None:
        built = held.value
        if _loads_of(body, assigned_name(held) or "") != 1:
            return "the optimizer is used beyond `minimize`"
    optimizer = names.qualified(built.func) if isinstance(built, ast.Call) else None
    optimizer = canonical(optimizer)[0] if optimizer else ""
    if not optimizer.startswith("tensorflow.train.") or not optimizer.endswith("Optimizer"):
        return "the train op is not the `minimize` of a `tf.train` optimizer built in this module"
    if len(call.args) != 1 or not isinstance(call.args[0], ast.Name):
        return "`minimize` is given more than the loss (`var_list`, ...)"
    for keyword in call.keywords:
        counter = keyword.value
        if keyword.arg != "global_step":
            return f"`minimize` is given `{keyword.arg or '**'}`, which a training step drops"
        if not isinstance(counter, ast.Name) or not any(
            assigned_name(s) == counter.id and is_variable(names, s, set()) for s in body[:index]
        ):
            shown = ast.unparse(counter)[:40]
            return f"the global step `{shown}` is not a variable created before `minimize`"
    loss = call.args[0].id
    for name in (STEP_NAME, OPTIMIZER_NAME) if held is None else (STEP_NAME,):
        # The train op's own name is free: the rewrite removes it (`train_step = ...minimize`).
        if name in taken and not (name == assigned_name(statement) and _bound_once(body, name)):
            return f"the module already binds `{name}`, the name the training step takes"
    other = [(line, name) for line, name in blockers if canonical(name)[0] not in _REWRITTEN]
    if other:
        line, name = other[0]
        return f"the module also uses `{name}` (line {line}), which the step cannot take"
    forward, refused = forward_pass(body[:index], names)
    if refused:
        return refused
    placeholders = [s for s in body if names.placeholder_of(s) is not None]
    inputs = {assigned_name(s) or "" for s in placeholders}
    session = names.session_of(loop)
    assert session is not None
    feeds = feed_dicts(body, session, inputs)
    block, held_by_block = _session_block(body, loop_index, index, names)
    if isinstance(loop, ast.With):  # from the train op to the end of the `with` block
        after = [*body[index + 1 : loop_index], *(block if loop_index > index else [])]
    else:  # from the train op to the last use of the Session
        last = held_by_block[-1] if held_by_block else index
        after = [s for s in body[index + 1 : last + 1] if s is not loop]
    known = inputs | {assigned_name(s) or "" for s in forward}
    later = later_tensors(after, names, known, {session, *feeds})
    forward = [*forward, *later]
    moved = {assigned_name(s) or "" for s in forward}
    if loss not in moved:
        return f"the loss `{loss}` is not computed from the fed placeholders at module level"
    train_op = assigned_name(statement)
    if train_op is None:
        return "the train op is not assigned to a name"
    graph = inputs | moved | {train_op}
    initializers = {n for s in [*body, *block] if (n := _initializer_name(s, names))}
    variables = {assigned_name(s) or "" for s in body if is_variable(names, s, set())}
    loop_graph = LoopGraph(
        session,
        train_op,
        loss,
        frozenset(inputs),
        frozenset(moved),
        frozenset(initializers),
        frozenset(variables),
        frozenset(feeds),
    )
    for position, other_statement in enumerate(body):
        if any(other_statement is s for s in [*forward, *placeholders]):
            continue
        if position > index and builds_feed(other_statement, loop_graph):
            continue  # `feed = {x: a}` before the Session: given to its runs by name
        if position in (index, loop_index) or position in held_by_block:
            continue
        used = loads(other_statement) & (graph | {session} | initializers)
        if used and is_variable(names, other_statement, graph) is None:
            return f"a variable is built from the inputs (line {other_statement.lineno})"
        if used and (escaped := escape(other_statement, session)):
            return escaped
        if used:
            shown = sorted(used)[0]
            return f"`{shown}` is used outside the training loop (line {other_statement.lineno})"
    outputs = step_outputs(block, session, train_op, loss)
    refused = loop_refusal(block, names.qualified, loop_graph, outputs, later)
    evaluated = evaluation_outputs(evaluation_runs(block, session, train_op))
    if refused is None and evaluated and EVALUATE_NAME in taken:
        return f"the module already binds `{EVALUATE_NAME}`, the name the evaluation takes"
    wanted = [loss, *outputs, *evaluated]
    needed = set().union(*(ancestors(name, forward) for name in wanted))
    if refused is None and needed != moved:
        extra = sorted(moved - needed)[0]
        return (
            f"`{extra}` is computed from the inputs or the variables but neither for the loss"
            " nor fetched by a run: another fetch"
        )
    return refused


def _initializer_name(statement: ast.stmt, names: LoopNames) -> str | None:
    """`init = tf.global_variables_initializer()` -> `init`."""
    target = assigned_name(statement)
    if target is None or not isinstance(statement, ast.Assign):
        return None
    call = statement.value
    if not isinstance(call, ast.Call) or call.args or call.keywords:
        return None
    called = names.qualified(call.func)
    return target if called and canonical(called)[0] in INITIALIZERS else None


def _sessions_opened(body: Sequence[ast.stmt], names: LoopNames) -> list[int]:
    """The lines of every Session these statements open, nested ones too."""
    lines = []
    for node in (n for statement in body for n in ast.walk(statement)):
        if isinstance(node, ast.Call):
            called = names.qualified(node.func)
            if called and canonical(called)[0] in SESSIONS:
                lines.append(node.lineno)
    return lines


def optimizer_statement(before: Sequence[ast.stmt], receiver: ast.expr) -> ast.Assign | None:
    """`opt = tf.train.AdamOptimizer(...)` for `opt.minimize(loss)`: the last module-level
    statement binding the receiver's name before the train op."""
    if not isinstance(receiver, ast.Name):
        return None
    for statement in reversed(before):
        if assigned_name(statement) == receiver.id:
            assert isinstance(statement, ast.Assign)
            return statement if isinstance(statement.value, ast.Call) else None
    return None


def _bound_once(body: Sequence[ast.stmt], name: str) -> bool:
    return bindings((n for statement in body for n in ast.walk(statement)), name) == 1


def _loads_of(body: Sequence[ast.stmt], name: str) -> int:
    return sum(
        isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
        for statement in body
        for n in ast.walk(statement)
    )


def _minimize_of(statement: ast.stmt) -> ast.Call | None:
    if not isinstance(statement, ast.Assign) or not isinstance(statement.value, ast.Call):
        return None
    func = statement.value.func
    if isinstance(func, ast.Attribute) and func.attr == "minimize":
        return statement.value
    return None
