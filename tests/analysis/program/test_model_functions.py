"""Model functions (TF938 shim form, TF934 native form): which functions are offered which
form of model mapping, and that the mapped layer computes what the TF1 function did."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.analysis.support import run_tensorflow
from tf2_lsp import engine
from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.incremental import reanalyse
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings

NATIVE = Settings(level="native")


# -- model functions (TF938) -------------------------------------------------------------------

MODEL = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x):
        with tf.variable_scope("tower", reuse=tf.AUTO_REUSE):
            h = tf.layers.dense(x, 4, name="hidden",
                                kernel_initializer=tf.constant_initializer(0.5))
            w = tf.get_variable("w", [4], initializer=tf.ones_initializer())
            return h * w


    def train(loss):
        return tf.train.AdamOptimizer(0.1).minimize(loss)
    """
)


def _model_findings(source: str, catalogue: Catalogue, settings: Settings) -> list[Finding]:
    return [f for f in detect(source, catalogue, settings).findings if f.code == "TF938"]


def test_a_function_that_only_builds_a_model_is_offered_the_layer_form(
    catalogue: Catalogue,
) -> None:
    (found,) = _model_findings(MODEL, catalogue, NATIVE)
    assert (found.written, found.span.line, found.severity) == ("tower", 4, "information")
    assert found.fix is not None and found.fix.safety == "unsafe"
    assert found.anchor.line == 4 and found.anchor.end_line == 9
    assert _model_findings(MODEL, catalogue, Settings()) == []  # a native-level rewrite


def test_a_function_that_trains_or_runs_is_not_offered_the_layer_form(
    catalogue: Catalogue,
) -> None:
    runs = MODEL.replace("return h * w", "return tf.Session().run(h * w)")
    assert _model_findings(runs, catalogue, NATIVE) == []
    trains = MODEL.replace("return h * w", "return tf.train.AdamOptimizer(0.1).minimize(h)")
    assert _model_findings(trains, catalogue, NATIVE) == []


def test_a_function_that_cannot_become_a_layer_is_reported_with_the_reason(
    catalogue: Catalogue,
) -> None:
    decorated = MODEL.replace("def tower(x):", "@staticmethod\ndef tower(x):")
    (found,) = _model_findings(decorated, catalogue, NATIVE)
    assert found.fix is None and "the function is decorated" in found.message


def test_a_function_the_module_hands_on_stays_a_function(catalogue: Catalogue) -> None:
    # Whoever takes it from the registry calls it where we cannot follow (magenta's gansynth
    # keeps its generator functions in a dict other modules read under a Session).
    registry = MODEL + "\n\nTOWERS = {'tower': tower}\n"
    (found,) = _model_findings(registry, catalogue, NATIVE)
    assert found.fix is None and "line 16 hands it on" in found.message
    called = MODEL + "\n\ny = tower(tf.ones([1, 4]))\n"
    (found,) = _model_findings(called, catalogue, NATIVE)
    assert found.fix is not None


def test_the_layer_form_is_written_and_its_body_is_no_graph_code(catalogue: Catalogue) -> None:
    fixed = engine.fix_all(MODEL, catalogue, NATIVE, unsafe=True).source
    assert "class Tower(tf.keras.layers.Layer):" in fixed and "\ntower = Tower()\n" in fixed
    assert "        with tf.compat.v1.variable_scope(" in fixed  # the body, one level deeper
    # The optimizer keeps TF1's form: `minimize(loss)` is TF1's API.
    assert "tf.compat.v1.train.AdamOptimizer(0.1).minimize(loss)" in fixed
    again = detect(fixed, catalogue, NATIVE)
    assert again.graph_state == []  # variable scopes inside the layer are not graph code
    assert not [f for f in again.findings if f.fix is not None and f.fix.level == "native"]


_SHIM_RUN = textwrap.dedent(
    """\
    import json, os, sys
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import numpy as np
    import tensorflow as tf
    original, fixed = json.load(sys.stdin)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    v1 = {}
    exec(original.replace("import tensorflow as tf", "import tensorflow.compat.v1 as tf"), v1)
    with tf.Graph().as_default():
        first, second = v1["tower"](tf.constant(x)), v1["tower"](tf.constant(x))
        names = sorted(v.name for v in tf.compat.v1.trainable_variables())
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            tf1_out = session.run(first).tolist()
    v2 = {}
    exec(fixed, v2)
    layer = v2["tower"]
    eager = layer(x).numpy().tolist()
    layer(x)  # a second call reuses the variables
    traced = tf.function(layer)(x).numpy().tolist()
    print(json.dumps({
        "tf1": [names, tf1_out],
        "tf2": [sorted(v.name for v in layer.trainable_variables), eager, traced],
    }))
    """
)


