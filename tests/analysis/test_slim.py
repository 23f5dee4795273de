"""contrib -> tf_slim through the package's top level; `tf_slim.layers` lacks most non-layers."""

from __future__ import annotations

import re

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.names.coverage import missing_target
from tf2_lsp.catalogue.api import slim_names
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

TF = "import tensorflow as tf\n"


def fixed(source: str, catalogue: Catalogue) -> str:
    outcome = fix_all(source, catalogue, Settings(), unsafe=True)
    assert outcome.error is None
    return outcome.source


def test_slim_lists_know_the_gap() -> None:
    slim = slim_names()
    assert slim is not None
    for name in ("l2_regularizer", "xavier_initializer", "optimize_loss", "arg_scope"):
        assert name in slim.top and name not in slim.layers
    assert "conv2d" in slim.layers and "conv2d" in slim.top


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "g = tf.contrib.layers.group_norm(x)\n",
            "g = slim.group_norm(x)\n",
        ),
        (
            "s = tf.contrib.layers.optimize_loss(l, g, 0.1, 'SGD')\n",
            "s = slim.optimize_loss(l, g, 0.1, 'SGD')\n",
        ),
        ("n = tf.contrib.layers.batch_norm(x)\n", "n = slim.layers.batch_norm(x)\n"),
        ("tf.contrib.layers.summarize_tensor(x)\n", "slim.summarize_tensor(x)\n"),
    ],
)
def test_every_emitted_tf_slim_name_exists(before: str, after: str, catalogue: Catalogue) -> None:
    result = fixed(TF + before, catalogue)
    assert result == TF + "import tf_slim as slim\n" + after
    for line in result.splitlines()[2:]:
        for name in re.findall(r"slim\.([\w.]+)", line):
            assert missing_target("tf_slim." + name.split("(")[0]) is None, name


def test_contrib_layers_name_tf_slim_lacks_is_reported_without_a_fix(catalogue: Catalogue) -> None:
    # contrib.layers.embed_sequence has no tf_slim home: a rename would raise AttributeError.
    source = TF + "e = tf.contrib.layers.embed_sequence(ids, 100, 8)\n"
    [finding] = [f for f in detect(source, catalogue).findings if f.code == "TF402"]
    assert finding.fix is None
    assert "`tf_slim.layers` has no `embed_sequence`" in finding.message
    assert fixed(source, catalogue) == source


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "import tf_slim as slim\nr = slim.layers.l2_regularizer(0.1)\n",
            "import tf_slim as slim\nr = slim.l2_regularizer(0.1)\n",
        ),
        (
            "import tf_slim\nr = tf_slim.layers.l1_regularizer(0.1)\n",
            "import tf_slim\nr = tf_slim.l1_regularizer(0.1)\n",
        ),
        (
            "from tf_slim import layers as L\ni = L.xavier_initializer()\nn = L.conv2d(x, 8, 3)\n",
            "from tf_slim import layers as L\nimport tf_slim as slim\n"
            "i = slim.xavier_initializer()\nn = L.conv2d(x, 8, 3)\n",
        ),
        (
            "import tf_slim.layers as L\ns = L.optimize_loss(l, g, 0.1, 'SGD')\n",
            "import tf_slim.layers as L\nimport tf_slim as slim\n"
            "s = slim.optimize_loss(l, g, 0.1, 'SGD')\n",
        ),
    ],
)
def test_tf_slim_layers_uses_of_top_level_names_are_fixed(
    before: str, after: str, catalogue: Catalogue
) -> None:
    assert {f.code for f in detect(before, catalogue).findings} == {"TF992"}
    assert fixed(before, catalogue) == after


@pytest.mark.parametrize(
    "source",
    [
        "import tf_slim as slim\nn = slim.layers.conv2d(x, 8, 3)\n",
        "from tf_slim import layers\nn = layers.fully_connected(x, 8)\n",
        "import tf_slim as slim\nr = slim.l2_regularizer(0.1)\n",
        "import mylib.tf_slim as s\nr = s.layers.l2_regularizer(0.1)\n",
        # The `tf_slim.layers` package has every name; only the attribute is the short module.
        "from tf_slim.layers import l2_regularizer\nr = l2_regularizer(0.1)\n",
    ],
)
def test_names_tf_slim_layers_has_are_fine(source: str, catalogue: Catalogue) -> None:
    assert detect(source, catalogue).findings == []


def test_missing_target() -> None:
    assert missing_target("tf_slim.conv2d") is None
    assert missing_target("tf_slim.layers.conv2d") is None
    assert (
        missing_target("tf_slim.layers.l2_regularizer")
        == "`tf_slim.layers` has no `l2_regularizer`"
    )
    assert missing_target("tf_slim.no_such") == "tf_slim has no `no_such`"
    assert missing_target("tensorflow.no_such") is None


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "from tensorflow.contrib.framework.python.ops import add_arg_scope as a\n",
            "from tf_slim import add_arg_scope as a\n",
        ),
        (
            "from tensorflow.contrib.layers.python.layers.initializers import xavier_initializer\n",
            "from tf_slim import xavier_initializer\n",
        ),
        (
            "from tensorflow.contrib.slim.python.slim.nets import inception_v3\n",
            "from tf_slim.nets import inception_v3\n",
        ),
    ],
)
def test_contrib_internal_python_paths_map_to_public_tf_slim(
    before: str, after: str, catalogue: Catalogue
) -> None:
    # Found in tflearn and magenta: tf_slim has no `python` package.
    assert fixed(before, catalogue) == after
