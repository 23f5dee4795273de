"""Program units: Keras-object rewrites only where no TF1 graph code is left (analysis/units.py)."""

from __future__ import annotations

import textwrap

import pytest

from tests.analysis.support import run_tensorflow
from tf2_lsp import engine
from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.incremental import reanalyse
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings

NATIVE = Settings(level="native")

GRAPH_MODULE = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x):
        with tf.variable_scope("tower", reuse=tf.AUTO_REUSE):
            return tf.layers.dense(x, 4, name="hidden")


    def train(loss, step):
        lr = tf.train.exponential_decay(0.1, step, 1000, 0.96)
        return tf.train.AdamOptimizer(lr).minimize(loss)


    sess = tf.Session()
    """
)

EAGER_MODULE = textwrap.dedent(
    """\
    import tensorflow as tf

    step = tf.Variable(0, dtype=tf.int64)
    lr = tf.train.exponential_decay(0.1, step, 1000, 0.96)
    opt = tf.train.AdamOptimizer(lr)


    def head(x):
        return tf.layers.dense(x, 4)


    @tf.function
    def train_step(x, variables):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(x)
        opt.apply_gradients(zip(tape.gradient(loss, variables), variables))
    """
)


def _by_code(source: str, catalogue: Catalogue, settings: Settings) -> dict[str, Finding]:
    return {f.code: f for f in detect(source, catalogue, settings).findings}


def test_a_module_with_graph_code_keeps_the_compat_form_and_says_why(
    catalogue: Catalogue,
) -> None:
    found = _by_code(GRAPH_MODULE, catalogue, NATIVE)
    for code in ("TF931", "TF911", "TF912"):  # layer, optimizer, decay
        fix = found[code].fix
        assert fix is not None and fix.level == "compat" and fix.kind == "rename"
        assert "still runs TF1 graph code (`tf.compat.v1.variable_scope`)" in found[code].message


def test_the_native_fix_of_a_graph_module_writes_the_tf1_forms(catalogue: Catalogue) -> None:
    fixed = engine.fix_all(GRAPH_MODULE, catalogue, NATIVE, unsafe=True).source
    assert 'tf.compat.v1.layers.dense(x, 4, name="hidden")' in fixed
    assert "tf.compat.v1.train.AdamOptimizer(lr)" in fixed
    assert "tf.compat.v1.train.exponential_decay(" in fixed
    # No Keras object, and the model function stays a function: called from the module's
    # graph code, a layer would lose TF1's variable reuse (TF938 says so, without a fix).
    assert "class Tower" not in fixed and "\ndef tower(x):" in fixed
    (model,) = [f for f in detect(fixed, catalogue, NATIVE).findings if f.code == "TF938"]
    assert model.fix is None and "`tf.compat.v1.Session`" in model.message
    assert "tf.keras.layers.Dense" not in fixed and "tf.keras.optimizers" not in fixed


def test_a_module_without_graph_code_gets_the_keras_objects(catalogue: Catalogue) -> None:
    detection = detect(EAGER_MODULE, catalogue, NATIVE)
    assert detection.graph_state == []
    found = {f.code: f for f in detection.findings}
    for code in ("TF931", "TF911", "TF912"):
        fix = found[code].fix
        assert fix is not None and fix.level == "native", code
    fixed = engine.fix_all(EAGER_MODULE, catalogue, NATIVE, unsafe=True).source
    assert "tf.keras.optimizers.schedules.ExponentialDecay(0.1, 1000, 0.96)" in fixed
    assert "tf.keras.optimizers.Adam(lr, epsilon=1e-08)" in fixed


@pytest.mark.parametrize(
    ("use", "written"),
    [
        ("return tf.minimum(lr, 0.05)", "ExponentialDecay(0.1, 1000, 0.96)(step)"),
        ("tf.summary.scalar('lr', lr)", "ExponentialDecay(0.1, 1000, 0.96)(step)"),
        ("return lr", "ExponentialDecay(0.1, 1000, 0.96)(step)"),
    ],
)
def test_a_decay_used_as_a_value_is_called_at_its_step(
    catalogue: Catalogue, use: str, written: str
) -> None:
    source = (
        "import tensorflow as tf\n\ndef make(step):\n"
        f"    lr = tf.train.exponential_decay(0.1, step, 1000, 0.96)\n    {use}\n"
    )
    decay = _by_code(source, catalogue, NATIVE)["TF912"]
    assert decay.fix is not None and decay.fix.transform == "lr_schedule_at_step"
    assert decay.fix.safety == "unsafe"
    assert "used as a value: the schedule is called at `step`" in decay.message
    fixed = engine.fix_all(source, catalogue, NATIVE, unsafe=True).source
    assert f"lr = tf.keras.optimizers.schedules.{written}\n" in fixed


def test_a_decay_used_as_a_value_and_by_an_optimizer_keeps_its_compat_form(
    catalogue: Catalogue,
) -> None:
    # A tensor given to a Keras optimizer in eager code would freeze the rate.
    source = (
        "import tensorflow as tf\n\ndef make(step):\n"
        "    lr = tf.train.exponential_decay(0.1, step, 1000, 0.96)\n"
        "    tf.summary.scalar('lr', lr)\n    return tf.keras.optimizers.Adam(lr)\n"
    )
    decay = _by_code(source, catalogue, NATIVE)["TF912"]
    assert decay.fix is not None and decay.fix.level == "compat"
    assert "used both as a value and as an optimizer's rate" in decay.message
    # Eager code gets a function from the compat decay: the finding says how the value reads.
    assert "the value use on line 5 reads `lr()`" in decay.message


def test_a_value_decay_whose_step_is_hidden_keeps_its_compat_form(catalogue: Catalogue) -> None:
    source = (
        "import tensorflow as tf\n\ndef make(kw):\n"
        "    return tf.minimum(tf.train.exponential_decay(0.1, **kw), 0.05)\n"
    )
    decay = _by_code(source, catalogue, NATIVE)["TF912"]
    assert decay.fix is None or decay.fix.level != "native"


def test_a_piecewise_rate_is_called_at_its_x(catalogue: Catalogue) -> None:
    source = "import tensorflow as tf\nlr = 2 * tf.train.piecewise_constant(n, [10], [1.0, 0.5])\n"
    fixed = engine.fix_all(source, catalogue, NATIVE, unsafe=True).source
    assert "2 * tf.keras.optimizers.schedules.PiecewiseConstantDecay([10], [1.0, 0.5])(n)" in fixed


def test_a_decay_given_straight_to_an_optimizer_becomes_a_schedule_that_names_the_step(
    catalogue: Catalogue,
) -> None:
    source = (
        "import tensorflow as tf\n"
        "opt = tf.train.AdamOptimizer(learning_rate=tf.train.exponential_decay(0.1, s, 10, 0.9))\n"
        "opt.apply_gradients(zip(g, v))\n"
    )
    decay = _by_code(source, catalogue, NATIVE)["TF912"]
    assert decay.fix is not None and decay.fix.transform == "lr_schedule"
    assert "own step count (`iterations`), not at `s`" in decay.message


def test_a_decay_feeding_an_optimizer_that_keeps_tf1_form_keeps_its_own(
    catalogue: Catalogue,
) -> None:
    # TF1's RMSProp stays (its mean square starts at 1): it calls a TF1 decay, not a schedule.
    source = (
        "import tensorflow as tf\n"
        "lr = tf.train.exponential_decay(0.1, s, 10, 0.9)\n"
        "opt = tf.train.RMSPropOptimizer(lr)\n"
        "opt.apply_gradients(zip(g, v))\n"
    )
    found = _by_code(source, catalogue, NATIVE)
    for code in ("TF911", "TF912"):
        fix = found[code].fix
        assert fix is not None and fix.level == "compat", code
    assert "mean square at 1" in found["TF911"].message
    assert "the optimizer it feeds keeps its TF1 form" in found["TF912"].message


@pytest.mark.parametrize(
    ("code", "where"),
    [
        (
            "def make():\n    return tf.train.AdamOptimizer(0.1)\n",
            "`return tf.train.AdamOptimizer(0.1)`",
        ),
        ("opt = tf.train.AdamOptimizer(0.1)\nbuild(opt)\n", "`build(opt)`"),
        ("self.opt = tf.train.AdamOptimizer(0.1)\n", "cannot be followed"),
        ("opt = tf.train.AdamOptimizer(0.1)\n", "not used in this module"),
    ],
)
def test_an_optimizer_outside_a_tf2_training_step_keeps_its_compat_form(
    catalogue: Catalogue, code: str, where: str
) -> None:
    optimizer = _by_code("import tensorflow as tf\n" + code, catalogue, NATIVE)["TF911"]
    assert optimizer.fix is not None and optimizer.fix.level == "compat"
    assert where in optimizer.message


@pytest.mark.parametrize(
    "use",
    [
        "opt.apply_gradients(zip(g, v))",
        "model.compile(optimizer=opt, loss='mse')",
        "model.compile(opt, loss='mse')",
        "ckpt = tf.train.Checkpoint(optimizer=opt, model=model)\nopt.apply_gradients(zip(g, v))",
    ],
)
def test_an_optimizer_in_a_tf2_training_step_becomes_a_keras_one(
    catalogue: Catalogue, use: str
) -> None:
    source = f"import tensorflow as tf\nopt = tf.train.AdagradOptimizer(0.1)\n{use}\n"
    optimizer = _by_code(source, catalogue, NATIVE)["TF911"]
    assert optimizer.fix is not None and optimizer.fix.level == "native"
    fixed = engine.fix_all(source, catalogue, NATIVE, unsafe=True).source
    # TF1's Adagrad adds no epsilon to its denominator.
    assert "opt = tf.keras.optimizers.Adagrad(0.1, epsilon=0.0)" in fixed


@pytest.mark.parametrize(
    "rate",
    [
        "rate = tf.Variable(0.1, trainable=False)\nopt = tf.train.AdamOptimizer(rate)",
        "opt = tf.train.AdamOptimizer(learning_rate=tf.Variable(0.1, trainable=False))",
    ],
)
def test_an_optimizer_whose_rate_is_a_variable_keeps_its_compat_form(
    catalogue: Catalogue, rate: str
) -> None:
    # TF 2.21: Keras 3's Adam rejects a variable as its rate; TF1 read it at each step.
    source = f"import tensorflow as tf\n{rate}\nopt.apply_gradients(zip(g, v))\n"
    optimizer = _by_code(source, catalogue, NATIVE)["TF911"]
    assert optimizer.fix is not None and optimizer.fix.level == "compat"
    assert "is a variable, which TF1 read at each step" in optimizer.message
    fixed = engine.fix_all(source, catalogue, NATIVE, unsafe=True).source
    assert "tf.compat.v1.train.AdamOptimizer(" in fixed and "keras" not in fixed


def test_rmsprop_code_on_compat_v1_is_not_offered_keras_rmsprop(catalogue: Catalogue) -> None:
    source = (
        "import tensorflow as tf\nopt = tf.compat.v1.train.RMSPropOptimizer(0.1)\n"
        "opt.apply_gradients(zip(g, v))\n"
    )
    assert "TF911" not in _by_code(source, catalogue, NATIVE)


def test_keras_objects_in_graph_code_are_reported_from_keras_3(catalogue: Catalogue) -> None:
    converted = textwrap.dedent(
        """\
        import tensorflow as tf

        x = tf.compat.v1.placeholder(tf.float32, [None, 3])
        h = tf.keras.layers.Dense(4, name="hidden")(x)
        opt = tf.keras.optimizers.Adam(0.1)
        lr = tf.keras.optimizers.schedules.ExponentialDecay(0.1, 1000, 0.96)


        class Block(tf.keras.layers.Layer):
            pass
        """
    )
    reported = [f for f in detect(converted, catalogue, Settings()).findings if f.code == "TF939"]
    assert [(f.span.line, f.written) for f in reported] == [
        (4, "tf.keras.layers.Dense"),
        (5, "tf.keras.optimizers.Adam"),
        (6, "tf.keras.optimizers.schedules.ExponentialDecay"),
    ]
    assert "no graph-mode `minimize`" in reported[1].message
    assert "`tf.compat.v1.placeholder`" in reported[1].message
    older = detect(converted, catalogue, Settings(target_version="2.15")).findings
    assert not [f for f in older if f.code == "TF939"]  # Keras 2 still works in graph mode
    eager = converted.replace("tf.compat.v1.placeholder(tf.float32, [None, 3])", "tf.ones([2, 3])")
    assert not [f for f in detect(eager, catalogue, Settings()).findings if f.code == "TF939"]


def test_an_edit_inside_a_function_is_judged_against_the_whole_module(
    catalogue: Catalogue,
) -> None:
    # Without TF938: which model functions are outermost is always judged on the whole module.
    native = Settings(level="native", ignore=("TF938",))
    previous = detect(GRAPH_MODULE, catalogue, native)
    edited = GRAPH_MODULE.replace('name="hidden"', 'name="hidden2"')
    again = reanalyse(previous, GRAPH_MODULE, edited, catalogue, native)
    assert again is not None  # the incremental path ran
    layer = next(f for f in again.findings if f.code == "TF931")
    assert layer.fix is not None and layer.fix.level == "compat"
    assert again.graph_state == detect(edited, catalogue, native).graph_state


def test_an_edit_that_brings_graph_code_in_re_judges_the_whole_module(
    catalogue: Catalogue,
) -> None:
    previous = detect(EAGER_MODULE, catalogue, NATIVE)
    edited = EAGER_MODULE.replace("return tf.layers.dense(x, 4)", "return tf.Session()")
    assert reanalyse(previous, EAGER_MODULE, edited, catalogue, NATIVE) is None


# -- proven by running it ---------------------------------------------------------------------


_RUN = textwrap.dedent(
    """\
    import json, os, sys
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import tensorflow as tf
    tf.compat.v1.disable_v2_behavior()
    results = []
    for source in json.load(sys.stdin):
        graph = tf.Graph()
        with graph.as_default():
            namespace = {}
            exec(source, namespace)
            x = tf.compat.v1.placeholder(tf.float32, [2, 3])
            namespace["tower"](x)
            namespace["tower"](x)  # the train and eval towers share one set of weights
            results.append(sorted(v.name for v in tf.compat.v1.trainable_variables()))
    print(json.dumps(results))
    """
)


@pytest.mark.tensorflow
def test_the_native_fix_keeps_weight_sharing_and_checkpoint_names(catalogue: Catalogue) -> None:
    pytest.importorskip("tensorflow")
    pytest.importorskip("tf_keras")
    original = GRAPH_MODULE.replace("sess = tf.Session()\n", "")
    original = original.replace("import tensorflow as tf", "import tensorflow.compat.v1 as tf")
    fixed = engine.fix_all(GRAPH_MODULE, catalogue, NATIVE, unsafe=True).source
    fixed = fixed.replace("sess = tf.compat.v1.Session()\n", "")
    tf1, converted = run_tensorflow(_RUN, [original, fixed])
    assert tf1 == ["tower/hidden/bias:0", "tower/hidden/kernel:0"]
    assert converted == tf1


def test_an_optimizer_used_through_tf1_methods_keeps_its_compat_form(
    catalogue: Catalogue,
) -> None:
    source = "import tensorflow as tf\nopt = tf.train.AdamOptimizer(0.1)\nstep = opt.minimize(l)\n"
    optimizer = _by_code(source, catalogue, NATIVE)["TF911"]
    assert optimizer.fix is not None and optimizer.fix.level == "compat"
    assert "TF1's `minimize`" in optimizer.message
    tape = source.replace("opt.minimize(l)", "opt.apply_gradients(zip(g, v))")
    optimizer = _by_code(tape, catalogue, NATIVE)["TF911"]
    assert optimizer.fix is not None and optimizer.fix.level == "native"
