"""The equivalence harness on hand-made cases: one pair of TensorFlow processes for them all."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest

from tf2_lsp.verify.cases import Case, Outcome, RunTable
from tf2_lsp.verify.harness import needs_legacy_keras, runs_legacy_keras, tensorflow_available

# One TensorFlow run per module: its tests stay on one xdist worker (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("verify-harness")
TF = "import tensorflow as tf\n"
# A training step of the code's own, taken three times by both sides (`RunTable.steps`).
_STEP = """w = tf.Variable([1.0, -2.0])
opt = {optimizer}


@tf.function
def train_step():
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(w))
    opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
    return loss
"""
# A model's training step whose weights TF1 and Keras draw apart: the second run of the case
# starts the Keras weights from TF1's, by name or else by shape.
_TF1_MODEL = """def model(x):
    with tf.variable_scope("m", reuse=tf.AUTO_REUSE):
        return tf.layers.dense(x, 2, name="d")
"""
_KERAS_MODEL = """class M(tf.keras.layers.Layer):
    def __init__(self):
        super().__init__(name="m")
        self.d = tf.keras.layers.Dense(2, name="d")

    def call(self, x):
        return self.d(x)


model = M()
"""
_LAYER_STEP = """{model}
x_in = tf.constant(np.ones((4, 3), np.float32))
out = model(x_in)
opt = {optimizer}


@tf.function
def train_step():
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(model(x_in) - 1.0))
    variables = tape.watched_variables()
    opt.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return loss
