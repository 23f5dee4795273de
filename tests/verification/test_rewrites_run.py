"""Rewrites of issue #21 (items 4-11) run on TensorFlow 2.21: each TF1 snippet runs as TF1 code
(`tensorflow.compat.v1` with v2 behaviour disabled) in one process, the engine's fix of it as
TF2 code in another, and the values they compute must agree; where the claim is that the
unfixed call fails in TF2, that is checked too.

contrib is in no TF2 release: the TF1 side reads `tf.contrib.layers` initializers from tf_slim
(contrib's own code, copied) and `tf.contrib.framework.nest` from TensorFlow's internal nest
module, which contrib exported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass

import pytest

from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

pytestmark = pytest.mark.tensorflow

CATALOGUE = load_catalogue()


@dataclass(frozen=True)
class Case:
    name: str
    tf1: str  # TF1 code; `result` holds what both sides compute
    level: str = "compat"
    expected: str = ""  # a fragment the fix must write (so the case tests the fix it means)


CASES = [
    Case(
        "star-args-keyword-renamed",
        "s = tf.constant([[1.0, 2.0], [3.0, 4.0]])\nrest = ()\n"
        "result = tf.reduce_logsumexp(s, axis=0, keep_dims=True, *rest)",
        expected="keepdims=True, *rest",
    ),
    Case(
        "star-kwargs-keyword-renamed",
        "s = tf.constant([[1.0, 2.0], [3.0, 4.0]])\nkw = {'name': 'm'}\n"
        "result = tf.reduce_min(s, reduction_indices=[1], **kw)",
        expected="axis=[1], **kw",
    ),
    Case(
        "name-scope-default-name",
        "x = tf.constant(1.0)\nnames = []\nfor _ in range(2):\n"
        "    with tf.name_scope(None, 'head', [x]) as scope:\n"
        "        names.append(scope)\n"
        "def op(v, name=None):\n    with tf.name_scope(name, 'op', [v]) as scope:\n"
        "        return scope\n"
        "result = names + [op(x), op(x, 'given')]",
        expected="tf.name_scope('head')",
    ),
    *(
        Case(
            f"variance-scaling-{i}",
            f"init = tf.contrib.layers.variance_scaling_initializer({args})\n"
            "result = init([6, 5, 4, 3])",
            expected="tf.compat.v1.",
        )
        for i, args in enumerate(
            [
                "seed=7",
                "factor=1.0, mode='FAN_AVG', uniform=True, seed=7",
                "0.5, 'FAN_OUT', False, 7",
                "factor=3.0, mode='FAN_IN', uniform=True, seed=7, dtype=tf.float64",
            ]
        )
    ),
    Case(
        "xavier-normal",
        "init = tf.contrib.layers.xavier_initializer(uniform=False, seed=3)\n"
        "result = init([40, 30])",
        expected="variance_scaling_initializer(",
    ),
    Case(
        "xavier-conv2d",
        "init = tf.contrib.layers.xavier_initializer_conv2d(seed=3)\nresult = init([3, 3, 8, 4])",
        expected="glorot_uniform_initializer(",
    ),
    Case(
        "nest-dm-tree",
        "import collections\nnest = tf.contrib.framework.nest\n"
        "P = collections.namedtuple('P', 'a b')\n"
        "shallow = {'x': P(1, 2), 'y': [3]}\nfull = {'x': P([1, 2], {'k': 3}), 'y': [(4, 5)]}\n"
        "result = [repr(nest.flatten_up_to(shallow, full)),\n"
        "          repr(nest.map_structure_up_to(shallow, lambda *v: repr(v), full, full)),\n"
        "          repr(nest.flatten_with_tuple_paths(full)), repr(nest.flatten(full))]",
        expected="tree.flatten_up_to(",
    ),
    Case(
        "device-function-from-another-module",
        "from placement import chooser\nwith tf.device(chooser):\n    c = tf.constant(1.0)\n"
        "result = c.device",
        expected="tf.compat.v1.device(chooser)",
    ),
    Case(
        "removed-argument-value-matters-native",
        "p = tf.constant([[1.0, 2.0]])\nresult = tf.ones_like(p, optimize=False)",
        level="native",
        expected="tf.compat.v1.ones_like(p, optimize=False)",
    ),
    Case(
        "loss-reduction-enum",
        "result = [tf.losses.Reduction.SUM, tf.losses.Reduction.MEAN]",
        expected="tf.compat.v1.losses.Reduction.SUM",
    ),
]

# A device function living in another module (item 10): what TF1 code imported.
PLACEMENT = "def chooser(op):\n    return '/cpu:0'\n"

RUNNER = textwrap.dedent(
    """
    import contextlib, json, os, sys
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np
    side, cases = sys.argv[1], json.loads(sys.stdin.read())
    import tensorflow
    if side == "tf1":
        tensorflow.compat.v1.disable_v2_behavior()
        import tf_slim
        from tensorflow.python.util import nest as internal_nest
        class Layers:  # contrib.layers' initializers are tf_slim's
            variance_scaling_initializer = tf_slim.variance_scaling_initializer
            xavier_initializer = tf_slim.xavier_initializer
            xavier_initializer_conv2d = tf_slim.xavier_initializer_conv2d
        class Framework:
            nest = internal_nest
        class Contrib:
            layers, framework = Layers, Framework
        tensorflow.compat.v1.contrib = Contrib
    out = {}
    for name, code in cases.items():
        graph = tensorflow.Graph()
        try:
            with graph.as_default() if side != "eager" else contextlib.nullcontext():
                scope = {}
                exec(code, scope)
                result = scope["result"]
                if tensorflow.is_tensor(result):
                    with tensorflow.compat.v1.Session(graph=graph) as session:
                        result = session.run(result)
                out[name] = np.asarray(result).tolist() if not isinstance(result, list) else [
                    str(r) for r in result
                ]
        except Exception as error:
            out[name] = "raised " + type(error).__name__
    print(json.dumps(out))
    """
)


def _run(side: str, cases: dict[str, str], tmp_path: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": tmp_path, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, side],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        if "No module named" in done.stderr:
            pytest.skip(done.stderr.strip().splitlines()[-1])
        pytest.fail(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _close(a: object, b: object) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-5 + 1e-6 * abs(b)
    return a == b


def test_fixed_code_computes_what_the_tf1_code_did(tmp_path: object) -> None:
    (tmp_path / "placement.py").write_text(PLACEMENT)  # type: ignore[operator]
    tf1: dict[str, str] = {}
    tf2: dict[str, str] = {}
    unfixed: dict[str, str] = {}
    for case in CASES:
        source = "import tensorflow as tf\n" + case.tf1 + "\n"
        settings = Settings(level=case.level, target_version="2.21")  # type: ignore[arg-type]
        outcome = fix_all(source, CATALOGUE, settings, unsafe=True)
        assert case.expected in outcome.source, f"{case.name}: {outcome.source}"
        tf1[case.name] = "import tensorflow.compat.v1 as tf\n" + case.tf1
        tf2[case.name] = outcome.source
        unfixed[case.name] = source
    before = _run("tf1", tf1, str(tmp_path))
    # One TF2 process runs the fixed code and, under other keys, the unfixed TF1 code.
    both = _run("tf2", {**tf2, **{"unfixed " + k: v for k, v in unfixed.items()}}, str(tmp_path))
    after = {name: both[name] for name in tf2}
    as_tf2 = {name: both["unfixed " + name] for name in unfixed}
    wrong = [
        f"{name}: TF1 {before[name]!r} but fixed {after[name]!r}"
        for name in tf1
        if not _close(before[name], after[name])
    ]
    assert not wrong, "\n".join(wrong)
    # The TF1 forms these rewrites exist for fail, or compute something else, in TF2.
    for name in ("star-args-keyword-renamed", "removed-argument-value-matters-native"):
        assert str(as_tf2[name]).startswith("raised TypeError"), (name, as_tf2[name])
    assert as_tf2["loss-reduction-enum"] != before["loss-reduction-enum"]
    assert str(as_tf2["device-function-from-another-module"]).startswith("raised")


def test_name_scope_rewrite_is_the_same_scope_in_eager_mode(tmp_path: object) -> None:
    """Item 5 in eager mode: TF1's `name_scope` (its tf.compat.v1 spelling) and the rewrite
    open scopes of the same name."""
    [case] = [c for c in CASES if c.name == "name-scope-default-name"]
    source = "import tensorflow as tf\n" + case.tf1 + "\n"
    fixed = fix_all(source, CATALOGUE, Settings()).source
    assert case.expected in fixed
    tf1 = "import tensorflow.compat.v1 as tf\n" + case.tf1
    ran = _run("eager", {"tf1": tf1, "fixed": fixed}, str(tmp_path))
    assert ran["tf1"] == ran["fixed"] and not str(ran["tf1"]).startswith("raised")
