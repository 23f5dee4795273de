"""TF919 warns exactly where `tf.compat.v1.losses.mean_pairwise_squared_error`, run eagerly,
computes another loss than TF1's graph did: each `weights` spelling runs as TF1 code (a
graph and a session on `tf.compat.v1`) and as what TF915's fix writes, run eagerly on
TensorFlow 2; the two differ for the spellings TF919 reports and agree for the others.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

pytestmark = pytest.mark.tensorflow

CATALOGUE = load_catalogue()
IMPORT = "import tensorflow as tf\n"
INPUTS = (
    "import numpy as np\n"
    "y = np.array([[1.0, 2.0, 3.0], [4.0, 0.0, 1.0]], np.float32)\n"
    "z = np.array([[0.0, 2.0, 1.0], [1.0, 1.0, 1.0]], np.float32)\n"
    "mask = np.array([[1.0], [0.5]], np.float32)\n"
)
WEIGHTS = [
    "",
    ", 2.0",
    ", weights=-0.5",
    ", weights=True",
    ", weights=mask",
    ", [[1.0], [2.0]]",
    # A scalar made of a single number: the same shortcut as the number itself.
    ", weights=tf.constant(2.0)",
    ", weights=np.float32(0.5)",
    ", weights=np.array(3.0)",
    ", weights=tf.constant(2.0, shape=[2, 1])",  # per example: TF1's count
    ", weights=np.array([[1.0], [3.0]])",
]


def _graph_value(tf: ModuleType, code: str) -> Any:
    with tf.Graph().as_default():
        names: dict[str, Any] = {"tf": tf.compat.v1}
        exec(code, names)
        with tf.compat.v1.Session() as session:
            return session.run(names["loss"])


@pytest.mark.parametrize("weights", WEIGHTS)
def test_the_warning_is_given_where_the_eager_loss_differs(tf: ModuleType, weights: str) -> None:
    call = f"loss = tf.losses.mean_pairwise_squared_error(y, z{weights})\n"
    source = IMPORT + INPUTS + call
    warned = any(f.code == "TF919" for f in detect(source, CATALOGUE).findings)
    fixed = fix_all(source, CATALOGUE, Settings()).source
    assert "tf.compat.v1.losses.mean_pairwise_squared_error(" in fixed
    names: dict[str, Any] = {}
    exec(fixed, names)
    eager = names["loss"].numpy()
    graph = _graph_value(tf, INPUTS + call)
    assert warned == (not np.isclose(eager, graph)), (weights, eager, graph)
