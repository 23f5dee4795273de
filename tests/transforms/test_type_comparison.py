"""`type(x) is tf.Tensor` -> `isinstance(x, tf.Tensor)` (transforms/type_comparison.py)."""

from __future__ import annotations

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

TF = "import tensorflow as tf\n"


def fixed(source: str, catalogue: Catalogue) -> str:
    outcome = fix_all(source, catalogue, Settings())
    assert outcome.error is None
    return outcome.source


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("ok = type(x) is tf.Tensor\n", "ok = isinstance(x, tf.Tensor)\n"),
        ("ok = type(x) == tf.Tensor\n", "ok = isinstance(x, tf.Tensor)\n"),
        ("ok = tf.Tensor is type(x)\n", "ok = isinstance(x, tf.Tensor)\n"),
        ("ok = type(x) is not tf.Tensor\n", "ok = not isinstance(x, tf.Tensor)\n"),
        ("ok = type(x) != tf.Tensor\n", "ok = not isinstance(x, tf.Tensor)\n"),
        ("ok = (type(a.b[0]) is tf.Tensor)\n", "ok = (isinstance(a.b[0], tf.Tensor))\n"),
        ("ok = type(x) is tf.compat.v1.Tensor\n", "ok = isinstance(x, tf.compat.v1.Tensor)\n"),
        # An `elif` test is fixed within its whole `if` statement (`elif ...:` does not parse).
        (
            "if a:\n    pass\nelif type(x) is tf.Tensor:\n    pass\nelse:\n    pass\n",
            "if a:\n    pass\nelif isinstance(x, tf.Tensor):\n    pass\nelse:\n    pass\n",
        ),
    ],
)
def test_exact_tensor_type_test_becomes_isinstance(
    before: str, after: str, catalogue: Catalogue
) -> None:
    codes = [f.code for f in detect(TF + before, catalogue).findings]
    assert codes == ["TF967"]
    assert fixed(TF + before, catalogue) == TF + after


def test_from_imported_tensor_class_is_recognised(catalogue: Catalogue) -> None:
    source = "from tensorflow import Tensor\nok = type(x) is Tensor\n"
    assert fixed(source, catalogue) == "from tensorflow import Tensor\nok = isinstance(x, Tensor)\n"


@pytest.mark.parametrize(
    "body",
    [
        "ok = isinstance(x, tf.Tensor)\n",
        "ok = type(x) is tf.Variable\n",
        "ok = type(x) is np.ndarray\n",
        "ok = type(x) in (tf.Tensor, int)\n",
        "ok = 0 < type(x) is tf.Tensor\n",
        "def f(type):\n    return type(x) is tf.Tensor\n",
    ],
)
def test_other_comparisons_are_not_reported(body: str, catalogue: Catalogue) -> None:
    assert "TF967" not in {f.code for f in detect(TF + body, catalogue).findings}


def test_type_rebound_at_module_level_is_not_the_builtin(catalogue: Catalogue) -> None:
    source = TF + "from mylib import type\nok = type(x) is tf.Tensor\n"
    assert "TF967" not in {f.code for f in detect(source, catalogue).findings}
