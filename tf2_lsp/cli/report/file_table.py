"""The page's file table: a row per file, most blocking first, each linking to the file at its
first finding, and every finding as JSON data the page's script expands under its file."""

from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path
from urllib.parse import quote

from tf2_lsp.cli.report.aggregate import FIX_CLASSES, FileSummary, Report
from tf2_lsp.cli.report.formatting import number

FIX_CLASS_INDEX = {name: index for index, name in enumerate(FIX_CLASSES)}


def file_href(summary: FileSummary, out_dir: Path, vscode: bool) -> str:
    """Where a file's link points, without the line: `vscode://file/...` or a relative path."""
    if vscode:
        absolute = Path(summary.absolute).as_posix()
        if not absolute.startswith("/"):
            absolute = "/" + absolute  # C:/x -> /C:/x
        return "vscode://file" + quote(absolute, safe="/:")
    try:
        target = Path(os.path.relpath(summary.absolute, out_dir)).as_posix()
    except ValueError:  # another drive (Windows): only an absolute file: URI reaches it
        return Path(summary.absolute).as_uri()
    # `:` percent-encoded and `./` or `../` first: a file named `javascript:...` stays a path.
    link = quote(target, safe="/")
    return link if link.startswith("../") else "./" + link


def line_href(base: str, line: int, column: int, vscode: bool) -> str:
    return f"{base}:{line}:{column}" if vscode else f"{base}#L{line}"


def files_panel(report: Report, out_dir: Path, vscode: bool) -> str:
    messages: dict[str, int] = {}
    data = []
    rows = []
    columns = [
        ("path", "File", "text"),
        ("lines", "Lines", "num"),
        ("findings", "TF1 uses", "num"),
        ("blocking", "Blocking", "num"),
        ("review", "Review", "num"),
        ("safe", "Safe", "num"),
        ("unsafe", "Unsafe", "num"),
        ("manual", "Manual", "num"),
        ("none", "No fix", "num"),
        ("density", "Per 1k lines", "num"),
    ]
    ordered = sorted(report.files, key=lambda f: (-f.counts.blocking, -f.counts.findings, f.path))
    for index, summary in enumerate(ordered):
        base = file_href(summary, out_dir, vscode)
        items = [
            [
                item.line,
                item.column,
                item.code,
                messages.setdefault(item.message, len(messages)),
                FIX_CLASS_INDEX[item.fix_class],
                1 if item.blocking else 0,
            ]
            for item in summary.items
        ]
        data.append({"p": summary.path, "h": base, "i": items})
        counts = summary.counts
        density = counts.findings * 1000 / summary.lines if summary.lines else 0.0
        first = summary.items[0] if summary.items else None
        href = line_href(base, first.line, first.column, vscode) if first else base
        link = (
            f'<a class="open" href="{escape(href)}" data-file="{escape(summary.absolute)}" '
            f'data-line="{first.line if first else 1}">{escape(summary.path)}</a>'
        )
        status = ""
        if summary.unreadable:
            status = (
                f' <span class="tag bad" title="{escape(summary.unreadable)}">unreadable</span>'
            )
        elif summary.clean:
            status = ' <span class="tag good">clean</span>'
        toggle = (
            f'<button type="button" class="expand" aria-expanded="false" data-index="{index}" '
            'title="Show the findings">▸</button>'
            if summary.items
            else '<span class="expand-none"></span>'
        )
        values = {
            "lines": summary.lines,
            "findings": counts.findings,
            "blocking": counts.blocking,
            "review": counts.review,
            "safe": counts.safe,
            "unsafe": counts.unsafe,
            "manual": counts.manual,
            "none": counts.none,
        }
        cells = "".join(
            f'<td class="{_cell_class(key, value)}">{number(value)}</td>'
            for key, value in values.items()
        )
        rows.append(
            f'<tr class="file" data-path="{escape(summary.path)}" data-index="{index}" '
            + " ".join(f'data-{k}="{v}"' for k, v in values.items())
            + f' data-density="{density:.3f}">'
            f'<td class="path">{toggle}{link}{status}</td>{cells}'
            f'<td class="num">{density:.1f}</td></tr>'
        )
    head = "".join(
        f'<th class="{kind}" data-sort="{key}" data-kind="{kind}" tabindex="0">{label}</th>'
        for key, label, kind in columns
    )
    payload = json.dumps(
        {"vscode": vscode, "messages": list(messages), "files": data, "classes": FIX_CLASSES},
        ensure_ascii=False,
        separators=(",", ":"),
    ).replace("<", "\\u003c")  # no "</script>" or "<!--" can end or bend the element
    return (
        '<section class="panel" id="files"><div class="panel-head"><h2>Files</h2>'
        '<div class="filters"><input type="search" id="filter" placeholder="Filter by path…" '
        'aria-label="Filter files by path">'
        '<label><input type="checkbox" id="only-open"> only files with findings</label></div></div>'
        f'<table class="files" id="file-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<script type="application/json" id="report-data">{payload}</script></section>'
    )


def _cell_class(key: str, value: int) -> str:
    if not value:
        return "num zero"
    return "num block" if key == "blocking" else "num"
