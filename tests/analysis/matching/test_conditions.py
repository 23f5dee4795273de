"""Calls judged by the arguments they pass (tf2_lsp/analysis/matching/conditions.py and its rules).

Removed keywords whose value changes results keep the call on tf.compat.v1 (#10 class 3);
same-name functions with a new TF2 signature are reported only when a changed argument is
passed (class 5); renames to TF2 classes are withheld when a constructor keyword has no TF2
counterpart (class 6); device functions keep tf.compat.v1.device (class 9); constants and
one-argument calls with an exact TF2 spelling are not sent to tf.compat.v1 (class 10).
"""

from __future__ import annotations

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

CATALOGUE = load_catalogue()
HEAD = "import tensorflow as tf\n"


def fixed(body: str, unsafe: bool = False, level: str = "compat") -> str:
    settings = Settings(level=level)  # type: ignore[arg-type]
    outcome = fix_all(HEAD + body + "\n", CATALOGUE, settings, unsafe=unsafe)
    assert outcome.error is None
    again = fix_all(outcome.source, CATALOGUE, settings, unsafe=unsafe)
    assert again.source == outcome.source, "a second run changed the fixed code again"
    return outcome.source.removeprefix(HEAD).removesuffix("\n")


def messages(body: str, level: str = "compat") -> list[str]:
    settings = Settings(level=level)  # type: ignore[arg-type]
    return [
        f"{f.code} {f.message}" for f in detect(HEAD + body + "\n", CATALOGUE, settings).findings
    ]


# -- class 3: removed keywords whose value decides the result ---------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "e = tf.nn.embedding_lookup(params, ids, partition_strategy='mod')",
            "e = tf.compat.v1.nn.embedding_lookup(params, ids, partition_strategy='mod')",
        ),
        (  # positionally, too
            "e = tf.nn.embedding_lookup(params, ids, 'mod')",
            "e = tf.compat.v1.nn.embedding_lookup(params, ids, 'mod')",
        ),
        (  # a computed strategy cannot be shown to be 'div'
            "e = tf.nn.embedding_lookup(params, ids, partition_strategy=cfg.strategy)",
            "e = tf.compat.v1.nn.embedding_lookup(params, ids, partition_strategy=cfg.strategy)",
        ),
        (  # several shards and TF1's default 'mod'
            "e = tf.nn.embedding_lookup([shard_a, shard_b], ids)",
            "e = tf.compat.v1.nn.embedding_lookup([shard_a, shard_b], ids)",
        ),
        (  # 'div' is TF2's behaviour, but without it the call would read as TF1's default
            "e = tf.nn.embedding_lookup([shard_a, shard_b], ids, partition_strategy='div')",
            "e = tf.compat.v1.nn.embedding_lookup([shard_a, shard_b], ids, "
            "partition_strategy='div')",
        ),
        (
            "loss = tf.nn.nce_loss(w, b, y, x, 5, 100, partition_strategy='mod')",
            "loss = tf.compat.v1.nn.nce_loss(w, b, y, x, 5, 100, partition_strategy='mod')",
        ),
        (
            "loss = tf.nn.sampled_softmax_loss([w0, w1], b, y, x, 5, 100)",
            "loss = tf.compat.v1.nn.sampled_softmax_loss([w0, w1], b, y, x, 5, 100)",
        ),
        (  # TF1 merged repeated labels by default, TF2 never does
            "out = tf.nn.ctc_beam_search_decoder(logits, lengths, beam_width=10)",
            "out = tf.compat.v1.nn.ctc_beam_search_decoder(logits, lengths, beam_width=10)",
        ),
        (  # TF1 returned a SparseTensor by default, TF2 a RaggedTensor
            "parts = tf.strings.split(lines, sep=',')",
            "parts = tf.compat.v1.strings.split(lines, sep=',')",
        ),
        (
            "pooled = tf.nn.fractional_max_pool(x, [1.0, 1.4, 1.4, 1.0], deterministic=True)",
            "pooled = tf.compat.v1.nn.fractional_max_pool(x, [1.0, 1.4, 1.4, 1.0], "
            "deterministic=True)",
        ),
    ],
)
def test_value_that_changes_results_keeps_tf1_behaviour(before: str, after: str) -> None:
    assert fixed(before) == after  # a safe fix: no --unsafe needed
    assert fixed(before, unsafe=True) == after  # and the unsafe removal never drops it


