"""The readers of `REGULARIZATION_LOSSES` (analysis/program/penalty_readers.py)."""

from __future__ import annotations

import ast

from tf2_lsp.analysis.program.penalty_readers import (
    may_read,
    moves_with,
    other_penalties,
    readers,
)


def _resolve(node: ast.expr) -> str | None:
    """`tf.x` -> `tensorflow.x`, as the module's own name resolution gives it."""
    written = ast.unparse(node)
    return "tensorflow" + written.removeprefix("tf") if written.startswith("tf.") else None


def _body(source: str) -> list[ast.stmt]:
    return ast.parse(source).body


def test_readers_of_the_collection_are_found_and_the_other_collections_are_not() -> None:
    body = _body(
        "a = tf.losses.get_regularization_loss()\n"
        "b = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)\n"
        "c = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "d = tf.losses.get_regularization_losses(scope='tower')\n"
    )
    found = readers(body, _resolve)
    assert [(r.call.lineno, r.symbol) for r in found] == [
        (1, "tensorflow.losses.get_regularization_loss"),
        (2, "tensorflow.get_collection"),
        (4, "tensorflow.losses.get_regularization_losses"),
    ]
    assert [r.refused is None for r in found] == [True, True, False]


def test_only_a_reader_s_own_graph_state_moves_with_it() -> None:
    found = readers(
        _body("x = 1\nb = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)\n"), _resolve
    )
    assert moves_with(found, 2, "tensorflow.GraphKeys.REGULARIZATION_LOSSES")
    assert moves_with(found, 2, "tensorflow.get_collection")
    assert not moves_with(found, 1, "tensorflow.get_collection")
    assert not moves_with(found, 2, "tensorflow.placeholder")


def test_a_penalty_outside_the_moving_functions_is_found() -> None:
    body = _body(
        "def tower(x):\n    return f(x, kernel_regularizer=r)\n\ny = g(x, regularizer=r)\n"
    )
    assert other_penalties(body, [(1, 2)]) == 4
    assert other_penalties(body[:1], [(1, 2)]) is None


def test_only_a_module_whose_graph_state_names_a_reader_is_walked_for_readers() -> None:
    assert may_read([(3, "tensorflow.losses.get_regularization_loss")])
    assert may_read([(3, "tensorflow.GraphKeys.REGULARIZATION_LOSSES")])
    assert not may_read([(3, "tensorflow.placeholder"), (4, "tensorflow.Session")])
