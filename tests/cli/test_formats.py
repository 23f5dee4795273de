"""Output formats (cli/formats.py): text, JSON, SARIF, GitHub annotations, statistics."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import TF1, UNSAFE, project, run

JSON_KEYS = [
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "code",
    "severity",
    "message",
    "symbol",
    "fix",
]


def test_check_text_format(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1, "clean.py": "x = 1\n"})
    result = run("check", root / "a.py", root / "clean.py")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{root / 'a.py'}:2:5: TF101 `tf.Session`")
    assert lines[0].endswith("[fix]")
    assert lines[1].startswith(f"{root / 'a.py'}:3:5: TF201 ")
    assert lines[2] == (
        f"Found 2 finding(s) in 1 of 2 file(s); 2 fixable with "
        f"`tf2-lsp fix {root / 'a.py'} {root / 'clean.py'}`."
    )


def test_check_json_schema(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1 + "h = tf.contrib.training.HParams()\n"})
    result = run("check", "--format", "json", root)
    assert result.returncode == 1
    records = json.loads(result.stdout)
    assert [list(r) for r in records] == [JSON_KEYS] * 3
    first = records[0]
    assert first["path"] == str(root / "a.py")
    assert (first["line"], first["column"], first["end_line"], first["end_column"]) == (2, 5, 2, 15)
    assert (first["code"], first["severity"], first["symbol"]) == (
        "TF101",
        "warning",
        "tensorflow.Session",
    )
    assert first["fix"] == {
        "title": "TF101: Replace `tf.Session` with `tf.compat.v1.Session`",
        "safety": "safe",
        "level": "compat",
    }
    assert records[2]["code"] == "TF407" and records[2]["fix"] is None


def test_check_sarif_shape(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1, "bad.py": "def f(:\n"})
    result = run("check", "--format", "sarif", root)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    assert "sarif" in log["$schema"]
    [run_] = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "tf2-lsp"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == sorted(set(rule_ids)) == ["TF000", "TF101", "TF201"]
    for result_ in run_["results"]:
        assert result_["ruleId"] in rule_ids
        assert rule_ids[result_["ruleIndex"]] == result_["ruleId"]
        assert result_["level"] in ("error", "warning", "note", "none")
        assert result_["message"]["text"]
        [location] = result_["locations"]
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert location["physicalLocation"]["artifactLocation"]["uri"]


def test_json_stream_is_one_array(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1, "b.py": TF1, "clean.py": "x = 1\n"})
    result = run("check", "--format", "json", root)
    records = json.loads(result.stdout)
    assert result.stdout == json.dumps(records) + "\n"  # same bytes as one json.dumps
    assert len(records) == 4
    empty = run("check", "--format", "json", root / "clean.py")
    assert (empty.returncode, empty.stdout) == (0, "[]\n")


def test_unsafe_only_fix_is_marked_and_summarised(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": UNSAFE})
    lines = run("check", "--level", "native", root / "a.py").stdout.splitlines()
    assert lines[0].endswith("[unsafe fix]") and lines[1].endswith("[unsafe fix]")
    assert not lines[2].endswith("]")  # HParams: manual
    assert lines[3] == (
        "Found 3 finding(s) in 1 of 1 file(s); 0 fixable with "
        f"`tf2-lsp fix --level native {root / 'a.py'}`, 2 more with "
        f"`tf2-lsp fix --level native --unsafe {root / 'a.py'}` (review them)."
    )


def test_statistics_text_and_json(tmp_path: Path) -> None:
    # The sessions in a file of their own: beside them the optimizer would keep its compat fix.
    sessions = "import tensorflow as tf\ns = tf.Session()\nt = tf.Session()\n"
    root = project(tmp_path, {"a.py": UNSAFE, "b.py": sessions})
    text = run("check", "--statistics", "--level", "native", root)
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["count", "code", "rule", "safe", "unsafe", "manual"]
    assert lines[1].split() == ["2", "TF101", "session", "2", "0", "0"]
    assert [line.split()[1] for line in lines[2:5]] == ["TF302", "TF407", "TF911"]
    assert lines[-1].split() == ["5", "total", "2", "2", "1"]
    rows = json.loads(
        run("check", "--statistics", "--format", "json", "--level", "native", root).stdout
    )
    assert rows[0] == {
        "code": "TF101",
        "name": "session",
        "count": 2,
        "safe": 2,
        "unsafe": 0,
        "manual": 0,
    }
    assert {row["code"]: row["unsafe"] for row in rows} == {
        "TF101": 0,
        "TF302": 1,
        "TF407": 0,
        "TF911": 1,
    }


def test_github_annotations(tmp_path: Path) -> None:
    root = project(tmp_path, {"dir,with:odd/a.py": TF1})
    result = run("check", "--format", "github", "dir,with:odd/a.py", cwd=root)
    assert result.returncode == 1
    first, second = result.stdout.splitlines()
    assert first.startswith(
        "::warning file=dir%2Cwith%3Aodd/a.py,line=2,col=5,endLine=2,endColumn=15,"
        "title=tf2-lsp TF101::TF101 `tf.Session`"
    )
    assert second.startswith("::warning file=dir%2Cwith%3Aodd/a.py,line=3,col=5,")
    bad = run("check", "--format", "github", root / "dir,with:odd" / "a.py", "--select", "TF000")
    assert bad.stdout == ""


def test_sarif_fingerprints_survive_moved_lines(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1 + "t = tf.Session()\nu = tf.Session()\n"})

    def prints() -> list[tuple[int, str]]:
        log = json.loads(run("check", "--format", "sarif", "a.py", cwd=root).stdout)
        return [
            (
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["partialFingerprints"]["tf2LspFinding/v1"],
            )
            for r in log["runs"][0]["results"]
        ]

    before = prints()
    assert len({fingerprint for _, fingerprint in before}) == len(before) == 4
    (root / "a.py").write_text(
        "import os\n\n"
        + TF1.replace("import tensorflow as tf\n", "import tensorflow as tf\n# moved\n")
        + "t = tf.Session()\nu = tf.Session()\n"
    )
    after = prints()
    assert [line for line, _ in after] == [line + 3 for line, _ in before]
    assert [f for _, f in after] == [f for _, f in before]


def test_each_format_has_its_reporter() -> None:
    from tf2_lsp.catalogue.load import load_catalogue
    from tf2_lsp.cli.formats import (
        GithubReporter,
        JsonReporter,
        SarifReporter,
        StatisticsReporter,
        TextReporter,
        make_reporter,
    )
    from tf2_lsp.cli.parser import FORMATS
    from tf2_lsp.cli.terminal import Style

    catalogue, style = load_catalogue(), Style(False)
    # Every `--format` the parser accepts has a reporter of its own.
    kinds = [type(make_reporter(f, False, print, catalogue, style)) for f in FORMATS]
    assert kinds == [TextReporter, JsonReporter, GithubReporter, SarifReporter]
    statistics = make_reporter("json", True, print, catalogue, style)
    assert isinstance(statistics, StatisticsReporter)
