"""The built wheel holds the whole package and works once installed (not only from a checkout)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PIP = (sys.executable, "-m", "pip")


# Both tests share one build: on two xdist workers each would build, and two builds of one
# source tree race (setuptools stages the sdist and egg-info inside it).
pytestmark = pytest.mark.xdist_group("packaging")

# What the build reads; everything else in a checkout (.git, venvs, node_modules) stays behind.
_BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "tf2_lsp", "rules")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the checkout, so the build never writes into the tree other
    tests are reading (setuptools leaves `*.egg-info` and a staging folder in the source)."""
    source = tmp_path_factory.mktemp("source")
    skip = shutil.ignore_patterns("__pycache__")
    for name in _BUILD_INPUTS:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=skip)
        else:
            shutil.copy2(REPO / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    # As CI does: the sdist first, then the wheel from the unpacked sdist, so a file the sdist
    # lacks cannot reach the wheel. No build isolation: the dev extra provides setuptools, and the
    # suite needs no network.
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        cwd=out,
    )
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    (wheel_file,) = out.glob("tf2_lsp-*.whl")
    return wheel_file


def _checkout_files(directory: Path, pattern: str) -> set[str]:
    return {
        path.relative_to(REPO).as_posix()
        for path in directory.rglob(pattern)
        if "__pycache__" not in path.parts
    }


def test_the_wheel_holds_every_module_and_data_file_of_the_checkout(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = _checkout_files(REPO / "tf2_lsp", "*.py")
    data = {
        name
        for suffix in ("*.json.gz", "*.txt", "*.html", "*.css", "*.js")
        for name in _checkout_files(REPO / "tf2_lsp", suffix)
    }
    rules = {f"tf2_lsp/rules_data/{path.name}" for path in (REPO / "rules").glob("*.toml")}
    assert modules and data and rules
    assert modules - names == set()
    assert data - names == set()
    assert rules - names == set()


def test_the_installed_wheel_checks_fixes_reports_and_serves(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [*PIP, "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    # The dependencies come from this environment; tf2_lsp only from the installed wheel.
    smoke = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "smoke_install.py"),
            "--env",
            f"PYTHONPATH={site}",
            "--",
            sys.executable,
            "-m",
            "tf2_lsp",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": ""},
        timeout=300,
    )
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "ok   serve publishes diagnostics" in smoke.stdout
