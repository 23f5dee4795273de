"""`tf2-lsp report`: its numbers against `check`'s own findings, baselines, bad input, the CLI.

The page itself is tested in a real browser in tests/e2e/test_report_browser.py.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import ROOT, TF1, project, run, run_on_terminal
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.cli.report.treemap import build_tree, layout, squarify

EXAMPLE = ROOT / "examples" / "tf1_model"


def report_json(*args: str | Path, cwd: Path | None = None) -> dict[str, Any]:
    result = run("report", "--format", "json", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def example_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example plus a clean file and one that does not parse."""
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(EXAMPLE, root / "tf1_model")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    (root / "tf1_model" / "clean.py").write_text("import tensorflow as tf\n\nx = 1\n")
    (root / "tf1_model" / "broken.py").write_text("def f(:\n    pass\n")
    return root


@pytest.fixture(scope="module")
def example_check(example_tree: Path) -> list[dict[str, Any]]:
    result = run("check", "--format", "json", "tf1_model", cwd=example_tree)
    records: list[dict[str, Any]] = json.loads(result.stdout)
    return records


@pytest.fixture(scope="module")
def example_report(example_tree: Path) -> dict[str, Any]:
    return report_json("tf1_model", cwd=example_tree)


# -- the numbers, against check ------------------------------------------------------------------


def test_totals_are_checks_findings(
    example_report: dict[str, Any], example_check: list[dict[str, Any]], example_tree: Path
) -> None:
    findings = [r for r in example_check if r["code"] != "TF000"]
    totals = example_report["totals"]
    assert totals["findings"] == len(findings) > 0
    assert totals["blocking"] + totals["review"] == totals["findings"]
    classes = totals["fix_classes"]
    assert classes["safe"] == sum(1 for r in findings if r["fix"] and r["fix"]["safety"] == "safe")
    assert classes["unsafe"] == sum(
        1 for r in findings if r["fix"] and r["fix"]["safety"] == "unsafe"
    )
    assert classes["manual"] + classes["none"] == sum(1 for r in findings if r["fix"] is None)
    files = sorted((example_tree / "tf1_model").glob("*.py"))
    assert totals["files"] == len(files) == 5
    assert totals["unreadable_files"] == 1  # broken.py: check's TF000
    assert totals["files_with_findings"] == len({r["path"] for r in findings}) == 3


def test_lines_and_clean_share(example_report: dict[str, Any], example_tree: Path) -> None:
    lines = {p.name: p.read_bytes().count(b"\n") for p in (example_tree / "tf1_model").glob("*.py")}
    by_path = {f["path"]: f for f in example_report["files"]}
    assert {name: by_path[name]["lines"] for name in lines} == lines
    totals = example_report["totals"]
    assert totals["lines"] == sum(f["lines"] for f in example_report["files"])
    assert totals["clean_files"] == 1  # clean.py; broken.py is not clean, it was not analysed
    assert totals["clean_lines"] == by_path["clean.py"]["lines"]
    assert totals["clean_line_share"] == round(totals["clean_lines"] / totals["lines"], 4)
    assert by_path["broken.py"]["unreadable"].startswith("cannot analyse this file: syntax error")


def test_per_file_and_per_family_counts(
    example_report: dict[str, Any], example_check: list[dict[str, Any]], catalogue: Catalogue
) -> None:
    findings = [r for r in example_check if r["code"] != "TF000"]
    per_file = Counter(Path(r["path"]).name for r in findings)
    assert {f["path"]: f["findings"] for f in example_report["files"] if f["findings"]} == per_file
    for summary in example_report["files"]:
        mine = [r for r in findings if Path(r["path"]).name == summary["path"]]
        assert [(i["line"], i["column"], i["code"]) for i in summary["items"]] == [
            (r["line"], r["column"], r["code"]) for r in mine
        ]
    per_family = Counter(catalogue.by_code[r["code"]].family.id for r in findings)
    assert {f["id"]: f["findings"] for f in example_report["families"]} == per_family
    per_rule = Counter(r["code"] for r in findings)
    assert {r["id"]: r["findings"] for r in example_report["rules"]} == per_rule
    counts = [f["findings"] for f in example_report["families"]]
    assert counts == sorted(counts, reverse=True)


