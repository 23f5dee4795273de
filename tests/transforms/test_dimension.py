"""`x.shape[i].value` -> `tf.compat.v1.dimension_value(x.shape[i])` (transforms/dimension.py)."""

from __future__ import annotations

from tests.fixes.test_apply import TF, check
from tf2_lsp.catalogue.rules import Catalogue


def test_dimension_value(catalogue: Catalogue) -> None:
    before = "n = x.shape[-1].value\n"
    check(TF + before, TF + "n = tf.compat.v1.dimension_value(x.shape[-1])\n", catalogue)


def test_dimension_value_no_op(catalogue: Catalogue) -> None:
    body = "n = tf.compat.v1.dimension_value(x.shape[-1])\n"
    check(TF + body, TF + body, catalogue)
