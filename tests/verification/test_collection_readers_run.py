"""Issue #20: why a reader of TF1's collections elsewhere in the program keeps a model
function (`analysis.collection_readers`), measured on TensorFlow 2.21.

The model function of `tests.analysis.support` is rewritten by `tf2-lsp fix` (the shim form,
TF938, where no reader holds it) and run against its TF1 form (`tensorflow.compat.v1` in a
graph of its own). Called from TF2 code, the layer fills none of the collections TF1's
function filled: in eager code the readers of `REGULARIZATION_LOSSES` and of the variables
get nothing, and in a `tf.function` the variables are missing; the penalty is in the layer's
`losses`, where the refusal tells the reader to look. A batch normalization in the shim form
updates its moving statistics itself, as TF1's update ops did, so a reader of `UPDATE_OPS`
elsewhere does not keep a function from the shim form.
"""

from __future__ import annotations

import textwrap

import pytest

from tests.analysis.support import PENALISED_MODEL, run_tensorflow
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

pytestmark = pytest.mark.tensorflow

BATCH_NORM = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x, training):
        with tf.variable_scope("tower"):
            return tf.layers.batch_normalization(x, training=training, name="bn")
    """
)

SCRIPT = textwrap.dedent(
    """\
    import json, os, sys
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import numpy as np
    import tensorflow as tf
    v1 = tf.compat.v1
    penalised, penalised_layer, batch_norm, batch_norm_layer = json.load(sys.stdin)
    TF1 = ("import tensorflow as tf", "import tensorflow.compat.v1 as tf")
    x0 = np.arange(15, dtype=np.float32).reshape(3, 5) / 10


    def load(source):
        space = {}
        exec(source, space)
        return space["tower"]


    def readers():
        return [
            v1.losses.get_regularization_loss(),
            len(v1.get_collection("regularization_losses")),
            len(v1.trainable_variables()),
            len(v1.global_variables()),
        ]


    out = {}
    with tf.Graph().as_default():
        load(penalised.replace(*TF1))(tf.constant(x0))
        found = readers()
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            out["tf1"] = [float(sess.run(found[0])), *found[1:]]
    tower = load(penalised_layer)
    tower(tf.constant(x0))
    found = readers()
    out["eager"] = [float(found[0]), *found[1:]]
    hidden = [v for v in tower.trainable_variables if "hidden/kernel" in v.name][0]
    out["losses"] = [float(tf.add_n(tower.losses)), float(0.05 * tf.nn.l2_loss(hidden))]
    tower = load(penalised_layer)
    traced = tf.function(lambda x: [tower(x), *readers()][1:])(tf.constant(x0))
    out["function"] = [float(value) for value in traced]

    with tf.Graph().as_default():
        y = load(batch_norm.replace(*TF1))(tf.constant(x0), True)
        with v1.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS)):
            step = tf.identity(y)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(step)
            mean = [v for v in v1.global_variables() if "moving_mean" in v.name][0]
            out["tf1_mean"] = sess.run(mean).tolist()
    for mode in ("eager", "function"):
        tower = load(batch_norm_layer)
        call = tower if mode == "eager" else tf.function(lambda x: tower(x, True))
        call(tf.constant(x0), True) if mode == "eager" else call(tf.constant(x0))
        out[mode + "_updates"] = len(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
        mean = [v for v in tower.variables if "moving_mean" in v.name][0]
        out[mode + "_mean"] = mean.numpy().tolist()
    print(json.dumps(out))
    """
)


def shim_form(source: str, catalogue: Catalogue) -> str:
    fixed = fix_all(source, catalogue, Settings(level="native"), unsafe=True).source
    assert "track_tf1_style_variables" in fixed
    return fixed


def test_a_layer_called_from_tf2_code_leaves_tf1_collections_empty(catalogue: Catalogue) -> None:
    sources = [PENALISED_MODEL, shim_form(PENALISED_MODEL, catalogue)]
    sources += [BATCH_NORM, shim_form(BATCH_NORM, catalogue)]
    out = run_tensorflow(SCRIPT, sources)
    penalty, penalties, trainable, variables = out["tf1"]
    assert penalty > 0 and (penalties, trainable, variables) == (1, 4, 4)
    # Eager code: every reader gets nothing; the penalty is in the layer's `losses`.
    assert out["eager"] == [0.0, 0, 0, 0]
    assert out["losses"][0] == pytest.approx(out["losses"][1]) and out["losses"][0] > 0
    # A `tf.function`: the variables are gone; a reader in the same trace sees the penalty.
    assert out["function"][2:] == [0, 0]
    assert out["function"][0] > 0 and out["function"][1] == 1
    # Batch normalization: no update ops to run, the same statistics after one step.
    assert out["eager_updates"] == out["function_updates"] == 0
    assert out["eager_mean"] == pytest.approx(out["tf1_mean"])
    assert out["function_mean"] == pytest.approx(out["tf1_mean"])
    assert out["tf1_mean"] != pytest.approx([0.0] * 5)