@pytest.mark.tensorflow
def test_the_layer_form_keeps_variables_names_and_outputs_in_eager_code(
    catalogue: Catalogue,
) -> None:
    pytest.importorskip("tensorflow")
    pytest.importorskip("tf_keras")
    fixed = engine.fix_all(MODEL, catalogue, NATIVE, unsafe=True).source
    result = run_tensorflow(_SHIM_RUN, [MODEL, fixed])
    names, tf1_out = result["tf1"]
    tf2_names, eager, traced = result["tf2"]
    assert names == ["tower/hidden/bias:0", "tower/hidden/kernel:0", "tower/w:0"]
    assert tf2_names == names  # same checkpoint keys, created once
    assert eager == tf1_out == traced


# -- nested model functions: only the outermost becomes a layer ----------------------------------

TRANSFORMER = textwrap.dedent(
    """\
    import tensorflow as tf


    def attention(x, heads, size):
        with tf.variable_scope("attention"):
            q = tf.layers.dense(x, size, name="query")
            k = tf.layers.dense(x, size, name="key")
            v = tf.layers.dense(x, size, name="value")
            batch, length = tf.shape(x)[0], tf.shape(x)[1]

            def heads_first(t):
                t = tf.reshape(t, [batch, length, heads, size // heads])
                return tf.transpose(t, [0, 2, 1, 3])

            scores = tf.matmul(heads_first(q), heads_first(k), transpose_b=True)
            mixed = tf.matmul(tf.nn.softmax(scores / (size // heads) ** 0.5), heads_first(v))
            mixed = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, length, size])
            return tf.layers.dense(mixed, size, name="output")


    def layer_norm(x):
        scale = tf.get_variable("scale", [x.shape[-1]], initializer=tf.ones_initializer())
        shift = tf.get_variable("shift", [x.shape[-1]], initializer=tf.zeros_initializer())
        mean, variance = tf.nn.moments(x, [-1], keep_dims=True)
        return (x - mean) * tf.rsqrt(variance + 1e-6) * scale + shift


    def encoder(x, layers=12, heads=4, size=16):
        with tf.variable_scope("encoder"):
            for index in range(layers):
                with tf.variable_scope("layer_%d" % index):
                    with tf.variable_scope("self"):
                        x = layer_norm(x + attention(x, heads, size))
                    with tf.variable_scope("feed_forward"):
                        inner = tf.layers.dense(x, 2 * size, tf.nn.relu, name="inner")
                        x = layer_norm(x + tf.layers.dense(inner, size, name="outer"))
        return x
    """
)


def test_a_model_function_called_by_another_stays_a_function(catalogue: Catalogue) -> None:
    # As a layer of its own, `attention` would own the variables it creates: the encoder's
    # `variables` (its checkpoint, its training) would miss them.
    assert [f.written for f in _model_findings(TRANSFORMER, catalogue, NATIVE)] == ["encoder"]
    fixed = engine.fix_all(TRANSFORMER, catalogue, NATIVE, unsafe=True).source
    assert "class Encoder(tf.keras.layers.Layer):" in fixed
    # The next fix round sees `attention` called from the layer's `call`: still not offered.
    assert "\ndef attention(x, heads, size):" in fixed and "\ndef layer_norm(x):" in fixed
    assert _model_findings(fixed, catalogue, NATIVE) == []


def test_a_model_function_run_through_a_helper_stays_a_function(catalogue: Catalogue) -> None:
    helper = "def residual(x, heads, size):\n    return layer_norm(x + attention(x, heads, size))\n"
    source = TRANSFORMER.replace(
        "x = layer_norm(x + attention(x, heads, size))", "x = residual(x, heads, size)"
    )
    found = _model_findings(source + "\n\n" + helper, catalogue, NATIVE)
    assert [f.written for f in found] == ["encoder"]


