"""`tf.to_float(x)` -> `tf.cast(x, tf.float32)` (transforms/cast.py)."""

from __future__ import annotations

from tests.fixes.test_apply import TF, check
from tf2_lsp.catalogue.rules import Catalogue


def test_to_float(catalogue: Catalogue) -> None:
    check(TF + "y = tf.to_float(x)\n", TF + "y = tf.cast(x, tf.float32)\n", catalogue)


def test_cast_no_op(catalogue: Catalogue) -> None:
    body = "y = tf.cast(x, tf.float32)\n"
    check(TF + body, TF + body, catalogue)
