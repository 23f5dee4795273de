"""A Session training loop: the `tf.function` step it can become (TF918), or what holds it back
(analysis/program/train_loop.py)."""

from __future__ import annotations

import textwrap

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings

NATIVE = Settings(level="native")

LOOP = textwrap.dedent(
    """\
    import tensorflow as tf

    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.get_variable("w", [3, 1])
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(10):
            sess.run(train_op, feed_dict={x: batch})
    """
)


def _loop(source: str, catalogue: Catalogue, settings: Settings = NATIVE) -> Finding | None:
    found = [f for f in detect(source, catalogue, settings).findings if f.code == "TF918"]
    assert len(found) <= 1
    return found[0] if found else None


def test_a_self_contained_loop_is_offered_the_training_step(catalogue: Catalogue) -> None:
    finding = _loop(LOOP, catalogue)
    assert finding is not None and finding.fix is not None
    assert finding.fix.safety == "unsafe" and finding.refused is None
    assert finding.span.line == 6  # the train op
    assert (finding.anchor.line, finding.anchor.end_line) == (3, 10)


def test_the_compat_level_leaves_the_loop_alone(catalogue: Catalogue) -> None:
    assert _loop(LOOP, catalogue, Settings(level="compat")) is None


def test_code_without_a_train_op_run_by_a_session_is_not_reported(catalogue: Catalogue) -> None:
    without_session = LOOP.split("with tf.Session()")[0]
    assert _loop(without_session, catalogue) is None


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (
            (
                "sess.run(train_op, feed_dict={x: batch})",
                "sess.run(train_op, feed_dict={x: batch})\n"
                "        print(sess.run(loss, feed_dict={x: batch}))",
            ),
            "reads the graph other than by running the train op",
        ),
        (
            (
                ".minimize(loss)",
                ".minimize(loss, global_step=tf.train.get_or_create_global_step())",
            ),
            "`minimize` is given more than the loss",
        ),
        (
            ("w = tf.get_variable", "tf.add_to_collection('extra', x)\nw = tf.get_variable"),
            "the module also uses `tensorflow.add_to_collection`",
        ),
        (
            (
                "loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))",
                "h = tf.layers.dense(x, 4)\nloss = tf.reduce_mean(h)",
            ),
            "the forward pass calls `tf.layers.dense`",
        ),
        (
            (
                "train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)",
                "opt = tf.train.GradientDescentOptimizer(0.1)\ntrain_op = opt.minimize(loss)\n"
                "slots = opt.get_slot_names()",
            ),
            "the optimizer is used beyond `minimize`",
        ),
        (
            ("tf.reduce_mean(tf.square(tf.matmul(x, w)))", "tf.reduce_mean(model(x, w))"),
            "the forward pass calls `model`",
        ),
        (
            ("tf.train.GradientDescentOptimizer(0.1)", "make_optimizer()"),
            "optimizer built in this module",
        ),
        (
            (
                "import tensorflow as tf\n",
                "import tensorflow as tf\n\ndef train_step():\n    pass\n",
            ),
            "already binds `train_step`",
        ),
        (
            (
                "    sess.run(tf.global_variables_initializer())\n",
                "    sess.run(tf.global_variables_initializer())\n"
                "    other = sess.run(x, feed_dict={x: batch})\n",
            ),
            "reads the graph other than by running the train op",
        ),
        (
            ("train_op = ", "probs = tf.nn.softmax(x)\ntrain_op = "),
            "`probs` is computed from the inputs but not for the loss",
        ),
        (
            ("sess.run(train_op, feed_dict={x: batch})", "sess.run(train_op, feed_dict=feeds)"),
            "reads the graph other than by running the train op",
        ),
    ],
)
def test_a_loop_that_is_not_self_contained_says_what_holds_it_back(
    catalogue: Catalogue, edit: tuple[str, str], why: str
) -> None:
    old, new = edit
    assert old in LOOP
    finding = _loop(LOOP.replace(old, new), catalogue)
    assert finding is not None and finding.fix is None
    assert finding.refused is not None and why in finding.refused, finding.refused
    assert why in finding.message


def test_an_optimizer_bound_to_a_name_before_minimize_is_part_of_the_loop(
    catalogue: Catalogue,
) -> None:
    source = LOOP.replace(
        "train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)",
        "opt = tf.train.GradientDescentOptimizer(0.1)\ntrain_op = opt.minimize(loss)",
    ).replace('w = tf.get_variable("w", [3, 1])\n', "")
    source = source.replace(
        "x = tf.placeholder", 'w = tf.get_variable("w", [3, 1])\nx = tf.placeholder'
    )
    finding = _loop(source, catalogue)
    assert finding is not None and finding.fix is not None, finding
    assert finding.anchor.line == 4  # the placeholder; the optimizer comes after it


MAIN = textwrap.dedent(
    """\
    import tensorflow as tf


    def main(xs):
        x = tf.placeholder(tf.float32, [None, 3])
        w = tf.get_variable("w", [3, 1])
        loss = tf.reduce_mean(tf.matmul(x, w))
        train_op = tf.train.AdamOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train_op, feed_dict={x: xs})
            return sess.run(w)
    """
)


def test_a_loop_in_a_function_is_its_own_unit(catalogue: Catalogue) -> None:
    finding = _loop(MAIN, catalogue)
    assert finding is not None and finding.fix is not None
    assert (finding.anchor.line, finding.anchor.end_line) == (5, 12)


def test_a_loop_in_a_function_waits_for_graph_code_elsewhere_in_the_module(
    catalogue: Catalogue,
) -> None:
    source = MAIN + "\n\ndef evaluate():\n    return tf.placeholder(tf.float32)\n"
    finding = _loop(source, catalogue)
    assert finding is not None and finding.fix is None
    assert finding.refused is not None and "outside `main`" in finding.refused


def test_the_rewritten_training_function_is_not_offered_the_layer_form(
    catalogue: Catalogue,
) -> None:
    from tf2_lsp.engine import fix_all

    fixed = fix_all(MAIN, catalogue, NATIVE, unsafe=True).source
    assert "    def train_step(x):" in fixed and "return w.numpy()" in fixed
    assert "keras.layers.Layer" not in fixed  # TF938 is for forward passes, not training
    # Nothing graph-mode is left, so nothing switches TF1 behaviour back on.
    assert "disable_v2_behavior" not in fixed


def test_an_edit_inside_the_loop_is_judged_against_the_whole_module(
    catalogue: Catalogue,
) -> None:
    from tf2_lsp.analysis.incremental import reanalyse

    before = MAIN + "\n\ndef evaluate():\n    return tf.placeholder(tf.float32)\n"
    edited = before.replace("sess.run(train_op, feed_dict={x: xs})", "sess.run(train_op, {x: xs})")
    previous = detect(before, catalogue, NATIVE)
    assert reanalyse(previous, before, edited, catalogue, NATIVE) is None
