"""How contrib's variance-scaling initializers are read and which TensorFlow initializer is
the same draw (transforms/variance_scaling.py); the rewrites themselves are run by the TF403
and TF419 rule examples, and their draws compared on TensorFlow by the verification tests."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.transforms.variance_scaling import VARIANCE_SCALING, XAVIER, Reading, read, target


def _call(source: str) -> ast.Call:
    node = ast.parse(source, mode="eval").body
    assert isinstance(node, ast.Call)
    return node


@pytest.mark.parametrize(
    ("source", "contrib", "reading"),
    [
        ("f()", VARIANCE_SCALING, Reading(False, "FAN_IN", 2.0)),
        ("f(1, 'FAN_AVG', True)", VARIANCE_SCALING, Reading(True, "FAN_AVG", 1.0)),
        ("f(factor=s, uniform=True)", VARIANCE_SCALING, Reading(True, "FAN_IN", None)),
        ("f()", XAVIER, Reading(True, "FAN_AVG", 1.0)),
        ("f(False, 3)", XAVIER, Reading(False, "FAN_AVG", 1.0)),
    ],
)
def test_read(source: str, contrib: object, reading: Reading) -> None:
    assert read(_call(source), contrib) == reading  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "source",
    [
        "f(uniform=u)",
        "f(mode=m)",
        "f(mode='fan_in')",
        "f(*a)",
        "f(scale=2.0)",
        "f(1, 2, 3, 4, 5, 6)",
    ],
)
def test_unreadable_calls_are_refused(source: str) -> None:
    assert isinstance(read(_call(source), VARIANCE_SCALING), str)


@pytest.mark.parametrize(
    ("reading", "compat", "keras"),
    [
        (
            Reading(True, "FAN_AVG", 1.0),
            "tensorflow.compat.v1.glorot_uniform_initializer",
            "tensorflow.keras.initializers.GlorotUniform",
        ),
        (
            Reading(True, "FAN_IN", 2.0),
            "tensorflow.compat.v1.variance_scaling_initializer",
            "tensorflow.keras.initializers.HeUniform",
        ),
        (  # Keras's HeNormal truncates another normal than contrib's: not the same draw
            Reading(False, "FAN_IN", 2.0),
            "tensorflow.compat.v1.variance_scaling_initializer",
            "tensorflow.keras.initializers.VarianceScaling",
        ),
        (
            Reading(True, "FAN_OUT", None),
            "tensorflow.compat.v1.variance_scaling_initializer",
            "tensorflow.keras.initializers.VarianceScaling",
        ),
    ],
)
def test_named_initializers_only_where_the_draw_is_the_same(
    reading: Reading, compat: str, keras: str
) -> None:
    assert target(reading, keras=False) == compat
    assert target(reading, keras=True) == keras


def test_a_call_written_over_lines_is_rewritten() -> None:
    from tf2_lsp.catalogue.load import load_catalogue
    from tf2_lsp.engine import fix_all
    from tf2_lsp.settings import Settings

    source = (
        "import tensorflow as tf\n"
        "init = dict(\n    k=tf.contrib.layers\n    .variance_scaling_initializer(),\n)\n"
    )
    outcome = fix_all(source, load_catalogue(), Settings())
    assert outcome.error is None and outcome.failed == []
    assert "tf.compat.v1.variance_scaling_initializer(" in outcome.source