"""
_CONSTRAINED = """h = {layers}.dense(
    np.ones((2, 3), np.float32),
    2,
    name="d",
    kernel_constraint=lambda w: tf.clip_by_value(w, -0.05, 0.05),
)"""
# 3.0 under Keras 3, 2.0 under Keras 2 (`tf.keras` is then tf_keras, which has no `ops`).
_KERAS_VERSION = "y = tf.constant(3.0 if hasattr(tf.keras, 'ops') else 2.0)"
CASES = [
    Case(
        "renamed-keywords",
        TF + "y = tf.reduce_sum(np.ones((2, 3)), reduction_indices=[1], keep_dims=True)",
        TF + "y = tf.reduce_sum(np.ones((2, 3)), axis=[1], keepdims=True)",
    ),
    Case(
        "wrong-axis",
        TF + "y = tf.reduce_sum(np.ones((2, 3)), 1)",
        TF + "y = tf.reduce_sum(np.ones((2, 3)), 0)",
    ),
    Case(
        "inverted-probability",
        TF + "y = tf.nn.dropout(np.ones((50, 50), np.float32), 0.9)",
        TF + "y = tf.nn.dropout(np.ones((50, 50), np.float32), rate=0.9)",
    ),
    Case(
        "placeholder-fed",
        TF + "x = tf.placeholder(tf.float32, [None, 3])\ny = tf.log(x)",
        TF + "x = tf.compat.v1.placeholder(tf.float32, [None, 3])\ny = tf.math.log(x)",
        RunTable(feeds={"x": "np.full((2, 3), 2.0)"}),
    ),
    Case(
        "layer-one-step",
        TF + "h = tf.layers.dense(np.ones((2, 3), np.float32), 4)",
        TF + "h = tf.compat.v1.layers.dense(np.ones((2, 3), np.float32), 4)",
        RunTable(train="tf.reduce_sum(h * h)"),
    ),
    Case(
        "variable-renamed",
        TF + "w = tf.get_variable('w', [3])",
        TF + "w = tf.compat.v1.get_variable('v', [3])",
    ),
    Case(
        "random-aligned",
        TF + "w = tf.random_normal([3, 2])",
        TF + "w = tf.random.normal([3, 2])",
    ),
    Case(
        "own-training-steps",
        TF + _STEP.format(optimizer="tf.train.GradientDescentOptimizer(0.1)"),
        TF + _STEP.format(optimizer="tf.keras.optimizers.SGD(0.1)"),
        RunTable(steps="train_step()", compare=("w",)),
    ),
    Case(
        "own-training-steps-apart",
        TF + _STEP.format(optimizer="tf.train.GradientDescentOptimizer(0.1)"),
        TF + _STEP.format(optimizer="tf.keras.optimizers.SGD(0.1, momentum=0.5)"),
        RunTable(steps="train_step()", compare=("w",)),
    ),
    Case(
        "writes-temporary-files",  # as the rule examples' inputs do (logdir, export_dir, ...)
        TF + "import tempfile\nfolder = tempfile.mkdtemp()\ny = tf.constant(1.0)",
        TF + "import tempfile\nfolder = tempfile.mkdtemp()\ny = tf.constant(1.0)",
        RunTable(compare=("y",)),
    ),
    Case(
        "keras-optimizer-after-tf1-weights",  # randomly initialised: started from TF1's weights
        TF + _LAYER_STEP.format(model=_TF1_MODEL, optimizer="tf.train.AdamOptimizer(0.1)"),
        TF
        + _LAYER_STEP.format(
            model=_KERAS_MODEL, optimizer="tf.keras.optimizers.Adam(0.1, epsilon=1e-08)"
        ),
        RunTable(steps="train_step()", compare=("x_in",)),
    ),
    Case(
        "constrained-layer-one-step",  # TF1's optimizer applies the constraint after the step
        TF + _CONSTRAINED.format(layers="tf.layers"),
        TF + _CONSTRAINED.format(layers="tf.compat.v1.layers"),
        RunTable(train="tf.reduce_sum(h * h)"),
    ),
    Case(
        "shifted-layer",  # drawn apart, and one more apart from the same weights
        TF + "h = tf.layers.dense(np.ones((2, 3), np.float32), 2, name='d')",
        TF + "h = tf.compat.v1.layers.dense(np.ones((2, 3), np.float32), 2, name='d') + 1.0",
        RunTable(random="constant"),
    ),
    Case(
        "session-named-in-a-comment",  # eager code: the comment opens no Session
        TF + "with tf.Session() as sess:\n    y = sess.run(tf.constant([1.0, 2.0]))",
        TF + "# was: with tf.Session() as sess\ny = tf.constant([1.0, 2.0]).numpy()",
        RunTable(compare=("y",)),
    ),
    Case(  # a dict of tensors is fetched and compared by key, whatever the order it was built in
        "dict-of-tensors",
        TF + "y = {'a': tf.constant([1.0, 2.0]), 'b': [tf.constant(3.0), 4]}",
        TF + "y = {'b': [tf.constant(3.0), 4], 'a': tf.constant([1.0, 2.0])}",
    ),
    Case(
        "dict-of-tensors-apart",
        TF + "y = {'a': tf.constant([1.0, 2.0])}",
        TF + "y = {'a': tf.constant([1.0, 3.0])}",
        RunTable(compare=("y",)),
    ),
    Case(  # Keras 3 code: a comment naming a Keras 2 object makes no Keras 2 run
        "keras-2-named-in-a-comment",
        TF + "y = tf.constant(3.0)",
        TF + "# was: h = tf.compat.v1.layers.dense(x, 2)\n" + _KERAS_VERSION,
        RunTable(compare=("y",)),
    ),
    Case(  # a driver whose code names no Keras 2 object, run with Keras 2 as its table asks
        "keras-2-asked-by-the-run-table",
        TF + "y = tf.constant(2.0)",
        TF + _KERAS_VERSION,
        RunTable(compare=("y",), keras="2"),
    ),
    Case("old-side-fails", TF + "y = tf.no_such_op(1)", TF + "y = tf.constant(1)"),
    Case("not-run", "", "", RunTable(skip="needs a GPU")),
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    if not tensorflow_available():
        if os.environ.get("CI"):
            pytest.fail("TensorFlow must be installed under CI (the `verify` extra)")
        pytest.skip("TensorFlow is not installed")
    from tf2_lsp.verify.harness import run_cases

    # The run, its processes and the code they run keep their temporary files to themselves
    # and take them away: nothing is left in the temporary directory they were given.
    temporary = tmp_path_factory.mktemp("system-tmp")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(temporary))
        patch.setattr(tempfile, "tempdir", str(temporary))
        ran = {o.name: o for o in run_cases(CASES)}
    assert list(temporary.iterdir()) == []
    return ran


@pytest.mark.tensorflow
def test_equal_rewrites_are_proven(outcomes: dict[str, Outcome]) -> None:
    assert outcomes["renamed-keywords"].status == "proven"
    assert outcomes["placeholder-fed"].status == "proven"
    assert outcomes["random-aligned"].status == "proven"
    dicts = outcomes["dict-of-tensors"]
    assert dicts.status == "proven"
    assert [row.what for row in dicts.rows] == ["y['a']", "y['b'][0]", "y['b'][1]"]
    # Run as the eager code it is: in a graph, `.numpy()` fails.
    assert outcomes["session-named-in-a-comment"].status == "proven"


@pytest.mark.tensorflow
def test_the_keras_a_side_runs_with_is_decided_by_its_code_or_its_table(
    outcomes: dict[str, Outcome],
) -> None:
    assert outcomes["keras-2-named-in-a-comment"].status == "proven"
    assert outcomes["keras-2-asked-by-the-run-table"].status == "proven"


@pytest.mark.parametrize(
    ("code", "legacy"),
    [
        ("h = tf.compat.v1.layers.dense(x, 2)\n", True),
        ("cell = tf.compat.v1.nn.rnn_cell.LSTMCell(4)\n", True),
        ("import tf_slim as slim\n", True),
        ("from tf_keras import layers\n", True),
        ("# was: tf.compat.v1.layers.dense(x, 2)\nh = tf.keras.layers.Dense(2)(x)\n", False),
        ('doc = "uses tf_slim"\nh = tf.keras.layers.Dense(2)(x)\n', False),
        ("my_rnn_cell_size = 4\n", False),
    ],
)
def test_keras_2_is_read_from_the_names_the_code_writes(code: str, legacy: bool) -> None:
    assert needs_legacy_keras(code) is legacy
    assert runs_legacy_keras(Case("c", "", code)) is legacy
    # The run table's choice stands over what the code names.
    assert runs_legacy_keras(Case("c", "", code, RunTable(keras="3"))) is False
    assert runs_legacy_keras(Case("c", "", code, RunTable(keras="2"))) is True


@pytest.mark.tensorflow
def test_a_wrong_rewrite_is_reported_with_its_difference(outcomes: dict[str, Outcome]) -> None:
    assert outcomes["wrong-axis"].status == "differs"
    assert "shape (2,) != (3,)" in outcomes["wrong-axis"].reason
    dropout = outcomes["inverted-probability"]
    assert dropout.status == "differs"
    assert any(row.max_abs and row.max_abs > 1 for row in dropout.rows)
    assert outcomes["dict-of-tensors-apart"].status == "differs"
    assert outcomes["dict-of-tensors-apart"].reason.startswith("y['a']: max abs diff 1")


@pytest.mark.tensorflow
def test_layers_are_compared_after_one_training_step(outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes["layer-one-step"]
    assert outcome.status == "proven"
    compared = {row.what for row in outcome.rows}
    assert "variable dense/kernel (3, 4)" in compared
    assert "dense/kernel after one step" in compared


@pytest.mark.tensorflow
def test_checkpoint_names_must_match(outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes["variable-renamed"]
    assert outcome.status == "differs"
    assert "missing w (3,)" in outcome.reason and "extra v (3,)" in outcome.reason


@pytest.mark.tensorflow
def test_a_failing_side_and_a_skipped_case_say_why(outcomes: dict[str, Outcome]) -> None:
    assert outcomes["old-side-fails"].status == "error"
    assert outcomes["old-side-fails"].reason.startswith("TF1 side: AttributeError")
    assert outcomes["not-run"] == Outcome("not-run", "skipped", "needs a GPU")


def test_the_harness_never_imports_tensorflow_itself() -> None:
    code = (
        "import sys, tf2_lsp.verify.harness, tf2_lsp.verify.cases\n"
        "print('tensorflow' in sys.modules, 'numpy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


@pytest.mark.tensorflow
def test_the_codes_own_training_steps_are_run_and_compared_step_by_step(
    outcomes: dict[str, Outcome],
) -> None:
    same = outcomes["own-training-steps"]
    assert same.status == "proven", same.reason
    assert [row.what for row in same.rows][:4] == [
        "train_step() #1",
        "train_step() #2",
        "train_step() #3",
        "w",
    ]
    # Momentum leaves the first step alone and moves the second: the steps tell them apart.
    apart = outcomes["own-training-steps-apart"]
    reason = apart.reason.removeprefix("from TF1's initial weights: ")
    assert apart.status == "differs" and reason.startswith("train_step() #3"), apart.reason


@pytest.mark.tensorflow
def test_a_keras_optimizer_keeps_its_own_variables_when_started_from_tf1_weights(
    outcomes: dict[str, Outcome],
) -> None:
    # Matched by shape, the optimizer's scalar learning rate took TF1's `beta1_power` (0.9).
    outcome = outcomes["keras-optimizer-after-tf1-weights"]
    assert outcome.status == "proven", outcome.reason
    assert outcome.reason.startswith("equal from TF1's initial weights")


@pytest.mark.tensorflow
def test_the_training_step_applies_a_variables_constraint_on_both_sides(
    outcomes: dict[str, Outcome],
) -> None:
    outcome = outcomes["constrained-layer-one-step"]
    assert outcome.status == "proven", outcome.reason
    assert "d/kernel after one step" in {row.what for row in outcome.rows}


@pytest.mark.tensorflow
def test_a_difference_that_remains_from_the_same_weights_is_the_one_reported(
    outcomes: dict[str, Outcome],
) -> None:
    outcome = outcomes["shifted-layer"]
    assert outcome.status == "differs"
    assert outcome.reason.startswith("from TF1's initial weights: h: max abs diff 1,")
    (row,) = [row for row in outcome.rows if row.what == "h"]
    assert row.max_abs == pytest.approx(1.0)


@pytest.mark.tensorflow
def test_a_cancelled_or_timed_out_run_stops_its_process() -> None:
    import threading
    import time

    from tf2_lsp.verify.harness import Cancelled, run_cases

    if not tensorflow_available():
        pytest.skip("TensorFlow is not installed")
    cancel = threading.Event()
    cancel.set()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        run_cases(CASES[:1], cancel=cancel)
    # Stopped at once, not after TensorFlow's import and the case (seconds).
    assert time.monotonic() - started < 5
    [late] = run_cases(CASES[:1], timeout=0.5)
    assert late.status == "error" and "no answer within 0.5 s" in late.reason
