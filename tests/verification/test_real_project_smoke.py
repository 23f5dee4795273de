"""Smoke test on real TF1 code: tensorpack 0.9.8, converted by `tf2-lsp fix --level compat
--unsafe`, must still import, parse and pass one of its own test files under TensorFlow 2.21.

`tensorpack/tfutils/unit_tests.py` builds graphs with `tf.placeholder` and reads name scopes
off the default graph: it fails on the original code and after `tf_upgrade_v2`, and passes
only when the conversion also keeps graph mode (TF801). The full comparison is
`benchmarks/real_projects.py`; this is the slice of it that fits in CI (~30 s).

Needs the tensorpack wheel (`pip download --no-deps tensorpack==0.9.8 -d CACHE/downloads`,
CACHE = `$TF2LSP_REAL_PROJECTS_CACHE` or `~/.cache/tf2-lsp-real-projects`) and tensorpack's
own dependencies (six termcolor tabulate tqdm msgpack msgpack-numpy pyzmq psutil). Without
them the test is skipped, unless `TF2LSP_REAL_PROJECTS_REQUIRED=1` says they were installed.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARCHIVE = "tensorpack-0.9.8-py2.py3-none-any.whl"
TEST_FILE = "tensorpack/tfutils/unit_tests.py"
DEPS = (
    "tensorflow",
    "tf_slim",
    "six",
    "termcolor",
    "tabulate",
    "tqdm",
    "msgpack",
    "msgpack_numpy",
    "zmq",
    "psutil",
)

pytestmark = pytest.mark.tensorflow


def _missing(reason: str) -> None:
    if os.environ.get("TF2LSP_REAL_PROJECTS_REQUIRED") == "1":
        pytest.fail(f"{reason} (TF2LSP_REAL_PROJECTS_REQUIRED=1)")
    pytest.skip(reason)


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "real_projects", ROOT / "benchmarks" / "real_projects.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("real_projects", module)
    spec.loader.exec_module(module)
    return module


def test_tensorpack_converted_by_tf2_lsp_passes_its_own_test(tmp_path: Path) -> None:
    missing = [name for name in DEPS if importlib.util.find_spec(name) is None]
    if missing:
        _missing(f"not installed: {', '.join(missing)}")
    cache = Path(
        os.environ.get("TF2LSP_REAL_PROJECTS_CACHE", "~/.cache/tf2-lsp-real-projects")
    ).expanduser()
    archive = cache / "downloads" / ARCHIVE
    if not archive.is_file():
        _missing(f"{archive} not downloaded")
    harness = _harness()

    copy = tmp_path / "tensorpack"
    harness.unpack(archive, copy)
    fixed = subprocess.run(
        [sys.executable, "-m", "tf2_lsp", "fix", "--level", "compat", "--unsafe", "."],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert fixed.returncode in (0, 1), fixed.stderr
    with warnings.catch_warnings():  # the project's own invalid escapes ('\c' in docstrings)
        warnings.simplefilter("ignore")
        for path in harness.python_files(copy):
            ast.parse(path.read_text(encoding="utf-8"), str(path))  # every fixed file parses

    shims = tmp_path / "shims"
    shims.mkdir()
    (shims / "sitecustomize.py").write_text(harness.SHIMS)  # collections.Mapping etc.
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(copy), str(shims)]),
            "TF_USE_LEGACY_KERAS": "1",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "CUDA_VISIBLE_DEVICES": "",
        }
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            f"--rootdir={copy}",
            TEST_FILE,
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
    assert result.returncode == 0, tail
    assert "2 passed" in result.stdout, tail