def test_value_tf2_shares_is_dropped() -> None:
    before = (
        "e = tf.nn.embedding_lookup(params, ids, partition_strategy='div', validate_indices=True)"
    )
    assert fixed(before, unsafe=True) == "e = tf.nn.embedding_lookup(params, ids)"


@pytest.mark.parametrize(
    "code",
    [
        "e = tf.nn.embedding_lookup(table, ids)",
        "e = tf.nn.embedding_lookup([table], ids)",
        "e = tf.compat.v1.nn.embedding_lookup([a, b], ids, partition_strategy='mod')",
        "loss = tf.nn.nce_loss(w, b, y, x, 5, 100)",
    ],
)
def test_calls_whose_sharding_cannot_differ_are_not_kept_on_compat(code: str) -> None:
    assert fixed(code, unsafe=True) == code
    assert not any("keeps TF1 behaviour" in m for m in messages(code))


def test_message_names_the_argument_and_the_target() -> None:
    (message,) = messages("e = tf.nn.embedding_lookup(p, ids, partition_strategy='mod')")
    assert "`partition_strategy='mod'` changes results" in message
    assert "`partition_strategy='div'`" in message
    assert "`tf.compat.v1.nn.embedding_lookup` keeps TF1 behaviour" in message
    (message,) = messages("e = tf.nn.embedding_lookup([a, b], ids)")
    assert "`params` holds 2 items" in message


def test_underline_is_the_argument_that_changes() -> None:
    source = HEAD + "e = tf.nn.embedding_lookup(p, ids,\n    partition_strategy='mod')\n"
    (finding,) = detect(source, CATALOGUE).findings
    assert (finding.span.line, finding.span.column) == (3, 23)


# -- class 5: same-name functions whose TF2 signature changed --------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "init = tf.constant_initializer(0.1, dtype=tf.float32, verify_shape=False)",
            "init = tf.compat.v1.constant_initializer(0.1, dtype=tf.float32, verify_shape=False)",
        ),
        (
            "init = tf.constant_initializer(0.1, tf.float32)",
            "init = tf.compat.v1.constant_initializer(0.1, tf.float32)",
        ),
        (  # TF2 rejects a None name
            "with tf.name_scope(None):\n    pass",
            "with tf.compat.v1.name_scope(None):\n    pass",
        ),
        (  # TF2's zeros/ones initializers take no arguments at all
            "init = tf.zeros_initializer(dtype=tf.float32)",
            "init = tf.compat.v1.zeros_initializer(dtype=tf.float32)",
        ),
        (
            "init = tf.ones_initializer(tf.float64)",
            "init = tf.compat.v1.ones_initializer(tf.float64)",
        ),
        (
            "init = tf.initializers.zeros(tf.float16)",
            "init = tf.compat.v1.initializers.zeros(tf.float16)",
        ),
    ],
)
def test_same_name_call_passing_a_changed_argument_keeps_tf1(before: str, after: str) -> None:
    assert fixed(before) == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "with tf.name_scope(None, default_name='layer', values=[a, b]):\n    pass",
            "with tf.name_scope('layer'):\n    pass",
        ),
        ("with tf.name_scope(None, 'layer'):\n    pass", "with tf.name_scope('layer'):\n    pass"),
    ],
)
def test_name_scope_with_a_default_name_gets_that_name(before: str, after: str) -> None:
    # Issue #21 item 5: TF2's scope of the name TF1 chose is the same scope (checked on
    # TensorFlow 2.21 in graph and eager mode).
    assert fixed(before) == after


@pytest.mark.parametrize(
    "code",
    [
        "init = tf.constant_initializer(0.1)",
        "init = tf.constant_initializer(value=[1, 2])",
        "with tf.name_scope('x'):\n    pass",
        "with tf.name_scope(name='block'):\n    pass",
        "init = tf.zeros_initializer()",
        "init = tf.ones_initializer()",
    ],
)
def test_valid_tf2_calls_of_same_name_functions_are_not_reported(code: str) -> None:
    for level in ("compat", "native"):
        assert messages(code, level) == []


