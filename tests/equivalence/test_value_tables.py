"""Every keep/drop value table of a removed argument, decided by running it.

For each value-checked parameter, each candidate value runs as TF1 code (`tf.F(..., p=value)`
under tensorflow.compat.v1) and as the TF2 call without it. The fixer must drop exactly the
values whose two runs agree: dropping one that changes results is a wrong fix, keeping one
on tf.compat.v1 that TF2 computes the same is a needless one. `ABSENT` is the call without
the argument (TF1's default against TF2's behaviour).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings
from tf2_lsp.verify.cases import Case, Outcome, RunTable

# One TensorFlow run per module: its tests stay on one xdist worker (`--dist loadgroup`).
pytestmark = [pytest.mark.tensorflow, pytest.mark.xdist_group("equivalence-value-tables")]

CATALOGUE = load_catalogue()
ABSENT = "<absent>"
TF = "import tensorflow as tf\n"


@dataclass(frozen=True)
class Probe:
    """`call` is the TF1 call with `{arg}` where `, param=value` goes."""

    function: str  # as in the catalogue, without `tensorflow.`
    param: str
    call: str
    candidates: tuple[str, ...]
    setup: str = ""
    feeds: dict[str, str] = field(default_factory=dict)
    context: str = ""  # which context of the table this probe decides


SHARDS = (
    "p0 = tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2))\n"
    "p1 = tf.constant(np.arange(6, 12, dtype=np.float32).reshape(3, 2))\n"
)
SPARSE_IDS = (
    "sp = tf.SparseTensor(indices=[[0, 0], [0, 1], [1, 0]], "
    "values=tf.constant([0, 3, 5], tf.int64), dense_shape=[2, 2])\n"
)
SAMPLED = (
    "w0 = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4) / 10)\n"
    "w1 = tf.constant(np.arange(12, 24, dtype=np.float32).reshape(3, 4) / 10)\n"
    "b = tf.zeros([6])\n"
    "inputs = tf.constant(np.ones((2, 4), np.float32))\n"
    "labels = tf.constant([[1], [4]], tf.int64)\n"
    "sampled = (tf.constant([0, 5], tf.int64), tf.ones([2, 1]), tf.ones([2]))\n"
)
GRAPH_INPUT = "x = tf.compat.v1.placeholder(tf.float32, [3])\n"
FEED_X = {"x": "np.array([1.0, 2.0, 3.0], np.float32)"}

PROBES = [
    Probe(
        "nn.embedding_lookup", "partition_strategy",
        "tf.nn.embedding_lookup([p0, p1], tf.constant([0, 1, 2, 3, 4, 5]){arg})",
        ("'div'", "'mod'", ABSENT), SHARDS, context="two shards",
    ),
    Probe(
        "nn.embedding_lookup", "partition_strategy",
        "tf.nn.embedding_lookup([p0], tf.constant([0, 1, 2]){arg})",
        ("'div'", "'mod'", ABSENT), SHARDS, context="one shard",
    ),
    Probe(
        "nn.embedding_lookup_sparse", "partition_strategy",
        "tf.nn.embedding_lookup_sparse([p0, p1], sp, None{arg})",
        ("'div'", "'mod'", ABSENT), SHARDS + SPARSE_IDS, context="two shards",
    ),
    Probe(
        "nn.safe_embedding_lookup_sparse", "partition_strategy",
        "tf.nn.safe_embedding_lookup_sparse([p0, p1], sp{arg})",
        ("'div'", "'mod'", ABSENT), SHARDS + SPARSE_IDS, context="two shards",
    ),
    Probe(
        "nn.nce_loss", "partition_strategy",
        "tf.nn.nce_loss(weights=[w0, w1], biases=b, labels=labels, inputs=inputs, "
        "num_sampled=2, num_classes=6, sampled_values=sampled{arg})",
        ("'div'", "'mod'", ABSENT), SAMPLED, context="two shards",
    ),
    Probe(
        "nn.sampled_softmax_loss", "partition_strategy",
        "tf.nn.sampled_softmax_loss(weights=[w0, w1], biases=b, labels=labels, "
        "inputs=inputs, num_sampled=2, num_classes=6, sampled_values=sampled{arg})",
        ("'div'", "'mod'", ABSENT), SAMPLED, context="two shards",
    ),
    Probe(
        "nn.ctc_beam_search_decoder", "merge_repeated",
        "tf.nn.ctc_beam_search_decoder(logits, tf.constant([4]), beam_width=4{arg})",
        ("True", "False", ABSENT),
        "logits = tf.constant(np.log(np.array([[[0.1, 0.8, 0.1]], [[0.1, 0.1, 0.8]], "
        "[[0.1, 0.8, 0.1]], [[0.1, 0.1, 0.8]]], np.float32)))\n",
        context="a class repeated across a blank",
    ),
    Probe(
        "strings.split", "result_type",
        "tf.strings.split(tf.constant(['a b', 'c d e']){arg})",
        ("'RaggedTensor'", "'SparseTensor'", ABSENT),
    ),
    Probe(
        "image.resize", "align_corners",
        "tf.image.resize(img, [5, 5]{arg})",
        ("True", "False", ABSENT),
        "img = tf.constant(np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2))\n",
    ),
    Probe(
        "cond", "strict",
        "tf.cond(tf.constant(True), lambda: [tf.constant(1.0)], lambda: [tf.constant(2.0)]{arg})",
        ("True", "False", ABSENT), context="branches returning a one-item list",
    ),
    Probe(
        "while_loop", "return_same_structure",
        "tf.while_loop(lambda i: i < 3, lambda i: [i + 1], [tf.constant(0)]{arg})",
        ("True", "False", ABSENT), context="one loop variable",
    ),
    Probe(
        "while_loop", "return_same_structure",
        "tf.while_loop(lambda i, j: i < 3, lambda i, j: [i + 1, j], "
        "[tf.constant(0), tf.constant(1)]{arg})",
        ("True", "False", ABSENT), context="two loop variables",
    ),
    Probe(
        "constant", "verify_shape", "tf.constant([1, 2]{arg})",
        ("True", "False", ABSENT), context="no shape",
    ),
    Probe(
        "constant", "verify_shape", "tf.constant([1, 2, 3, 4], shape=[2, 2]{arg})",
        ("True", "False", ABSENT), context="a shape the value has to be reshaped to",
    ),
    Probe(
        "Variable", "collections", "tf.Variable([1.0, 2.0]{arg}) * 2",
        ("None", "[]", ABSENT),
    ),
    Probe(
        "gradients", "colocate_gradients_with_ops",
        "tf.gradients(tf.reduce_sum(x * x), [x]{arg})",
        ("True", "False", ABSENT), GRAPH_INPUT, FEED_X,
    ),
    Probe(
        "hessians", "colocate_gradients_with_ops",
        "tf.hessians(tf.reduce_sum(x * x * x), [x]{arg})",
        ("True", "False", ABSENT), GRAPH_INPUT, FEED_X,
    ),
    Probe(
        "nn.conv1d", "use_cudnn_on_gpu",
        "tf.nn.conv1d(s, k, 1, 'SAME'{arg})",
        ("True", ABSENT),
        "s = tf.constant(np.ones((1, 5, 2), np.float32))\n"
        "k = tf.constant(np.ones((3, 2, 4), np.float32))\n",
    ),
]  # fmt: skip

# Tables no probe can decide on a CPU, and why.
UNPROBED = {
    ("nn.ctc_loss", "sequence_length"): "a required input TF2's ctc_loss takes in another form",
    ("nn.fractional_avg_pool", "deterministic"): "random pooling regions: TF2 derives its "
    "seeds differently, so the two runs cannot be aligned",
    ("nn.fractional_avg_pool", "seed2"): "random pooling regions (as deterministic)",
    ("nn.fractional_max_pool", "deterministic"): "random pooling regions (as for avg)",
    ("nn.fractional_max_pool", "seed2"): "random pooling regions (as deterministic)",
    ("image.sample_distorted_bounding_box", "seed2"): "random boxes: TF2 derives its seeds "
    "differently, so the two runs cannot be aligned",
    ("nn.conv2d", "use_cudnn_on_gpu"): "the same table as conv1d (one rule)",
}


def _fixed(code: str) -> str:
    outcome = fix_all(code, CATALOGUE, Settings(level="compat"), unsafe=True)
    assert outcome.error is None
    return outcome.source


def _cases() -> list[tuple[Probe, str, Case]]:
    cases = []
    for index, probe in enumerate(PROBES):
        for value in probe.candidates:
            arg = "" if value == ABSENT else f", {probe.param}={value}"
            old = TF + f"y = {probe.call.format(arg=arg)}\n"
            new = TF + f"y = {probe.call.format(arg='')}\n"
            table = RunTable(setup=TF + probe.setup, feeds=probe.feeds, compare=("y",))
            cases.append((probe, value, Case(f"{index}:{value}", old, new, table)))
    return cases


@pytest.fixture(scope="module")
def outcomes(tensorflow_installed: None) -> dict[str, Outcome]:
    from tf2_lsp.verify.harness import run_cases

    return {o.name: o for o in run_cases([case for _, _, case in _cases()])}


def _verdicts(outcomes: dict[str, Outcome]) -> list[tuple[str, bool, bool, str]]:
    """(what, runs the same, dropped by the fixer, the harness's reason) per candidate."""
    rows = []
    for probe, value, case in _cases():
        outcome = outcomes[case.name]
        fixed = _fixed(case.old)
        dropped = "compat.v1" not in fixed and f"{probe.param}=" not in fixed
        where = f" ({probe.context})" if probe.context else ""
        what = f"{probe.function} {probe.param}={value}{where}"
        rows.append((what, outcome.status == "proven", dropped, outcome.reason))
    return rows


# Calls the fixer leaves as TF2 code although TF1 computed something else: wrong output.
# Each is a known catalogue bug the harness found, kept here so that a new one fails.
KNOWN_WRONG: dict[str, str] = {}
# Values TF2 computes the same that the fixer still keeps on tf.compat.v1: with a default
# that differs, the TF2 call without the argument would read as TF1 code relying on it.
CONSERVATIVE = {
    "nn.embedding_lookup partition_strategy='div' (two shards)",
    "nn.embedding_lookup_sparse partition_strategy='div' (two shards)",
    "nn.nce_loss partition_strategy='div' (two shards)",
    "nn.sampled_softmax_loss partition_strategy='div' (two shards)",
    "nn.embedding_lookup partition_strategy='mod' (one shard)",
    "strings.split result_type='RaggedTensor'",
    "nn.ctc_beam_search_decoder merge_repeated=False (a class repeated across a blank)",
    "while_loop return_same_structure=False (two loop variables)",
    "while_loop return_same_structure=True (one loop variable)",
    "cond strict=True (branches returning a one-item list)",
}


def test_no_value_that_changes_results_is_dropped(outcomes: dict[str, Outcome]) -> None:
    wrong = {
        f"{what}: {reason}"
        for what, same, dropped, reason in _verdicts(outcomes)
        if dropped and not same and what not in KNOWN_WRONG
    }
    assert sorted(wrong) == []


def test_values_that_run_the_same_are_dropped(outcomes: dict[str, Outcome]) -> None:
    needless = {
        what
        for what, same, dropped, _ in _verdicts(outcomes)
        if same and not dropped and what not in CONSERVATIVE
    }
    assert sorted(needless) == []


def test_the_known_lists_are_still_true(outcomes: dict[str, Outcome]) -> None:
    verdicts = {what: (same, dropped) for what, same, dropped, _ in _verdicts(outcomes)}
    assert {w for w in KNOWN_WRONG if verdicts.get(w) != (False, True)} == set()
    assert {w for w in CONSERVATIVE if verdicts.get(w) != (True, False)} == set()


def test_every_value_table_is_probed_or_says_why_not() -> None:
    tables = set()
    for rule in CATALOGUE.rules:
        for fix in rule.fixes:
            for symbol, change in fix.arguments.items():
                names = rule.symbols if symbol == "*" else (symbol,)
                for name in names:
                    short = name.removeprefix("tensorflow.")
                    tables |= {(short, p) for p in (*change.keep, *change.inert_without)}
    probed = {(p.function, p.param) for p in PROBES}
    assert sorted(tables - probed - set(UNPROBED)) == []
    assert sorted((probed | set(UNPROBED)) - tables) == []