def test_an_edit_to_a_nested_model_function_is_judged_against_the_whole_module(
    catalogue: Catalogue,
) -> None:
    previous = detect(TRANSFORMER, catalogue, NATIVE)
    edited = TRANSFORMER.replace('name="query"', 'name="queries"')
    again = reanalyse(previous, TRANSFORMER, edited, catalogue, NATIVE)
    full = detect(edited, catalogue, NATIVE)
    assert again is None or again.findings == full.findings
    assert [f.written for f in full.findings if f.code == "TF938"] == ["encoder"]


_CHECKPOINT_RUN = textwrap.dedent(
    """\
    import json, os, sys, tempfile
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import numpy as np
    import tensorflow as tf
    original, fixed = json.load(sys.stdin)
    x = np.random.RandomState(0).standard_normal((2, 5, 16)).astype(np.float32)
    folder = tempfile.mkdtemp()
    v1 = {}
    exec(original.replace("import tensorflow as tf", "import tensorflow.compat.v1 as tf"), v1)
    with tf.Graph().as_default():
        out = v1["encoder"](tf.constant(x))
        keys = sorted(v.op.name for v in tf.compat.v1.global_variables())
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            tf1_out = session.run(out)
            tf.compat.v1.train.Saver().save(session, os.path.join(folder, "model"))
    v2 = {}
    exec(fixed, v2)
    layer = v2["encoder"]
    layer(x)  # creates the variables
    reader = tf.train.load_checkpoint(os.path.join(folder, "model"))
    names = sorted(v.name.split(":")[0] for v in layer.variables)
    for variable in layer.variables:
        variable.assign(reader.get_tensor(variable.name.split(":")[0]))
    eager = layer(x).numpy()
    traced = tf.function(layer)(x).numpy()
    print(json.dumps({
        "keys": keys, "names": names,
        "eager": float(np.max(np.abs(eager - tf1_out))),
        "traced": float(np.max(np.abs(traced - tf1_out))),
    }))
    """
)


@pytest.mark.tensorflow
def test_a_12_layer_transformer_mapped_to_a_layer_loads_its_tf1_checkpoint(
    catalogue: Catalogue,
) -> None:
    pytest.importorskip("tensorflow")
    pytest.importorskip("tf_keras")
    fixed = engine.fix_all(TRANSFORMER, catalogue, NATIVE, unsafe=True).source
    result = run_tensorflow(_CHECKPOINT_RUN, [TRANSFORMER, fixed])
    # 12 layers x (4 attention + 2 feed-forward dense layers, 2 norms), 2 variables each.
    assert len(result["keys"]) == 12 * 8 * 2
    assert result["names"] == result["keys"]  # every checkpoint key, under its TF1 name
    assert result["eager"] <= 1e-5 and result["traced"] <= 1e-5


# -- the native form (TF934): Keras 3 sublayers under TF1's names ----------------------------------

CONV_MODEL = textwrap.dedent(
    """\
    import tensorflow as tf


    def classifier(images):
        \"\"\"Logits for a batch of 8x8 images.\"\"\"
        with tf.variable_scope("classifier", reuse=tf.AUTO_REUSE):
            h = tf.layers.conv2d(images, 4, 3, padding="same", activation=tf.nn.relu)
            h = tf.layers.max_pooling2d(h, 2, 2)
            h = tf.layers.flatten(h)
            h = tf.layers.dense(h, 8, activation=tf.nn.relu)
            return tf.layers.dense(h, 3, name="logits") + tf.layers.dense(h, 3)
    """
)


