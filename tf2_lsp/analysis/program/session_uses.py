"""How a training loop uses its Session, statement by statement (analysis/program/train_loop.py):
what each `sess.run` does (initialise, train, read), and every use that lets the Session escape.

The training-step rewrite removes the Session, so it needs every use of it known: runs of the
train op and reads of variables become calls of the step and `w.numpy()`, `sess.close()`
goes (on its own in the block, or in a `finally` or `except` of a `try` of the block).
Anything else lets the Session escape the code the rewrite sees (returned, stored, passed to a
call), or runs the graph through the default Session (`w.eval()`); these functions find such
uses and say them in the words of a finding."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from tf2_lsp.analysis.names.resolve import canonical
from tf2_lsp.transforms.closing_try import is_close
from tf2_lsp.transforms.session_fetches import (
    Feeds,
    evaluation_outputs,
    evaluation_runs,
    evaluation_value,
    fetched,
    run_arguments,
    step_values,
    train_runs,
    train_targets,
)

# The canonical TensorFlow name of an expression (None: not TensorFlow's).
Qualify = Callable[[ast.expr], str | None]
INITIALIZERS = frozenset(
    {"tensorflow.global_variables_initializer", "tensorflow.initialize_all_variables"}
)
# Values that hold the Session without using it: the use is where the value goes.
_CONTAINERS = (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Starred)


def escape(statement: ast.stmt, session: str) -> str | None:
    """How the Session leaves the code the rewrite sees: returned, stored, handed to a call
    (None: only its methods are called). The rewrite removes it, so no such use may remain."""
    parents = {child: node for node in ast.walk(statement) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(statement):
        if not (isinstance(node, ast.Name) and node.id == session):
            continue
        if not isinstance(node.ctx, ast.Load):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute):
            continue  # `sess.run(...)`, `sess.close()`: judged as runs
        while isinstance(parent, _CONTAINERS):
            parent = parents.get(parent)
        line = node.lineno
        if isinstance(parent, ast.keyword):
            parent = parents.get(parent)
        if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom)):
            verb = "returned" if isinstance(parent, ast.Return) else "yielded"
            return f"the Session is {verb} (line {line}), so code outside this unit may run it"
        if isinstance(parent, ast.Call):
            called = ast.unparse(parent.func)
            return f"the Session is passed to `{called}` (line {line}), which may run it"
        if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            shown = ", ".join(ast.unparse(t) for t in targets)
            return f"the Session is stored in `{shown}` (line {line}), where other code may run it"
        shown = ast.unparse(parent if isinstance(parent, ast.expr) else node)[:60]
        return f"the Session is used as a value (`{shown}`, line {line})"
    return None


def default_session_read(statement: ast.stmt) -> str | None:
    """`w.eval()` / `op.run()`: graph code run by the default Session, which the `with` block
    (or an InteractiveSession) installs. The text of the call, or None."""
    for node in ast.walk(statement):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "eval"
        ):
            return ast.unparse(node)[:60]
    return None


def reads_only(statement: ast.stmt, graph: LoopGraph) -> bool:
    """Whether the statement uses the Session only to read variables (`sess.run(w)`,
    `sess.run([w, b])`) or to evaluate the forward pass (`sess.run(acc, feed_dict={...})`),
    within any expression, and no tensor of the graph otherwise."""
    session = graph.session
    runs = [
        node for node in ast.walk(statement) if isinstance(node, ast.Call) and is_run(node, session)
    ]
    if not runs or not all(_reads(run, graph) or evaluates(run, graph) for run in runs):
        return False
    within = {id(node) for run in runs for node in ast.walk(run)}
    outside = [n for n in ast.walk(statement) if isinstance(n, ast.Name) and id(n) not in within]
    return not {n.id for n in outside} & (graph.names | {session})


def _reads(run: ast.Call, graph: LoopGraph) -> bool:
    """`sess.run(w)`: variables, nothing fed (a tensor computed from the variables is not
    one: TF1 computed it again each run)."""
    read = variable_read(run, graph.session)
    return read is not None and {n.id for n in fetched(read.args[0]) or ()} <= graph.variables


def evaluates(run: ast.Call, graph: LoopGraph) -> bool:
    """`sess.run([loss, acc], feed_dict={x: a, y: b})`: values of the forward pass, without
    the train op, every placeholder fed (as the train runs feed them)."""
    fetch, feeds = run_arguments(run)
    if isinstance(fetch, ast.Dict) or feeds is None:
        return False
    names = {name.id for name in fetched(fetch) or ()}
    if not names or not names <= graph.tensors or not _feeds_every(feeds, graph):
        return False
    return not (loads(feeds) - graph.inputs) & (graph.names | {graph.session})


def variable_read(node: ast.AST, session: str) -> ast.Call | None:
    """`sess.run(w)`, `sess.run([w, b])`, `sess.run({"w": w})`: names fetched, nothing fed."""
    if (
        isinstance(node, ast.Call)
        and is_run(node, session)
        and len(node.args) == 1
        and not node.keywords
        and fetched(node.args[0]) is not None
    ):
        return node
    return None


def is_run(value: ast.expr | None, session: str) -> bool:
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "run"
        and is_name(value.func.value, session)
    )


def is_name(node: ast.expr | None, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def loads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


@dataclass(frozen=True, slots=True)
class LoopGraph:
    """The names of the graph a training loop runs: the Session, the train op and its loss,
    the fed placeholders, the forward pass's tensors (the loss among them), the initializers
    bound to names, the variables (`tf.Variable`, `tf.get_variable`), the feed dicts built once
    and given to runs by name."""

    session: str
    train_op: str
    loss: str
    inputs: frozenset[str]
    tensors: frozenset[str]
    initializers: frozenset[str]
    variables: frozenset[str]
    feeds: frozenset[str] = frozenset()

    @property
    def names(self) -> frozenset[str]:
        return self.inputs | self.tensors | self.initializers | {self.train_op}


def run_kind(statement: ast.stmt, graph: LoopGraph, qualify: Qualify) -> str | None:
    """What a statement of the loop does with the Session: "init" (runs the initializer,
    perhaps through the name it was bound to), "train" (runs the train op, perhaps fetching
    values of the forward pass with it), "read" (`v = sess.run(w)`, `a, b = sess.run([a, b])`);
    None when it does anything else."""
    session = graph.session
    value = statement.value if isinstance(statement, (ast.Expr, ast.Assign, ast.Return)) else None
    run = value if is_run(value, session) else None
    if run is None:
        return None
    assert isinstance(run, ast.Call)
    fetch, feeds = run_arguments(run)
    if fetch is None:
        return None
    if isinstance(statement, ast.Expr) and isinstance(fetch, ast.Call):
        called = qualify(fetch.func)
        if called and canonical(called)[0] in INITIALIZERS and feeds is None:
            return "init"
    if isinstance(statement, ast.Expr) and isinstance(fetch, ast.Name) and feeds is None:
        return "init" if fetch.id in graph.initializers else None
    names = {name.id for name in fetched(fetch) or ()}
    if feeds is not None:
        if not _feeds_every(feeds, graph):
            return None
        if (loads(feeds) - graph.inputs) & (graph.names | {session}):
            return None
        return "train" if _trains(statement, fetch, names, graph) else None
    single = isinstance(statement, ast.Return) or len(getattr(statement, "targets", ())) == 1
    if single and names and names <= graph.variables:
        return "read"  # `v = sess.run(w)`, `return sess.run([w, b])`
    return None


def _trains(statement: ast.stmt, fetch: ast.expr, names: set[str], graph: LoopGraph) -> bool:
    """`sess.run(train_op, ...)`, `sess.run([train_op, loss], ...)` or `_, l, a =
    sess.run([train_op, loss, acc], ...)`: the train op with values of the forward pass."""
    if isinstance(statement, ast.Expr):
        listed = fetched(fetch)
        ids = [name.id for name in listed or ()]
        return ids.count(graph.train_op) == 1 and set(ids) <= graph.tensors | {graph.train_op}
    pairs = train_targets(statement, graph.train_op)
    return pairs is not None and all(name in graph.tensors for _, name in pairs)


def _feeds_every(feeds: Feeds, graph: LoopGraph) -> bool:
    """Whether a run feeds every placeholder, as the step's call will."""
    if isinstance(feeds, ast.Name):
        return feeds.id in graph.feeds
    keys = [k.id if isinstance(k, ast.Name) else "" for k in feeds.keys]
    return sorted(keys) == sorted(graph.inputs)


