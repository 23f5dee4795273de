"""The readers of TF1's `REGULARIZATION_LOSSES`, which move with the model functions that fill it.

A TF1 layer given `kernel_regularizer=` put its penalty in the graph's `REGULARIZATION_LOSSES`
collection, and the training objective read it back:

    loss = data_loss + tf.losses.get_regularization_loss()

A Keras layer keeps the penalty in its own `losses` instead, and TF2 code has no collections:
rewriting the model function alone would leave the reader summing nothing, so the objective
silently loses its weight decay. The native form of model mapping (TF934) therefore takes a
penalty only when every reader in the module is rewritten with it to read the new layers
(`tf.add_n(tower.losses)`, transforms/penalty_reader.py), and nothing else in the module puts
penalties there. This module finds the readers and says which cannot move.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from tf2_lsp.analysis.program.graph_mode import TRACED, decorated_ranges
from tf2_lsp.transforms.penalty_reader import READERS

_COLLECTION = "tensorflow.get_collection"
_KEY = "tensorflow.GraphKeys.REGULARIZATION_LOSSES"
# The graph state a reader's own line uses, which moves with it.
_READ_STATE = frozenset({*READERS, _KEY, "tensorflow.GraphKeys"})

Resolve = Callable[[ast.expr], "str | None"]


@dataclass(frozen=True, slots=True)
class Reader:
    """A call that reads the penalties (`symbol`: the reader, canonical), and why it cannot be
    rewritten (None: it can)."""

    call: ast.Call
    symbol: str
    refused: str | None


def readers(body: Sequence[ast.stmt], resolve: Resolve) -> list[Reader]:
    """Every read of `REGULARIZATION_LOSSES` in these statements, in source order."""
    found = []
    for node in (n for statement in body for n in ast.walk(statement)):
        if not isinstance(node, ast.Call):
            continue
        symbol = resolve(node.func)
        if symbol == _COLLECTION:
            key = node.args[0] if node.args else None
            if key is None or resolve(key) != _KEY:
                continue  # another collection: graph state of its own
            extra = len(node.args) > 1 or bool(node.keywords)
            why = "it reads the collection of one scope only" if extra else None
            found.append(Reader(node, symbol, why))
        elif symbol in READERS:
            extra = bool(node.args or node.keywords)
            why = "it reads the penalties of one scope only, or names its sum" if extra else None
            found.append(Reader(node, symbol, why))
    return sorted(found, key=lambda r: (r.call.lineno, r.call.col_offset))


def untrained(
    body: Sequence[ast.stmt], found: Sequence[Reader], models: Collection[str]
) -> list[Reader]:
    """The readers inside a traced function of a module that calls one of the model
    functions `models` at its top level, outside any function: TF1 read there the penalties
    of the layers built outside as the traced function's inputs, added to the loss but never
    differentiated; the layers' `losses` that replace them are computed inside, and trained
    (measured on TF 2.21: the steps part from the second one)."""
    traced = decorated_ranges(body, TRACED)
    inside = [r for r in found if any(a <= r.call.lineno <= b for a, b in traced)]
    if not inside:
        return []
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    top_level = (s for s in body if not isinstance(s, definitions))
    called = (
        n.func.id
        for statement in top_level
        for n in ast.walk(statement)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    )
    return inside if any(name in models for name in called) else []


def may_read(graph_state: Sequence[tuple[int, str]]) -> bool:
    """Whether the module's graph state has a reader's name: only then are its calls walked."""
    return any(name in _READ_STATE for _, name in graph_state)


def moves_with(reader_list: Sequence[Reader], line: int, name: str) -> bool:
    """Whether a use of graph state (`line`, canonical `name`) is part of a reader."""
    return name in _READ_STATE and any(
        r.call.lineno <= line <= (r.call.end_lineno or r.call.lineno) for r in reader_list
    )


def other_penalties(body: Sequence[ast.stmt], ranges: Sequence[tuple[int, int]]) -> int | None:
    """The line of a penalty given outside the line ranges of the model functions that move
    (`regularizer=` on a variable or another layer), which the rewritten readers would miss."""
    for node in (n for statement in body for n in ast.walk(statement)):
        if not isinstance(node, ast.Call):
            continue
        if any(first <= node.lineno <= last for first, last in ranges):
            continue
        if any(k.arg and k.arg.endswith("regularizer") for k in node.keywords):
            return node.lineno
    return None