def test_same_name_message_says_which_argument() -> None:
    (message,) = messages("init = tf.constant_initializer(0.1, verify_shape=True)")
    assert "`verify_shape`" in message and "tf.compat.v1.constant_initializer" in message


# -- class 6: renames to TF2 classes with other constructor parameters -----------------------


@pytest.mark.parametrize(
    ("code", "param"),
    [
        ("s = tf.contrib.distribute.MirroredStrategy(num_gpus=n)", "num_gpus"),
        ("s = tf.contrib.distribute.MirroredStrategy(num_gpus=2.0)", "num_gpus"),
        ("s = tf.contrib.distribute.MirroredStrategy(None, 2)", "num_gpus"),
        (
            "s = tf.contrib.distribute.MirroredStrategy(num_gpus_per_worker=FLAGS.gpus)",
            "num_gpus_per_worker",
        ),
        (  # TF1 ignored the count when devices were named
            "s = tf.contrib.distribute.MirroredStrategy(devices=d, num_gpus=2)",
            "num_gpus",
        ),
        ("s = tf.contrib.distribute.MirroredStrategy(num_gpus=2, auto_shard_dataset=True)", ""),
        (
            "s = tf.contrib.distribute.CollectiveAllReduceStrategy(num_gpus_per_worker=2)",
            "num_gpus_per_worker",
        ),
        ("s = tf.contrib.distribute.CollectiveAllReduceStrategy(4)", "num_gpus_per_worker"),
        (
            "s = tf.contrib.distribute.ParameterServerStrategy(num_gpus_per_worker=1)",
            "num_gpus_per_worker",
        ),
        ("s = tf.contrib.distribute.TPUStrategy(resolver, steps_per_run=100)", "steps_per_run"),
    ],
)
def test_strategy_rename_is_withheld_for_keywords_tf2_lacks(code: str, param: str) -> None:
    assert fixed(code, unsafe=True) == code
    (finding,) = [f for f in detect(HEAD + code + "\n", CATALOGUE).findings if f.code == "TF951"]
    assert finding.fix is None
    assert finding.refused is not None and f"`{param}" in finding.refused


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "s = tf.contrib.distribute.MirroredStrategy(num_gpus=3)",
            "s = tf.distribute.MirroredStrategy(devices=['/gpu:0', '/gpu:1', '/gpu:2'])",
        ),
        (
            "s = tf.contrib.distribute.MirroredStrategy(num_gpus_per_worker=1)",
            "s = tf.distribute.MirroredStrategy(devices=['/gpu:0'])",
        ),
        (  # TF1 ran on the CPU when given no GPU
            "s = tf.contrib.distribute.MirroredStrategy(num_gpus=0)",
            "s = tf.distribute.MirroredStrategy(devices=['/cpu:0'])",
        ),
    ],
)
def test_literal_gpu_count_becomes_device_names(before: str, after: str) -> None:
    # Issue #21 item 9: the TF2 constructor takes the device names TF1 derived from the count.
    assert fixed(before, unsafe=True) == after
    (finding,) = detect(HEAD + before + "\n", CATALOGUE).findings
    assert "became `devices`" in finding.message


def test_strategy_rename_still_applies_without_such_keywords() -> None:
    before = "s = tf.contrib.distribute.MirroredStrategy(devices=['/gpu:0'])"
    assert fixed(before, unsafe=True) == "s = tf.distribute.MirroredStrategy(devices=['/gpu:0'])"


# -- class 9: tf.device with a function ----------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "with tf.device(lambda op: '/cpu:0'):\n    pass",
            "with tf.compat.v1.device(lambda op: '/cpu:0'):\n    pass",
        ),
        (
            "def build():\n    def placer(op):\n        return '/cpu:0'\n"
            "    with tf.device(placer):\n        pass",
            "def build():\n    def placer(op):\n        return '/cpu:0'\n"
            "    with tf.compat.v1.device(placer):\n        pass",
        ),
        (
            "with tf.device(tf.train.replica_device_setter(ps_tasks=2)):\n    pass",
            "with tf.compat.v1.device(tf.compat.v1.train.replica_device_setter(ps_tasks=2)):\n"
            "    pass",
        ),
        (
            "with tf.device(device_name_or_function=lambda op: op.device):\n    pass",
            "with tf.compat.v1.device(device_name_or_function=lambda op: op.device):\n    pass",
        ),
    ],
)
def test_device_function_keeps_compat_device(before: str, after: str) -> None:
    assert fixed(before) == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "from placement import chooser\nwith tf.device(chooser):\n    pass",
            "from placement import chooser\nwith tf.compat.v1.device(chooser):\n    pass",
        ),
        (
            "from . import placement\nwith tf.device(placement.chooser):\n    pass",
            "from . import placement\nwith tf.compat.v1.device(placement.chooser):\n    pass",
        ),
    ],
)
def test_device_value_from_another_module_keeps_compat_device(before: str, after: str) -> None:
    # Issue #21 item 10: nothing in this file says the imported value is not a device
    # function, which TF2's tf.device rejects; tf.compat.v1.device takes either.
    assert fixed(before) == after
    assert any("imported from another module" in m for m in messages(before))


