"""Batch normalization in the native form of model mapping (transforms/model_batch_norm.py):
which model functions with `tf.layers.batch_normalization` get Keras sublayers, in which mode
each is called, and why the others keep the shim form. That the written layer computes TF1's
statistics is run in tests/equivalence/test_model_batch_norm.py."""

from __future__ import annotations

import textwrap

import pytest

from tf2_lsp import engine
from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings

NATIVE = Settings(level="native")

MODEL = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x, is_training):
        with tf.variable_scope("tower"):
            h = tf.layers.flatten(x)
            h = tf.layers.dense(h, 4)
            h = tf.layers.batch_normalization(h, momentum=0.9, training=is_training)
            return tf.layers.batch_normalization(h, training=True)
    """
)
BN = "tf.layers.batch_normalization(h, momentum=0.9, training=is_training)"


def _model(source: str, catalogue: Catalogue) -> Finding:
    (found,) = [
        f for f in detect(source, catalogue, NATIVE).findings if f.code in ("TF934", "TF938")
    ]
    return found


def _fixed(source: str, catalogue: Catalogue) -> str:
    return engine.fix_all(source, catalogue, NATIVE, unsafe=True).source


def test_a_batch_norm_becomes_a_sublayer_under_tf1s_name(catalogue: Catalogue) -> None:
    found = _model(MODEL, catalogue)
    assert found.code == "TF934" and found.fix is not None
    fixed = _fixed(MODEL, catalogue)
    bn = 'BatchNormalization(momentum=0.9, name="batch_normalization")'
    assert f"self.batch_normalization = tf.keras.layers.{bn}" in fixed
    assert 'BatchNormalization(name="batch_normalization_1")' in fixed
    assert "def call(self, x, is_training):" in fixed


def test_the_finding_says_keras_updates_the_statistics_itself(catalogue: Catalogue) -> None:
    message = _model(MODEL, catalogue).message
    assert "updates `moving_mean` and `moving_variance` itself" in message
    assert "`UPDATE_OPS`" in message and "callers pass `is_training=` by keyword" in message


def test_a_mode_parameter_is_chosen_when_the_layer_runs_a_literal_is_passed(
    catalogue: Catalogue,
) -> None:
    fixed = _fixed(MODEL, catalogue)
    # A parameter may be a Python bool or a tensor; Keras 3 takes only a bool in tf.function.
    assert (
        "        h = tf.keras.ops.cond(\n"
        "            is_training,\n"
        "            lambda: self.batch_normalization(h, training=True),\n"
        "            lambda: self.batch_normalization(h, training=False),\n"
        "        )\n"
    ) in fixed
    assert "return self.batch_normalization_1(h, training=True)\n" in fixed


def test_an_omitted_mode_is_tf1s_inference_mode(catalogue: Catalogue) -> None:
    source = MODEL.replace(BN, "tf.layers.batch_normalization(h)")
    fixed = _fixed(source, catalogue)
    # Written out: Keras would otherwise take the mode its caller runs in.
    assert "h = self.batch_normalization(h, training=False)\n" in fixed


def test_fused_false_is_dropped_as_what_keras_computes(catalogue: Catalogue) -> None:
    source = MODEL.replace("h = tf.layers.flatten(x)", "h = tf.layers.conv2d(x, 4, 3)")
    source = source.replace("momentum=0.9,", "momentum=0.9, fused=False,").replace(
        "batch_normalization(h, training=True)", "batch_normalization(h, fused=False)"
    )
    assert _model(source, catalogue).code == "TF934"
    assert "fused" not in _fixed(source, catalogue)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        # TF1 fused a 4-D input: its moving variance is corrected by n/(n-1).
        (("h = tf.layers.flatten(x)", "h = tf.layers.conv2d(x, 4, 3)"), "its input is 4-D"),
        (("h = tf.layers.flatten(x)", "h = tf.nn.relu(x)"), "its input's rank is not known"),
        (("momentum=0.9,", "momentum=0.9, fused=True,"), "`fused=` other than `False`"),
        (("momentum=0.9,", "momentum=0.9, renorm=True,"), "`renorm=`: batch renormalization"),
        (("momentum=0.9,", "momentum=0.9, virtual_batch_size=2,"), "no virtual batches"),
        (("momentum=0.9,", "momentum=0.9, gamma_regularizer=tf.nn.l2_loss,"), "penalty"),
        (("momentum=0.9,", "momentum=0.9, trainable=False,"), "inference mode"),
        (("momentum=0.9,", "momentum=0.9, axis=[1],"), "`axis` is not one integer"),
        (("training=is_training", "training=mode == 'train'"), "computed inside the function"),
        (
            ("h = tf.layers.dense(h, 4)", "h = tf.layers.dense(h, 4)\n        is_training = True"),
            "computed inside the function",
        ),
        ((BN, BN.replace("(h,", "(tf.layers.dense(h, 2),")), "its input is a call"),
    ],
)
def test_other_batch_norms_keep_the_shim_form_and_say_why(
    catalogue: Catalogue, change: tuple[str, str], why: str
) -> None:
    assert change[0] in MODEL
    source = MODEL.replace(*change).replace("(x, is_training)", "(x, is_training, mode='train')")
    found = _model(source, catalogue)
    assert found.code == "TF938" and found.fix is not None
    assert "not the Keras sublayer form (TF934): " in found.message
    assert why in found.message


def test_a_module_caller_passing_the_mode_by_position_keeps_the_shim_form(
    catalogue: Catalogue,
) -> None:
    # A Keras 3 layer takes only tensors by position: `tower(x, True)` would raise.
    source = MODEL + "\n\ndef predict(x):\n    return tower(x, False)\n"
    found = _model(source, catalogue)
    assert found.code == "TF938"
    assert "the call on line 13 passes `is_training` by position" in found.message
    keyword = source.replace("tower(x, False)", "tower(x, is_training=False)")
    assert _model(keyword, catalogue).code == "TF934"


def test_the_compat_spelling_and_keyword_input_of_an_earlier_round(catalogue: Catalogue) -> None:
    source = textwrap.dedent(
        """\
        import tensorflow as tf


        def tower(x, training=False):
            with tf.compat.v1.variable_scope("tower"):
                h = tf.compat.v1.layers.flatten(x)
                return tf.compat.v1.layers.batch_normalization(
                    inputs=h, training=training, name="bn"
                )
        """
    )
    assert _model(source, catalogue).code == "TF934"
    fixed = _fixed(source, catalogue)
    # The call's layout is kept: one argument, `name`, on its own line.
    assert (
        'self.bn = tf.keras.layers.BatchNormalization(\n            name="bn"\n        )' in fixed
    )
    assert "lambda: self.bn(h, training=True)," in fixed and "compat" not in fixed


def test_a_keras_2_target_keeps_a_mode_parameter_in_the_shim_form(catalogue: Catalogue) -> None:
    keras2 = Settings(level="native", target_version="2.15")
    (found,) = [
        f for f in detect(MODEL, catalogue, keras2).findings if f.code in ("TF934", "TF938")
    ]
    assert found.code == "TF938" and "`tf.keras.ops.cond`, which Keras 2" in found.message
    literal = MODEL.replace("training=is_training", "training=False")
    codes = [f.code for f in detect(literal, catalogue, keras2).findings]
    assert "TF934" in codes and "TF938" not in codes
