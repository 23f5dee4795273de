"""Issue #21 item 17: "no drop-in successor" (TF408, TF407) must be true.

Every contrib symbol these rules flagged on real code (tensorpack 0.9.8, magenta 1.1.7,
tflearn 0.3.2, gpflow 1.5.1 and the benchmark corpus), the names TF1 code commonly used from
TensorFlow 1.15's contrib modules, and every contrib symbol a rule names, is checked against
the API lists of TensorFlow 2.21 and 2.15 (public and compat.v1) and against tf_slim: a symbol
still reported as having no successor must have no home of the same name there, at either
target version.
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

# Names of TensorFlow 1.15's contrib modules that TF1 code commonly used, by module (also
# without the `tensorflow.contrib.` prefix): the audit's wider net.
CONTRIB_NAMES = (
    "autograph.convert",
    "autograph.do_not_convert",
    "autograph.to_code",
    "autograph.to_graph",
    "batching.batch_function",
    "bayesflow.monte_carlo.expectation",
    "boosted_trees.estimator_batch",
    "checkpoint.Checkpointable",
    "checkpoint.CheckpointableBase",
    "checkpoint.CheckpointableObjectGraph",
    "checkpoint.List",
    "checkpoint.Mapping",
    "checkpoint.NoDependency",
    "checkpoint.PythonStateWrapper",
    "checkpoint.UniqueNameTracker",
    "checkpoint.capture_dependencies",
    "checkpoint.dot_graph_from_checkpoint",
    "checkpoint.list_objects",
    "checkpoint.object_metadata",
    "checkpoint.split_dependency",
    "cluster_resolver.TPUClusterResolver",
    "compiler.jit.experimental_jit_scope",
    "compiler.xla.compile",
    "constrained_optimization.ConstrainedMinimizationProblem",
    "copy_graph.copy_op_to_graph",
    "crf.CrfForwardRnnCell",
    "crf.crf_decode",
    "crf.crf_log_likelihood",
    "crf.viterbi_decode",
    "cudnn_rnn.CudnnCompatibleGRUCell",
    "cudnn_rnn.CudnnCompatibleLSTMCell",
    "cudnn_rnn.CudnnGRU",
    "cudnn_rnn.CudnnLSTM",
    "data.CheckpointInputPipelineHook",
    "data.LMDBDataset",
    "data.assert_element_shape",
    "data.batch_and_drop_remainder",
    "data.padded_batch_and_drop_remainder",
    "data.read_batch_features",
    "data.reduce_dataset",
    "data.sliding_window_batch",
    "data.sloppy_interleave",
    "data.unique",
    "deprecated.audio_summary",
    "deprecated.histogram_summary",
    "deprecated.image_summary",
    "deprecated.merge_all_summaries",
    "deprecated.merge_summary",
    "deprecated.scalar_summary",
    "distribute.AllReduceCrossDeviceOps",
    "distribute.CollectiveAllReduceStrategy",
    "distribute.CrossDeviceOps",
    "distribute.DistributionStrategy",
    "distribute.MirroredStrategy",
    "distribute.MonitorStrategy",
    "distribute.OneDeviceStrategy",
    "distribute.ParameterServerStrategy",
    "distribute.ReductionToOneDevice",
    "distribute.StandardInputStep",
    "distribute.TPUStrategy",
    "distribute.get_cross_replica_context",
    "distribute.get_loss_reduction",
    "distribute.get_replica_context",
    "distribute.get_strategy",
    "distribute.has_strategy",
    "distribute.in_cross_replica_context",
    "distribute.run_standard_tensorflow_server",
    "eager.Checkpoint",
    "eager.EagerVariableStore",
    "eager.GradientTape",
    "eager.Iterator",
    "eager.Network",
    "eager.Saver",
    "eager.SummaryWriter",
    "eager.TensorSpec",
    "eager.Variable",
    "eager.async_clear_error",
    "eager.async_wait",
    "eager.defun",
    "eager.enable_eager_execution",
    "eager.executing_eagerly",
    "eager.execution_mode",
    "eager.gradients_function",
    "eager.implicit_gradients",
    "eager.implicit_value_and_gradients",
    "eager.in_eager_mode",
    "eager.list_devices",
    "eager.make_template",
    "eager.metrics",
    "eager.num_gpus",
    "eager.py_func",
    "eager.restore_variables_on_create",
    "eager.run",
    "eager.save_network_checkpoint",
    "eager.seterr",
    "eager.value_and_gradients_function",
    "estimator.DNNEstimator",
    "estimator.InMemoryEvaluatorHook",
    "estimator.RNNClassifier",
    "estimator.TowerOptimizer",
    "estimator.add_metrics",
    "estimator.binary_classification_head",
    "estimator.boosted_trees_classifier_train_in_memory",
    "estimator.clip_gradients_by_norm",
    "estimator.export_saved_model_for_mode",
    "estimator.forward_features",
    "estimator.make_early_stopping_hook",
    "estimator.multi_head",
    "estimator.regression_head",
    "estimator.replicate_model_fn",
    "estimator.stop_if_higher_hook",
    "estimator.stop_if_no_decrease_hook",
    "factorization.KMeans",
    "factorization.WALSModel",
    "ffmpeg.decode_audio",
    "framework.add_arg_scope",
    "framework.add_model_variable",
    "framework.arg_scope",
    "framework.argsort",
    "framework.assert_global_step",
    "framework.assign_from_checkpoint_fn",
    "framework.create_global_step",
    "framework.deprecated",
    "framework.filter_variables",
    "framework.get_global_step",
    "framework.get_model_variables",
    "framework.get_name_scope",
    "framework.get_or_create_global_step",
    "framework.get_unique_variable",
    "framework.get_variables",
    "framework.get_variables_to_restore",
    "framework.global_variable",
    "framework.init_from_checkpoint",
    "framework.is_tensor",
    "framework.load_embedding_initializer",
    "framework.local_variable",
    "framework.model_variable",
    "framework.nest",
    "framework.py_func",
    "framework.python.ops.variables.get_or_create_global_step",
    "framework.reduce_sum_n",
    "framework.remove_squeezable_dimensions",
    "framework.smart_cond",
    "framework.variable",
    "framework.with_same_shape",
    "framework.with_shape",
    "framework.zero_initializer",
    "gan.gan_model",
    "graph_editor.get_backward_walk_ops",
    "graph_editor.reroute_ts",
    "hooks.ProfilerHook",
    "image.angles_to_projective_transforms",
    "image.compose_transforms",
    "image.connected_components",
    "image.dense_image_warp",
    "image.rotate",
    "image.sparse_image_warp",
    "image.transform",
    "image.translate",
    "input_pipeline.obtain_next",
    "integrate.odeint",
    "integrate.odeint_fixed",
    "keras.backend.get_session",
    "keras.callbacks.Callback",
    "keras.layers.Dense",
    "keras.models.Sequential",
    "keras.optimizers.Adam",
    "keras.utils.to_categorical",
    "kernel_methods.RandomFourierFeatureMapper",
    "labeled_tensor.LabeledTensor",
    "layers.avg_pool2d",
    "layers.batch_norm",
    "layers.bias_add",
    "layers.conv2d",
    "layers.conv2d_transpose",
    "layers.dropout",
    "layers.embed_sequence",
    "layers.embedding_column",
    "layers.flatten",
    "layers.fully_connected",
    "layers.group_norm",
    "layers.input_from_feature_columns",
    "layers.instance_norm",
    "layers.l2_regularizer",
    "layers.layer_norm",
    "layers.legacy_fully_connected",
    "layers.max_pool2d",
    "layers.maxout",
    "layers.one_hot_encoding",
    "layers.optimize_loss",
    "layers.real_valued_column",
    "layers.recompute_grad",
    "layers.repeat",
    "layers.safe_embedding_lookup_sparse",
    "layers.separable_conv2d",
    "layers.softmax",
    "layers.sparse_column_with_hash_bucket",
    "layers.spatial_softmax",
    "layers.stack",
    "layers.summarize_tensor",
    "layers.unit_norm",
    "layers.variance_scaling_initializer",
    "layers.xavier_initializer",
    "learn.Estimator",
    "learn.Experiment",
    "learn.ModeKeys",
    "learn.ModelFnOps",
    "learn.RunConfig",
    "learn.datasets.base.load_csv_with_header",
    "learn.datasets.mnist.read_data_sets",
    "learn.learn_runner.run",
    "learn.preprocessing.VocabularyProcessor",
    "learn.utils.input_fn_utils.InputFnOps",
    "linalg.LinearOperator",
    "linalg.LinearOperatorBlockDiag",
    "linalg.LinearOperatorCirculant",
    "linalg.LinearOperatorComposition",
    "linalg.LinearOperatorDiag",
    "linalg.LinearOperatorFullMatrix",
    "linalg.LinearOperatorIdentity",
    "linalg.LinearOperatorKronecker",
    "linalg.LinearOperatorLowerTriangular",
    "linalg.LinearOperatorScaledIdentity",
    "lookup.HashTable",
    "lookup.IdTableWithHashBuckets",
    "lookup.KeyValueTensorInitializer",
    "lookup.MutableDenseHashTable",
    "lookup.MutableHashTable",
    "lookup.index_table_from_file",
    "lookup.index_table_from_tensor",
    "lookup.index_to_string_table_from_file",
    "lookup.index_to_string_table_from_tensor",
    "lookup.string_to_index",
    "losses.absolute_difference",
    "losses.add_loss",
    "losses.compute_weighted_loss",
    "losses.cosine_distance",
    "losses.get_losses",
    "losses.get_regularization_losses",
    "losses.get_total_loss",
    "losses.hinge_loss",
    "losses.log_loss",
    "losses.mean_squared_error",
    "losses.metric_learning.npairs_loss",
    "losses.metric_learning.triplet_semihard_loss",
    "losses.sigmoid_cross_entropy",
    "losses.softmax_cross_entropy",
    "losses.sparse_softmax_cross_entropy",
    "memory_stats.BytesInUse",
    "memory_stats.MaxBytesInUse",
    "metrics.f1_score",
    "metrics.streaming_accuracy",
    "metrics.streaming_auc",
    "metrics.streaming_concat",
    "metrics.streaming_mean_iou",
    "metrics.streaming_pearson_correlation",
    "nn.alpha_dropout",
    "nn.conv1d_transpose",
    "nn.deprecated_flipped_softmax_cross_entropy_with_logits",
    "nn.nth_element",
    "nn.rank_sampled_softmax_loss",
    "nn.sampled_sparse_softmax_loss",
    "nn.scaled_softplus",
    "opt.AdamWOptimizer",
    "opt.AddSignOptimizer",
    "opt.DropStaleGradientOptimizer",
    "opt.ElasticAverageOptimizer",
    "opt.GGTOptimizer",
    "opt.LARSOptimizer",
    "opt.LazyAdamOptimizer",
    "opt.ModelAverageOptimizer",
    "opt.MovingAverageOptimizer",
    "opt.MultitaskOptimizerWrapper",
    "opt.NadamOptimizer",
    "opt.PowerSignOptimizer",
    "opt.ScipyOptimizerInterface",
    "opt.ShampooOptimizer",
    "opt.VariableClippingOptimizer",
    "opt.extend_with_decoupled_weight_decay",
    "periodic_resample.periodic_resample",
    "predictor.from_contrib_estimator",
    "predictor.from_estimator",
    "predictor.from_saved_model",
    "proto.decode_proto",
    "quantize.create_eval_graph",
    "quantize.create_training_graph",
    "quantize.experimental_create_training_graph",
    "rate.Rate",
    "receptive_field.compute_receptive_field_from_graph_def",
    "recurrent.functional_rnn",
    "reduce_slice_ops.reduce_slice_sum",
    "resampler.resampler",
    "rnn.AttentionCellWrapper",
    "rnn.BasicLSTMCell",
    "rnn.Conv2DLSTMCell",
    "rnn.ConvLSTMCell",
    "rnn.CoupledInputForgetGateLSTMCell",
    "rnn.EmbeddingWrapper",
    "rnn.FusedRNNCellAdaptor",
    "rnn.GRUBlockCell",
    "rnn.GRUBlockCellV2",
    "rnn.GridLSTMCell",
    "rnn.HighwayWrapper",
    "rnn.IndyLSTMCell",
    "rnn.InputProjectionWrapper",
    "rnn.LSTMBlockCell",
    "rnn.LSTMBlockFusedCell",
    "rnn.LayerNormBasicLSTMCell",
    "rnn.NASCell",
    "rnn.OutputProjectionWrapper",
    "rnn.TimeFreqLSTMCell",
    "rnn.UGRNNCell",
    "rnn.stack_bidirectional_dynamic_rnn",
    "rnn.stack_bidirectional_rnn",
    "seq2seq.AttentionWrapper",
    "seq2seq.BahdanauAttention",
    "seq2seq.BeamSearchDecoder",
    "seq2seq.GreedyEmbeddingHelper",
    "seq2seq.LuongAttention",
    "seq2seq.dynamic_decode",
    "seq2seq.hardmax",
    "seq2seq.sequence_loss",
    "session_bundle.exporter",
    "signal.hann_window",
    "signal.stft",
    "slim.conv2d",
    "sparsemax.sparsemax",
    "sparsemax.sparsemax_loss",
    "specs.python",
    "staging.StagingArea",
    "summary.all_summary_ops",
    "summary.always_record_summaries",
    "summary.audio",
    "summary.create_file_writer",
    "summary.create_summary_file_writer",
    "summary.flush",
    "summary.generic",
    "summary.graph",
    "summary.histogram",
    "summary.image",
    "summary.import_event",
    "summary.initialize",
    "summary.never_record_summaries",
    "summary.record_summaries_every_n_global_steps",
    "summary.scalar",
    "summary.should_record_summaries",
    "summary.summary_writer_initializer_op",
    "tensor_forest.python.tensor_forest.ForestHParams",
    "testing.FakeSummaryWriter",
    "text.skip_gram_sample",
    "timeseries.StructuralEnsembleRegressor",
    "tpu.CrossShardOptimizer",
    "tpu.DeviceAssignment",
    "tpu.InfeedQueue",
    "tpu.InputPipelineConfig",
    "tpu.RunConfig",
    "tpu.TPUConfig",
    "tpu.TPUDistributionStrategy",
    "tpu.TPUEstimator",
    "tpu.TPUEstimatorSpec",
    "tpu.Topology",
    "tpu.core",
    "tpu.device_assignment",
    "tpu.infeed_dequeue",
    "tpu.initialize_system",
    "tpu.keras_to_tpu_model",
    "tpu.outfeed_enqueue",
    "tpu.repeat",
    "tpu.shard",
    "tpu.while_loop",
    "training.FeedingQueueRunner",
    "training.HParams",
    "training.NextQueuedSequenceBatch",
    "training.SequenceQueueingStateSaver",
    "training.batch_sequences_with_states",
    "training.bucket",
    "training.bucket_by_sequence_length",
    "training.python.training.hparam.HParams",
    "training.rejection_sample",
    "training.resample_at_rate",
    "training.stratified_sample",
    "training.weighted_resample",
    "util.loader.load_op_library",
    "util.make_tensor_proto",
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


@pytest.mark.parametrize(
    "symbol",
    ["losses.softmax_cross_entropy", "summary.scalar", "nn.conv1d_transpose"],
)
def test_a_same_named_home_that_differs_is_named_with_the_difference(
    symbol: str, catalogue: Catalogue
) -> None:
    # Not a drop-in (argument order or names differ): no fix, but no "no successor" either.
    source = f"import tensorflow as tf\nx = tf.contrib.{symbol}(a, b)\n"
    (finding,) = detect(source, catalogue, Settings()).findings
    assert finding.code not in NO_SUCCESSOR and finding.fix is None
    assert "the same name" in finding.message or "the same operation" in finding.message


@pytest.mark.parametrize("target", TARGETS)
def test_no_contrib_symbol_without_successor_has_a_home(catalogue: Catalogue, target: str) -> None:
    symbols = ["tensorflow.contrib." + s for s in SEEN_IN_REAL_CODE + CONTRIB_NAMES]
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
        ("linalg.LinearOperatorDiag", "tf.linalg.LinearOperatorDiag"),
        ("distribute.get_replica_context", "tf.compat.v1.distribute.get_replica_context"),
        ("autograph.to_graph", "tf.compat.v1.autograph.to_graph"),
        ("losses.get_total_loss", "tf.compat.v1.losses.get_total_loss"),
        ("keras.layers.Dense", "tf.keras.layers.Dense"),
        ("data.CheckpointInputPipelineHook", "tf.data.experimental.CheckpointInputPipelineHook"),
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
