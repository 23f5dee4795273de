"""The report as JSON and baselines (cli/report/schema.py): the trend against a previous run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import ROOT, TF1, project, run
from tests.cli.report.conftest import report_json


def test_trend_against_a_check_baseline(tmp_path: Path) -> None:
    root = project(tmp_path, {"src/a.py": TF1, "src/b.py": "import tensorflow as tf\n"})
    baseline = root / "week1.json"
    baseline.write_text(run("check", "--format", "json", "src", cwd=root).stdout)
    # This week: tf.log fixed, two lines inserted above tf.Session (it moved), a new TF1 use.
    (root / "src/a.py").write_text(
        "import tensorflow as tf\n\n\ns = tf.Session()\ny = tf.math.log(x)\n"
    )
    (root / "src/b.py").write_text("import tensorflow as tf\nf = tf.gfile.GFile('x')\n")
    data = report_json("src", "--baseline", baseline, cwd=root)
    trend = data["trend"]
    assert trend["baseline"]["kind"] == "check"
    assert (trend["before"]["findings"], trend["fixed"], trend["new"]) == (2, 1, 1)
    assert data["totals"]["findings"] == 2
    assert {(f["path"], f["fixed"], f["new"]) for f in trend["files"]} == {
        ("a.py", 1, 0),
        ("b.py", 0, 1),
    }
    assert trend["files"][0]["path"] == "b.py"  # new findings (regressions) come first
    assert not trend["unmatched_paths"]


def test_report_json_is_a_baseline_too(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1, "clean.py": "x = 1\n"})
    first = root / "report.json"
    first.write_text(run("report", "--format", "json", ".", cwd=root).stdout)
    (root / "a.py").write_text("import tensorflow as tf\ns = tf.Session()\n")
    data = report_json(".", "--baseline", first, cwd=root)
    trend = data["trend"]
    assert (trend["baseline"]["kind"], trend["fixed"], trend["new"]) == ("report", 1, 0)
    assert trend["before_lines"] == json.loads(first.read_text())["totals"]["lines"]
    assert trend["before_clean_lines"] == json.loads(first.read_text())["totals"]["clean_lines"]


def test_baseline_from_another_tree_is_flagged(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    baseline = root / "other.json"
    baseline.write_text(
        json.dumps(
            [
                {
                    "path": "/elsewhere/x.py",
                    "line": 1,
                    "column": 1,
                    "code": "TF101",
                    "severity": "warning",
                    "symbol": "tensorflow.Session",
                    "fix": None,
                    "message": "",
                }
            ]
        )
    )
    result = run("report", "--format", "json", ".", "--baseline", baseline, cwd=root)
    assert result.returncode == 0
    assert json.loads(result.stdout)["trend"]["unmatched_paths"] is True
    assert "no path of the baseline" in result.stderr


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("not json at all", "is not JSON (line 1, column 1"),
        ('{"hello": 1}', "JSON of another kind"),
        ('{"version": "2.1.0", "runs": []}', "is SARIF"),
        ('{"schema": "tf2-lsp-report", "version": 99, "files": []}', "version 99 report"),
        ('[{"path": "a.py", "line": "one", "code": "TF101"}]', "field 'line'"),
        ("[1, 2]", "finding 1 is not an object"),
        ('{"tool": "tf2-lsp", "version": 1, "findings": []}', "check --write-baseline"),
        ('{"schema": "tf2-lsp-report", "version": 1, "root": "/x"}', "field 'files'"),
        (b"\xff\xfe", "cannot read it"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("[" + "9" * 5000 + "]", "a number too long"),
    ],
)
def test_bad_baseline_is_a_clear_error(content: str | bytes, words: str, tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1, "base.json": content})
    out = root / "r.html"
    result = run("report", ".", "-o", out, "--baseline", "base.json", cwd=root)
    assert result.returncode == 2
    assert words in result.stderr
    assert "base.json" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_missing_baseline(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    result = run("report", ".", "--baseline", "nope.json", cwd=root)
    assert result.returncode == 2 and "no such file" in result.stderr


def test_json_schema_is_documented(example_report: dict[str, Any]) -> None:
    doc = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    item = next(f for f in example_report["files"] if f["items"])["items"][0]
    keys = [
        *example_report,
        *example_report["totals"],
        *example_report["settings"],
        *example_report["families"][0],
        *example_report["files"][0],
        *item,
        *example_report["commands"],
    ]
    assert [key for key in keys if f"`{key}`" not in doc] == []
