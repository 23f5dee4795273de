"""The report's numbers (cli/report/aggregate.py), against `check`'s own findings."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from tests.cli.conftest import project, run
from tests.cli.report.conftest import report_json
from tf2_lsp.catalogue.rules import Catalogue


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
