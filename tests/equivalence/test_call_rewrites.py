"""Rewrites of calls whose TF1 and TF2 signatures differ, run on TensorFlow: the fixed code
computes what the TF1 code computed (issue classes: an argument after a dropped one, pooling
on inputs of unknown rank)."""

from __future__ import annotations

import pytest

from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings
from tf2_lsp.verify.cases import Case, Outcome, RunTable

# One TensorFlow run per module: its tests stay on one xdist worker (`--dist loadgroup`).
pytestmark = [pytest.mark.tensorflow, pytest.mark.xdist_group("equivalence-calls")]

CATALOGUE = load_catalogue()
TF = "import tensorflow as tf\n"
SEQUENCE = "s = np.random.RandomState(0).rand(2, 9, 3).astype(np.float32)\n"
KERNEL_1D = "k = np.random.RandomState(1).rand(3, 3, 4).astype(np.float32)\n"
IMAGE = "img = np.random.RandomState(0).rand(2, 6, 6, 3).astype(np.float32)\n"
KERNEL_2D = "w = np.random.RandomState(1).rand(3, 3, 3, 4).astype(np.float32)\n"
# A placeholder of unknown rank, as TF1 code often had (`tf.placeholder(tf.float32)`).
UNKNOWN_RANK = (
    TF + "img = tf.compat.v1.placeholder(tf.float32)\n",
    {"img": "np.arange(72, dtype=np.float32).reshape(2, 6, 6, 1)"},
)

CALLS = {
    "conv1d-positional-after-dropped": (
        "y = tf.nn.conv1d(s, k, 2, 'VALID', True, 'NWC')", SEQUENCE + KERNEL_1D, {},
    ),
    "conv2d-positional-after-dropped": (
        "y = tf.nn.conv2d(img, w, [1, 1, 1, 1], 'SAME', True, 'NHWC', [1, 1, 1, 1], 'c')",
        IMAGE + KERNEL_2D, {},
    ),
    "conv2d-filters-keyword": (
        "y = tf.nn.conv2d(img, filters=w, strides=[1, 2, 2, 1], padding='VALID', "
        "use_cudnn_on_gpu=True, data_format='NHWC')",
        IMAGE + KERNEL_2D, {},
    ),
    "max-pool-unknown-rank": (
        "y = tf.nn.max_pool(value=img, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')",
        *UNKNOWN_RANK,
    ),
    "avg-pool-unknown-rank-positional": (
        "y = tf.nn.avg_pool(img, [1, 3, 3, 1], [1, 1, 1, 1], 'VALID', 'NHWC')",
        *UNKNOWN_RANK,
    ),
}  # fmt: skip


def _case(name: str, call: str, setup: str, feeds: dict[str, str]) -> Case:
    old = TF + call + "\n"
    fixed = fix_all(old, CATALOGUE, Settings(level="compat"))
    assert fixed.error is None
    return Case(name, old, fixed.source, RunTable(setup=setup, feeds=feeds, compare=("y",)))


@pytest.fixture(scope="module")
def outcomes(tensorflow_installed: None) -> dict[str, Outcome]:
    from tf2_lsp.verify.harness import run_cases

    cases = [_case(name, *spec) for name, spec in CALLS.items()]
    return {o.name: o for o in run_cases(cases)}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_the_fixed_call_computes_what_tf1_did(outcomes: dict[str, Outcome], name: str) -> None:
    outcome = outcomes[name]
    assert (outcome.status, outcome.reason) == ("proven", "")


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_second_fix_round_leaves_the_fixed_call_alone(name: str) -> None:
    case = _case(name, *CALLS[name])
    again = fix_all(case.new, CATALOGUE, Settings(level="compat"))
    assert again.source == case.new