def test_blocking_or_review(tmp_path: Path) -> None:
    source = (
        "import tensorflow as tf\n"
        "s = tf.Session()\n"  # gone from TF2: AttributeError
        "m = tf.reduce_sum(x, keep_dims=True)\n"  # TF1 keyword: TypeError
        "w = tf.where(c, x, y)\n"  # runs; broadcasting changed: review
        "d = tf.compat.v1.layers.dense(x, 3)\n"  # runs through compat on 2.15: review
    )
    root = project(tmp_path, {"a.py": source})
    data = report_json("--level", "native", "--target-version", "2.15", ".", cwd=root)
    blocking = {i["line"]: i["blocking"] for i in data["files"][0]["items"]}
    assert blocking == {2: True, 3: True, 4: False, 5: False}
    assert (data["totals"]["blocking"], data["totals"]["review"]) == (2, 2)
    # Keras 3 (TF 2.16+) has no tf.compat.v1.layers: the same line blocks on 2.21.
    data = report_json("--level", "native", "--target-version", "2.21", ".", cwd=root)
    assert {i["line"]: i["blocking"] for i in data["files"][0]["items"]}[5] is True


def test_same_findings_with_select_and_level(example_tree: Path) -> None:
    check = json.loads(
        run(
            "check",
            "--format",
            "json",
            "--select",
            "TF2",
            "--level",
            "native",
            "tf1_model",
            cwd=example_tree,
        ).stdout
    )
    data = report_json("--select", "TF2", "--level", "native", "tf1_model", cwd=example_tree)
    assert data["totals"]["findings"] == sum(1 for r in check if r["code"] != "TF000")
    assert {r["id"][:3] for r in data["rules"]} == {"TF2"}
    assert data["settings"]["level"] == "native"
    assert data["commands"]["fix_safe"] == "tf2-lsp fix --select TF2 --level native tf1_model"