def test_a_model_of_tf_layers_calls_is_offered_keras_sublayers(catalogue: Catalogue) -> None:
    (found,) = [f for f in detect(CONV_MODEL, catalogue, NATIVE).findings if f.code == "TF934"]
    assert found.written == "classifier" and found.fix is not None
    assert not _model_findings(CONV_MODEL, catalogue, NATIVE)  # not the shim form as well
    fixed = engine.fix_all(CONV_MODEL, catalogue, NATIVE, unsafe=True).source
    assert 'super().__init__(name="classifier", **kwargs)' in fixed
    # TF1's default names, numbered in the order TF1 created the layers.
    assert 'self.dense = tf.keras.layers.Dense(8, activation=tf.nn.relu, name="dense")' in fixed
    assert 'self.dense_1 = tf.keras.layers.Dense(3, name="dense_1")' in fixed
    assert "return self.logits(h) + self.dense_1(h)" in fixed
    assert "track_tf1_style_variables" not in fixed and "compat" not in fixed


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (("h, 8,", "h, width,"), "known only when the function runs"),
        (('name="logits"', 'name="logits", kernel_regularizer=tf.nn.l2_loss'), "regularizer"),
        # A Keras 3 sublayer's constraint is applied by Keras optimizers only (TF 2.21).
        (
            ('name="logits"', 'name="logits", kernel_constraint=tf.keras.constraints.NonNeg()'),
            "constraint",
        ),
        (
            (
                "        h = tf.layers.flatten(h)\n",
                "        h = tf.layers.flatten(h)\n"
                "        if h is None:\n            h = tf.layers.dense(h, 1)\n",
            ),
            "branch",
        ),
        (("tf.layers.max_pooling2d(h, 2, 2)", "tf.layers.batch_normalization(h)"), "4-D: fused"),
        (("h = tf.layers.flatten(h)", "h = tf.layers.flatten(helper(h))"), "module's `helper`"),
    ],
)
def test_other_model_functions_keep_the_shim_form(
    catalogue: Catalogue, change: tuple[str, str], why: str
) -> None:
    assert change[0] in CONV_MODEL
    helper = "\n\ndef helper(h):\n    return h * tf.get_variable('scale', [1])\n"
    model = CONV_MODEL + helper if "helper(" in change[1] else CONV_MODEL
    source = model.replace(*change).replace(
        "def classifier(images):", "def classifier(images, width=8):"
    )
    found = detect(source, catalogue, NATIVE).findings
    assert not [f for f in found if f.code == "TF934"], why
    assert [f.written for f in found if f.code == "TF938"] == ["classifier"]


def test_graph_code_left_in_the_module_keeps_the_function_and_says_why(
    catalogue: Catalogue,
) -> None:
    source = CONV_MODEL + "\n\nsession = tf.Session()\n"
    found = detect(source, catalogue, NATIVE).findings
    (model,) = [f for f in found if f.code in ("TF934", "TF938")]
    assert model.code == "TF938" and model.fix is None
    assert "still runs TF1 graph code (`tf.compat.v1.Session`)" in model.message


