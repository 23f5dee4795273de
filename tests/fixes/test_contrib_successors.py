"""contrib successors, module aliases and Keras-2-only compat targets (#10 classes 12, 13, 14)."""

from __future__ import annotations

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.lsp.hover import hover_markdown
from tf2_lsp.settings import Settings

CATALOGUE = load_catalogue()
HEAD = "import tensorflow as tf\n"


def fixed(body: str, target: str = "2.21", unsafe: bool = False) -> str:
    settings = Settings(target_version=target)
    outcome = fix_all(HEAD + body + "\n", CATALOGUE, settings, unsafe=unsafe)
    assert outcome.error is None
    return outcome.source.removesuffix("\n")


# -- class 12: Keras-2-only targets at TF >= 2.16 -----------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("y = tf.layers.dense(x, 3)", "y = tf.compat.v1.layers.dense(x, 3)"),
        ("y = tf.layers.Dense(3)(x)", "y = tf.compat.v1.layers.Dense(3)(x)"),
        ("c = tf.nn.rnn_cell.GRUCell(8)", "c = tf.compat.v1.nn.rnn_cell.GRUCell(8)"),
        ("c = tf.contrib.rnn.LSTMCell(8)", "c = tf.compat.v1.nn.rnn_cell.LSTMCell(8)"),
    ],
)
def test_keras2_only_rewrite_is_an_unsafe_fix_from_2_16(before: str, after: str) -> None:
    assert fixed(before, "2.15") == HEAD + after  # safe where tf.compat.v1 has them
    assert fixed(before, "2.21") == HEAD + before  # not a safe fix any more
    assert fixed(before, "2.21", unsafe=True) == HEAD + after
    settings = Settings(target_version="2.21")
    (finding,) = detect(HEAD + before + "\n", CATALOGUE, settings).findings
    assert finding.fix is not None and finding.fix.safety == "unsafe"
    for text in (finding.message, hover_markdown(finding, None)):
        assert "tf_keras" in text and "TF_USE_LEGACY_KERAS=1" in text


def test_module_import_and_member_use_agree() -> None:
    """`from tensorflow import layers` and `tf.layers.dense` get the same unsafe rewrite."""
    settings = Settings(target_version="2.21")
    source = "from tensorflow import layers\nimport tensorflow as tf\ny = tf.layers.dense(x, 3)\n"
    findings = detect(source, CATALOGUE, settings).findings
    assert len(findings) == 2
    assert all(f.fix is not None and f.fix.safety == "unsafe" for f in findings)


# -- class 13: members used through a renamed module alias ---------------------------------------


@pytest.mark.parametrize(
    "alias",
    [
        "nest = tf.contrib.framework.nest",
        "from tensorflow.contrib.framework import nest",
    ],
)
def test_members_missing_from_the_renamed_module_are_reported(alias: str) -> None:
    source = f"{HEAD}{alias}\na = nest.flatten(s)\nb = nest.flatten_up_to(t, s)\n"
    source += "c = nest.map_structure_up_to(t, f, s)\nd = nest.assert_shallow_structure(t, s)\n"
    codes = [(f.span.line, f.code) for f in detect(source, CATALOGUE).findings]
    # dm-tree has the first two (TF420, issue #21 item 8), nothing public the third (TF413).
    assert (4, "TF420") in codes and (5, "TF420") in codes and (6, "TF413") in codes
    # nest.flatten exists in tf.nest: at most the import's own rename is reported on its use.
    assert {code for line, code in codes if line == 3} <= {"TF406"}


@pytest.mark.parametrize(
    "alias",
    [
        "nest = tf.contrib.framework.nest",
        "from tensorflow.contrib.framework import nest",
    ],
)
def test_members_missing_from_the_renamed_module_go_to_dm_tree(alias: str) -> None:
    source = f"{HEAD}{alias}\na = nest.flatten(s)\nb = nest.flatten_up_to(t, s)\n"
    outcome = fix_all(source, CATALOGUE, Settings(), unsafe=True)
    assert "import tree\n" in outcome.source
    assert "a = nest.flatten(s)\nb = tree.flatten_up_to(t, s)\n" in outcome.source
    [finding] = [f for f in detect(source, CATALOGUE).findings if f.code == "TF420"]
    assert finding.fix is not None and finding.fix.safety == "unsafe"
    assert "dm-tree" in finding.message


def test_renamed_member_through_alias_is_mapped() -> None:
    # Unsafe: TF2's nest lacks `is_sequence`, so no run could prove the rename (TF412).
    before = "nest = tf.contrib.framework.nest\nok = nest.is_sequence(s)\nflat = nest.flatten(s)"
    assert fixed(before, unsafe=True) == (
        HEAD + "nest = tf.nest\nok = tf.nest.is_nested(s)\nflat = nest.flatten(s)"
    )


# -- class 14: contrib symbols with a successor ----------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "out, st = tf.contrib.rnn.static_rnn(cell, xs, dtype=tf.float32)",
            "out, st = tf.compat.v1.nn.static_rnn(cell, xs, dtype=tf.float32)",
        ),
        (
            "out = tf.contrib.rnn.static_bidirectional_rnn(fw, bw, xs)",
            "out = tf.compat.v1.nn.static_bidirectional_rnn(fw, bw, xs)",
        ),
    ],
)
def test_contrib_rnn_functions_get_their_successor(before: str, after: str) -> None:
    assert fixed(before) == HEAD + after
    (finding,) = detect(HEAD + before + "\n", CATALOGUE).findings
    assert "tf.compat.v1.nn." in finding.message


def test_contrib_distributions_go_to_tfp() -> None:
    before = "d = tf.contrib.distributions.Categorical(logits=z)"
    (finding,) = detect(HEAD + before + "\n", CATALOGUE).findings
    assert "`tensorflow_probability.distributions.Categorical`" in finding.message
    assert fixed(before, unsafe=True) == (
        HEAD + "import tensorflow_probability as tfp\nd = tfp.distributions.Categorical(logits=z)"
    )


def test_contrib_without_successor_says_what_to_do() -> None:
    (finding,) = detect(HEAD + "c = tf.contrib.rnn.LSTMBlockCell(8)\n", CATALOGUE).findings
    assert finding.code == "TF408" and "no drop-in successor" in finding.message
    assert "port it" in finding.message


def test_contrib_layers_members_that_tf_slim_keeps_elsewhere() -> None:
    before = (
        "layers = tf.contrib.layers\nh = layers.instance_norm(x)\n"
        "c = layers.real_valued_column('a')"
    )
    source = HEAD + before + "\n"
    codes = [(f.span.line, f.code) for f in detect(source, CATALOGUE).findings]
    assert (3, "TF414") in codes and (4, "TF415") in codes
    assert fixed(before) == (
        HEAD + "import tf_slim as slim\nlayers = slim.layers\nh = slim.instance_norm(x)\n"
        "c = layers.real_valued_column('a')"
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "ds = ds.apply(tf.contrib.data.map_and_batch(parse, 32))",
            "ds = ds.apply(tf.data.experimental.map_and_batch(parse, 32))",
        ),
        ("w = tf.contrib.signal.hann_window(400)", "w = tf.signal.hann_window(400)"),
        ("p = tf.contrib.util.make_tensor_proto(a)", "p = tf.make_tensor_proto(a)"),
    ],
)
def test_contrib_aliases_of_core_functions_get_the_core_name(before: str, after: str) -> None:
    assert fixed(before) == HEAD + after
    (finding,) = detect(HEAD + before + "\n", CATALOGUE).findings
    assert finding.code == "TF416" and "was removed" not in finding.message
