"""`isinstance(v, tf.data.Iterator)` -> also TF1's class (transforms/tf1_class_test.py)."""

from __future__ import annotations

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

TF = "import tensorflow as tf\n"
BOTH = "(tf.data.Iterator, tf.compat.v1.data.Iterator)"


def fixed(source: str, catalogue: Catalogue) -> str:
    outcome = fix_all(source, catalogue, Settings())
    assert outcome.error is None
    return outcome.source


def codes(source: str, catalogue: Catalogue) -> list[str]:
    return [f.code for f in detect(source, catalogue).findings if f.code == "TF969"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("ok = isinstance(v, tf.data.Iterator)\n", f"ok = isinstance(v, {BOTH})\n"),
        (
            "ok = isinstance(v, (list, tf.data.Iterator))\n",
            f"ok = isinstance(v, (list, {BOTH}))\n",
        ),
        (
            "ok = issubclass(t, tf.distribute.Strategy)\n",
            "ok = issubclass(t, (tf.distribute.Strategy, tf.compat.v1.distribute.Strategy))\n",
        ),
        # gpflow 1.5.1's `_find_initializable_tensors`: the test sits in an `elif`.
        (
            "if isinstance(v, (tuple, list)):\n    pass\nelif isinstance(v, tf.data.Iterator):\n"
            "    pass\n",
            f"if isinstance(v, (tuple, list)):\n    pass\nelif isinstance(v, {BOTH}):\n    pass\n",
        ),
    ],
)
def test_type_test_against_a_renamed_tf1_class_accepts_both(
    before: str, after: str, catalogue: Catalogue
) -> None:
    assert codes(TF + before, catalogue) == ["TF969"]
    assert fixed(TF + before, catalogue) == TF + after


def test_the_fix_is_final(catalogue: Catalogue) -> None:
    """The rewritten test names TF1's class beside TF2's: nothing left to report."""
    assert codes(TF + f"ok = isinstance(v, {BOTH})\n", catalogue) == []


def test_a_from_imported_class_gets_the_compat_class(catalogue: Catalogue) -> None:
    source = "from tensorflow.data import Iterator\nok = isinstance(v, Iterator)\n"
    assert codes(source, catalogue) == ["TF969"]
    assert fixed(source, catalogue) == (
        "from tensorflow.data import Iterator\nimport tensorflow as tf\n"
        "ok = isinstance(v, (Iterator, tf.compat.v1.data.Iterator))\n"
    )


@pytest.mark.parametrize(
    "body",
    [
        "ok = isinstance(v, tf.compat.v1.data.Iterator)\n",
        "ok = isinstance(v, tf.Variable)\n",
        "ok = isinstance(v, tf.data.Dataset)\n",  # TF1's datasets derive from TF2's class
        "it = tf.data.Iterator\n",
        "ok = isinstance(v, *classes)\n",
        "def f(isinstance):\n    return isinstance(v, tf.data.Iterator)\n",
    ],
)
def test_other_uses_are_not_reported(body: str, catalogue: Catalogue) -> None:
    assert codes(TF + body, catalogue) == []


def test_code_on_tf_compat_v1_is_not_reported(catalogue: Catalogue) -> None:
    source = "import tensorflow.compat.v1 as tf\nok = isinstance(v, tf.data.Iterator)\n"
    assert codes(source, catalogue) == []
