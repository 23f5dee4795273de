"""The HTML page as a whole (cli/report/html.py), statically.

The page itself is tested in a real browser in tests/e2e/test_report_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

from tests.cli.conftest import TF1, project, run
from tests.cli.report.conftest import report_json


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


def test_the_policy_allows_the_pages_own_script_by_its_hash_only(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    assert run("report", ".", "-o", "r.html", cwd=root).returncode == 0
    page = (root / "r.html").read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    [script] = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert policy is not None and f"script-src 'sha256-{digest}';" in policy.group(1)
    assert "unsafe-inline'; img-src" not in policy.group(1)  # scripts: the hash only