def test_device_message_says_graph_mode_only() -> None:
    found = messages("with tf.device(lambda op: '/cpu:0'):\n    pass")
    assert any("TF802" in m and "graph mode only" in m for m in found)


@pytest.mark.parametrize(
    "code",
    [
        "with tf.device('/gpu:0'):\n    pass",
        "name = pick()\nwith tf.device(name):\n    pass",
        "with tf.device(None):\n    pass",
        "def build(device):\n    with tf.device(device):\n        pass",
        "from placement import pick\nwith tf.device(pick(0)):\n    pass",
    ],
)
def test_device_names_are_not_reported(code: str) -> None:
    assert not any(m.startswith("TF802") for m in messages(code))


def test_device_name_keyword_is_still_renamed() -> None:
    before = "with tf.device(device_name_or_function='/gpu:0'):\n    pass"
    assert fixed(before) == "with tf.device(device_name='/gpu:0'):\n    pass"


# -- class 10: exact TF2 spellings -----------------------------------------------------------


@pytest.mark.parametrize("level", ["compat", "native"])
@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("v = tf.VERSION", "v = tf.version.VERSION"),
        ("v = tf.GIT_VERSION", "v = tf.version.GIT_VERSION"),
        ("v = tf.COMPILER_VERSION", "v = tf.version.COMPILER_VERSION"),
        ("v = tf.GRAPH_DEF_VERSION", "v = tf.version.GRAPH_DEF_VERSION"),
        ("flag = tf.CXX11_ABI_FLAG", "flag = tf.sysconfig.CXX11_ABI_FLAG"),
        ("flag = tf.MONOLITHIC_BUILD", "flag = tf.sysconfig.MONOLITHIC_BUILD"),
    ],
)
def test_build_constants_use_their_tf2_names(before: str, after: str, level: str) -> None:
    assert fixed(before, level=level) == after
    (message,) = messages(before, level)
    assert "compat.v1" not in message


@pytest.mark.parametrize("level", ["compat", "native"])
def test_one_argument_where_is_tf2_already(level: str) -> None:
    # Only an information note (TF968) says what it returns; nothing to fix.
    [note] = messages("idx = tf.where(mask)", level)
    assert note.startswith("TF968") and "coordinates" in note
    assert fixed("idx = tf.where(mask)", level=level) == "idx = tf.where(mask)"
    assert (
        fixed("out = tf.where(mask, a, b)", level=level) == "out = tf.compat.v1.where(mask, a, b)"
    )


@pytest.mark.parametrize("level", ["compat", "native"])
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # TF2's functions of these names default to Keras's ranges (stddev 0.05, +-0.05).
        (
            "i = tf.random_normal_initializer(seed=1)",
            "i = tf.compat.v1.random_normal_initializer(seed=1)",
        ),
        (
            "i = tf.random_uniform_initializer(maxval=2.0)",
            "i = tf.compat.v1.random_uniform_initializer(maxval=2.0)",
        ),
        (
            "i = tf.random_uniform_initializer(0.0)",
            "i = tf.compat.v1.random_uniform_initializer(0.0)",
        ),
        (
            "i = tf.initializers.random_normal(0.5)",
            "i = tf.compat.v1.initializers.random_normal(0.5)",
        ),
        # Every argument whose default differs is passed: the TF2 call draws the same.
        (
            "i = tf.random_normal_initializer(0.0, 0.02)",
            "i = tf.random_normal_initializer(0.0, 0.02)",
        ),
        (
            "i = tf.random_uniform_initializer(minval=-1.0, maxval=1.0)",
            "i = tf.random_uniform_initializer(minval=-1.0, maxval=1.0)",
        ),
    ],
)
def test_initializer_left_at_tf1_default_range_keeps_tf1(
    body: str, expected: str, level: str
) -> None:
    # The audit's initializer snippet: `tf.random_normal_initializer()` was left as it was and
    # drew weights of stddev 0.05 instead of TF1's 1.0, with no finding.
    assert fixed(body, level=level) == expected
    if body != expected:
        assert any(m.startswith("TF204") for m in messages(body, level))