def builds_feed(statement: ast.stmt, graph: LoopGraph) -> bool:
    """`feed = {x: a, y: b}`: a feed dict given to runs by name, from values that are not the
    graph's."""
    if not isinstance(statement, ast.Assign) or not isinstance(statement.value, ast.Dict):
        return False
    target = statement.targets[0]
    if not isinstance(target, ast.Name) or target.id not in graph.feeds:
        return False
    values = set().union(*(loads(value) for value in statement.value.values))
    return not values & (graph.names | {graph.session})


def initializer_run(statement: ast.stmt, graph: LoopGraph, qualify: Qualify) -> bool:
    """`tf.global_variables_initializer().run()` or `init.run()`: the initializer run by the
    default Session (the `with` block's, an InteractiveSession)."""
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return False
    call = statement.value
    if call.args or call.keywords or not isinstance(call.func, ast.Attribute):
        return False
    receiver = call.func.value
    if call.func.attr != "run":
        return False
    if isinstance(receiver, ast.Name):
        return receiver.id in graph.initializers
    if isinstance(receiver, ast.Call) and not receiver.args and not receiver.keywords:
        called = qualify(receiver.func)
        return bool(called) and canonical(called or "")[0] in INITIALIZERS
    return False


def run_detail(statement: ast.stmt, graph: LoopGraph) -> str:
    """What a run the step cannot take does instead, for the finding ("" when nothing more
    precise than "reads the graph" can be said)."""
    for node in ast.walk(statement):
        if not isinstance(node, ast.Call) or not is_run(node, graph.session):
            continue
        fetch, feeds = run_arguments(node)
        names = [name.id for name in fetched(fetch) or ()]
        if graph.train_op in names:
            other = [n for n in names if n not in graph.tensors | {graph.train_op}]
            if other:
                return (
                    f": `{other[0]}` is fetched with the train op, and TF1 does not say whether"
                    " it is read before or after the update; fetch it in a run of its own"
                )
        elif feeds is not None and set(names) & graph.tensors:
            shown = ", ".join(f"`{n}`" for n in names)
            if not _feeds_every(feeds, graph):
                fed = ", ".join(f"`{n}`" for n in sorted(graph.inputs))
                return (
                    f": it evaluates {shown} with other feeds than the training step's"
                    f" arguments ({fed})"
                )
            other = sorted(set(names) - graph.tensors)
            if other:
                return (
                    f": it evaluates `{other[0]}`, which is not computed from the forward pass"
                    " with TensorFlow ops"
                )
    return ""


