"""Issue #21 item 17: "no drop-in successor" (TF408, TF407) must be true.

Every contrib symbol these rules flagged on real code (tensorpack 0.9.8, magenta 1.1.7,
tflearn 0.3.2, gpflow 1.5.1 and the benchmark corpus), and every contrib symbol a rule example
uses, is checked against the API lists of TensorFlow 2.21 and 2.15 (public and compat.v1) and
against tf_slim: a symbol still reported as having no successor must have no home of the
same name there, at either target version.
"""

from __future__ import annotations

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.api import api_for, slim_names
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.settings import Settings

NO_SUCCESSOR = ("TF407", "TF408")
TARGETS = ("2.15", "2.21")
# Without the `tensorflow.contrib.` prefix; the symbols as the findings named them.
SEEN_IN_REAL_CODE = (
    "compiler.xla",
    "cudnn_rnn.CudnnCompatibleLSTMCell",
    "cudnn_rnn.CudnnLSTM",
    "cudnn_rnn.CudnnLSTMSaveable",
    "cudnn_rnn.CudnnParamsFormatConverterLSTM",
    "cudnn_rnn.python.layers.cudnn_rnn",
    "cudnn_rnn.python.layers.cudnn_rnn.CudnnLSTM",
    "data.AUTOTUNE",
    "eager.in_eager_mode",
    "graph_editor.get_backward_walk_ops",
    "learn.python.learn.preprocessing.text.VocabularyProcessor",
    "lookup.index_table_from_tensor",
    "memory_stats.MaxBytesInUse",
    "metrics.aggregate_metric_map",
    "nccl",
    "nccl.ops.gen_nccl_ops",
    "nccl.python.ops.nccl_ops._validate_and_load_nccl_so",
    "rnn",
    "rnn.AttentionCellWrapper",
    "rnn.InputProjectionWrapper",
    "rnn.LSTMBlockCell",
    "rnn.LayerNormBasicLSTMCell",
    "rnn.python.ops.core_rnn.static_bidirectional_rnn",
    "rnn.python.ops.core_rnn.static_rnn",
    "rnn.python.ops.core_rnn_cell",
    "rnn.python.ops.core_rnn_cell.LSTMStateTuple",
    "rnn.python.ops.core_rnn_cell.RNNCell",
    "rnn.stack_bidirectional_dynamic_rnn",
    "seq2seq",
    "seq2seq.BasicDecoder",
    "seq2seq.BeamSearchDecoder",
    "seq2seq.CustomHelper",
    "seq2seq.ScheduledOutputTrainingHelper",
    "seq2seq.TrainingHelper",
    "seq2seq.dynamic_decode",
    "seq2seq.tile_batch",
    "tensor_forest.python.ops.data_ops",
    "tensor_forest.python.ops.data_ops.ParseDataTensorOrDict",
    "tensor_forest.python.ops.data_ops.ParseLabelTensorOrDict",
    "tensor_forest.python.tensor_forest",
    "tensor_forest.python.tensor_forest.ForestHParams",
    "tensor_forest.python.tensor_forest.RandomForestGraphs",
    "tpu.InputPipelineConfig.PER_HOST_V2",
    "training.GreedyLoadBalancingStrategy",
    "training.HParams",
    "training.StopAfterNEvalsHook",
    "training.SummaryAtEndHook",
    "training.byte_size_load_fn",
    "training.evaluate_repeatedly",
    "training.train",
    "training.wait_for_new_checkpoint",
)


