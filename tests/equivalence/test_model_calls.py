"""A model function that TF2 code calls at every training step, decided by running it.

TF1 built a model function into the graph once and ran that graph at each step; TF2 calls the
layer that replaces it at each step. Where the function names its variables itself (a literal
`variable_scope`, a layer's `name=`), each call of the layer finds the same variables, as the
one graph did: the fixer offers the layer (TF934 here), and it trains as TF1 trained. Where TF1
numbered the names per call (`tf.layers.dense` without a name outside a named scope,
`variable_scope(None, default_name=...)`), the fixer refuses: the shim layer written by hand
as the fixer would have written it makes a new set of variables at every step, so it trains
something else (and ends with more variables than TF1 had).
"""

from __future__ import annotations

import textwrap

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings
from tf2_lsp.verify.cases import Case, Outcome, RunTable

# One TensorFlow run per module: its tests stay on one xdist worker (`--dist loadgroup`).
pytestmark = [pytest.mark.tensorflow, pytest.mark.xdist_group("equivalence-model-calls")]

CATALOGUE = load_catalogue()
NATIVE = Settings(level="native")

# One gradient-descent step on the model's own variables, the same code on both sides: the
# TF1 side builds it once and runs it in a session, the TF2 side calls it at each step.
STEP = textwrap.dedent(
    """\


    def train_step():
        with tf.GradientTape() as tape:
            out = tower(x)
            loss = tf.reduce_sum(out * out)
        variables = tape.watched_variables()
        grads = tape.gradient(loss, variables)
        updates = [v.assign_sub(0.01 * g) for v, g in zip(variables, grads)]
        with tf.control_dependencies(updates):
            return tf.identity(loss)
    """
)
SETUP = (
    "import tensorflow as _tf\nx = _tf.constant(np.arange(24, dtype=np.float32).reshape(4, 6) / 10)"
)
RUN = RunTable(setup=SETUP, steps="train_step()", times=3, random="constant")

NAMED = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x):
        with tf.variable_scope("tower"):
            return tf.layers.dense(
                x, 3, kernel_initializer=tf.constant_initializer(0.1), name="hidden"
            )
    """
)
UNNAMED_LAYER = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x):
        return tf.layers.dense(x, 3, kernel_initializer=tf.constant_initializer(0.1))
    """
)
UNNAMED_SCOPE = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x):
        with tf.variable_scope(None, default_name="tower"):
            w = tf.get_variable("w", [6, 3], initializer=tf.constant_initializer(0.1))
            return tf.matmul(x, w)
    """
)


def _shim(model: str) -> str:
    """The shim form (TF938) of `model`'s `tower`, written as the fixer writes it."""
    header, body = model.split("def tower(x):\n")
    body = textwrap.indent(body.replace("tf.", "tf.compat.v1.").rstrip("\n"), "    ")
    return (
        f"{header}class Tower(tf.keras.layers.Layer):\n"
        "    @tf.compat.v1.keras.utils.track_tf1_style_variables\n"
        f"    def call(self, x):\n{body}\n\n\ntower = Tower()\n"
    )


def _refusal(model: str) -> str:
    (found,) = [
        f for f in detect(model, CATALOGUE, NATIVE).findings if f.code in {"TF934", "TF938"}
    ]
    assert found.fix is None, found.message
    return found.message


def _case(name: str, model: str, new: str) -> Case:
    return Case(name, model + STEP, new + STEP, RUN)


CASES = {
    "named": _case("named", NAMED, fix_all(NAMED, CATALOGUE, NATIVE, unsafe=True).source),
    "unnamed layer": _case("unnamed layer", UNNAMED_LAYER, _shim(UNNAMED_LAYER)),
    "unnamed scope": _case("unnamed scope", UNNAMED_SCOPE, _shim(UNNAMED_SCOPE)),
}


@pytest.fixture(scope="module")
def outcomes(tensorflow_installed: None) -> dict[str, Outcome]:
    from tf2_lsp.verify.harness import run_cases

    cases = list(CASES.values())
    return {case.name: outcome for case, outcome in zip(cases, run_cases(cases), strict=True)}


def test_the_fixer_refuses_functions_whose_variables_tf1_named_per_call() -> None:
    assert "`tf.layers.dense` without a name" in _refusal(UNNAMED_LAYER)
    assert "`variable_scope` with no name of its own" in _refusal(UNNAMED_SCOPE)
    assert "class Tower(tf.keras.layers.Layer):" in CASES["named"].new


def test_a_layer_whose_variables_have_fixed_names_trains_as_tf1_did(
    outcomes: dict[str, Outcome],
) -> None:
    outcome = outcomes["named"]
    assert outcome.status == "proven", outcome.reason
    compared = {row.what for row in outcome.rows}
    assert {f"train_step() #{n}" for n in range(1, 4)} <= compared


@pytest.mark.parametrize("name", ["unnamed layer", "unnamed scope"])
def test_a_shim_of_a_function_tf1_named_per_call_trains_something_else(
    outcomes: dict[str, Outcome], name: str
) -> None:
    outcome = outcomes[name]
    assert outcome.status == "differs", outcome.reason
    differing = {row.what for row in outcome.rows if not row.equal}
    # The first step agrees; from the second on the shim trains a fresh set of variables.
    assert "train_step() #1" not in differing and "train_step() #2" in differing, differing
    assert "trainable variables" in differing, differing
