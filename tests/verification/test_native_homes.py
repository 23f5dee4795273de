"""A compat-only TF1 function rewritten to its TF2 home computes what TF1 computed.

One sample per way the generator maps a call onto the TF2 function (TensorFlow's deprecated
keyword pairs, a keyword rename its deprecation note names, positional arguments kept or
moved to keywords, a module move, code already on `tf.compat.v1`): the TF1 call runs in a
graph session on `tf.compat.v1`, the `fix --level native --unsafe` output runs eagerly on
TensorFlow 2, and both give the same values of the same dtype.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pytest

from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

pytestmark = pytest.mark.tensorflow

CATALOGUE = load_catalogue()
IMPORT = "import tensorflow as tf\n"
SPARSE = "sp = tf.SparseTensor(indices=[[0, 0], [1, 2], [1, 0]], values=[3.0, 4.0, -1.0], dense_shape=[2, 3])\n"  # noqa: E501
MATRIX = "x = tf.constant([[1.0, 7.0, 2.0], [5.0, -3.0, 9.0]])\n"
LOGITS = "logits = tf.math.log([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])\n"
LABELS = "labels = tf.constant([0, 1, 2, 2])\npredictions = tf.constant([0, 2, 2, 1])\n"
IMAGE = "img = tf.reshape(tf.range(32.0), [1, 2, 2, 8])\n"
VARIABLE = "v = tf.Variable([5.0, -1.0])\n"
EXAMPLE = (
    "ser = tf.train.Example(features=tf.train.Features(feature={'a': tf.train.Feature("
    "int64_list=tf.train.Int64List(value=[7, 8]))})).SerializeToString()\n"
)
INTS = "arr = tf.constant([1, 1, 3, 0, 3, 3])\n"
CSV = "records = tf.constant(['1;2.5', '4;-1'])\n"
COUNTER = "step = tf.Variable(3, dtype=tf.int64)\n"

# (inputs, the TF1 line assigning `y`, the native rewrite of that line)
SAMPLES = [
    # TF's deprecated keyword pairs (reduction_axes/keep_dims) onto the TF2 function that TF2
    # exports under the TF1 function's other name (`sparse.reduce_max`).
    (
        SPARSE,
        "y = tf.sparse_reduce_max(sp, reduction_axes=1, keep_dims=True)",
        "y = tf.sparse.reduce_max(sp, axis=1, keepdims=True)",
    ),
    # Positional arguments whose slots mean the same in TF2 stay positional.
    (SPARSE, "y = tf.sparse_reduce_sum(sp, 0, True)", "y = tf.sparse.reduce_sum(sp, 0, True)"),
    # The home named by the deprecation note, with `dimension` -> `axis`.
    (MATRIX, "y = tf.arg_max(x, dimension=1)", "y = tf.math.argmax(x, axis=1)"),
    # `tf.math.argmin` took `name` third in TF1: the third argument is passed by keyword, so
    # that the rewritten call reads the same as TF1 and as TF2 code.
    (MATRIX, "y = tf.arg_min(x, 0, tf.int32)", "y = tf.math.argmin(x, 0, output_type=tf.int32)"),
    # `output_dtype` -> `dtype`; a stateless sampler, so both runs draw the same samples.
    (
        LOGITS,
        "y = tf.random.stateless_multinomial(logits, 5, [3, 4], output_dtype=tf.int32)",
        "y = tf.random.stateless_categorical(logits, 5, [3, 4], dtype=tf.int32)",
    ),
    # A positional argument whose slot moved in TF2 is passed by keyword.
    (
        LABELS,
        "y = tf.confusion_matrix(labels, predictions, 3, tf.int64)",
        "y = tf.math.confusion_matrix(labels, predictions, 3, dtype=tf.int64)",
    ),
    # A module move with the same parameters.
    (IMAGE, "y = tf.space_to_depth(img, 2)", "y = tf.nn.space_to_depth(img, 2)"),
    (MATRIX, "y = tf.manip.reshape(x, [3, 2])", "y = tf.reshape(x, [3, 2])"),
    # Code already on tf.compat.v1 moves to the TF2 home with its arguments too.
    (MATRIX, "y = tf.compat.v1.arg_max(x, dimension=0)", "y = tf.math.argmax(x, axis=0)"),
    # More homes, one call each.
    (
        INTS,
        "y = tf.bincount(arr, minlength=5, dtype=tf.float32)",
        "y = tf.math.bincount(arr, minlength=5, dtype=tf.float32)",
    ),
    (MATRIX, "y = tf.check_numerics(x, 'bad')", "y = tf.debugging.check_numerics(x, 'bad')"),
    (
        CSV,
        "y = tf.decode_csv(records, [[0], [1.0]], ';')[1]",
        "y = tf.io.decode_csv(records, [[0], [1.0]], ';')[1]",
    ),
    (IMAGE, "y = tf.depth_to_space(img, 2)", "y = tf.nn.depth_to_space(img, 2)"),
    (
        MATRIX,
        "y = tf.linalg.transpose(x, conjugate=True)",
        "y = tf.linalg.matrix_transpose(x, conjugate=True)",
    ),
    (
        MATRIX,
        "y = tf.manip.gather_nd(x, [[1, 2], [0, 0]])",
        "y = tf.gather_nd(x, [[1, 2], [0, 0]])",
    ),
    (SPARSE, "y = tf.serialize_sparse(sp, 'ser')", "y = tf.io.serialize_sparse(sp, name='ser')"),
    (
        MATRIX,
        "y = tf.sparse_segment_sum(x, [0, 1], [0, 0])",
        "y = tf.sparse.segment_sum(x, [0, 1], [0, 0])",
    ),
    (
        MATRIX,
        "y = tf.sparse_segment_mean(x, [0, 1], [0, 1], num_segments=3)",
        "y = tf.sparse.segment_mean(x, [0, 1], [0, 1], num_segments=3)",
    ),
    (
        MATRIX,
        "y = tf.sparse_segment_sqrt_n(x, [0, 1], [0, 0])",
        "y = tf.sparse.segment_sqrt_n(x, [0, 1], [0, 0])",
    ),
    (
        MATRIX,
        "y = tf.count_nonzero(x, reduction_indices=1, keep_dims=True)",
        "y = tf.math.count_nonzero(x, axis=1, keepdims=True)",
    ),
    (
        "s = tf.constant(['1.5', '-2'])\n",
        "y = tf.string_to_number(string_tensor=s)",
        "y = tf.strings.to_number(input=s)",
    ),
    (
        MATRIX,
        "y = tf.verify_tensor_all_finite(t=x, msg='bad')",
        "y = tf.debugging.assert_all_finite(x=x, message='bad')",
    ),
    (
        EXAMPLE,
        "y = tf.parse_single_example(ser, {'a': tf.io.FixedLenFeature([2], tf.int64)})['a']",
        "y = tf.io.parse_single_example(ser, {'a': tf.io.FixedLenFeature([2], tf.int64)})['a']",
    ),
    (
        "sp = tf.SparseTensor(indices=[[0, 1], [1, 0]], values=[1, 2], dense_shape=[2, 2])\n",
        "y = tf.serialize_many_sparse(sp)",
        "y = tf.io.serialize_many_sparse(sp)",
    ),
    (
        EXAMPLE,
        "y = tf.parse_example([ser], {'a': tf.io.FixedLenFeature([2], tf.int64)}, 'p')['a']",
        "y = tf.io.parse_example([ser], {'a': tf.io.FixedLenFeature([2], tf.int64)}, name='p')['a']",  # noqa: E501,
    ),
    (
        "path = '/nonexistent/model'\n",
        "y = tf.saved_model.loader.maybe_saved_model_directory(path)",
        "y = tf.saved_model.contains_saved_model(path)",
    ),
    (
        "path = '/nonexistent/model'\n",
        "y = tf.saved_model.maybe_saved_model_directory(path)",
        "y = tf.saved_model.contains_saved_model(path)",
    ),
    # A function TF2 keeps as a method of the variable (hand-written rule TF705).
    (VARIABLE, "y = tf.assign_sub(v, [1.5, 0.5])", "y = v.assign_sub([1.5, 0.5])"),
    (
        VARIABLE,
        "y = tf.assign(ref=v, value=[2.0, 3.0], name='reset')",
        "y = v.assign([2.0, 3.0], name='reset')",
    ),
    (COUNTER, "y = tf.assign_add(step, 4)", "y = step.assign_add(4)"),
]


def native(source: str) -> str:
    outcome = fix_all(source, CATALOGUE, Settings(level="native"), unsafe=True)
    assert outcome.error is None and outcome.failed == []
    return outcome.source


def run_tf1(tf: ModuleType, code: str) -> Any:
    """`code` with `tf` meaning tf.compat.v1, in a graph, evaluated by a session."""
    graph = tf.Graph()
    with graph.as_default():
        names: dict[str, Any] = {"tf": tf.compat.v1}
        exec(code, names)
        init = tf.compat.v1.global_variables_initializer()
        with tf.compat.v1.Session(graph=graph) as session:
            session.run(init)
            if isinstance(names["y"], bool):
                return np.asarray(names["y"])  # computed when called, no graph involved
            return session.run(names["y"])


def run_tf2(tf: ModuleType, code: str) -> Any:
    names: dict[str, Any] = {}
    exec(code, names)
    assert names["tf"] is tf
    return np.asarray(names["y"]) if isinstance(names["y"], bool) else names["y"].numpy()


@pytest.mark.parametrize(("inputs", "before", "after"), SAMPLES)
def test_native_home_computes_what_tf1_computed(
    tf: ModuleType, inputs: str, before: str, after: str
) -> None:
    fixed = native(IMPORT + inputs + before + "\n")
    assert fixed == IMPORT + inputs + after + "\n"
    expected = run_tf1(tf, inputs + before)
    got = run_tf2(tf, fixed)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_a_call_no_tf2_home_takes_keeps_tf1_behaviour(tf: ModuleType) -> None:
    """A keyword the TF2 home lacks: the native level keeps the call on tf.compat.v1."""
    before = "y = tf.arg_max(x, dimension=1, name=None, foo=1)"
    fixed = native(IMPORT + MATRIX + before + "\n")
    assert fixed == IMPORT + MATRIX + "y = tf.compat.v1.arg_max(x, dimension=1, name=None, foo=1)\n"


def test_a_home_refused_by_measurement_differs_and_stays_on_compat(tf: ModuleType) -> None:
    """`[native_refused]` in catalogue_groups.toml: `tf.sparse_matmul` names
    `tf.linalg.matmul` as its replacement, but their result types differ for bfloat16."""
    inputs = "a = tf.constant([[1.0, 2.0], [3.0, 4.0]], tf.bfloat16)\n"
    before = "y = tf.sparse_matmul(a, a)"
    assert native(IMPORT + inputs + before + "\n") == IMPORT + inputs + (
        "y = tf.compat.v1.sparse_matmul(a, a)\n"
    )
    tf1 = run_tf1(tf, inputs + before)
    tf2 = run_tf2(tf, IMPORT + inputs + "y = tf.linalg.matmul(a, a)")
    assert tf1.dtype != tf2.dtype