BATCH_NORM_MODEL = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x, is_training):
        with tf.variable_scope("tower", reuse=tf.AUTO_REUSE):
            h = tf.layers.flatten(x)
            h = tf.layers.dense(h, 4, kernel_initializer=tf.constant_initializer(0.5))
            return tf.layers.batch_normalization(h, momentum=0.5, training=is_training)
    """
)


def test_a_module_that_reads_update_ops_keeps_the_function_and_names_that_reader(
    catalogue: Catalogue,
) -> None:
    assert [
        f.code
        for f in detect(BATCH_NORM_MODEL, catalogue, NATIVE).findings
        if f.code in ("TF934", "TF938")
    ] == ["TF934"]
    training = (
        "\n\ndef train_op(loss):\n"
        "    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "    return updates\n"
    )
    found = detect(BATCH_NORM_MODEL + training, catalogue, NATIVE).findings
    (model,) = [f for f in found if f.code in ("TF934", "TF938")]
    assert model.code == "TF938" and model.fix is None
    assert "reads `tf.compat.v1.GraphKeys.UPDATE_OPS` (line 12)" in model.message
    assert "updates them itself when called with `training=True`" in model.message
    fixed = engine.fix_all(BATCH_NORM_MODEL + training, catalogue, NATIVE, unsafe=True).source
    assert "\ndef tower(x, is_training):" in fixed and "BatchNormalization" not in fixed


def test_the_shim_form_says_its_batch_normalization_updates_the_statistics_itself(
    catalogue: Catalogue,
) -> None:
    # An input of unknown rank keeps the shim form (TF1 may have fused it); the TF1 layer in
    # the shim updates the moving statistics at each training-mode call, which TF1 only
    # queued in UPDATE_OPS: run on TF 2.21, a training call then an inference call on the
    # shim gave other outputs than TF1's graph, where nothing ran those updates.
    source = BATCH_NORM_MODEL.replace("h = tf.layers.flatten(x)", "h = x")
    (model,) = [f for f in detect(source, catalogue, NATIVE).findings if f.code == "TF938"]
    assert model.fix is not None
    assert "updates `moving_mean` and `moving_variance` at each call in training mode" in (
        model.message
    )
    plain = source.replace(
        "return tf.layers.batch_normalization(h, momentum=0.5, training=is_training)",
        'return h * tf.get_variable("scale", [1])',  # the shim form, no batch normalization
    )
    (model,) = [f for f in detect(plain, catalogue, NATIVE).findings if f.code == "TF938"]
    assert "moving_mean" not in model.message


_TF1_CHECKPOINT_RUN = textwrap.dedent(
    """\
    import json, os, sys
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # tf.compat.v1.layers
    import numpy as np
    import tensorflow as tf
    original, folder = json.load(sys.stdin)
    x = np.random.RandomState(0).standard_normal((2, 8, 8, 1)).astype(np.float32)
    v1 = {}
    exec(original.replace("import tensorflow as tf", "import tensorflow.compat.v1 as tf"), v1)
    with tf.Graph().as_default():
        out = v1["classifier"](tf.constant(x))
        v1["classifier"](tf.constant(x))  # AUTO_REUSE: the second call shares the variables
        keys = sorted(v.op.name for v in tf.compat.v1.global_variables())
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            np.save(os.path.join(folder, "out.npy"), session.run(out))
            tf.compat.v1.train.Saver().save(session, os.path.join(folder, "model"))
    np.save(os.path.join(folder, "x.npy"), x)
    print(json.dumps(keys))
    """
)

_KERAS_CHECKPOINT_RUN = textwrap.dedent(
    """\
    import json, os, sys
    import numpy as np
    import tensorflow as tf
    fixed, folder = json.load(sys.stdin)
    x, tf1_out = (np.load(os.path.join(folder, name)) for name in ("x.npy", "out.npy"))
    v2 = {}
    exec(fixed, v2)
    layer = v2["classifier"]
    layer(x)
    layer(x)  # created once
    reader = tf.train.load_checkpoint(os.path.join(folder, "model"))
    for variable in layer.variables:
        variable.assign(reader.get_tensor(variable.path))
    print(json.dumps({
        "paths": sorted(v.path for v in layer.variables),
        "eager": float(np.max(np.abs(layer(x).numpy() - tf1_out))),
        "traced": float(np.max(np.abs(tf.function(layer)(x).numpy() - tf1_out))),
        "keras": tf.keras.__version__,
    }))
    """
)


@pytest.mark.tensorflow
def test_the_keras_form_loads_the_tf1_checkpoint_by_path_with_the_same_outputs(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    pytest.importorskip("tensorflow")
    pytest.importorskip("tf_keras")
    fixed = engine.fix_all(CONV_MODEL, catalogue, NATIVE, unsafe=True).source
    folder = str(tmp_path)
    keys = run_tensorflow(_TF1_CHECKPOINT_RUN, [CONV_MODEL, folder])
    result = run_tensorflow(_KERAS_CHECKPOINT_RUN, [fixed, folder])
    assert result["keras"].startswith("3.")  # plain Keras 3: no tf_keras involved
    assert len(keys) == 8  # conv2d and three dense layers, kernel and bias each
    assert result["paths"] == keys
    assert result["eager"] <= 1e-5 and result["traced"] <= 1e-5


_TF1_BATCH_NORM_CHECKPOINT_RUN = textwrap.dedent(
    """\
    import json, os, sys
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # tf.compat.v1.layers
    import numpy as np
    import tensorflow as tf
    original, folder = json.load(sys.stdin)
    rng = np.random.RandomState(0)
    batches = (rng.standard_normal((3, 8, 3, 2)) * 2.0 + 1.0).astype(np.float32)
    x = rng.standard_normal((8, 3, 2)).astype(np.float32)
    v1 = {}
    exec(original.replace("import tensorflow as tf", "import tensorflow.compat.v1 as tf"), v1)
    with tf.Graph().as_default():
        batch = tf.compat.v1.placeholder(tf.float32, [None, 3, 2])
        trained = v1["tower"](batch, is_training=True)
        updates = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(updates):
            train_op = tf.identity(trained)
        inferred = v1["tower"](tf.constant(x), is_training=False)
        keys = sorted(v.op.name for v in tf.compat.v1.global_variables())
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            for value in batches:  # a TF1 training loop ran the updates with each step
                session.run(train_op, {batch: value})
            np.save(os.path.join(folder, "out.npy"), session.run(inferred))
            tf.compat.v1.train.Saver().save(session, os.path.join(folder, "model"))
    np.save(os.path.join(folder, "x.npy"), x)
    print(json.dumps(keys))
    """
)

_KERAS_BATCH_NORM_CHECKPOINT_RUN = textwrap.dedent(
    """\
    import json, os, sys
    import numpy as np
    import tensorflow as tf
    fixed, folder = json.load(sys.stdin)
    x, tf1_out = (np.load(os.path.join(folder, name)) for name in ("x.npy", "out.npy"))
    v2 = {}
    exec(fixed, v2)
    layer = v2["tower"]
    layer(x, is_training=False)
    reader = tf.train.load_checkpoint(os.path.join(folder, "model"))
    for variable in layer.variables:  # the moving statistics too: they are checkpoint keys
        variable.assign(reader.get_tensor(variable.path))
    traced = tf.function(lambda images: layer(images, is_training=tf.constant(False)))
    inputs = tf.keras.Input(x.shape[1:])  # in a Keras functional model too
    model = tf.keras.Model(inputs, layer(inputs, is_training=False))
    print(json.dumps({
        "paths": sorted(v.path for v in layer.variables),
        "eager": float(np.max(np.abs(layer(x, is_training=False).numpy() - tf1_out))),
        "traced": float(np.max(np.abs(traced(x).numpy() - tf1_out))),
        "functional": float(np.max(np.abs(model(x).numpy() - tf1_out))),
    }))
    """
)


@pytest.mark.tensorflow
def test_a_batch_norm_layer_loads_the_trained_tf1_checkpoint_with_its_statistics(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    pytest.importorskip("tensorflow")
    pytest.importorskip("tf_keras")
    fixed = engine.fix_all(BATCH_NORM_MODEL, catalogue, NATIVE, unsafe=True).source
    assert "BatchNormalization(momentum=0.5" in fixed
    folder = str(tmp_path)
    keys = run_tensorflow(_TF1_BATCH_NORM_CHECKPOINT_RUN, [BATCH_NORM_MODEL, folder])
    result = run_tensorflow(_KERAS_BATCH_NORM_CHECKPOINT_RUN, [fixed, folder])
    assert keys == [
        "tower/batch_normalization/beta",
        "tower/batch_normalization/gamma",
        "tower/batch_normalization/moving_mean",
        "tower/batch_normalization/moving_variance",
        "tower/dense/bias",
        "tower/dense/kernel",
    ]
    assert result["paths"] == keys
    # Inference reads the statistics TF1's UPDATE_OPS left: loaded by key, the same outputs.
    assert result["eager"] <= 1e-5 and result["traced"] <= 1e-5
    assert result["functional"] <= 1e-5


# -- weight penalties moved with their readers (TF934 + TF935) ---------------------------------

PENALISED = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x):
        with tf.variable_scope("tower"):
            h = tf.layers.dense(x, 4, kernel_regularizer=tf.nn.l2_loss, name="hidden")
            return tf.layers.dense(h, 2)


    logits = tower(x)
    loss = tf.reduce_sum(logits) + tf.losses.get_regularization_loss()
    """
)


