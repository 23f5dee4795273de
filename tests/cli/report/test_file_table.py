"""The report page's file table (cli/report/file_table.py): links to each file, rows in order
of the work they hold, and the findings as data the page's script expands."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import TF1, project, run
from tests.cli.report.reports import item, report, summary
from tf2_lsp.cli.report.aggregate import FileSummary
from tf2_lsp.cli.report.file_table import file_href, files_panel


def test_html_vscode_links(tmp_path: Path) -> None:
    root = project(tmp_path, {"my dir/a.py": TF1})
    run("report", "my dir", "-o", "r.html", "--vscode-links", cwd=root)
    page = (root / "r.html").read_text()
    target = (root / "my dir" / "a.py").resolve().as_posix().replace(" ", "%20")
    assert f'href="vscode://file{target}:2:5"' in page


def test_links_to_files_are_relative_paths_whatever_the_name(tmp_path: Path) -> None:
    summary = FileSummary("x", str(tmp_path / "javascript:alert(1)#.py"), 1)
    assert file_href(summary, tmp_path, vscode=False) == "./javascript%3Aalert%281%29%23.py"
    assert file_href(summary, tmp_path / "out", vscode=False).startswith("../javascript%3A")
    assert file_href(summary, tmp_path, vscode=True).startswith("vscode://file/")


def test_files_with_most_blockers_come_first_linked_at_their_first_finding(
    tmp_path: Path,
) -> None:
    page = report(
        tmp_path,
        summary(tmp_path, "review.py", 10, item(3, "TF104", "safe", False)),
        summary(tmp_path, "clean.py", 10),
        summary(tmp_path, "block.py", 10, item(7, "TF101", "safe", True)),
    )
    table = files_panel(page, tmp_path, vscode=False)
    rows = [row.split('"', 1)[0] for row in table.split('<tr class="file" data-path="')[1:]]
    assert rows == ["block.py", "review.py", "clean.py"]
    assert 'href="./block.py#L7"' in table and 'href="./clean.py"' in table


def test_the_findings_data_cannot_end_its_script_element(tmp_path: Path) -> None:
    message = "</script><script>alert(1)</script><!--"
    page = report(tmp_path, summary(tmp_path, "a.py", 1, item(1, "TF101", "safe", True, message)))
    table = files_panel(page, tmp_path, vscode=False)
    start = table.index('id="report-data">') + len('id="report-data">')
    payload = table[start : table.index("</script>", start)]
    assert "<" not in payload
    data = json.loads(payload)
    assert data["messages"] == [message]
    # line, column, code, message index, fix class index (safe), blocking
    assert data["files"][0]["i"] == [[1, 1, "TF101", 0, 0, 1]]
