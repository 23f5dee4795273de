"""What one `sess.run(...)` of a training loop fetches, read alike by detection
(analysis/program/train_loop.py) and by the rewrite (train_step.py).

TF1's `sess.run` takes a tensor, a list or tuple of them, or a dict of them, and gives their
values back in the same structure. The values fetched together with the train op come from
that same run, before the update (the update is computed from them): a training step
returns them, computed under its tape. A variable fetched with the train op has no such
order, so it is not a step's value.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import TypeGuard

STEP_NAME = "train_step"
EVALUATE_NAME = "evaluate"


# A feed dict as a run is given it: written out, or the name of one (`feed_dicts`).
Feeds = ast.Dict | ast.Name


def run_arguments(run: ast.Call) -> tuple[ast.expr | None, Feeds | None]:
    """The fetch and the feed dict of `sess.run(fetch, feed_dict={...})` (or `feed_dict=feed`);
    (None, None) for any other argument (`options=`, a feed dict that is computed)."""
    fetch = run.args[0] if run.args else None
    feeds: ast.expr | None = run.args[1] if len(run.args) > 1 else None
    for keyword in run.keywords:
        if keyword.arg == "feed_dict" and feeds is None:
            feeds = keyword.value
        elif keyword.arg == "fetches" and fetch is None:
            fetch = keyword.value
        else:
            return None, None
    if len(run.args) > 2 or (feeds is not None and not isinstance(feeds, (ast.Dict, ast.Name))):
        return None, None
    return fetch, feeds if isinstance(feeds, (ast.Dict, ast.Name)) else None


def feed_dicts(statements: Sequence[ast.stmt], session: str, inputs: Collection[str]) -> set[str]:
    """The names of the feed dicts built once and given only to runs of the Session:
    `feed = {x: a, y: b}` (every placeholder a key), then `sess.run(train_op, feed_dict=feed)`."""
    nodes = [node for statement in statements for node in ast.walk(statement)]
    built = {
        node.targets[0].id
        for node in nodes
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Dict)
        and sorted(k.id if isinstance(k, ast.Name) else "" for k in node.value.keys)
        == sorted(inputs)
    }
    given = {
        id(feeds)
        for node in nodes
        if isinstance(node, ast.Call) and is_run_of(node, session)
        for feeds in [run_arguments(node)[1]]
        if isinstance(feeds, ast.Name)
    }
    names = [node for node in nodes if isinstance(node, ast.Name) and node.id in built]
    unused = {n.id for n in names if isinstance(n.ctx, ast.Load) and id(n) not in given}
    return {name for name in built if bindings(nodes, name) == 1} - unused


def bindings(nodes: Iterable[ast.AST], name: str) -> int:
    """How many of these nodes bind `name` (assigned, deleted, defined, imported, a
    parameter)."""
    count = 0
    for node in nodes:
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            count += node.id == name
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            count += node.name == name
        elif isinstance(node, ast.alias):
            count += (node.asname or node.name.split(".")[0]) == name
        elif isinstance(node, ast.arg):
            count += node.arg == name
    return count


def fetched(fetch: ast.expr | None) -> list[ast.Name] | None:
    """The names a fetch is made of: `w`, `[w, b]`, `(w, b)`, `{"w": w}` (keys written as
    strings); None for any other fetch."""
    if isinstance(fetch, ast.Name):
        return [fetch]
    if isinstance(fetch, (ast.List, ast.Tuple)):
        elements = fetch.elts
    elif isinstance(fetch, ast.Dict):
        if not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in fetch.keys):
            return None
        elements = fetch.values
    else:
        return None
    names = [e for e in elements if isinstance(e, ast.Name)]
    return names if names and len(names) == len(elements) else None


def train_targets(statement: ast.stmt, train_op: str) -> list[tuple[ast.expr, str]] | None:
    """`_, l, a = sess.run([train_op, loss, acc], ...)`: each target with the name it gets,
    the train op's (TF1 gives it None) left out; None for any other statement."""
    if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return None
    if not isinstance(statement.value, ast.Call):
        return None
    target = statement.targets[0]
    fetch, _ = run_arguments(statement.value)
    names = fetched(fetch) if isinstance(fetch, (ast.List, ast.Tuple)) else None
    if names is None or not isinstance(target, (ast.Tuple, ast.List)):
        return None
    if len(target.elts) != len(names) or any(isinstance(t, ast.Starred) for t in target.elts):
        return None
    ids = [name.id for name in names]
    if ids.count(train_op) != 1 or len(ids) < 2:
        return None
    return [(t, name) for t, name in zip(target.elts, ids, strict=True) if name != train_op]