def _codes(source: str, catalogue: Catalogue) -> dict[str, list[Finding]]:
    found: dict[str, list[Finding]] = {}
    for finding in detect(source, catalogue, NATIVE).findings:
        found.setdefault(finding.code, []).append(finding)
    return found


def test_a_penalty_moves_onto_the_layer_with_the_reader_of_its_collection(
    catalogue: Catalogue,
) -> None:
    found = _codes(PENALISED, catalogue)
    (model,) = found["TF934"]
    (reader,) = found["TF935"]
    assert model.fix is not None and reader.fix is not None, (model, reader)
    assert reader.fix.target_for("tensorflow.losses.get_regularization_loss") == "tower"
    assert "TF915" not in found  # the reader's compat rename gives way to the rewrite
    fixed = engine.fix_all(PENALISED, catalogue, NATIVE, unsafe=True).source
    assert "Dense(4, kernel_regularizer=tf.nn.l2_loss, name=" in fixed
    assert "loss = tf.reduce_sum(logits) + tf.add_n(tower.losses)\n" in fixed
    assert "compat" not in fixed and "get_regularization_loss" not in fixed


# The layers built at the top level, their penalties read inside a traced training step.
TRACED_READER = textwrap.dedent(
    """\
    import tensorflow as tf


    def model(x):
        with tf.variable_scope("m", reuse=tf.AUTO_REUSE):
            return tf.layers.dense(x, 2, name="d", kernel_regularizer=tf.nn.l2_loss)


    x_in = tf.ones([4, 3])
    before = model(x_in)


    @tf.function
    def train_step():
        return tf.reduce_sum(model(x_in)) + tf.losses.get_regularization_loss()
    """
)
UNTRAINED = "without differentiating them"