def loop_refusal(
    block: Sequence[ast.stmt],
    qualify: Qualify,
    loop_graph: LoopGraph,
    outputs: list[str],
    moved: Sequence[ast.stmt] = (),
) -> str | None:
    """Why the statements run while the Session is open cannot become calls of the step;
    `moved` are the ones that move into it (tensors built in the block)."""
    session, graph = loop_graph.session, set(loop_graph.names)
    for run, pairs in train_runs(block, session, loop_graph.train_op):
        if step_values(pairs, outputs) is None:
            shown = ", ".join(f"`{name}`" for name in outputs)
            return (
                f"the train runs fetch the step's values in different orders (line"
                f" {run.lineno}; the step returns {shown})"
            )
    evaluations = evaluation_runs(block, session, loop_graph.train_op)
    evaluated = evaluation_outputs([run for run in evaluations if evaluates(run, loop_graph)])
    for evaluation in evaluations:
        if evaluates(evaluation, loop_graph) and evaluation_value(evaluation, evaluated) is None:
            shown = ", ".join(f"`{name}`" for name in evaluated)
            return (
                f"the evaluation runs fetch their values in different orders (line"
                f" {evaluation.lineno}; the evaluation returns {shown})"
            )
    closes = _closes_in_try(block, session)
    runs = 0
    closed: ast.stmt | None = None
    for statement in _simple_statements(block):
        if (through_default := default_session_read(statement)) is not None:
            return (
                f"`{through_default}` (line {statement.lineno}) reads the graph through the default"
                f" Session; write `{session}.run(...)`"
            )
        if any(statement is s for s in moved):
            continue
        if initializer_run(statement, loop_graph, qualify):
            continue  # the variables of a training step start initialised
        if builds_feed(statement, loop_graph):
            continue  # its keys become the step's parameter names
        used = loads(statement)
        if not used & (graph | {session}):
            continue
        if (escaped := escape(statement, session)) is not None:
            return escaped
        if closed is not None and session in used and not is_close(statement, session):
            return (
                f"the Session is used on line {statement.lineno}, after `{session}.close()`"
                f" (line {closed.lineno})"
            )
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return (
                f"the Session or the graph is used in `{statement.name}` (line"
                f" {statement.lineno}), which may run them at another time"
            )
        if is_close(statement, session):
            if not any(statement is s for s in block) and statement not in closes:
                return f"the Session is closed inside a block (line {statement.lineno})"
            closed = statement
            continue
        kind = run_kind(statement, loop_graph, qualify)
        if kind is None and reads_only(statement, loop_graph):
            kind = "read"  # `print(sess.run(w))`: `print(w.numpy())`
        if kind is None:
            shown = ast.unparse(statement).split("\n")[0][:60]
            detail = run_detail(statement, loop_graph)
            return f"`{shown}` reads the graph other than by running the train op{detail}"
        runs += kind == "train"
    if not runs:
        return "the Session never runs the train op"
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
    for node in (n for statement in block for n in ast.walk(statement)):
        if isinstance(node, scopes) and loads(node) & (graph | {session}):
            return "the Session or the graph is used in a function inside the loop"
    return None


