"""Batch normalization in the native form of model mapping (TF934), decided by running it.

Each model function runs with TF1 semantics, trained as TF1 code trained it (each step ran the
`UPDATE_OPS` collection with the train op), and as the Keras layer `tf2-lsp fix --level native
--unsafe` writes, trained by calling it with `training=True` (eager, or inside `tf.function`,
with the mode a Python bool or a tensor). Both see the same batches; the outputs of every step,
the moving statistics after the last one (by checkpoint key) and the inference-mode outputs
must agree. The form the fixer refuses for a 4-D input (TF1's fused kernel) is run too, to show
that it does compute something else.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pytest

from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings
from tf2_lsp.verify.cases import Case, Outcome, RunTable

# One TensorFlow run per module: its tests stay on one xdist worker (`--dist loadgroup`).
pytestmark = [pytest.mark.tensorflow, pytest.mark.xdist_group("equivalence-batch-norm")]

CATALOGUE = load_catalogue()
NATIVE = Settings(level="native")
TIMES = 3

DENSE_MODEL = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x, is_training):
        with tf.variable_scope("tower", reuse=tf.AUTO_REUSE):
            h = tf.layers.flatten(x)
            h = tf.layers.batch_normalization(h, momentum=0.8, training=is_training)
            h = tf.layers.dense(
                h, 3, kernel_initializer=tf.constant_initializer(0.5), name="logits"
            )
            h = tf.layers.batch_normalization(h, epsilon=0.01, center=False, training=is_training)
            trained = tf.layers.batch_normalization(h, training=True)
            return trained + tf.layers.batch_normalization(h)
    """
)
CONV_MODEL = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x, is_training):
        with tf.variable_scope("tower", reuse=tf.AUTO_REUSE):
            h = tf.layers.conv2d(
                x, 2, 3, padding="same", kernel_initializer=tf.constant_initializer(0.1)
            )
            return tf.layers.batch_normalization(
                h,
                axis=3,
                gamma_initializer=tf.constant_initializer(2.0),
                moving_variance_initializer=tf.constant_initializer(0.5),
                training=is_training,
                fused=False,
            )
    """
)

# The same inputs on both sides: the batches the steps train on, and one to infer on.
SETUP = textwrap.dedent(
    """\
    import tensorflow as _tf
    _rng = np.random.RandomState(0)
    BATCHES = (_rng.standard_normal(({times}, 8, 4, 4, 2)) * 3.0 + 1.0).astype(np.float32)
    x_eval = (_rng.standard_normal((8, 4, 4, 2)) * 2.0).astype(np.float32)


    def statistics(layer):
        \"\"\"The moving statistics as (checkpoint key, value): TF1's by variable name, the
        Keras layer's by path.\"\"\"
        if _tf.executing_eagerly():
            found = [(v.path, v.numpy()) for v in layer.variables if "moving" in v.path]
        else:
            found = [(v.op.name, v) for v in _tf.global_variables() if "moving" in v.name]
        return sorted(found, key=lambda pair: pair[0])
    """
).format(times=TIMES)

# TF1's training step: the update ops run with the step, the next batch after it.
TF1_STEP = textwrap.dedent(
    """\


    _batches = tf.constant(BATCHES)
    _index = tf.Variable(0, trainable=False, name="batch_index")


    def train_step():
        before = len(tf.get_collection(tf.GraphKeys.UPDATE_OPS))
        out = tower(tf.gather(_batches, _index), is_training={mode})
        updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)[before:]  # this call's own
        with tf.control_dependencies([*updates, out]):
            step = _index.assign_add(1)
        with tf.control_dependencies([step]):
            return tf.identity(out)


    # Built now, so that the variables exist when the statistics are looked up; run after the
    # steps, it reads the statistics they left.
    _inference = tower(tf.constant(x_eval), is_training=False)


    def inferred():
        return _inference
    """
)
# The Keras layer's: called in training mode, it updates its statistics itself.
TF2_STEP = textwrap.dedent(
    """\


    _index = [0]
    _step = {wrap}(lambda images, mode: tower(images, is_training=mode))
    _infer = {wrap}(lambda images: tower(images, is_training=False))


    def inferred():
        return _infer(x_eval)


    def train_step():
        out = _step(BATCHES[_index[0]], {mode})
        _index[0] += 1
        return out
    """
)
RUN = RunTable(
    setup=SETUP,
    steps="train_step()",
    times=TIMES,
    # In this order: the Keras side evaluates them one by one after the steps.
    compare=("statistics(tower)", "inferred()"),
    random="constant",
)


@dataclass(frozen=True)
class Variant:
    """How the Keras side is trained: eager or traced, the mode a bool or a tensor."""

    name: str
    model: str
    traced: bool
    tensor: bool


VARIANTS = [
    Variant("dense, eager, bool", DENSE_MODEL, traced=False, tensor=False),
    Variant("dense, tf.function, bool", DENSE_MODEL, traced=True, tensor=False),
    Variant("dense, eager, tensor", DENSE_MODEL, traced=False, tensor=True),
    Variant("dense, tf.function, tensor", DENSE_MODEL, traced=True, tensor=True),
    Variant("conv, fused=False, tf.function, tensor", CONV_MODEL, traced=True, tensor=True),
]


def _fixed(model: str) -> str:
    return fix_all(model, CATALOGUE, NATIVE, unsafe=True).source


def _case(name: str, model: str, fixed: str, traced: bool, tensor: bool) -> Case:
    # TF1's tensor mode: a placeholder with a default, decided when the graph runs.
    tf1_mode = "tf.placeholder_with_default(True, [])" if tensor else "True"
    old = model + TF1_STEP.format(mode=tf1_mode)
    wrap = "tf.function" if traced else ""
    new = fixed + TF2_STEP.format(wrap=wrap, mode="tf.constant(True)" if tensor else "True")
    return Case(name, old, new, RUN)


def _cases() -> dict[str, Case]:
    cases = {v.name: _case(v.name, v.model, _fixed(v.model), v.traced, v.tensor) for v in VARIANTS}
    # The form refused for a 4-D input TF1 fused: written by hand as the fixer would have.
    fused = CONV_MODEL.replace("            fused=False,\n", "")
    assert "fused" not in fused
    by_hand = _fixed(CONV_MODEL)
    assert "fused" not in by_hand
    name = "conv, TF1 fused"
    cases[name] = _case(name, fused, by_hand, traced=False, tensor=False)
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def outcomes(tensorflow_installed: None) -> dict[str, Outcome]:
    from tf2_lsp.verify.harness import run_cases

    cases = list(CASES.values())
    return {case.name: outcome for case, outcome in zip(cases, run_cases(cases), strict=True)}


def test_the_fixer_writes_batch_norm_sublayers_in_tf1s_mode() -> None:
    fixed = _fixed(DENSE_MODEL)
    assert 'tf.keras.layers.BatchNormalization(momentum=0.8, name="batch_normalization")' in fixed
    assert 'BatchNormalization(epsilon=0.01, center=False, name="batch_normalization_1")' in fixed
    # A parameter may be a bool or a tensor: `ops.cond` picks the mode; a literal stays one,
    # and an omitted mode is TF1's default, inference.
    assert "tf.keras.ops.cond(\n            is_training,\n" in fixed
    assert "lambda: self.batch_normalization(h, training=True)," in fixed
    assert "trained = self.batch_normalization_2(h, training=True)" in fixed
    assert "self.batch_normalization_3(h, training=False)" in fixed
    assert "compat" not in fixed and "UPDATE_OPS" not in fixed


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_keras_training_mode_updates_the_statistics_as_update_ops_did(
    outcomes: dict[str, Outcome], variant: Variant
) -> None:
    outcome = outcomes[variant.name]
    assert outcome.status == "proven", outcome.reason
    compared = {row.what.split("[")[0] for row in outcome.rows}
    # Every training step's output, the statistics by key, inference from them, the weights.
    assert {f"train_step() #{n}" for n in range(1, TIMES + 1)} <= compared
    assert {"statistics(tower)", "inferred()"} <= compared


def test_the_refused_fused_form_computes_other_statistics(outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes["conv, TF1 fused"]
    assert outcome.status == "differs", outcome.reason
    differing = {row.what for row in outcome.rows if not row.equal}
    assert any(what.startswith("statistics(tower)") for what in differing), differing
    # Training-mode outputs agree: only the moving variance TF1's kernel corrected differs.
    assert not any(what.startswith("train_step()") for what in differing), differing
