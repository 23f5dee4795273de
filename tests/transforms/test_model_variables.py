"""TF1 code that creates variables besides `tf.layers` (transforms/model_variables.py): a model
function that runs it keeps the shim form (TF938), whose `call` tracks TF1's variables, not the
native form (TF934), whose `call` would make fresh ones at every call."""

from __future__ import annotations

import textwrap

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.settings import Settings
from tf2_lsp.transforms.model_variables import creates_variables

NATIVE = Settings(level="native")


@pytest.mark.parametrize(
    "line",
    [
        "h = tf.contrib.layers.layer_norm(h)",
        "h = tf.contrib.layers.fully_connected(h, 3)",
        "h = tf.keras.layers.Dense(3)(h)",
        "h, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(3), h[:, None], dtype=tf.float32)",
    ],
)
def test_a_model_that_creates_other_variables_keeps_the_shim(
    line: str, catalogue: Catalogue
) -> None:
    # The audit's layer_norm and LSTM models: the native layer's `call` re-created their
    # weights at each call, untrained and under other keys.
    source = textwrap.dedent(
        f"""\
        import tensorflow as tf


        def net(x):
            with tf.variable_scope("net"):
                h = tf.layers.dense(x, 4, name="fc")
                {line}
                return tf.layers.dense(h, 2, name="out")
        """
    )
    codes = [f.code for f in detect(source, catalogue, NATIVE).findings]
    assert "TF938" in codes and "TF934" not in codes


def test_a_penalty_or_initializer_factory_creates_no_variable(catalogue: Catalogue) -> None:
    source = textwrap.dedent(
        """\
        import tensorflow as tf


        def net(x):
            with tf.variable_scope("net"):
                return tf.layers.dense(
                    x, 2, name="out",
                    kernel_initializer=tf.contrib.layers.xavier_initializer(),
                    kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1),
                )


        penalty = tf.losses.get_regularization_loss()
        """
    )
    codes = [f.code for f in detect(source, catalogue, NATIVE).findings]
    assert "TF934" in codes


def test_creators_by_name() -> None:
    assert creates_variables("tensorflow.contrib.layers.batch_norm")
    assert creates_variables("tensorflow.nn.rnn_cell.GRUCell")
    assert creates_variables("tf_slim.conv2d")
    assert not creates_variables("tensorflow.contrib.layers.l1_regularizer")
    assert not creates_variables("tensorflow.keras.initializers.GlorotUniform")
    assert not creates_variables("tensorflow.nn.relu")