def same_named_homes(symbol: str) -> list[str]:
    """Where TF2 (2.15 or 2.21, public or compat.v1) or tf_slim has `symbol` under its contrib
    path: `tf.contrib.tpu.X` as `tf.tpu.X` / `tf.compat.v1.tpu.X`, `tf.contrib.data.X` as
    `tf.data.experimental.X`, `tf.contrib.<module>.X` as `tf_slim.X`."""
    rest = symbol.removeprefix("tensorflow.contrib.")
    module = rest.partition(".")[0]
    # The symbol and each of its prefixes below the module: `tpu.InputPipelineConfig` for
    # `tpu.InputPipelineConfig.PER_HOST_V2` (a class attribute is in no list).
    parts = rest.split(".")
    wanted = {".".join(parts[:n]) for n in range(2, len(parts) + 1)}
    for n in range(1, len(parts)):
        tail = ".".join(parts[1 : n + 1])
        if module == "data":
            wanted.add("data.experimental." + tail)
        if module == "tpu":
            wanted.add("estimator.tpu." + tail)
    homes = []
    for version in TARGETS:
        api = api_for(version)
        assert api is not None
        for section, namespace in (("v1", api.v1), ("v2", api.v2)):
            homes += [f"{version} {section}: {name}" for name in sorted(wanted & namespace.names)]
    slim = slim_names()
    assert slim is not None
    last = parts[-1]
    if module in ("slim", "layers", "framework") and last in slim.top | slim.layers:
        homes.append(f"tf_slim: {last}")
    return homes


def _flagged(symbols: list[str], catalogue: Catalogue, target: str) -> set[str]:
    source = "import tensorflow as tf\n" + "".join(
        f"x{i} = tf.{s.removeprefix('tensorflow.')}\n" for i, s in enumerate(symbols)
    )
    found = detect(source, catalogue, Settings(target_version=target)).findings
    return {f.symbol for f in found if f.code in NO_SUCCESSOR}


def _rule_example_symbols(catalogue: Catalogue) -> list[str]:
    return sorted(
        {
            s
            for rule in catalogue.rules
            for s in rule.symbols
            if s.startswith("tensorflow.contrib.") and not s.endswith(".*")
        }
    )


@pytest.mark.parametrize("target", TARGETS)
def test_no_contrib_symbol_without_successor_has_a_home(catalogue: Catalogue, target: str) -> None:
    symbols = ["tensorflow.contrib." + s for s in SEEN_IN_REAL_CODE]
    symbols += _rule_example_symbols(catalogue)
    flagged = _flagged(symbols, catalogue, target)
    assert flagged, "the audit list no longer reaches TF408: it checks nothing"
    wrong = {s: same_named_homes(s) for s in sorted(flagged) if same_named_homes(s)}
    assert not wrong, f"said to have no successor, but: {wrong}"


def test_the_check_finds_a_home_that_exists() -> None:
    # The audit's own yardstick: a symbol known to have moved is found at its new home.
    assert same_named_homes("tensorflow.contrib.tpu.cross_replica_sum")
    assert same_named_homes("tensorflow.contrib.data.AUTOTUNE")
    assert same_named_homes("tensorflow.contrib.tpu.InputPipelineConfig.PER_HOST_V2")
    assert same_named_homes("tensorflow.contrib.layers.group_norm")
    assert not same_named_homes("tensorflow.contrib.seq2seq.BasicDecoder")


@pytest.mark.parametrize(
    ("symbol", "target"),
    [
        ("data.AUTOTUNE", "tf.data.experimental.AUTOTUNE"),
        ("data.unique", "tf.data.experimental.unique"),
        ("tpu.InputPipelineConfig.PER_HOST_V2", "tf.compat.v1.estimator.tpu.InputPipelineConfig"),
        ("training.evaluate_repeatedly", "tf_slim.evaluation.evaluate_repeatedly"),
        ("training.train", "tf_slim.training.train"),
        ("metrics.aggregate_metric_map", "tf_slim.metrics.aggregate_metric_map"),
        ("metrics.streaming_mean", "tf_slim.metrics.streaming_mean"),
        ("rnn.python.ops.core_rnn_cell.RNNCell", "tf.compat.v1.nn.rnn_cell.RNNCell"),
        ("rnn.python.ops.core_rnn.static_rnn", "tf.compat.v1.nn.static_rnn"),
    ],
)
def test_contrib_symbols_with_a_home_are_renamed_to_it(
    symbol: str, target: str, catalogue: Catalogue
) -> None:
    source = f"import tensorflow as tf\nx = tf.contrib.{symbol}\n"
    (finding,) = detect(source, catalogue, Settings(target_version="2.15")).findings
    assert finding.code not in NO_SUCCESSOR
    assert finding.fix is not None
    assert (finding.target or "").replace("tensorflow.", "tf.", 1) == target
