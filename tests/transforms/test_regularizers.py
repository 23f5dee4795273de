"""contrib's l1/l2 regularizers -> TF1's exact penalty (compat) or Keras' (native)
(transforms/regularizers.py); the rule examples of TF404/TF405 cover literals and keywords."""

from __future__ import annotations

import pytest

from tests.fixes.test_apply import TF, check
from tf2_lsp.catalogue.rules import Catalogue


@pytest.mark.parametrize(
    ("level", "after"),
    [
        ("compat", "r = lambda w: (a + b) * tf.nn.l2_loss(w)\n"),
        ("native", "r = tf.keras.regularizers.l2(0.5 * (a + b))\n"),
    ],
)
def test_an_expression_scale_is_parenthesised(level: str, after: str, catalogue: Catalogue) -> None:
    before = "r = tf.contrib.layers.l2_regularizer(a + b)\n"
    check(TF + before, TF + after, catalogue, level=level, unsafe=True)


@pytest.mark.parametrize(
    "body", ["r = tf.keras.regularizers.l2(0.05)\n", "r = lambda w: 0.1 * tf.nn.l2_loss(w)\n"]
)
@pytest.mark.parametrize("level", ["compat", "native"])
def test_regularizers_no_op(body: str, level: str, catalogue: Catalogue) -> None:
    check(TF + body, TF + body, catalogue, level=level, unsafe=True)
