"""TF1 code, other than `tf.layers` and `get_variable`, that creates variables when it runs
(used by transforms/model_keras.py: a model function that runs it keeps the shim form).

In a Keras layer's `call` with no `track_tf1_style_variables`, such code makes fresh
variables at every call, which the layer neither owns nor trains, under other names than
TF1's checkpoint keys (TF 2.21: a contrib `layer_norm` or an LSTM cell in a native model
body lost its weights' keys and was re-initialised at each call).
"""

from __future__ import annotations

# Namespaces whose calls create variables: contrib and slim layers, RNN cells, Keras layers.
_CREATING_MODULES = (
    "tensorflow.contrib.",
    "tensorflow.nn.rnn_cell.",
    "tensorflow.keras.layers.",
    "tf_slim.",
)
_CREATING = frozenset(
    {
        "tensorflow.nn.dynamic_rnn",
        "tensorflow.nn.bidirectional_dynamic_rnn",
        "tensorflow.nn.static_rnn",
        "tensorflow.nn.static_bidirectional_rnn",
        "tensorflow.nn.static_state_saving_rnn",
        "tensorflow.nn.raw_rnn",
        "tensorflow.make_template",
        "tensorflow.train.ExponentialMovingAverage",
    }
)
# Factories of a penalty or an initializer (`tf.contrib.layers.l2_regularizer(0.1)` passed to
# a layer): they create no variable.
_FACTORY_SUFFIXES = ("_regularizer", "_initializer")


def creates_variables(name: str) -> bool:
    """Whether a call of `name` (a canonical name) creates TF1 variables other than through
    `tf.layers`: contrib and slim layers, RNN cells and their loops, Keras layers, templates."""
    if name.endswith(_FACTORY_SUFFIXES) or ".regularizers." in name or ".initializers." in name:
        return False
    return name in _CREATING or name.startswith(_CREATING_MODULES)