def test_a_reader_in_a_traced_step_of_layers_built_outside_it_says_tf1_never_trained_them(
    catalogue: Catalogue,
) -> None:
    (reader,) = _codes(TRACED_READER, catalogue)["TF935"]
    assert reader.fix is not None and reader.fix.safety == "unsafe"
    assert UNTRAINED in reader.message
    # Built inside the step only (no top-level call), or read outside any traced function:
    # TF1 differentiated the penalties as the layers' `losses` are, and nothing is said.
    inside_only = TRACED_READER.replace("before = model(x_in)\n", "")
    (reader,) = _codes(inside_only, catalogue)["TF935"]
    assert UNTRAINED not in reader.message
    (reader,) = _codes(PENALISED, catalogue)["TF935"]
    assert UNTRAINED not in reader.message


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (  # a reader of one scope's penalties
            ("get_regularization_loss()", "get_regularization_loss(scope='tower')"),
            "still runs TF1 graph code (`tf.compat.v1.losses.get_regularization_loss`)",
        ),
        (  # other graph code than the reader
            ("logits = tower(x)\n", "logits = tower(tf.placeholder(tf.float32, [None, 3]))\n"),
            "still runs TF1 graph code (`tf.compat.v1.placeholder`)",
        ),
        (  # a penalty the rewritten reader would miss
            (
                "logits = tower(x)\n",
                "logits = tower(x) + tf.keras.layers.Dense(2, "
                "kernel_regularizer=tf.nn.l2_loss)(x)\n",
            ),
            "still runs TF1 graph code (`tf.compat.v1.losses.get_regularization_loss`)",
        ),
        (  # Keras divides an activity penalty by the batch size
            ("tf.layers.dense(h, 2)", "tf.layers.dense(h, 2, activity_regularizer=tf.nn.l2_loss)"),
            "still runs TF1 graph code (`tf.compat.v1.losses.get_regularization_loss`)",
        ),
    ],
)
def test_a_penalty_that_cannot_move_keeps_the_model_function_and_its_reader(
    catalogue: Catalogue, change: tuple[str, str], why: str
) -> None:
    assert change[0] in PENALISED
    found = _codes(PENALISED.replace(*change), catalogue)
    assert "TF934" not in found and "TF935" not in found
    (model,) = found["TF938"]
    assert model.refused is not None and why in model.refused, model.refused


def test_penalties_of_several_layers_are_read_in_the_module_s_order(
    catalogue: Catalogue,
) -> None:
    source = PENALISED.replace(
        "\n\nlogits = tower(x)\n",
        '\n\ndef head(h):\n    with tf.variable_scope("head"):\n'
        "        return tf.layers.dense(h, 1, bias_regularizer=tf.nn.l2_loss)\n"
        "\n\nlogits = head(tower(x))\n"
        "every = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)\n",
    )
    fixed = engine.fix_all(source, catalogue, NATIVE, unsafe=True).source
    assert "tf.add_n([*tower.losses, *head.losses])" in fixed
    assert "every = [*tower.losses, *head.losses]\n" in fixed


def test_a_penalty_nothing_in_the_module_reads_keeps_the_native_form_away(
    catalogue: Catalogue,
) -> None:
    source = PENALISED.replace("tf.reduce_sum(logits) + tf.losses.get_regularization_loss()", "1.0")
    found = _codes(source, catalogue)
    assert "TF934" not in found and "TF935" not in found
    assert [f.written for f in found["TF938"]] == ["tower"]


