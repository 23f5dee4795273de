"""The forward pass of a Session training loop (analysis/program/forward_pass.py)."""

from __future__ import annotations

import ast
import textwrap

from tf2_lsp.analysis.program.forward_pass import (
    LoopNames,
    ancestors,
    assigned_name,
    forward_pass,
    later_tensors,
)


def _qualify(node: ast.expr) -> str | None:
    text = ast.unparse(node)
    return "tensorflow." + text.removeprefix("tf.") if text.startswith("tf.") else None


NAMES = LoopNames(_qualify)


def _body(source: str) -> list[ast.stmt]:
    return ast.parse(textwrap.dedent(source)).body


def test_the_forward_pass_is_what_the_inputs_or_the_variables_compute() -> None:
    body = _body(
        """\
        x = tf.placeholder(tf.float32, [None, 2])
        w = tf.Variable([0.5, -0.5])
        penalty = 0.1 * tf.nn.l2_loss(w)
        steps = 10
        pred = tf.reduce_sum(x * w, axis=1)
        loss = tf.reduce_mean(pred) + penalty
        """
    )
    forward, refused = forward_pass(body, NAMES)
    assert refused is None
    assert [assigned_name(s) for s in forward] == ["penalty", "pred", "loss"]
    assert ancestors("pred", forward) == {"pred"}
    assert ancestors("loss", forward) == {"loss", "pred", "penalty"}


def test_a_forward_pass_that_calls_other_code_says_which_call() -> None:
    body = _body(
        """\
        x = tf.placeholder(tf.float32, [None, 2])
        h = tf.layers.dense(x, 4)
        """
    )
    _, refused = forward_pass(body, NAMES)
    assert refused is not None and "calls `tf.layers.dense` (line 2)" in refused


def test_tensors_built_later_from_the_forward_pass_are_found_in_order() -> None:
    later = _body(
        """\
        correct = tf.equal(tf.argmax(logits, 1), labels)
        history = []
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
        custom = my_metric(logits)
        feed = {x: batch}
        value = sess.run(accuracy, feed)
        """
    )
    found = later_tensors(later, NAMES, {"logits", "labels", "x"}, {"sess", "feed"})
    assert [assigned_name(s) for s in found] == ["correct", "accuracy"]
