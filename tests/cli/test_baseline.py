"""Baselines (cli/baseline.py): `check --write-baseline`, then only new findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import TF1, project, run


def test_baseline_reports_only_new_findings(tmp_path: Path) -> None:
    root = project(tmp_path, {"pkg/a.py": TF1, "b.py": TF1})
    written = run("check", "--write-baseline", "tf1.json", ".", cwd=root)
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    assert "Wrote 4 finding(s) in 2 file(s) to tf1.json." in written.stderr
    baseline = json.loads((root / "tf1.json").read_text())
    assert baseline["findings"][0] == {
        "path": "b.py",
        "code": "TF101",
        "symbol": "tensorflow.Session",
        "line": "s = tf.Session()",
        "count": 1,
    }
    known = run("check", "--baseline", "tf1.json", ".", cwd=root)
    assert known.returncode == 0
    assert (
        known.stdout == "No TensorFlow 1.x API uses found in 2 file(s) (4 more in the baseline).\n"
    )
    # Moved lines stay known; one more identical use, and an edited line, are new.
    (root / "pkg" / "a.py").write_text(
        "import tensorflow as tf\n\n\ns = tf.Session()\ns = tf.Session()\ny = tf.log(z)\n"
    )
    new = run("check", "--format", "json", "--baseline", root / "tf1.json", root, cwd=tmp_path)
    assert new.returncode == 1
    assert [(Path(r["path"]).name, r["line"], r["code"]) for r in json.loads(new.stdout)] == [
        ("a.py", 5, "TF101"),
        ("a.py", 6, "TF201"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ("[]", "not a tf2-lsp baseline"),
        ('{"tool": "tf2-lsp", "version": 9, "findings": []}', "version 9"),
        ('{"tool": "tf2-lsp", "version": 1, "findings": [{"path": 1}]}', "findings[0]"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("[" + "9" * 5000 + "]", "a number too long"),
    ],
)
def test_bad_baseline_aborts(content: str, message: str, tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    (root / "b.json").write_text(content)
    result = run("check", "--baseline", "b.json", ".", cwd=root)
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.rstrip().endswith("aborting")
    assert "Traceback" not in result.stderr
