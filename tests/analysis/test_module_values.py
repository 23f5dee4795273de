"""A TF1 module used as a value (`dir(tf.train)`), and private `tensorflow.python` imports."""

from __future__ import annotations

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

TF = "import tensorflow as tf\n"


def codes(source: str, catalogue: Catalogue) -> list[tuple[int, str]]:
    detection = detect(source, catalogue, Settings())
    assert detection.syntax_error is None
    return [(f.span.line, f.code) for f in detection.findings]


def fixed(source: str, catalogue: Catalogue, unsafe: bool = True) -> str:
    outcome = fix_all(source, catalogue, Settings(), unsafe=unsafe)
    assert outcome.error is None
    again = fix_all(outcome.source, catalogue, Settings(), unsafe=unsafe)
    assert again.source == outcome.source, "not idempotent"
    return outcome.source


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "for name in dir(tf.train):\n    cls = getattr(tf.train, name)\n",
            "for name in dir(tf.compat.v1.train):\n    cls = getattr(tf.compat.v1.train, name)\n",
        ),
        (
            "ok = hasattr(tf.losses, 'log_loss')\n",
            "ok = hasattr(tf.compat.v1.losses, 'log_loss')\n",
        ),
        ("table = vars(tf.metrics)\n", "table = vars(tf.compat.v1.metrics)\n"),
        ("register(tf.summary)\n", "register(tf.compat.v1.summary)\n"),
        ("self.module = tf.train\n", "self.module = tf.compat.v1.train\n"),
        (
            "modules = [tf.train, tf.losses]\n",
            "modules = [tf.compat.v1.train, tf.compat.v1.losses]\n",
        ),
    ],
)
def test_module_value_takes_the_compat_module(
    before: str, after: str, catalogue: Catalogue
) -> None:
    assert [code for _, code in codes(TF + before, catalogue)].count("TF704") >= 1
    assert fixed(TF + before, catalogue) == TF + after


def test_module_value_fix_is_unsafe(catalogue: Catalogue) -> None:
    source = TF + "names = dir(tf.train)\n"
    assert fixed(source, catalogue, unsafe=False) == source


def test_module_imported_by_name_and_used_as_value(catalogue: Catalogue) -> None:
    source = "from tensorflow import train\nnames = dir(train)\n"
    assert (2, "TF704") in codes(source, catalogue)


@pytest.mark.parametrize(
    "body",
    [
        "opt = tf.train.AdamOptimizer(0.1)\n",  # attribute chains keep their own rules
        "ckpt = tf.train.Checkpoint(step=1)\n",  # a TF2 member: nothing to report
        "names = dir(tf.compat.v1.train)\n",  # already the compat module
        "names = dir(tf.nn)\n",  # not a module the rule names
        "train = tf.train\nckpt = train.Checkpoint()\n",  # an alias: its uses are judged
    ],
)
def test_module_value_not_reported(body: str, catalogue: Catalogue) -> None:
    assert "TF704" not in [code for _, code in codes(TF + body, catalogue)]


def test_alias_of_module_used_as_value(catalogue: Catalogue) -> None:
    source = TF + "train = tf.train\nnames = dir(train)\n"
    assert (3, "TF704") in codes(source, catalogue)


def test_slim_alias_still_renamed(catalogue: Catalogue) -> None:
    source = TF + "slim = tf.contrib.slim\nnet = slim.conv2d(x, 8, 3)\n"
    assert "tf_slim" in fixed(source, catalogue)
    assert "TF704" not in [code for _, code in codes(source, catalogue)]


# -- private tensorflow.python imports --------------------------------------------------------


def test_private_nest_is_sequence_import_becomes_tf_nest(catalogue: Catalogue) -> None:
    source = "from tensorflow.python.util.nest import is_sequence\nflag = is_sequence(x)\n"
    assert (1, "TF417") in codes(source, catalogue)
    # Unsafe: TF2's private nest lacks `is_sequence`, so no run could prove the rewrite.
    assert "tensorflow.python" in fixed(source, catalogue, unsafe=False)
    after = fixed(source, catalogue, unsafe=True)
    assert "tensorflow.python" not in after
    assert "is_nested" in after
    compile(after, "<fixed>", "exec")


def test_private_nest_module_member_renamed(catalogue: Catalogue) -> None:
    source = "from tensorflow.python.util import nest\nflag = nest.is_sequence(x)\n"
    assert (2, "TF417") in codes(source, catalogue)
    assert "is_nested(x)" in fixed(source, catalogue, unsafe=True)


def test_other_private_import_warns_without_fix(catalogue: Catalogue) -> None:
    source = "from tensorflow.python.ops import array_ops\ny = array_ops.identity(x)\n"
    detection = detect(source, catalogue, Settings())
    [finding] = detection.findings
    assert (finding.span.line, finding.code, finding.fix) == (1, "TF418", None)
    assert finding.severity == "warning"
