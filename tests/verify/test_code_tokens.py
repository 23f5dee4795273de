"""Which code builds a TF1 graph of its own, read from its names, not from its text."""

from __future__ import annotations

import pytest

from tf2_lsp.verify.code_tokens import (
    builds_its_own_graph,
    code_names,
    dotted_names,
    opens_a_session,
)


def test_names_and_calls_are_read_from_code_only() -> None:
    code = 'x = f(a)  # g(b)\ny = "h(c)"\nz = k\n'
    expected = [("x", False), ("f", True), ("a", False), ("y", False), ("z", False)]
    assert code_names(code) == [*expected, ("k", False)]


@pytest.mark.parametrize(
    ("code", "session", "graph"),
    [
        ("with tf.compat.v1.Session() as sess:\n    pass\n", True, True),
        ("sess = tf.compat.v1.InteractiveSession()\n", True, True),
        ("x = tf.compat.v1.placeholder(tf.float32)\n", False, True),
        ("tf.compat.v1.disable_v2_behavior()\n", False, True),
        ("hooks = [tf.compat.v1.train.SessionRunHook]\n", True, False),
        # What a rewrite leaves in comments and docstrings opens nothing.
        ("# was: sess = tf.Session(); x = tf.placeholder(tf.float32)\ny = f()\n", False, False),
        ('"""Runs without a Session() or a placeholder()."""\ny = f()\n', False, False),
        ("y = my_placeholder(1)\n", False, False),
    ],
)
def test_sessions_and_graph_programs(code: str, session: bool, graph: bool) -> None:
    assert opens_a_session(code) is session
    assert builds_its_own_graph(code) is graph


def test_text_the_tokenizer_cannot_read_is_searched_as_text() -> None:
    broken = "sess = tf.Session(\n"  # an unclosed bracket
    assert opens_a_session(broken) and builds_its_own_graph(broken)


def test_dotted_names_are_read_from_code_only() -> None:
    code = (
        "import tf_slim as slim\n"
        "h = tf.compat.v1.layers.dense(x, 2)  # was tf.layers.dense\n"
        'note = "tf_keras.layers"\n'
        "c = tf.compat.v1.nn.rnn_cell.LSTMCell(3).zero_state\n"
        "z = (a\n     .b)\n"
    )
    names = dotted_names(code)
    assert "tf.compat.v1.layers.dense" in names and "tf.compat.v1.nn.rnn_cell.LSTMCell" in names
    assert "tf_slim" in names and "a.b" in names
    assert not any("tf_keras" in name or name == "tf.layers.dense" for name in names)
    assert "tf.compat.v1.layers.dense" in dotted_names("h = tf.compat.v1.layers.dense(\n")
