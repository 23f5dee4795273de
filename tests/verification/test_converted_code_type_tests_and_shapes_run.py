"""Issue #21: lines of converted real projects that still failed on TensorFlow 2.21, run there.

gpflow 1.5.1 skips TF1 iterators with `isinstance(v, tf.data.Iterator)` before it asks
`report_uninitialized_variables` about the rest; TF2's class of that name rejects the iterator
`tf.compat.v1.data.make_initializable_iterator` makes, which then reaches the op and raises.
TF969's fix makes the program run again. magenta 1.1.7 computes a dimension with `1. /`: TF706
must report exactly the shapes TensorFlow 2.21 refuses.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

pytestmark = pytest.mark.tensorflow

GPFLOW = """\
import tensorflow as tf
tf.compat.v1.disable_v2_behavior()


def uninitialized(items, session):
    report = []
    for v in items:
        if isinstance(v, (tuple, list)):
            continue
        elif isinstance(v, tf.data.Iterator):
            continue
        else:
            report.append(v)
    return [n.decode() for n in session.run(tf.compat.v1.report_uninitialized_variables(report))]


it = tf.compat.v1.data.make_initializable_iterator(tf.data.Dataset.range(3))
w = tf.compat.v1.get_variable("w", [2])
with tf.compat.v1.Session() as session:
    OUT = uninitialized([it, w], session)
"""

# Shapes given to `set_shape` where n = 4: each division is whole, so TF1 took every one.
SHAPES = [
    "[n / 2]",
    "[None, n * 0.5]",
    "[mul_or_none(n, 1. / 2)]",
    "[n * 0.5 // 1]",
    "[np.sqrt(n * 4)]",
    "[n // 2]",
    "[None, n * 2]",
    "[int(n / 2)]",
    "[round(n * 0.5)]",
    "[int(np.sqrt(n * 4))]",
    "[mul_or_none(n, 2)]",
]

RUNNER = """
import json, sys
import numpy as np
import tensorflow as tf

def mul_or_none(a, b):
    return None if a is None or b is None else a * b

results = {}
for name, source in json.loads(sys.argv[1]).items():
    space = {"tf": tf, "np": np, "mul_or_none": mul_or_none}
    try:
        with tf.Graph().as_default():
            exec(source, space)
        results[name] = ["ok", repr(space.get("OUT"))]
    except Exception as error:
        results[name] = [type(error).__name__, str(error)[:200]]
print(json.dumps(results))
"""


def _run(programs: dict[str, str]) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(programs)],
        capture_output=True,
        text=True,
        timeout=300,
        env={"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "PATH": "/usr/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_gpflow_skips_its_iterator_again_after_the_fix(catalogue: Catalogue) -> None:
    outcome = fix_all(GPFLOW, catalogue, Settings())
    assert outcome.error is None
    assert "isinstance(v, (tf.data.Iterator, tf.compat.v1.data.Iterator))" in outcome.source
    tf1_shape = [
        f"n = 4\ny = tf.compat.v1.placeholder(tf.float32)\ny.set_shape({s})" for s in SHAPES
    ]
    programs = {"before": GPFLOW, "after": outcome.source}
    programs.update({shape: source for shape, source in zip(SHAPES, tf1_shape, strict=True)})
    results = _run(programs)

    assert results["before"][0] == "AttributeError", results["before"]
    assert results["after"] == ["ok", "['w']"]

    for shape, source in zip(SHAPES, tf1_shape, strict=True):
        reported = any(
            f.code == "TF706"
            for f in detect("import tensorflow as tf\n" + source, catalogue).findings
        )
        refused = results[shape][0] == "TypeError"
        assert reported == refused, (shape, results[shape])
    assert sum(results[s][0] == "TypeError" for s in SHAPES) == 5  # both kinds are exercised