def test_a_moved_penalty_and_its_reader_are_fixed_together_or_not_at_all(
    catalogue: Catalogue,
) -> None:
    detection = engine.analyse(PENALISED, catalogue, NATIVE)
    fixes = engine.DocumentFixes(PENALISED, detection, catalogue, NATIVE)
    by_code = {f.code: f for f in detection.findings}
    for code in ("TF934", "TF935"):
        # The quick fix of either part writes both: the layer and the reader of its losses.
        lines = [line for edit in fixes.plan_for(by_code[code]).edits for line in edit.lines]
        assert "class Tower(tf.keras.layers.Layer):" in lines, code
        assert any("tf.add_n(tower.losses)" in line for line in lines), code
        # So does "fix all of this code" and `tf2-lsp fix --select`.
        fixed = fixes.fix_all(code).source
        assert "class Tower" in fixed and "tf.add_n(tower.losses)" in fixed, code
    both = Settings(level="native", select=("TF934", "TF935"))
    fixed = engine.fix_all(PENALISED, catalogue, both, unsafe=True).source
    assert "class Tower" in fixed and "tf.add_n(tower.losses)" in fixed


@pytest.mark.parametrize("code", ["TF934", "TF935"])
def test_a_moved_penalty_is_not_fixed_without_its_reader(catalogue: Catalogue, code: str) -> None:
    # One of the two selected alone: the layer without its reader would drop the penalty, the
    # reader without its layer would read `losses` from a function; so nothing moves.
    selected = Settings(level="native", select=(code,))
    outcome = engine.fix_all(PENALISED, catalogue, selected, unsafe=True)
    assert outcome.source == PENALISED


def test_a_penalty_stays_when_its_function_must_stay_a_function_for_its_callers(
    catalogue: Catalogue,
) -> None:
    # Handed on (a registry): the function stays a function, so its penalty stays in TF1's
    # collection and the reader keeps reading it there.
    source = PENALISED + "registry = {'tower': tower}\n"
    found = _codes(source, catalogue)
    assert "TF934" not in found and "TF935" not in found
    (model,) = found["TF938"]
    assert model.refused is not None
    assert "`tf.compat.v1.losses.get_regularization_loss`" in model.refused, model.refused


@pytest.mark.parametrize(
    ("binding", "native"),
    [
        # The audit's model: a conv layer through a partial, a contrib layer through a lambda;
        # in the native layer's `call` they made fresh, untrained weights at every call.
        ("conv = functools.partial(tf.layers.conv2d, padding='same')", False),
        ("conv = lambda h, *a, **k: tf.contrib.layers.conv2d(h, *a, **k)", False),
        # A helper of the project, imported: it may create variables too (the TF934 fix had
        # moved `conv_block` into the native layer's `call`).
        ("from blocks import conv_block as conv", False),
        ("import blocks\nconv = blocks.conv_block", False),
        # An alias of a TensorFlow name is judged as that name, and numpy creates nothing.
        ("conv = tf.layers.dense", True),
        ("from numpy import sqrt\nconv = tf.layers.dense", True),
    ],
)
def test_a_model_calling_a_module_level_binding_keeps_the_shim(
    binding: str, native: bool, catalogue: Catalogue
) -> None:
    source = (
        "import functools\n\nimport tensorflow as tf\n\n"
        + binding
        + textwrap.dedent(
            """


            def net(x):
                with tf.variable_scope("net"):
                    h = conv(x, 3, name="c")
                    return tf.layers.dense(h, 2, name="out")
            """
        )
    )
    codes = {f.code for f in detect(source, catalogue, NATIVE).findings}
    assert ("TF934" in codes) is native
    assert ("TF938" in codes) is not native


def test_a_model_calling_an_imported_module_keeps_the_shim(catalogue: Catalogue) -> None:
    source = textwrap.dedent(
        """\
        import numpy as np
        import tensorflow as tf

        import blocks


        def net(x):
            with tf.variable_scope("net"):
                h = blocks.conv_block(x, int(np.prod([3])), "c1")
                return tf.layers.dense(h, 2, name="out")
        """
    )
    codes = {f.code for f in detect(source, catalogue, NATIVE).findings}
    assert "TF938" in codes and "TF934" not in codes
    assert "TF934" in {
        f.code
        for f in detect(
            source.replace("blocks.conv_block(x, ", "tf.layers.dense(x, "), catalogue, NATIVE
        ).findings
    }
