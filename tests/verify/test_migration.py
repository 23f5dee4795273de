"""`tf2-lsp verify`: arguments checked without TensorFlow, and the bundled example verified
against its compat conversion (passes) and a deliberately wrong one (reports the difference)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tf2_lsp.verify.harness import tensorflow_available
from tf2_lsp.verify.migration import VerifyError, entry_point, parse_inputs

# The TensorFlow runs share one conversion: keep them on one xdist worker.
pytestmark = pytest.mark.xdist_group("verify-migration")
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "tf1_model"
INPUTS = "images=2x28x28x1:float32,num_classes=10,keep_prob=1.0,is_training=False"


def test_inputs_are_seeded_arrays_or_python_literals() -> None:
    inputs = parse_inputs("images=2x28x28x1:float32, n=10, flag=False, ids=3:int64")
    assert inputs["n"] == "10" and inputs["flag"] == "False"
    assert "standard_normal((2, 28, 28, 1))" in inputs["images"]
    assert "randint(0, 10, size=(3,))" in inputs["ids"] and "np.int64" in inputs["ids"]


@pytest.mark.parametrize(
    ("spec", "problem"),
    [("images", "NAME=SHAPE:DTYPE"), ("x=2x2:complex7", "dtype must be"), ("x=[1,", "literal")],
)
def test_bad_inputs_are_named(spec: str, problem: str) -> None:
    with pytest.raises(VerifyError, match=problem):
        parse_inputs(spec)


def test_the_entry_must_name_a_module_of_the_tree(tmp_path: Path) -> None:
    assert entry_point(str(EXAMPLE), "model:build_model").module == "model"
    assert entry_point(str(EXAMPLE / "model.py"), "build_model").function == "build_model"
    with pytest.raises(VerifyError, match="no module 'nothing'"):
        entry_point(str(EXAMPLE), "nothing:f")
    with pytest.raises(VerifyError, match="MODULE:FUNCTION"):
        entry_point(str(EXAMPLE), "model:")


def _verify(old: Path, new: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tf2_lsp", "verify", str(old), str(new)]
    command += ["--entry", "model:build_model", "--inputs", INPUTS, *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not tensorflow_available():
        if os.environ.get("CI"):
            pytest.fail("TensorFlow must be installed under CI (the `verify` extra)")
        pytest.skip("TensorFlow is not installed")
    folder = tmp_path_factory.mktemp("compat") / "tf1_model"
    shutil.copytree(EXAMPLE, folder)
    fix = [sys.executable, "-m", "tf2_lsp", "fix", "--unsafe", str(folder)]
    done = subprocess.run(fix, capture_output=True, text=True)
    # 1: findings are left (the tf.compat.v1.layers it writes need legacy Keras, TF933).
    assert done.returncode in (0, 1) and "Applied" in done.stderr + done.stdout, done.stderr
    return folder


@pytest.mark.tensorflow
def test_the_compat_conversion_of_the_example_verifies(converted: Path) -> None:
    done = _verify(EXAMPLE, converted, "--train-step")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "variable cnn/fc1/kernel (3136, 256)" in done.stdout
    assert "cnn/logits/bias after one step" in done.stdout
    assert "same outputs, variables and losses" in done.stdout


@pytest.mark.tensorflow
def test_a_wrong_conversion_is_reported(converted: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong"
    shutil.copytree(converted, wrong)
    model = wrong / "model.py"
    text = model.read_text(encoding="utf-8")
    assert "tf.nn.max_pool2d(" in text
    model.write_text(text.replace("tf.nn.max_pool2d(", "tf.nn.avg_pool2d("), encoding="utf-8")
    done = _verify(EXAMPLE, wrong)
    assert done.returncode == 1, done.stdout + done.stderr
    # Compared from the same weights, as the second run does: the difference is the rewrite's.
    assert "MISMATCH: from TF1's initial weights: outputs: max abs diff" in done.stdout


def test_without_tensorflow_verify_says_so() -> None:
    # `python -S` leaves site-packages (TensorFlow among them) off the path; verify itself
    # needs only the standard library until it starts TensorFlow's processes.
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-S", "-m", "tf2_lsp", "verify", str(EXAMPLE), str(EXAMPLE)]
    command += ["--entry", "model:build_model"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 2
    assert "TensorFlow is not installed in this Python environment" in done.stderr
    assert "Traceback" not in done.stderr
