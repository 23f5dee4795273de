"""The pre-commit hooks of .pre-commit-hooks.yaml, run by the real pre-commit in a throwaway
git repository, with this checkout as the hook repository (`pre-commit try-repo`).

The hooks use `language: system`: they run the `tf2-lsp` found on PATH. (`language: python`
would make pre-commit pip-install this repository and its dependencies into a fresh
virtualenv, which needs a package index; these tests run offline, PIP_NO_INDEX=1.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TF1 = "import tensorflow as tf\ns = tf.Session()\ny = tf.log(x)\n"
FIXED = "import tensorflow as tf\ns = tf.compat.v1.Session()\ny = tf.math.log(x)\n"

pytestmark = pytest.mark.skipif(
    not (ROOT / ".git").exists(), reason="try-repo needs the checkout to be a git repository"
)


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    (repo / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (repo / "model.py").write_text(TF1)
    (repo / "clean.py").write_text("import tensorflow as tf\ny = tf.math.log(x)\n")
    (repo / "notes.txt").write_text("tf.Session() in a text file is not Python\n")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "init")
    return repo


def try_repo(repo: Path, hook: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        # `tf2-lsp` from this interpreter's environment, running this checkout's code.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),
        "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
        "PIP_NO_INDEX": "1",
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_manifest_is_valid() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_hook_fails_on_tf1_code_and_passes_on_clean_code(repo: Path) -> None:
    result = try_repo(repo, "tf2-lsp-check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "tf2-lsp check" in result.stdout and "Failed" in result.stdout
    assert "model.py:2:5: TF101" in result.stdout
    assert "notes.txt" not in result.stdout  # only Python files are passed
    (repo / "model.py").write_text(FIXED)
    git(repo, "commit", "-qam", "migrated")
    result = try_repo(repo, "tf2-lsp-check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_fix_hook_rewrites_files_then_passes(repo: Path) -> None:
    result = try_repo(repo, "tf2-lsp-fix")
    assert result.returncode == 1  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in result.stdout
    assert (repo / "model.py").read_text() == FIXED
    assert (repo / "notes.txt").read_text().startswith("tf.Session()")
    git(repo, "commit", "-qam", "fixed")
    result = try_repo(repo, "tf2-lsp-fix")
    assert result.returncode == 0, result.stdout + result.stderr
