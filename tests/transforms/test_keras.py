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