@pytest.mark.parametrize("level", ["compat", "native"])
def test_pairwise_loss_with_scalar_weights_warns_of_eager_count(level: str) -> None:
    # The audit's losses snippet: run eagerly, the compat function divided by the batch's
    # element count (0.385 where TF1's graph gave 1.38), and no finding said so.
    said = messages("pair = tf.losses.mean_pairwise_squared_error(y, z)", level)
    assert any(m.startswith("TF919") and "run eagerly" in m for m in said)
    assert any(m.endswith("`weights` is left at its default, a single number") for m in said)
    weighted = messages("pair = tf.losses.mean_pairwise_squared_error(y, z, weights=mask)", level)
    assert not any(m.startswith("TF919") for m in weighted)
    for number in ("2.0", "-1", "3", "weights=0.5"):  # a single weight written out, too
        said = messages(f"pair = tf.losses.mean_pairwise_squared_error(y, z, {number})", level)
        shown = number.removeprefix("weights=")
        assert any(m.startswith("TF919") and f"`weights={shown}` is a single" in m for m in said)
    # What TF915's fix writes takes the same eager path: `check` on the output still says so.
    output = fixed("pair = tf.losses.mean_pairwise_squared_error(y, z)", level=level)
    assert output == "pair = tf.compat.v1.losses.mean_pairwise_squared_error(y, z)"
    assert any(m.startswith("TF919") and "run eagerly" in m for m in messages(output, level))


# -- value tables decided by running them (tests/equivalence/test_value_tables.py) ------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # TF2's gradients always colocate; colocation places ops, values are the same.
        (
            "g = tf.gradients(y, xs, colocate_gradients_with_ops=True)",
            "g = tf.gradients(y, xs)",
        ),
        ("g = tf.gradients(y, xs, colocate_gradients_with_ops=False)", "g = tf.gradients(y, xs)"),
        # Without `shape`, TF1's verify_shape checked nothing.
        ("c = tf.constant([1, 2], verify_shape=True)", "c = tf.constant([1, 2])"),
        (
            "c = tf.constant([1, 2, 3, 4], shape=[2, 2], verify_shape=True)",
            "c = tf.compat.v1.constant([1, 2, 3, 4], shape=[2, 2], verify_shape=True)",
        ),
        # TF1 unpacked a one-item list of loop variables / of a branch's results.
        (
            "r = tf.while_loop(c, b, [i])",
            "r = tf.compat.v1.while_loop(c, b, [i])",
        ),
        ("r = tf.while_loop(c, b, [i, j])", "r = tf.while_loop(c, b, [i, j])"),
        (
            "r = tf.cond(p, lambda: [a], lambda: [b])",
            "r = tf.compat.v1.cond(p, lambda: [a], lambda: [b])",
        ),
        ("r = tf.cond(p, lambda: a, lambda: b)", "r = tf.cond(p, lambda: a, lambda: b)"),
        # TF1's default (no half-pixel centres) is not what TF2's resize does.
        ("r = tf.image.resize(img, [5, 5])", "r = tf.compat.v1.image.resize(img, [5, 5])"),
    ],
)
def test_value_tables_drop_exactly_what_runs_the_same(body: str, expected: str) -> None:
    assert fixed(body, unsafe=True) == expected


def test_arguments_after_a_dropped_one_go_by_keyword() -> None:
    # Read as TF1 again, a positional 'NWC' would land in use_cudnn_on_gpu.
    assert (
        fixed("y = tf.nn.conv1d(s, k, 2, 'VALID', True, 'NWC')")
        == "y = tf.nn.conv1d(s, k, 2, 'VALID', data_format='NWC')"
    )
