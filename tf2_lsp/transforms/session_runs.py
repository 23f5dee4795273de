"""The runs of a Session training loop rewritten as calls of its training step
(train_step.py): the statements run while the Session was open, at the Session's own level.

`sess.run(train_op, feed_dict={x: a})` becomes `train_step(a)`, with the values fetched
alongside taken from what the step returns; a read of variables becomes their values
(`sess.run([w, b])` -> `[w.numpy(), b.numpy()]`), an evaluation of the forward pass a call of
`evaluate`; `sess.close()` and the initializer's runs go.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeGuard

from tf2_lsp.transforms.base import FixError
from tf2_lsp.transforms.session_fetches import (
    EVALUATE_NAME,
    STEP_NAME,
    Feeds,
    evaluation_runs,
    evaluation_value,
    feed_dicts,
    fetched,
    is_run_of,
    numpy_text,
    run_arguments,
    step_values,
    train_targets,
)

INITIALIZERS = ("global_variables_initializer", "initialize_all_variables")


@dataclass(frozen=True, slots=True)
class Fetches:
    """What the loop's runs of the Session are rewritten from: the Session's name, the train
    op, the fed placeholders in the step's order, the values the step returns, the names the
    initializer is bound to, the values the evaluation returns."""

    session: str
    train_op: str
    inputs: list[str]
    outputs: list[str]
    initializers: frozenset[str]
    evaluated: list[str]


def loop(
    block: list[ast.stmt],
    first: int,
    depth: int,
    lines: list[str],
    fetches: Fetches,
    moved: Sequence[ast.stmt] = (),
) -> list[str]:
    """The statements run while the Session is open (lines `first` to the block's end), at
    the Session's own indentation (`depth` columns less), each use of the Session rewritten;
    the `moved` ones (now in the step or the evaluation) gone."""
    replaced: dict[int, tuple[int, str]] = {
        s.lineno: (s.end_lineno or s.lineno, "") for s in moved if s.lineno >= first
    }
    for statement in (node for top in block for node in ast.walk(top)):
        if not isinstance(statement, (ast.Expr, ast.Assign, ast.Return)):
            continue
        new = _run_statement(statement, fetches, lines)
        if new is not None:
            replaced[statement.lineno] = (statement.end_lineno or statement.lineno, new)
    for statement in block:
        if assigns_call(statement, INITIALIZERS):
            replaced[statement.lineno] = (statement.end_lineno or statement.lineno, "")
    within = {n for start, (last, _) in replaced.items() for n in range(start, last + 1)}
    evaluations = evaluation_runs(block, fetches.session, fetches.train_op)
    reads = [
        node
        for top in block
        for node in ast.walk(top)
        if (_variable_read(node, fetches.session) or node in evaluations)
        and node.lineno not in within
    ]
    lines, dropped = _reads_spliced(lines, reads, fetches)
    out: list[str] = []
    number = first
    end = block[-1].end_lineno or block[-1].lineno
    while number <= end:
        if number in replaced:
            last, new = replaced[number]
            line = lines[number - 1]
            own = line[: len(line) - len(line.lstrip())]
            if new:
                out.append(own[depth:] + new)
            number = last + 1
            continue
        line = lines[number - 1]
        if number not in dropped:
            out.append(line[depth:] if line[:depth].strip() == "" else line)
        number += 1
    return out


def _variable_read(node: ast.AST, session: str) -> TypeGuard[ast.Call]:
    """`sess.run(w)`, `sess.run([w, b])`, `sess.run({"w": w})`: names fetched, nothing fed."""
    return (
        is_run_of(node, session)
        and len(node.args) == 1
        and not node.keywords
        and fetched(node.args[0]) is not None
    )


def _reads_spliced(
    lines: list[str], reads: list[ast.Call], fetches: Fetches
) -> tuple[list[str], set[int]]:
    """The lines with each `sess.run(w)` inside an expression written `w.numpy()` (a list,
    tuple or dict of them likewise), each evaluation `sess.run(acc, feed_dict={x: a})` as
    `evaluate(a)`'s value, and the numbers of the lines a read spanning lines left empty
    (dropped)."""
    edited = [line.encode() for line in lines]
    dropped: set[int] = set()
    for read in sorted(reads, key=lambda r: (r.lineno, r.col_offset), reverse=True):
        first, last = read.lineno, read.end_lineno or read.lineno
        new = _read_text(read, fetches, lines).encode()
        edited[first - 1] = (
            edited[first - 1][: read.col_offset] + new + edited[last - 1][read.end_col_offset :]
        )
        dropped.update(range(first + 1, last + 1))
    return [line.decode() for line in edited], dropped


def _read_text(read: ast.Call, fetches: Fetches, lines: list[str]) -> str:
    """What a read of variables or an evaluation of the forward pass becomes."""
    fetch, feeds = run_arguments(read)
    if feeds is None:
        assert fetch is not None
        return numpy_text(fetch, lambda node: source_text(node, lines))
    value = evaluation_value(read, fetches.evaluated)
    if value is None:
        raise FixError("the evaluation's fetches are not its values")
    return value.format(call=f"{EVALUATE_NAME}({_fed(feeds, fetches, lines)})")


def _fed(feeds: Feeds, fetches: Fetches, lines: list[str]) -> str:
    """The values a feed dict gives, in the order of the placeholders; a feed dict given by
    name, keyed by the step's parameter names (`keyed_feeds`), as keyword arguments."""
    if isinstance(feeds, ast.Name):
        return f"**{feeds.id}"
    pairs = zip(feeds.keys, feeds.values, strict=True)
    fed = {ast.unparse(key): source_text(value, lines) for key, value in pairs if key}
    return ", ".join(fed[name] for name in fetches.inputs)


def _run_statement(
    statement: ast.Expr | ast.Assign | ast.Return, fetches: Fetches, lines: list[str]
) -> str | None:
    """A statement that runs or closes the Session, rewritten ("" drops it); None: not one,
    or a read inside an expression (`_reads_spliced`)."""
    run = statement.value
    if isinstance(statement, ast.Expr) and _initializer_run(statement.value, fetches.initializers):
        return ""  # `tf.global_variables_initializer().run()`: variables start initialised
    if not (
        isinstance(run, ast.Call)
        and isinstance(run.func, ast.Attribute)
        and run.func.attr in ("run", "close")
        and isinstance(run.func.value, ast.Name)
        and run.func.value.id == fetches.session
    ):
        return None
    if run.func.attr == "close":
        if not isinstance(statement, ast.Expr):
            raise FixError("the value of `close()` is used")
        return ""  # the step needs no Session to close
    fetch, feeds = run_arguments(run)
    if fetch is None:
        raise FixError("a run of the Session with other arguments")
    if feeds is None:
        if isinstance(statement, ast.Expr):
            return ""  # the initializer
        return None  # a read of variables, spliced as any other
    if fetches.train_op not in {name.id for name in fetched(fetch) or ()}:
        return None  # an evaluation, spliced as a read
    call = f"{STEP_NAME}({_fed(feeds, fetches, lines)})"
    if isinstance(statement, ast.Expr):
        return call
    if isinstance(statement, ast.Return):
        raise FixError("a training run is returned")
    targets = train_targets(statement, fetches.train_op)
    values = step_values(targets, fetches.outputs) if targets else None
    if targets is None or values is None:
        raise FixError("the run's fetches are not the step's values")
    written = ", ".join(source_text(target, lines) for target, _ in targets)
    return f"{written} = {values.format(call=call)}"


def _initializer_run(value: ast.expr, initializers: frozenset[str]) -> bool:
    """`tf.global_variables_initializer().run()`, `init.run()`."""
    if not isinstance(value, ast.Call) or value.args or value.keywords:
        return False
    if not isinstance(value.func, ast.Attribute) or value.func.attr != "run":
        return False
    receiver = value.func.value
    if isinstance(receiver, ast.Name):
        return receiver.id in initializers
    return is_call_of(receiver, INITIALIZERS)


def keyed_feeds(text: str, inputs: list[str], session: str) -> str:
    """`text` with each feed dict given to runs by name keyed by the placeholders' names as
    strings (`feed = {x: a}` -> `feed = {"x": a}`), the step's parameter names: the runs
    become `train_step(**feed)`, and the dict is still built where and when it was."""
    tree = ast.parse(text)
    names = feed_dicts(tree.body, session, inputs)
    keys = [
        key
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id in names
        and isinstance(node.value, ast.Dict)
        for key in node.value.keys
        if isinstance(key, ast.Name)
    ]
    lines = [line.encode() for line in text.split("\n")]
    for key in sorted(keys, key=lambda k: (k.lineno, k.col_offset), reverse=True):
        line = lines[key.lineno - 1]
        quoted = f'"{key.id}"'.encode()
        lines[key.lineno - 1] = line[: key.col_offset] + quoted + line[key.end_col_offset :]
    return "\n".join(line.decode() for line in lines)


def assigns_call(statement: ast.AST, last: tuple[str, ...]) -> bool:
    """`name = <call of a function named last>(...)`."""
    return isinstance(statement, ast.Assign) and is_call_of(statement.value, last)


def is_call_of(value: ast.expr, last: tuple[str, ...]) -> bool:
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in last


def assigned_name(statement: ast.AST) -> str:
    if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
        return statement.targets[0].id
    return ""


def source_text(node: ast.expr | ast.stmt, lines: list[str]) -> str:
    """A node's text as written (its lines, from its column to its end column)."""
    first, last = node.lineno, node.end_lineno or node.lineno
    column, end = node.col_offset, node.end_col_offset
    if first == last:
        return lines[first - 1].encode()[column:end].decode()
    chunk = [lines[first - 1].encode()[column:].decode(), *lines[first : last - 1]]
    chunk.append(lines[last - 1].encode()[:end].decode())
    return "\n".join(chunk)
