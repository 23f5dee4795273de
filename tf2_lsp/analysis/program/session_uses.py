"""How a training loop uses its Session, statement by statement (analysis/program/train_loop.py):
what each `sess.run` does (initialise, train, read), and every use that lets the Session escape.

The training-step rewrite removes the Session, so it needs every use of it known: runs of the
train op and reads of variables become calls of the step and `w.numpy()`, `sess.close()`
goes. Anything else lets the Session escape the code the rewrite sees (returned, stored,
passed to a call), or runs the graph through the default Session (`w.eval()`); these
functions find such uses and say them in the words of a finding.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from tf2_lsp.analysis.names.resolve import canonical

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


def is_close(statement: ast.stmt, session: str) -> bool:
    """`sess.close()`, a statement of its own."""
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and not statement.value.args
        and not statement.value.keywords
        and isinstance(statement.value.func, ast.Attribute)
        and statement.value.func.attr == "close"
        and is_name(statement.value.func.value, session)
    )


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


def reads_only(statement: ast.stmt, session: str, graph: set[str]) -> bool:
    """Whether the statement uses the Session only to read variables, `sess.run(w)` within
    any expression, and no tensor of the graph otherwise."""
    if loads(statement) & graph:
        return False
    reads = [read for node in ast.walk(statement) if (read := variable_read(node, session))]
    receivers = {id(read.func.value) for read in reads if isinstance(read.func, ast.Attribute)}
    uses = [n for n in ast.walk(statement) if isinstance(n, ast.Name) and n.id == session]
    return bool(reads) and all(id(n) in receivers for n in uses)


def variable_read(node: ast.AST, session: str) -> ast.Call | None:
    """`sess.run(w)`: one name fetched, nothing fed."""
    if (
        isinstance(node, ast.Call)
        and is_run(node, session)
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.args[0], ast.Name)
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


def run_kind(
    statement: ast.stmt,
    session: str,
    train_op: str,
    loss: str,
    inputs: set[str],
    qualify: Qualify,
    initializers: set[str] | frozenset[str] = frozenset(),
) -> str | None:
    """What a statement of the loop does with the Session: "init" (runs the initializer,
    perhaps through the name it was bound to: `initializers`),
    "train" (runs the train op, perhaps fetching the loss), "read" (`v = sess.run(var)`);
    None when it does anything else."""
    value = statement.value if isinstance(statement, (ast.Expr, ast.Assign, ast.Return)) else None
    run = value if is_run(value, session) else None
    if run is None:
        return None
    assert isinstance(run, ast.Call)
    fetch, feeds = _run_arguments(run)
    if fetch is None:
        return None
    if isinstance(statement, ast.Expr) and isinstance(fetch, ast.Call):
        called = qualify(fetch.func)
        if called and canonical(called)[0] in INITIALIZERS and feeds is None:
            return "init"
    if isinstance(statement, ast.Expr) and isinstance(fetch, ast.Name) and feeds is None:
        return "init" if fetch.id in initializers else None
    if feeds is not None and not _feeds_every(feeds, inputs):
        return None
    if feeds is not None and loads(feeds) - inputs & {session, train_op, loss}:
        return None
    if isinstance(statement, ast.Expr) and is_name(fetch, train_op) and feeds is not None:
        return "train"
    if (
        isinstance(statement, ast.Assign)
        and feeds is not None
        and train_pair(statement, train_op, loss) is not None
    ):
        return "train"
    if (
        (isinstance(statement, ast.Return) or len(getattr(statement, "targets", ())) == 1)
        and feeds is None
        and isinstance(fetch, ast.Name)
        and fetch.id not in (train_op, loss, *inputs)
    ):
        return "read"  # `v = sess.run(w)`, `return sess.run(w)`
    return None


def train_pair(statement: ast.Assign, train_op: str, loss: str) -> ast.expr | None:
    """`_, l = sess.run([train_op, loss], ...)` (either order): the target that gets the loss."""
    if len(statement.targets) != 1 or not isinstance(statement.value, ast.Call):
        return None
    target = statement.targets[0]
    fetch, _ = _run_arguments(statement.value)
    sequences = (ast.Tuple, ast.List)
    if not isinstance(target, sequences) or not isinstance(fetch, sequences):
        return None
    if len(target.elts) != 2 or len(fetch.elts) != 2:
        return None
    order = [e.id if isinstance(e, ast.Name) else "" for e in fetch.elts]
    if sorted(order) != sorted([train_op, loss]) or train_op == loss:
        return None
    return target.elts[order.index(loss)]


def _run_arguments(run: ast.Call) -> tuple[ast.expr | None, ast.Dict | None]:
    """The fetch and the feed dict of `sess.run(fetch, feed_dict={...})`."""
    fetch = run.args[0] if run.args else None
    feeds: ast.expr | None = run.args[1] if len(run.args) > 1 else None
    for keyword in run.keywords:
        if keyword.arg == "feed_dict" and feeds is None:
            feeds = keyword.value
        elif keyword.arg == "fetches" and fetch is None:
            fetch = keyword.value
        else:
            return None, None
    if len(run.args) > 2 or (feeds is not None and not isinstance(feeds, ast.Dict)):
        return None, None
    return fetch, feeds if isinstance(feeds, ast.Dict) else None


def _feeds_every(feeds: ast.Dict, inputs: set[str]) -> bool:
    keys = [k.id if isinstance(k, ast.Name) else "" for k in feeds.keys]
    return sorted(keys) == sorted(inputs)
