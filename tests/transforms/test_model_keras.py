"""A model function made a Keras layer of Keras sublayers (transforms/model_keras.py): the
sublayers' constructors read as the TF1 calls were written."""

from __future__ import annotations

import textwrap

from tf2_lsp import engine
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.settings import Settings

NATIVE = Settings(level="native")


def test_a_moved_constructor_keeps_its_line_breaks_and_its_alignment(
    catalogue: Catalogue,
) -> None:
    source = textwrap.dedent(
        """\
        import tensorflow as tf


        def tower(x):
            with tf.variable_scope("tower", reuse=tf.AUTO_REUSE):
                h = tf.layers.dense(x, 64, activation=tf.nn.relu,
                                    kernel_initializer=tf.zeros_initializer(),
                                    name="hidden")
                return tf.layers.dense(
                    h, 10, name="logits"
                )
        """
    )
    fixed = engine.fix_all(source, catalogue, NATIVE, unsafe=True).source
    # The input `x` goes, the line breaks stay after the arguments they followed, and the
    # aligned lines move under the new bracket; the hanging indent stays a hanging indent.
    assert (
        textwrap.dedent(
            """\
            class Tower(tf.keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(name="tower", **kwargs)
                    self.hidden = tf.keras.layers.Dense(64, activation=tf.nn.relu,
                                                        kernel_initializer=tf.zeros_initializer(),
                                                        name="hidden")
                    self.logits = tf.keras.layers.Dense(
                        10, name="logits"
                    )
            """
        )
        in fixed
    )
