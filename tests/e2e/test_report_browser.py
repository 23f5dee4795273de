"""The HTML report in a real browser: headless Chromium, offline, asserting on the rendered DOM.

The numbers on the page must be those of the JSON report of the same tree (whose numbers
tests/cli/report/test_aggregate.py checks against `tf2-lsp check`). A screenshot of each page is
saved in the test's tmp dir.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .browser import Page, open_page

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "tf1_model"


def tf2_lsp(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tf2_lsp", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )


def make_tree(root: Path) -> Path:
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    shutil.copytree(EXAMPLE, root / "src" / "model")
    (root / "src" / "serving").mkdir()
    (root / "src" / "serving" / "app.py").write_text("import tensorflow as tf\nx = tf.ones(3)\n")
    (root / "src" / "tools.py").write_text("import tensorflow as tf\ns = tf.Session()\n")
    return root


async def no_trouble(page: Page, url: str) -> None:
    assert page.errors == [], page.errors
    assert page.requests and set(page.requests) == {url}, page.requests  # loads nothing else


async def test_report_page_renders(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    baseline = root / "last-week.json"
    baseline.write_text(tf2_lsp("check", "--format", "json", "src", cwd=root).stdout)
    (root / "src" / "tools.py").write_text("import tensorflow as tf\ns = tf.compat.v1.Session()\n")
    made = tf2_lsp("report", "src", "-o", "report.html", "--baseline", baseline, cwd=root)
    assert made.returncode == 0, made.stderr
    data: dict[str, Any] = json.loads(
        tf2_lsp("report", "src", "--format", "json", "--baseline", baseline, cwd=root).stdout
    )
    totals = data["totals"]
    url = (root / "report.html").as_uri()

    async with open_page() as page:
        await page.goto(url)

        cards = await page.evaluate(
            "Object.fromEntries([...document.querySelectorAll('.card')].map(c => "
            "[c.dataset.card, c.querySelector('.card-value').firstChild.textContent.trim()]))"
        )
        assert cards == {
            "lines": f"{totals['lines']:,}",
            "findings": f"{totals['findings']:,}",
            "clean": f"{round(totals['clean_line_share'] * 100)}%",
            "blocking": f"{totals['blocking']:,}",
            "review": f"{totals['review']:,}",
            "safe": f"{totals['fix_classes']['safe']:,}",
        }
        assert totals["findings"] > 0 and totals["clean_files"] == 2  # app.py, tools.py

        # Every chart is drawn, visible and has marks in it.
        charts = await page.evaluate(
            "Object.fromEntries(['donut', 'bars', 'treemap', 'trend'].map(name => {"
            "  const svg = document.querySelector('.chart.' + name);"
            "  if (!svg) return [name, null];"
            "  const box = svg.getBoundingClientRect();"
            "  const marks = [...svg.querySelectorAll('.seg, .tile > rect')]"
            "    .filter(m => m.getBoundingClientRect().width > 0).length;"
            "  return [name, {width: box.width, height: box.height, marks}];"
            "}))"
        )
        for name, chart in charts.items():
            assert chart is not None, name
            assert chart["width"] > 150 and chart["height"] > 15, (name, chart)
            assert chart["marks"] > 0, (name, chart)
        assert await page.evaluate("document.querySelectorAll('.bars .bar-row').length") == len(
            data["families"]
        )
        assert await page.evaluate("document.querySelectorAll('svg.treemap .tile').length") == len(
            data["files"]
        )

        # The trend: what was fixed since last week.
        trend = await page.evaluate(
            "[...document.querySelectorAll('#trend .stat b')].map(b => b.textContent)"
        )
        assert trend[:2] == [f"{data['trend']['fixed']:,}", f"{data['trend']['new']:,}"]
        assert data["trend"]["fixed"] == 1

        # The file table: one row per file, sortable, expandable, filterable.
        rows = "[...document.querySelectorAll('#file-table tr.file:not([hidden])')]"
        assert await page.evaluate(f"{rows}.length") == totals["files"]
        await page.evaluate("document.querySelector('th[data-sort=lines]').click()")
        lines = await page.evaluate(f"{rows}.map(r => Number(r.dataset.lines))")
        assert lines == sorted(lines, reverse=True)
        await page.evaluate("document.querySelector('th[data-sort=lines]').click()")
        lines = await page.evaluate(f"{rows}.map(r => Number(r.dataset.lines))")
        assert lines == sorted(lines)
        await page.evaluate("document.querySelector('th[data-sort=path]').click()")
        paths = await page.evaluate(f"{rows}.map(r => r.dataset.path)")
        assert paths == sorted(f["path"] for f in data["files"])

        by_path = {f["path"]: f for f in data["files"]}
        await page.evaluate(
            "document.querySelector('tr.file[data-path=\"model/train.py\"] button.expand').click()"
        )
        shown = await page.evaluate(
            "[...document.querySelectorAll('tr.details li')].map(li => "
            "[li.querySelector('a').getAttribute('href'), li.querySelector('.code').textContent])"
        )
        expected = by_path["model/train.py"]["items"]
        assert [code for _, code in shown] == [i["code"] for i in expected]
        assert shown[0][0] == f"./src/model/train.py#L{expected[0]['line']}"

        await page.evaluate(
            "const f = document.getElementById('filter'); f.value = 'serving';"
            "f.dispatchEvent(new Event('input'))"
        )
        assert await page.evaluate(f"{rows}.map(r => r.dataset.path)") == ["serving/app.py"]

        shot = tmp_path / "report.png"
        await page.screenshot(shot)
        assert shot.stat().st_size > 20_000
        await no_trouble(page, url)
    print(f"screenshot: {shot}")


async def test_links_open_in_vscode_webview(tmp_path: Path) -> None:
    """Inside VS Code's webview a link click becomes an `open` message to the extension."""
    root = make_tree(tmp_path)
    made = tf2_lsp("report", "src", "-o", "report.html", "--vscode-links", cwd=root)
    assert made.returncode == 0, made.stderr
    url = (root / "report.html").as_uri()
    async with open_page() as page:
        await page.send(
            "Page.addScriptToEvaluateOnNewDocument",
            source="window.posted = []; window.acquireVsCodeApi = () => "
            "({postMessage: (m) => window.posted.push(m)});",
        )
        await page.goto(url)
        link = await page.evaluate(
            '(() => { const a = document.querySelector(\'tr.file[data-path="model/train.py"] '
            "a.open'); a.click(); return a.getAttribute('href'); })()"
        )
        train = (root / "src" / "model" / "train.py").resolve()
        assert link.startswith(f"vscode://file{train.as_posix()}:")
        [message] = await page.evaluate("window.posted")
        assert message == {"type": "open", "file": str(train), "line": int(link.split(":")[-2])}
        assert await page.evaluate("location.href") == url  # the click did not navigate
        await no_trouble(page, url)


