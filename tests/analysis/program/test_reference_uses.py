"""Uses of `tf.Variable` that rely on TF1's reference variable (program/reference_uses.py):
each class is reported (TF815) on the variable that needs TF1's class, and fixed there."""

from __future__ import annotations

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

TF = "import tensorflow as tf\n"
REF = "tf.compat.v1.Variable({}, use_resource=False)"


def reported(source: str, catalogue: Catalogue) -> list[tuple[int, str]]:
    found = detect(TF + source, catalogue).findings
    return [(f.span.line, f.message) for f in found if f.code == "TF815"]


@pytest.mark.parametrize(
    ("source", "variable_line", "why"),
    [
        ("v = tf.Variable(2.0)\ny = v._ref() * 3\n", 2, "`v._ref()` raises AttributeError"),
        (
            "v = tf.Variable(3.0)\nw = v.initialized_value() + 1\n",
            2,
            "`v.initialized_value()` raises NotImplementedError",
        ),
        (
            "v = tf.Variable([1.0, 2.0])\n"
            "g = tf.assign(v, [1.0, 2.0, 3.0], validate_shape=False)\n",
            2,
            "another shape",
        ),
        ("v = tf.Variable(3.0)\nw = tf.Variable(v * 2)\n", 2, "the initial value of `w` reads"),
        (
            "step = tf.Variable(0)\ninc = tf.assign_add(step, 1)\n_, s = sess.run([inc, step])\n",
            2,
            "`step` is fetched in the run that computes `inc`",
        ),
        (
            "class M:\n    def __init__(self):\n        self.step = tf.Variable(0)\n"
            "def go(sess, m, op):\n    return sess.run({'op': op, 'step': m.step})\n",
            4,
            "`m.step` is fetched",
        ),
    ],
)
def test_each_reference_use_is_reported_on_its_variable(
    source: str, variable_line: int, why: str, catalogue: Catalogue
) -> None:
    ((line, message),) = reported(source, catalogue)
    assert line == variable_line and why in message


@pytest.mark.parametrize(
    "source",
    [
        # Uses that behave alike on both classes (measured on TF 2.21): no finding.
        "v = tf.Variable(1.0)\nw = tf.Variable(2.0)\na, b = sess.run([v, w])\n",
        "v = tf.Variable(1.0)\ninc = tf.assign_add(v, 1.0)\n"
        "with tf.control_dependencies([inc]):\n    y = v.read_value()\n",
        "v = tf.Variable([1.0, 2.0])\nu = tf.scatter_update(v, [0], [9.0])\nout = sess.run(u)\n",
        "v = tf.Variable(1.0)\nout = sess.run([v])\n",
        "v = tf.Variable(1.0)\ng = tf.assign(v, 2.0, validate_shape=True)\n",
        # Already TF1's class.
        "v = tf.compat.v1.Variable(2.0)\ny = v._ref()\n",
    ],
)
def test_uses_that_behave_alike_are_not_reported(source: str, catalogue: Catalogue) -> None:
    assert reported(source, catalogue) == []


def test_the_fix_makes_the_variable_a_reference_variable_once(catalogue: Catalogue) -> None:
    source = TF + "v = tf.Variable(3.0, name='v')\nw = tf.Variable(v * 2)\ny = v._ref()\n"
    fixed = fix_all(source, catalogue, Settings()).source
    assert fixed == source.replace("tf.Variable(3.0, name='v')", REF.format("3.0, name='v'"))
    assert reported(fixed.removeprefix(TF), catalogue) == []
