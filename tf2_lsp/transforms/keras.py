"""TF1 optimizers, learning-rate schedules and `tf.layers` functions -> their Keras classes
(native level). `tf.layers.dense(x, ...)` becomes `tf.keras.layers.Dense(...)(x)`."""

from __future__ import annotations

from dataclasses import replace

from tf2_lsp.transforms.call_map import CallMap, call_map_transform, refusing

OPTIMIZER_TRANSFORM = "keras_optimizer"
SCHEDULE_TRANSFORM = "lr_schedule"
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
        literal=(
            (
                "learning_rate",
                "TF1's momentum accumulates gradients and scales them by the current rate,"
                " Keras's accumulates steps already scaled: with a rate that changes (a decay,"
                " a variable) the updates differ",
            ),
        ),
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
        differs=(
            "TF1's RMSProp starts its mean square at 1, Keras's `RMSprop` at 0, so every step"
            " moves the weights by another amount"
        ),
    ),
    "tensorflow.train.AdagradOptimizer": CallMap(
        _OPT + "Adagrad",
        ("learning_rate", "initial_accumulator_value", "use_locking", "name"),
        ("learning_rate", "initial_accumulator_value"),
        drop=("use_locking",),
        pin=(("epsilon", "0.0"),),  # TF1's Adagrad adds none; Keras's adds 1e-7
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


TRANSFORMS = (
    replace(
        call_map_transform(
            OPTIMIZER_TRANSFORM,
            KERAS_OPTIMIZERS,
            refusing(_OPTIMIZER_REFUSED, "Keras optimizer"),
        ),
        falls_back=True,  # the compat optimizer keeps TF1's update where Keras's differs
    ),
    call_map_transform(SCHEDULE_TRANSFORM, LR_SCHEDULES, refusing(frozenset(), "Keras schedule")),
    replace(
        call_map_transform("keras_layer", KERAS_LAYERS, refusing(_LAYER_REFUSED, "Keras layer")),
        # A layer Keras cannot build as TF1 did (reuse, a fused kernel) keeps TF1's layer through
        # tf.compat.v1 rather than a `tf.layers` name TF2 does not have.
        falls_back=True,
    ),
)