def _closes_in_try(block: Sequence[ast.stmt], session: str) -> list[ast.stmt]:
    """`sess.close()` in the `finally` (or an `except`) of a `try` of the Session's own
    block: the idiomatic close, which runs once, after everything else the block does."""
    return [
        statement
        for top in block
        if isinstance(top, ast.Try)
        for body in (top.finalbody, *(handler.body for handler in top.handlers))
        for statement in body
        if is_close(statement, session)
    ]


def _simple_statements(body: Sequence[ast.stmt]) -> Iterable[ast.stmt]:
    """The statements that are not blocks, inside loops, conditionals, `try` and `with`
    too; a block statement's own header (a `for` target, an `if` test, a `with` item) counts
    as a statement here. A `try`'s clauses come in the order they may run."""
    for statement in body:
        if isinstance(statement, (ast.For, ast.While, ast.If)):
            header = ast.Expr(
                value=statement.test if not isinstance(statement, ast.For) else statement.iter
            )
            yield ast.copy_location(header, statement)
            yield from _simple_statements(statement.body)
            yield from _simple_statements(statement.orelse)
        elif isinstance(statement, ast.Try):
            yield from _simple_statements(statement.body)
            yield from _simple_statements(statement.orelse)
            for handler in statement.handlers:
                yield from _simple_statements(handler.body)
            yield from _simple_statements(statement.finalbody)
        elif isinstance(statement, ast.With):
            for item in statement.items:
                yield ast.copy_location(ast.Expr(value=item.context_expr), statement)
            yield from _simple_statements(statement.body)
        else:
            yield statement  # a function or class is judged as a whole: it may not touch the graph