def test_lines_are_counted_as_wc_does(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\ny = 2\n", "b.py": "x = 1\ny = 2", "c.py": ""})
    data = report_json(".", cwd=root)
    assert {f["path"]: f["lines"] for f in data["files"]} == {"a.py": 2, "b.py": 2, "c.py": 0}


def test_fix_command_applies_what_the_report_calls_safe(tmp_path: Path) -> None:
    root = project(
        tmp_path, {"pkg/a.py": TF1, "pkg/b.py": TF1 + "h = tf.contrib.training.HParams()\n"}
    )
    data = report_json("pkg", cwd=root)
    safe = data["totals"]["fix_classes"]["safe"]
    command = data["commands"]["fix_safe"].split()
    assert command[:2] == ["tf2-lsp", "fix"]
    fixed = run(*command[1:], cwd=root)
    assert f"Applied {safe} fix(es)" in fixed.stderr
    after = report_json("pkg", cwd=root)
    assert after["totals"]["fix_classes"]["safe"] == 0
    assert after["totals"]["findings"] == data["totals"]["findings"] - safe


# -- baselines and the trend -----------------------------------------------------------------------


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


# -- the HTML, statically (the browser test renders it) ----------------------------------------


def test_html_is_self_contained(tmp_path: Path) -> None:
    root = project(tmp_path, {"src/a.py": TF1})
    (root / "out").mkdir()
    result = run("report", "src", "-o", "out/report.html", cwd=root)
    assert result.returncode == 0, result.stderr
    page = (root / "out/report.html").read_text()
    assert "Wrote out/report.html: 1 file, 3 lines, 2 TF1 uses" in result.stderr
    assert "default-src 'none'" in page  # the CSP forbids any fetch
    for marker in ("http://", "https://", "<link", " src="):
        assert marker not in page.replace("https://www.tensorflow.org", ""), marker
    assert 'href="../src/a.py#L2"' in page  # relative to the page, at the first finding
    assert "<code>tf2-lsp fix src</code>" in page


def test_html_vscode_links(tmp_path: Path) -> None:
    root = project(tmp_path, {"my dir/a.py": TF1})
    run("report", "my dir", "-o", "r.html", "--vscode-links", cwd=root)
    page = (root / "r.html").read_text()
    target = (root / "my dir" / "a.py").resolve().as_posix().replace(" ", "%20")
    assert f'href="vscode://file{target}:2:5"' in page


def test_write_error_exits_2(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    result = run("report", ".", "-o", "missing/dir/r.html", cwd=root)
    assert result.returncode == 2
    assert "cannot write missing/dir/r.html" in result.stderr
    assert "Traceback" not in result.stderr


def test_empty_tree(tmp_path: Path) -> None:
    root = project(tmp_path, {"notes.txt": "nothing here"})
    result = run("report", ".", "-o", "r.html", cwd=root)
    assert result.returncode == 0, result.stderr
    page = (root / "r.html").read_text()
    assert "No Python files found" in page
    data = report_json(".", cwd=root)
    assert data["totals"]["files"] == data["totals"]["findings"] == 0
    assert data["files"] == [] and data["families"] == []


def test_clean_tree_says_so(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "import tensorflow as tf\nx = tf.math.log(2.0)\n"})
    run("report", ".", "-o", "r.html", cwd=root)
    page = (root / "r.html").read_text()
    assert "No TensorFlow 1.x API use left" in page
    assert report_json(".", cwd=root)["totals"]["clean_line_share"] == 1.0


# -- progress on a terminal only ---------------------------------------------------------------


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    root = project(tmp_path, {f"m{i}.py": TF1 for i in range(20)})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["report", ".", "-o", "r.html", "--jobs", "1"]
    code, stderr = run_on_terminal(args, env, root, stdout=False)
    assert code == 0
    assert "Scanning [" in stderr and "20/20 files (100%)" in stderr
    piped = run("report", ".", "-o", "r.html", cwd=root)
    assert "Scanning" not in piped.stderr and "Wrote r.html" in piped.stderr


# -- the treemap layout ----------------------------------------------------------------------------


def test_squarify_fills_the_rectangle_in_proportion() -> None:
    sizes = [500.0, 300.0, 120.0, 60.0, 15.0, 5.0]
    rects = squarify(sizes, 10, 20, 400, 300)
    total = sum(sizes)
    for size, (x, y, w, h) in zip(sizes, rects, strict=True):
        assert w * h == pytest.approx(400 * 300 * size / total)
        assert x >= 10 - 1e-6 and x + w <= 410 + 1e-6
        assert y >= 20 - 1e-6 and y + h <= 320 + 1e-6
        assert max(w / h, h / w) < 4  # squarified, not slices


def test_treemap_tree_and_layout() -> None:
    tree = build_tree([("a/b/x.py", 100, 5, 1), ("a/b/y.py", 50, 0, 0), ("c.py", 10, 1, 0)])
    assert [c.path for c in tree.children] == ["a/b", "c.py"]  # a/ holding only b/ is one frame
    assert (tree.size, tree.findings, tree.blocking) == (160, 6, 1)
    tiles = layout(tree, 300, 200)
    files = {t.node.path: t for t in tiles if t.node.is_file}
    assert set(files) == {"a/b/x.py", "a/b/y.py", "c.py"}
    assert files["a/b/x.py"].w * files["a/b/x.py"].h > files["a/b/y.py"].w * files["a/b/y.py"].h


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


def test_html_escapes_names_and_messages(tmp_path: Path) -> None:
    from html.parser import HTMLParser

    name = "x<blink onmouseover=alert(1)>&'\"<script>.py"
    root = project(tmp_path, {name: TF1})
    assert run("report", ".", "-o", "r.html", cwd=root).returncode == 0
    page = (root / "r.html").read_text()

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: set[str] = set()

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.add(tag)

    parser = Tags()
    parser.feed(page)
    assert "blink" not in parser.tags and page.count("<script>") == 1  # the page's own
    assert "x&lt;blink onmouseover=alert(1)&gt;&amp;" in page
    data = page.split('<script type="application/json" id="report-data">')[1].split("</script>")[0]
    assert json.loads(data)["files"][0]["p"] == name  # the embedded data round-trips
