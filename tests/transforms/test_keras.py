"""Keras targets of optimizers, schedules and layers (transforms/keras.py); the rewrites are run
by the TF911, TF912 and TF931 rule examples."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.transforms.registry import TRANSFORMS


def _call(source: str) -> ast.Call:
    node = ast.parse(source, mode="eval").body
    assert isinstance(node, ast.Call)
    return node


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("keras_optimizer", "f(0.1, use_locking=True)"),
        ("lr_schedule", "f(0.1, step, 100, 0.9)"),
        ("keras_layer", "f(x, 3)"),
    ],
)
def test_applies(name: str, source: str) -> None:
    assert TRANSFORMS[name].applies(_call(source)) == ""


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("keras_optimizer", "f(0.1, accum_name='a')"),
        ("keras_layer", "f(x, 3, reuse=True)"),
        ("lr_schedule", "f(*a)"),
    ],
)
def test_arguments_without_a_keras_equivalent_are_refused(name: str, source: str) -> None:
    assert TRANSFORMS[name].applies(_call(source))


def test_each_symbol_names_its_own_class() -> None:
    optimizer = TRANSFORMS["keras_optimizer"]
    assert optimizer.target_for("tensorflow.train.AdamOptimizer") == (
        "tensorflow.keras.optimizers.Adam"
    )
    assert optimizer.target_for("tensorflow.train.NoSuchOptimizer") is None


# -- the rewritten call keeps the original's layout --------------------------------------------


def _native(body: str) -> str:
    from tf2_lsp.catalogue.load import load_catalogue
    from tf2_lsp.engine import fix_all
    from tf2_lsp.settings import Settings

    source = f"import tensorflow as tf\n{body}\n"
    fixed = fix_all(source, load_catalogue(), Settings(level="native"), unsafe=True).source
    return fixed.removeprefix("import tensorflow as tf\n")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            'h = tf.layers.dense(\n    x,\n    128,\n    activation=tf.nn.relu,\n    name="a",\n)',
            'h = tf.keras.layers.Dense(\n    128,\n    activation=tf.nn.relu,\n    name="a",\n)(x)',
        ),
        (
            "o = tf.train.AdamOptimizer(\n    0.1,\n    beta1=0.5)",
            "o = tf.keras.optimizers.Adam(\n    0.1,\n    beta_1=0.5,\n    epsilon=1e-08)",
        ),
        ("g = tf.layers.dense(x, 4)", "g = tf.keras.layers.Dense(4)(x)"),
        ("g = tf.layers.dense(x,4,name='a')", "g = tf.keras.layers.Dense(4,name='a')(x)"),
    ],
)
def test_a_rewritten_call_keeps_one_argument_per_line(before: str, after: str) -> None:
    assert _native(before) == after + "\n"
