"""Methods and attributes TF2 dropped -> the functions that replaced them
(transforms/to_function.py)."""

from __future__ import annotations

from tests.fixes.test_apply import TF, check
from tf2_lsp.catalogue.rules import Catalogue


def test_iterator_method(catalogue: Catalogue) -> None:
    check(
        TF + "ds = tf.data.Dataset.range(3)\nit = ds.make_one_shot_iterator()\n",
        TF + "ds = tf.data.Dataset.range(3)\nit = tf.compat.v1.data.make_one_shot_iterator(ds)\n",
        catalogue,
    )


def test_iterator_method_no_op(catalogue: Catalogue) -> None:
    body = "it = loader.make_one_shot_iterator()\n"
    check(TF + body, TF + body, catalogue)
