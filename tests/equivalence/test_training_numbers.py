"""Training code keeps its numbers at the native level, decided by running it.

Each TF1 optimizer's training step runs with TF1 semantics and as the code `tf2-lsp fix
--level native --unsafe` writes (the Keras optimizer with TF1's differing defaults written
out): the weights after a few steps must agree. The same step with the Keras optimizer as its
own defaults leave it must not, or the written-out default would be noise: that is what shows
the fixer writes exactly the defaults that matter. The forms the fixer refuses (RMSProp, momentum
with a decaying rate, a Keras loss for TF1's `SUM_BY_NONZERO_WEIGHTS`) are run too, to show
that they do compute something else.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings
from tf2_lsp.verify.cases import Case, Outcome, RunTable

# One TensorFlow run per module: its tests stay on one xdist worker (`--dist loadgroup`).
pytestmark = [pytest.mark.tensorflow, pytest.mark.xdist_group("equivalence-training")]

CATALOGUE = load_catalogue()
NATIVE = Settings(level="native")

STEP = """import tensorflow as tf

w = tf.Variable([1.0, -2.0, 0.5])
step = tf.Variable(0, dtype=tf.int64, trainable=False)
{optimizer}


@tf.function
def train_step():
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum({scale} * tf.square(w - 0.3))
    opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
    step.assign_add(1)
    return loss
"""
STEPS = RunTable(steps="train_step()", times=4, compare=("w",))


@dataclass(frozen=True)
class Optimizer:
    """A TF1 optimizer call, the Keras call its own defaults would leave, and the fixer's."""

    name: str
    tf1: str
    keras_defaults: str  # the Keras call with only TF1's arguments renamed
    written: str  # what the fixer must write
    scale: str = "1e-6"  # small gradients, where an epsilon matters


OPTIMIZERS = [
    Optimizer(
        "adam",
        "tf.train.AdamOptimizer(0.1)",
        "tf.keras.optimizers.Adam(0.1)",
        "tf.keras.optimizers.Adam(0.1, epsilon=1e-08)",
    ),
    Optimizer(
        "adagrad",
        "tf.train.AdagradOptimizer(0.1, initial_accumulator_value=1e-6)",
        "tf.keras.optimizers.Adagrad(0.1, initial_accumulator_value=1e-6)",
        "tf.keras.optimizers.Adagrad(0.1, initial_accumulator_value=1e-6, epsilon=0.0)",
    ),
    Optimizer(
        "adadelta",
        "tf.train.AdadeltaOptimizer(1.0)",
        "tf.keras.optimizers.Adadelta(1.0)",
        "tf.keras.optimizers.Adadelta(1.0, epsilon=1e-08)",
        scale="1.0",
    ),
]


def _source(optimizer: str, scale: str = "1.0") -> str:
    return STEP.format(optimizer=f"opt = {optimizer}", scale=scale)


def _cases() -> dict[str, Case]:
    cases = {}
    for item in OPTIMIZERS:
        old = _source(item.tf1, item.scale)
        fixed = fix_all(old, CATALOGUE, NATIVE, unsafe=True).source
        cases[f"{item.name}: fixed"] = Case(f"{item.name}: fixed", old, fixed, STEPS)
        bare = _source(item.keras_defaults, item.scale)
        cases[f"{item.name}: Keras defaults"] = Case(
            f"{item.name}: Keras defaults", old, bare, STEPS
        )
    refused = {
        "rmsprop": (
            "tf.train.RMSPropOptimizer(0.1)",
            "tf.keras.optimizers.RMSprop(0.1, epsilon=1e-10)",
        ),
        "momentum with a decaying rate": (
            "tf.train.MomentumOptimizer(tf.train.exponential_decay(0.1, step, 1, 0.5), 0.9)",
            "tf.keras.optimizers.SGD(tf.keras.optimizers.schedules.ExponentialDecay(0.1, 1, 0.5),"
            " 0.9)",
        ),
    }
    for name, (tf1, keras) in refused.items():
        cases[name] = Case(name, _source(tf1), _source(keras), STEPS)
    loss = "loss = tf.losses.mean_squared_error(y, p, weights=[[1.0], [0.0], [2.0], [0.0]])"
    weights = "[[1.0], [0.0], [2.0], [0.0]]"
    keras_loss = f"loss = tf.keras.losses.MeanSquaredError()(y, p, sample_weight={weights})"
    inputs = "import tensorflow as _tf\ny = _tf.ones([4, 3])\np = _tf.zeros([4, 3])\n"
    cases["zero weights"] = Case(
        "zero weights",
        f"import tensorflow as tf\n{loss}\n",
        f"import tensorflow as tf\n{keras_loss}\n",
        RunTable(setup=inputs, compare=("loss",)),
    )
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def outcomes(tensorflow_installed: None) -> dict[str, Outcome]:
    from tf2_lsp.verify.harness import run_cases

    cases = list(CASES.values())
    return {case.name: outcome for case, outcome in zip(cases, run_cases(cases), strict=True)}


@pytest.mark.parametrize("item", OPTIMIZERS, ids=lambda item: item.name)
def test_the_fixer_writes_tf1s_defaults_out(item: Optimizer) -> None:
    fixed = CASES[f"{item.name}: fixed"].new
    assert f"opt = {item.written}\n" in fixed


@pytest.mark.parametrize("item", OPTIMIZERS, ids=lambda item: item.name)
def test_the_fixed_optimizer_trains_to_the_same_weights(
    outcomes: dict[str, Outcome], item: Optimizer
) -> None:
    outcome = outcomes[f"{item.name}: fixed"]
    assert outcome.status == "proven", outcome.reason


@pytest.mark.parametrize("item", OPTIMIZERS, ids=lambda item: item.name)
def test_keras_own_defaults_would_train_to_other_weights(
    outcomes: dict[str, Outcome], item: Optimizer
) -> None:
    outcome = outcomes[f"{item.name}: Keras defaults"]
    assert outcome.status == "differs", outcome.reason


@pytest.mark.parametrize("name", ["rmsprop", "momentum with a decaying rate", "zero weights"])
def test_the_forms_the_fixer_refuses_compute_something_else(
    outcomes: dict[str, Outcome], name: str
) -> None:
    outcome = outcomes[name]
    assert outcome.status == "differs", outcome.reason


def test_the_refused_forms_keep_their_compat_form() -> None:
    for name in ("rmsprop", "momentum with a decaying rate"):
        fixed = fix_all(CASES[name].old, CATALOGUE, NATIVE, unsafe=True).source
        assert "tf.keras.optimizers" not in fixed, name
        assert "tf.compat.v1.train." in fixed, name
    loss = fix_all(CASES["zero weights"].old, CATALOGUE, NATIVE, unsafe=True).source
    assert "tf.compat.v1.losses.mean_squared_error(" in loss
