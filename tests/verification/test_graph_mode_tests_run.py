"""A project whose tests drive a graph-mode library: after `tf2-lsp fix`, its tests pass under
TensorFlow 2.21 with both test runners (`python -m pytest` and `python -m unittest`).

The library (`lib/model.py`) builds and runs a TF1 graph; the test modules only call it, one of
them without importing TensorFlow at all. Test runners import test modules and never run their
`__main__` block, and `python -m unittest` never reads a `conftest.py`, so each test module
gets the opt-out at module level after its imports (TF801).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.tensorflow

LIBRARY = """\
import tensorflow as tf


def build():
    x = tf.placeholder(tf.float32, [None, 2])
    w = tf.Variable(tf.ones([2, 1]))
    return x, tf.matmul(x, w)


def run(values):
    x, y = build()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(y, {x: values})
"""
# No TensorFlow import: only the library knows it builds graphs.
PLAIN_TEST = """\
import unittest

from lib import model


class ModelTest(unittest.TestCase):
    def test_run(self):
        self.assertEqual(model.run([[1.0, 2.0]]).tolist(), [[3.0]])


def test_run_with_pytest():
    assert model.run([[1.0, 1.0]]).tolist() == [[2.0]]
"""
TF_TEST = """\
import unittest

import tensorflow as tf

from lib.model import run


class ModelTest(unittest.TestCase):
    def test_run(self):
        self.assertEqual(run([[1.0, 3.0]]).tolist(), [[4.0]])
        self.assertFalse(tf.executing_eagerly())
"""
PROJECT = {
    "lib/__init__.py": "",
    "lib/model.py": LIBRARY,
    "tests/__init__.py": "",
    "tests/test_model.py": PLAIN_TEST,
    "tests/test_model_tf.py": TF_TEST,
}
RUNNERS = {
    "pytest": ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
    "unittest": ["-m", "unittest", "discover", "-s", "tests", "-t", "."],
}


def _write(root: Path) -> None:
    for name, text in PROJECT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _run(root: Path, arguments: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        [sys.executable, *arguments], cwd=root, env=env, capture_output=True, text=True
    )


def test_tests_that_drive_a_graph_mode_library_pass_under_both_runners(tmp_path: Path) -> None:
    pytest.importorskip("tensorflow")
    _write(tmp_path)
    fixed = _run(tmp_path, ["-m", "tf2_lsp", "fix", "."])
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    plain = (tmp_path / "tests" / "test_model.py").read_text()
    assert "tf.compat.v1.disable_v2_behavior()\n" in plain
    assert not (tmp_path / "tests" / "conftest.py").exists()
    for runner, arguments in RUNNERS.items():
        outcome = _run(tmp_path, arguments)
        assert outcome.returncode == 0, f"{runner}:\n{outcome.stdout}\n{outcome.stderr}"
        # Every test ran: 3 with pytest, the 2 test-case methods with unittest.
        report = outcome.stdout + outcome.stderr
        assert ("3 passed" if runner == "pytest" else "Ran 2 tests") in report, report