async def test_empty_tree_page(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    made = tf2_lsp("report", "empty", "-o", "report.html", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    url = (tmp_path / "report.html").as_uri()
    async with open_page() as page:
        await page.goto(url)
        heading = await page.evaluate("document.querySelector('#empty h2').textContent")
        assert heading == "No Python files found"
        assert await page.evaluate("document.querySelectorAll('.chart').length") == 0
        await page.screenshot(tmp_path / "empty.png")
        await no_trouble(page, url)


HOSTILE_NAMES = (
    "javascript:document.body.setAttribute('x','y')\n<!--.py",
    "\"><img src=x onerror=\"document.body.setAttribute('z','w')\">.py",
)


async def test_file_names_cannot_run_script_in_the_page(tmp_path: Path) -> None:
    """A file named like a `javascript:` URL or like markup stays a path: its link is relative
    (`./`, `:` percent-encoded), and clicking it runs nothing."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    for name in HOSTILE_NAMES:
        (tmp_path / name).write_text("import tensorflow as tf\ns = tf.Session()\n")
    made = tf2_lsp("report", ".", "-o", "report.html", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    url = (tmp_path / "report.html").as_uri()
    async with open_page() as page:
        await page.goto(url)
        await page.evaluate("document.querySelectorAll('button.expand').forEach(b => b.click())")
        hrefs = await page.evaluate(
            "[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
        )
        files = [h for h in hrefs if not h.startswith("https://www.tensorflow.org/")]
        assert len(files) == 4  # each file's row and its one finding
        assert all(h.startswith("./") and ":" not in h for h in files), files
        assert await page.evaluate("document.querySelector('img') === null")
        await no_trouble(page, url)
        await page.evaluate("document.querySelector('a.open').click()")
        await asyncio.sleep(0.5)
        marks = "['x', 'z'].filter(name => document.body.hasAttribute(name))"
        assert await page.evaluate(marks) == []


async def test_only_the_pages_own_script_runs(tmp_path: Path) -> None:
    """Markup that got into the page anyway (here written in by hand) runs no handler: the
    policy allows the page's own script by its hash, nothing else."""
    root = make_tree(tmp_path)
    made = tf2_lsp("report", "src", "-o", "report.html", cwd=root)
    assert made.returncode == 0, made.stderr
    page_text = (root / "report.html").read_text(encoding="utf-8")
    injected = "<img src=\"data:,\" onerror=\"document.body.setAttribute('ran', '1')\">"
    (root / "injected.html").write_text(page_text.replace("<main", injected + "<main", 1))
    async with open_page() as page:
        await page.goto((root / "injected.html").as_uri())
        await asyncio.sleep(0.5)
        assert await page.evaluate("document.body.hasAttribute('ran')") is False
        assert any("Content Security Policy" in error for error in page.errors), page.errors
        # The page's own script still works: sorting the file table.
        await page.evaluate("document.querySelector('th[data-sort=lines]').click()")
        sorted_by = await page.evaluate("document.querySelector('th[aria-sort]').dataset.sort")
        assert sorted_by == "lines"
