"""What kind of TensorFlow object a value is, for rules on methods (`ds.make_one_shot_iterator()`).

Method names like `save` or `run` are far too common to flag on any receiver (a PIL image has
`.save()`), so a method rule fires only when the receiver is known to be the TensorFlow object:
built by a TensorFlow call in the same scope, or chained from one.
"""

from __future__ import annotations

DATASET = "tensorflow.data.Dataset"
SESSION = "tensorflow.Session"
OPTIMIZER = "tensorflow.train.Optimizer"
SAVER = "tensorflow.train.Saver"
ITERATOR = "tensorflow.data.Iterator"
GRAPH = "tensorflow.Graph"

_EXACT_RETURNS = {
    "tensorflow.Session": SESSION,
    "tensorflow.InteractiveSession": SESSION,
    "tensorflow.train.MonitoredTrainingSession": SESSION,
    "tensorflow.train.Saver": SAVER,
    "tensorflow.Graph": GRAPH,
    "tensorflow.get_default_graph": GRAPH,
}
_DATASET_METHODS_NOT_RETURNING_DATASETS = frozenset(
    {
        "make_one_shot_iterator",
        "make_initializable_iterator",
        "as_numpy_iterator",
        "reduce",
        "cardinality",
        "get_single_element",
        "__iter__",
    }
)


def returned_type(qualified: str) -> str | None:
    """The type of `qualified(...)`, for the few TensorFlow constructors the rules care about."""
    if qualified in _EXACT_RETURNS:
        return _EXACT_RETURNS[qualified]
    if qualified.startswith("tensorflow.data.") and qualified.rsplit(".", 1)[-1][:1].isupper():
        return DATASET  # Dataset classes
    if qualified.startswith("tensorflow.data.Dataset.") or qualified.startswith(
        "tensorflow.data.experimental."
    ):
        return DATASET
    if qualified.startswith("tensorflow.train.") and qualified.endswith("Optimizer"):
        return OPTIMIZER
    return None


def method_result_type(receiver_type: str, method: str) -> str | None:
    """The type a method call on a known receiver returns (dataset pipelines chain)."""
    if receiver_type == DATASET:
        if method in ("make_one_shot_iterator", "make_initializable_iterator"):
            return ITERATOR
        if method not in _DATASET_METHODS_NOT_RETURNING_DATASETS:
            return DATASET
    return None


# TF1 callables that return a device function (canonical names).
FUNCTION_FACTORIES = frozenset({"tensorflow.train.replica_device_setter"})
