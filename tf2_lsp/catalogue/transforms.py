"""Registry of the fixes that need code: what each one matches and which names it can emit.

Only `ast` here: detection consults `applies` on the keystroke path. The libcst rewrites with
the same names live in `rewrites.py` and load only when a fix is applied.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# `applies(call)` -> None: nothing to report; "": report with a fix; "reason": report, no fix.
Applies = Callable[[ast.Call], str | None]


@dataclass(frozen=True, slots=True)
class Transform:
    name: str
    applies: Applies
    emits: tuple[str, ...]  # every qualified name the rewrite can write (verified against TF)
    # Symbol -> the callable its rewrite writes, for transforms that map several TF1 symbols
    # onto different targets (each optimizer onto its own Keras class): messages and hovers
    # name the matched symbol's own target.
    targets: Mapping[str, str] = field(default_factory=dict)

    def target_for(self, symbol: str) -> str | None:
        """The callable this transform writes for `symbol`, if it writes one."""
        if symbol in self.targets:
            return self.targets[symbol]
        return self.emits[0] if self.emits and not self.targets else None


def _keyword(call: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == name), None)


def _has_star(call: ast.Call) -> bool:
    return any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    )


def _always(call: ast.Call) -> str | None:
    return "" if not _has_star(call) else "*args/**kwargs hide the arguments to convert"


def _xavier_applies(call: ast.Call) -> str | None:
    if _has_star(call):
        return "*args/**kwargs hide the arguments to convert"
    uniform = _keyword(call, "uniform")
    value = uniform.value if uniform else (call.args[0] if call.args else None)
    if value is not None and not (isinstance(value, ast.Constant) and value.value is True):
        # TF1's normal variant scales by 1.3 before truncating; no TF2 initializer matches it.
        return "only `uniform=True` has an exact TF2 equivalent"
    return ""


def _cast_applies(call: ast.Call) -> str | None:
    if _has_star(call) or not (call.args or _keyword(call, "x")):
        return "*args/**kwargs hide the arguments to convert"
    return ""


def _program_applies(call: ast.Call) -> str | None:
    return None


# -- native-level call mappings: TF1 function/class -> TF2 (Keras) callable ----------------


@dataclass(frozen=True, slots=True)
class CallMap:
    """How one TF1 call maps onto a TF2 callable, argument by argument.

    Positional arguments are named by `v1` (the TF1 order), then dropped (`drop`), renamed
    (`rename`) or scaled (`scale`, a numeric factor); they stay positional only while they line
    up with `v2` (the target's positional order). `pin` adds TF1 defaults the target does not
    share (as source text) when the call leaves them out. For Keras layers, `inputs` names the
    TF1 argument that becomes the layer's call argument and `call` the ones passed at call time.
    """

    target: str
    v1: tuple[str, ...]
    v2: tuple[str, ...]
    rename: tuple[tuple[str, str], ...] = ()
    drop: tuple[str, ...] = ()
    pin: tuple[tuple[str, str], ...] = ()
    scale: tuple[tuple[str, int], ...] = ()
    inputs: str | None = None
    call: tuple[str, ...] = ()
    # Written by position whatever the TF1 call did (the TF2 form TF1's function rejected).
    positional: tuple[str, ...] = ()


_OPT = "tensorflow.keras.optimizers."
_SCHED = "tensorflow.keras.optimizers.schedules."
_LAYER = "tensorflow.keras.layers."

KERAS_OPTIMIZERS: dict[str, CallMap] = {
    "tensorflow.train.GradientDescentOptimizer": CallMap(
        _OPT + "SGD",
        ("learning_rate", "use_locking", "name"),
        ("learning_rate",),
        drop=("use_locking",),
    ),
    "tensorflow.train.MomentumOptimizer": CallMap(
        _OPT + "SGD",
        ("learning_rate", "momentum", "use_locking", "name", "use_nesterov"),
        ("learning_rate", "momentum", "nesterov"),
        rename=(("use_nesterov", "nesterov"),),
        drop=("use_locking",),
    ),
    "tensorflow.train.AdamOptimizer": CallMap(
        _OPT + "Adam",
        ("learning_rate", "beta1", "beta2", "epsilon", "use_locking", "name"),
        ("learning_rate", "beta_1", "beta_2", "epsilon"),
        rename=(("beta1", "beta_1"), ("beta2", "beta_2")),
        drop=("use_locking",),
        pin=(("epsilon", "1e-08"),),
    ),
    "tensorflow.train.RMSPropOptimizer": CallMap(
        _OPT + "RMSprop",
        ("learning_rate", "decay", "momentum", "epsilon", "use_locking", "centered", "name"),
        ("learning_rate", "rho", "momentum", "epsilon", "centered"),
        rename=(("decay", "rho"),),
        drop=("use_locking",),
        pin=(("epsilon", "1e-10"),),
    ),
    "tensorflow.train.AdagradOptimizer": CallMap(
        _OPT + "Adagrad",
        ("learning_rate", "initial_accumulator_value", "use_locking", "name"),
        ("learning_rate", "initial_accumulator_value"),
        drop=("use_locking",),
    ),
    "tensorflow.train.AdadeltaOptimizer": CallMap(
        _OPT + "Adadelta",
        ("learning_rate", "rho", "epsilon", "use_locking", "name"),
        ("learning_rate", "rho", "epsilon"),
        drop=("use_locking",),
        pin=(("epsilon", "1e-08"),),
    ),
    "tensorflow.train.FtrlOptimizer": CallMap(
        _OPT + "Ftrl",
        (
            "learning_rate",
            "learning_rate_power",
            "initial_accumulator_value",
            "l1_regularization_strength",
            "l2_regularization_strength",
            "use_locking",
            "name",
            "accum_name",
            "linear_name",
            "l2_shrinkage_regularization_strength",
            "beta",
        ),
        (
            "learning_rate",
            "learning_rate_power",
            "initial_accumulator_value",
            "l1_regularization_strength",
            "l2_regularization_strength",
            "l2_shrinkage_regularization_strength",
            "beta",
        ),
        drop=("use_locking",),
    ),
}
# TF1 optimizer arguments with no Keras counterpart: the fix is refused when they are passed.
_OPTIMIZER_REFUSED = frozenset({"accum_name", "linear_name", "use_own_namescope_for_non_slot_vars"})

LR_SCHEDULES: dict[str, CallMap] = {
    "tensorflow.train.exponential_decay": CallMap(
        _SCHED + "ExponentialDecay",
        ("learning_rate", "global_step", "decay_steps", "decay_rate", "staircase", "name"),
        ("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"),
        rename=(("learning_rate", "initial_learning_rate"),),
        drop=("global_step",),
    ),
    "tensorflow.train.inverse_time_decay": CallMap(
        _SCHED + "InverseTimeDecay",
        ("learning_rate", "global_step", "decay_steps", "decay_rate", "staircase", "name"),
        ("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"),
        rename=(("learning_rate", "initial_learning_rate"),),
        drop=("global_step",),
    ),
    "tensorflow.train.polynomial_decay": CallMap(
        _SCHED + "PolynomialDecay",
        (
            "learning_rate",
            "global_step",
            "decay_steps",
            "end_learning_rate",
            "power",
            "cycle",
            "name",
        ),
        ("initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle", "name"),
        rename=(("learning_rate", "initial_learning_rate"),),
        drop=("global_step",),
    ),
    "tensorflow.train.cosine_decay": CallMap(
        _SCHED + "CosineDecay",
        ("learning_rate", "global_step", "decay_steps", "alpha", "name"),
        ("initial_learning_rate", "decay_steps", "alpha", "name"),
        rename=(("learning_rate", "initial_learning_rate"),),
        drop=("global_step",),
    ),
    "tensorflow.train.cosine_decay_restarts": CallMap(
        _SCHED + "CosineDecayRestarts",
        ("learning_rate", "global_step", "first_decay_steps", "t_mul", "m_mul", "alpha", "name"),
        ("initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha", "name"),
        rename=(("learning_rate", "initial_learning_rate"),),
        drop=("global_step",),
    ),
    "tensorflow.train.piecewise_constant": CallMap(
        _SCHED + "PiecewiseConstantDecay",
        ("x", "boundaries", "values", "name"),
        ("boundaries", "values", "name"),
        drop=("x",),
    ),
}

# The TF1 parameters tf.layers.dense and tf.layers.conv2d share after their own leading ones.
_LAYER_TAIL_V1 = (
    "activation",
    "use_bias",
    "kernel_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "bias_constraint",
    "trainable",
    "name",
    "reuse",
)
_DENSE_V1 = ("inputs", "units", *_LAYER_TAIL_V1)
_CONV2D_V1 = (
    "inputs",
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    *_LAYER_TAIL_V1,
)
_BATCH_NORM_V1 = (
    "inputs",
    "axis",
    "momentum",
    "epsilon",
    "center",
    "scale",
    "beta_initializer",
    "gamma_initializer",
    "moving_mean_initializer",
    "moving_variance_initializer",
    "beta_regularizer",
    "gamma_regularizer",
    "beta_constraint",
    "gamma_constraint",
    "training",
    "trainable",
    "name",
    "reuse",
    "renorm",
    "renorm_clipping",
    "renorm_momentum",
    "fused",
    "virtual_batch_size",
    "adjustment",
)

KERAS_LAYERS: dict[str, CallMap] = {
    "tensorflow.layers.dense": CallMap(
        _LAYER + "Dense",
        _DENSE_V1,
        ("units", "activation", "use_bias"),
        inputs="inputs",
    ),
    "tensorflow.layers.conv2d": CallMap(
        _LAYER + "Conv2D",
        _CONV2D_V1,
        ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate"),
        inputs="inputs",
    ),
    "tensorflow.layers.max_pooling2d": CallMap(
        _LAYER + "MaxPooling2D",
        ("inputs", "pool_size", "strides", "padding", "data_format", "name"),
        ("pool_size", "strides", "padding", "data_format", "name"),
        inputs="inputs",
    ),
    "tensorflow.layers.flatten": CallMap(
        _LAYER + "Flatten",
        ("inputs", "name", "data_format"),
        ("data_format",),
        inputs="inputs",
    ),
    "tensorflow.layers.dropout": CallMap(
        _LAYER + "Dropout",
        ("inputs", "rate", "noise_shape", "seed", "training", "name"),
        ("rate", "noise_shape", "seed"),
        inputs="inputs",
        call=("training",),
    ),
    "tensorflow.layers.batch_normalization": CallMap(
        _LAYER + "BatchNormalization",
        _BATCH_NORM_V1,
        ("axis", "momentum", "epsilon"),
        inputs="inputs",
        call=("training",),
    ),
}
# tf.layers arguments that Keras layers do not take (variable-scope reuse, fused kernels, ...).
_LAYER_REFUSED = frozenset({"reuse", "fused", "virtual_batch_size", "adjustment"})

FILE_WRITER = CallMap(
    "tensorflow.summary.create_file_writer",
    ("logdir", "graph", "max_queue", "flush_secs", "graph_def", "filename_suffix", "session"),
    ("logdir", "max_queue", "flush_millis", "filename_suffix", "name"),
    rename=(("flush_secs", "flush_millis"),),
    scale=(("flush_secs", 1000),),
)
_FILE_WRITER_REFUSED = frozenset({"graph", "graph_def", "session"})

# TF1 exported the TF2 behaviour of these under `_v2` names; TF2 gave it the plain name, which
# TF1 code uses for the old function. The rewrite writes the one form TF1 code cannot contain:
# labels and logits by position (TF1's softmax_cross_entropy_with_logits took keywords only),
# and ctc_loss's lengths by keyword (TF1's ctc_loss had sequence_length in that position).
TF2_TWINS: dict[str, CallMap] = {
    "tensorflow.nn.softmax_cross_entropy_with_logits_v2": CallMap(
        "tensorflow.nn.softmax_cross_entropy_with_logits",
        ("labels", "logits", "axis", "name", "dim"),
        ("labels", "logits"),
        rename=(("dim", "axis"),),
        positional=("labels", "logits"),
    ),
    "tensorflow.nn.ctc_loss_v2": CallMap(
        "tensorflow.nn.ctc_loss",
        (
            "labels",
            "logits",
            "label_length",
            "logit_length",
            "logits_time_major",
            "unique",
            "blank_index",
            "name",
        ),
        ("labels", "logits"),
    ),
}

CALL_MAPS: dict[str, dict[str, CallMap]] = {
    "keras_optimizer": KERAS_OPTIMIZERS,
    "lr_schedule": LR_SCHEDULES,
    "keras_layer": KERAS_LAYERS,
    "file_writer": {"tensorflow.summary.FileWriter": FILE_WRITER},
    "tf2_twin": TF2_TWINS,
}


def _refusing(keywords: frozenset[str], what: str) -> Applies:
    def applies(call: ast.Call) -> str | None:
        if _has_star(call):
            return "*args/**kwargs hide the arguments to convert"
        for keyword in call.keywords:
            if keyword.arg in keywords:
                return f"`{keyword.arg}=` has no {what} equivalent"
        return ""

    return applies


def _file_writer_applies(call: ast.Call) -> str | None:
    if len(call.args) >= 2:
        return "TF2 file writers take no graph (trace a tf.function with tf.summary.trace_on)"
    return _refusing(_FILE_WRITER_REFUSED, "tf.summary.create_file_writer")(call)


def _is_stop_gradient(node: ast.expr) -> bool:
    func = node.func if isinstance(node, ast.Call) else None
    return (isinstance(func, ast.Attribute) and func.attr == "stop_gradient") or (
        isinstance(func, ast.Name) and func.id == "stop_gradient"
    )


def _softmax_xent_applies(call: ast.Call) -> str | None:
    labels = _keyword(call, "labels")
    if labels is not None and _is_stop_gradient(labels.value) and _keyword(call, "dim") is None:
        return None  # already keeps the TF1 gradient behaviour
    if _has_star(call):
        return "*args/**kwargs hide the arguments to convert"
    if call.args:
        # TF1's function raised on positional arguments (a `_sentinel` first parameter):
        # this is TF2 code, as the rewrite of softmax_cross_entropy_with_logits_v2 writes it.
        return None
    if labels is None:
        return "no `labels=` argument"
    return ""


def _emits(maps: dict[str, CallMap]) -> tuple[str, ...]:
    return tuple(sorted({m.target for m in maps.values()}))


def _targets(maps: dict[str, CallMap]) -> dict[str, str]:
    return {symbol: mapping.target for symbol, mapping in maps.items()}


TRANSFORMS: dict[str, Transform] = {
    t.name: t
    for t in (
        Transform("l2_regularizer", _always, ("tensorflow.nn.l2_loss",)),
        Transform("l1_regularizer", _always, ("tensorflow.reduce_sum", "tensorflow.abs")),
        Transform("l2_to_keras", _always, ("tensorflow.keras.regularizers.l2",)),
        Transform("l1_to_keras", _always, ("tensorflow.keras.regularizers.l1",)),
        Transform(
            "xavier_initializer",
            _xavier_applies,
            ("tensorflow.compat.v1.glorot_uniform_initializer",),
        ),
        Transform(
            "xavier_to_keras",
            _xavier_applies,
            ("tensorflow.keras.initializers.GlorotUniform",),
        ),
        Transform(
            "cast_to",
            _cast_applies,
            (
                "tensorflow.cast",
                "tensorflow.float32",
                "tensorflow.float64",
                "tensorflow.int32",
                "tensorflow.int64",
                "tensorflow.bfloat16",
                "tensorflow.complex64",
                "tensorflow.complex128",
            ),
        ),
        Transform("exact_type_to_isinstance", _always, ()),
        Transform("dimension_value", _always, ("tensorflow.compat.v1.dimension_value",)),
        Transform(
            "disable_v2_behavior", _program_applies, ("tensorflow.compat.v1.disable_v2_behavior",)
        ),
        Transform("method_to_function", _always, ()),  # its targets are the rule's `to` table
        Transform("attribute_to_function", _always, ()),  # likewise
        Transform("absl_app_run", _always, ("absl.app.run",)),
        Transform(
            "keras_optimizer",
            _refusing(_OPTIMIZER_REFUSED, "Keras optimizer"),
            _emits(KERAS_OPTIMIZERS),
            _targets(KERAS_OPTIMIZERS),
        ),
        Transform(
            "lr_schedule",
            _refusing(frozenset(), "Keras schedule"),
            _emits(LR_SCHEDULES),
            _targets(LR_SCHEDULES),
        ),
        Transform(
            "keras_layer",
            _refusing(_LAYER_REFUSED, "Keras layer"),
            _emits(KERAS_LAYERS),
            _targets(KERAS_LAYERS),
        ),
        Transform("file_writer", _file_writer_applies, (FILE_WRITER.target,)),
        Transform(
            "tf2_twin", _refusing(frozenset(), "TF2"), _emits(TF2_TWINS), _targets(TF2_TWINS)
        ),
        Transform(
            "softmax_xent_stop_gradient", _softmax_xent_applies, ("tensorflow.stop_gradient",)
        ),
    )
}

# `tf.to_float(x)` -> `tf.cast(x, tf.float32)`: the dtype each converter casts to.
CAST_DTYPES = {
    "tensorflow.to_float": "tensorflow.float32",
    "tensorflow.to_double": "tensorflow.float64",
    "tensorflow.to_int32": "tensorflow.int32",
    "tensorflow.to_int64": "tensorflow.int64",
    "tensorflow.to_bfloat16": "tensorflow.bfloat16",
    "tensorflow.to_complex64": "tensorflow.complex64",
    "tensorflow.to_complex128": "tensorflow.complex128",
}


def transform_target(name: str | None, symbol: str) -> str | None:
    """The callable transform `name` writes for `symbol`, if it writes one."""
    transform = TRANSFORMS.get(name or "")
    return transform.target_for(symbol) if transform is not None else None
