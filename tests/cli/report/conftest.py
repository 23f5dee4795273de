"""Helpers of the report tests: the bundled example as a scanned tree, the report as JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import ROOT, run

EXAMPLE = ROOT / "examples" / "tf1_model"


def report_json(*args: str | Path, cwd: Path | None = None) -> dict[str, Any]:
    result = run("report", "--format", "json", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="package")
def example_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example plus a clean file and one that does not parse."""
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(EXAMPLE, root / "tf1_model")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    (root / "tf1_model" / "clean.py").write_text("import tensorflow as tf\n\nx = 1\n")
    (root / "tf1_model" / "broken.py").write_text("def f(:\n    pass\n")
    return root


@pytest.fixture(scope="package")
def example_check(example_tree: Path) -> list[dict[str, Any]]:
    result = run("check", "--format", "json", "tf1_model", cwd=example_tree)
    records: list[dict[str, Any]] = json.loads(result.stdout)
    return records


@pytest.fixture(scope="package")
def example_report(example_tree: Path) -> dict[str, Any]:
    return report_json("tf1_model", cwd=example_tree)
