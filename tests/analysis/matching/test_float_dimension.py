"""A float dimension in a static shape (analysis/matching/float_dimension.py): TF2 raises."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.matching.float_dimension import may_be_float
from tf2_lsp.catalogue.rules import Catalogue

TF = "import tensorflow as tf\n"


def reported(source: str, catalogue: Catalogue) -> list[str]:
    lines = source.splitlines()
    return [
        lines[f.span.line - 1][f.span.column : f.span.end_column]
        for f in detect(source, catalogue).findings
        if f.code == "TF706"
    ]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("3.0", True),
        ("n / 2", True),
        ("n * 0.5", True),
        ("-(n / 2)", True),
        ("n * 0.5 // 1", True),  # a float floor-divided stays a float
        ("mul_or_none(shape[1], 1. / block)", True),
        ("float(n)", True),
        ("np.sqrt(n)", True),
        ("int(np.sqrt(n))", False),
        ("a if c else n / 2", True),
        ("n // 2", False),
        ("n * k + 1", False),
        ("int(n * 0.5)", False),
        ("round(n / 2)", False),
        ("math.ceil(n / 2)", False),
        ("mul_or_none(shape[1], block)", False),
        ("None", False),
        ("shape[1]", False),
    ],
)
def test_may_be_float(expression: str, expected: bool) -> None:
    assert may_be_float(ast.parse(expression, mode="eval").body) is expected


def test_magenta_time_to_batch_is_reported(catalogue: Catalogue) -> None:
    """magenta 1.1.7 `nsynth/wavenet/masked.py`: the dimension a helper computes from `1. /`."""
    source = TF + (
        "def time_to_batch(x, block_size):\n"
        "    shape = x.get_shape().as_list()\n"
        "    y = tf.reshape(x, [shape[0] * block_size, shape[1] // block_size, shape[2]])\n"
        "    y.set_shape([\n"
        "        mul_or_none(shape[0], block_size), mul_or_none(shape[1], 1. / block_size),\n"
        "        shape[2]\n"
        "    ])\n"
        "    return y\n"
    )
    assert reported(source, catalogue) == ["mul_or_none(shape[1], 1. / block_size)"]


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("y.set_shape(shape=(n / 2, 3))", ["n / 2"]),
        ("s = tf.TensorShape([None, n / 2])", ["n / 2"]),
        ("d = tf.Dimension(n / 2)", ["n / 2"]),
        ("p = tf.compat.v1.placeholder(tf.float32, shape=[None, 1.5 * n])", ["1.5 * n"]),
        ("v = tf.compat.v1.get_variable('w', [n / 2, 4])", ["n / 2"]),
        ("t = tf.ensure_shape(x, [n * 0.5])", ["n * 0.5"]),
        ("spec = tf.TensorSpec([n / 2], tf.float32)", ["n / 2"]),
        ("y = tf.reshape(x, [n / 2])", []),  # a tensor shape: TF1 refused the float too
        ("y.set_shape([n // 2, int(m / 2)])", []),
        ("y.set_shape(shape)", []),
        ("p = tf.compat.v1.placeholder(tf.float32, [None, 3])", []),
    ],
)
def test_shape_arguments(call: str, expected: list[str], catalogue: Catalogue) -> None:
    assert reported(TF + call + "\n", catalogue) == expected


def test_files_without_tensorflow_are_not_judged(catalogue: Catalogue) -> None:
    assert reported("table.set_shape([rate / 2])\n", catalogue) == []