def is_run_of(node: ast.AST, session: str) -> TypeGuard[ast.Call]:
    """`session.run(...)`."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "run"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == session
    )


def train_runs(
    statements: Iterable[ast.stmt], session: str, train_op: str
) -> list[tuple[ast.Assign, list[tuple[ast.expr, str]]]]:
    """Every `... = sess.run([train_op, ...], ...)` in these statements (nested ones too),
    with what each target gets."""
    runs = []
    for node in (n for statement in statements for n in ast.walk(statement)):
        if isinstance(node, ast.Assign) and is_run_of(node.value, session):
            pairs = train_targets(node, train_op)
            if pairs is not None:
                runs.append((node, pairs))
    return sorted(runs, key=lambda run: (run[0].lineno, run[0].col_offset))  # in source order


def step_outputs(
    statements: Iterable[ast.stmt], session: str, train_op: str, loss: str
) -> list[str]:
    """What the training step returns: the values the loop fetches with the train op, in the
    order they are first fetched; the loss when none is."""
    outputs: list[str] = []
    for _, pairs in train_runs(statements, session, train_op):
        outputs.extend(name for _, name in pairs if name not in outputs)
    return outputs or [loss]


def step_values(pairs: list[tuple[ast.expr, str]], outputs: list[str]) -> str | None:
    """How a run's targets take the step's values, `call` standing for the step's call:
    `l = {call}.numpy()`, `l, a = [value.numpy() for value in {call}]`,
    `a = {call}[1].numpy()` (written without the targets); None when the targets want the
    values in another order than the step returns them."""
    names = [name for _, name in pairs]
    if names == outputs and len(outputs) == 1:
        return "{call}.numpy()"
    if names == outputs:
        return "[value.numpy() for value in {call}]"
    if len(names) == 1 and names[0] in outputs:
        return f"{{call}}[{outputs.index(names[0])}].numpy()"
    return None


def numpy_text(fetch: ast.expr, source: Callable[[ast.expr], str]) -> str:
    """A fetch of variables as their values now: `[w, b]` -> `[w.numpy(), b.numpy()]`,
    `{"w": w}` -> `{"w": w.numpy()}`, in the structure TF1's `sess.run` gave back."""
    if isinstance(fetch, ast.Name):
        return f"{fetch.id}.numpy()"
    if isinstance(fetch, ast.Dict):
        pairs = zip(fetch.keys, fetch.values, strict=True)
        return "{" + ", ".join(f"{source(k)}: {numpy_text(v, source)}" for k, v in pairs if k) + "}"
    assert isinstance(fetch, (ast.List, ast.Tuple))
    inner = ", ".join(numpy_text(element, source) for element in fetch.elts)
    if isinstance(fetch, ast.List):
        return f"[{inner}]"
    return f"({inner},)" if len(fetch.elts) == 1 else f"({inner})"


def evaluation_runs(statements: Iterable[ast.stmt], session: str, train_op: str) -> list[ast.Call]:
    """Every `sess.run(fetch, feed_dict={...})` that fetches tensors without the train op
    (nested ones too, inside any expression): an evaluation of the forward pass."""
    runs = []
    for node in (n for statement in statements for n in ast.walk(statement)):
        if not isinstance(node, ast.Call) or not is_run_of(node, session):
            continue
        fetch, feeds = run_arguments(node)
        names = fetched(fetch) if not isinstance(fetch, ast.Dict) else None
        if names and feeds is not None and train_op not in {name.id for name in names}:
            runs.append(node)
    return sorted(runs, key=lambda run: (run.lineno, run.col_offset))  # in source order


def evaluation_outputs(runs: list[ast.Call]) -> list[str]:
    """What the evaluation function returns: the values the runs fetch, in first order."""
    outputs: list[str] = []
    for run in runs:
        fetch, _ = run_arguments(run)
        outputs.extend(n.id for n in fetched(fetch) or () if n.id not in outputs)
    return outputs


def evaluation_value(run: ast.Call, outputs: list[str]) -> str | None:
    """An evaluation run as the evaluation function's values, `call` standing for its call:
    `{call}[1].numpy()` for one tensor, `[value.numpy() for value in {call}]` for all of them
    in its order; None for a structure that wants them otherwise."""
    fetch, _ = run_arguments(run)
    names = [name.id for name in fetched(fetch) or ()]
    if isinstance(fetch, ast.Name):
        single = len(outputs) == 1
        return "{call}.numpy()" if single else f"{{call}}[{outputs.index(fetch.id)}].numpy()"
    if names != outputs:
        return None
    if len(outputs) == 1:
        return "[{call}.numpy()]" if isinstance(fetch, ast.List) else "({call}.numpy(),)"
    if isinstance(fetch, ast.List):
        return "[value.numpy() for value in {call}]"
    return "tuple(value.numpy() for value in {call})"
