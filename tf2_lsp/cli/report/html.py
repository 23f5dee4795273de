"""The report as one self-contained HTML page: styles, script, data and SVG charts inline.

The page loads nothing: its Content-Security-Policy forbids every fetch, so it renders the same
from a CI artifact, a mail attachment or VS Code's webview. Everything a reader needs is in the
static markup; the small script only sorts and filters the file table, expands a file's
findings, copies commands and, inside VS Code, opens files in the editor.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Sequence
from html import escape
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from tf2_lsp import __version__
from tf2_lsp.cli.report import charts
from tf2_lsp.cli.report.aggregate import FIX_CLASSES, Counts, FileSummary, Report, Trend


def content_security_policy(script: str) -> str:
    """The page's policy: no request at all, and no script but the page's own, allowed by its
    hash, so that nothing written into the page from file names or messages (an `onerror`
    attribute, a `javascript:` link) can run even if it escaped escaping."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


FIX_CLASS_INDEX = {name: index for index, name in enumerate(FIX_CLASSES)}


def _asset(name: str) -> str:
    return resources.files("tf2_lsp.cli.report").joinpath(name).read_text(encoding="utf-8")


def _when(stamp: str) -> str:
    """`2026-12-02T13:51:56Z` -> `2026-12-02 13:51 UTC`."""
    if len(stamp) >= 16 and stamp[10] == "T" and stamp.endswith("Z"):
        return f"{stamp[:10]} {stamp[11:16]} UTC"
    return stamp


def _signed(value: int) -> str:
    return "0" if value == 0 else f"{'+' if value > 0 else '−'}{abs(value):,}"


def _n(value: int) -> str:
    return f"{value:,}"


def _pct(share: float) -> str:
    percent = share * 100
    if 0 < percent < 1:
        return f"{percent:.1f}%"
    if 99 < percent < 100:
        return f"{percent:.1f}%"
    return f"{percent:.0f}%"


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


def render(
    report: Report,
    commands: dict[str, str],
    *,
    out_dir: Path,
    vscode_links: bool,
) -> str:
    title = f"TF2 migration report · {Path(report.root).name or report.root}"
    body = (
        _header(report)
        + (
            _empty(report)
            if not report.files
            else _content(report, commands, out_dir, vscode_links)
        )
        + _footer(report)
    )
    page = _asset("page.html")
    script = _asset("report.js")
    return (
        page.replace("__CSP__", content_security_policy(script))
        .replace("/*STYLE*/", _asset("report.css"))
        .replace("/*SCRIPT*/", script)
        .replace("__TITLE__", escape(title))  # escaped: cannot contain the body's marker
        .replace("<!--BODY-->", body)
    )


def _header(report: Report) -> str:
    settings = report.settings
    scope = (
        f'<span title="{escape(", ".join(report.paths))}"><code>{escape(report.root)}</code></span>'
    )
    extra = ""
    if settings.select:
        extra += f" · select {escape(','.join(settings.select))}"
    if settings.ignore:
        extra += f" · ignore {escape(','.join(settings.ignore))}"
    return (
        '<header class="top"><div class="wrap">'
        '<div class="brand">tf2-lsp</div>'
        "<h1>TensorFlow 2 migration report</h1>"
        f'<p class="meta">{scope} · '
        f"target <b>TensorFlow {escape(settings.target_version)}</b> · level "
        f"<b>{escape(settings.level)}</b>{extra} · "
        f'<time datetime="{escape(report.generated)}">{escape(_when(report.generated))}</time></p>'
        "</div></header>"
    )


def _footer(report: Report) -> str:
    return (
        '<footer class="wrap"><p><b>How to read this page.</b> '
        "<i>Blocking</i>: the code fails on the target when it gets there: the symbol is gone "
        "from TensorFlow 2 (AttributeError, ImportError), the call passes TF1 arguments "
        "(TypeError), or the finding's severity is <code>error</code>. "
        "<i>Review</i>: it runs on TensorFlow 2, but semantics or defaults changed, or it runs "
        "through <code>tf.compat.v1</code> and has an idiomatic TF2 form. "
        "<i>Safe</i> fixes keep behaviour exactly; <i>unsafe</i> fixes need a review; "
        "<i>manual</i> rules have no automatic fix; <i>no fix</i> means the rule has fixes but "
        "none applies to that use at this level and target. "
        "<i>TF2-clean lines</i> are the lines of files with no finding left. "
        "Findings are exactly those of <code>tf2-lsp check</code> with the same options.</p>"
        f"<p>Generated by tf2-lsp {escape(__version__)} · root "
        f"<code>{escape(report.root)}</code></p></footer>"
    )


def _empty(report: Report) -> str:
    return (
        '<main class="wrap"><section class="panel empty" id="empty">'
        "<h2>No Python files found</h2>"
        f"<p>Nothing to report: there is no <code>*.py</code> file under "
        f"{', '.join(f'<code>{escape(p)}</code>' for p in report.paths)} "
        "(directories such as <code>.git</code>, virtual environments and "
        "<code>node_modules</code> are skipped, and so are the project's "
        "<code>exclude</code> patterns).</p></section></main>"
    )


def _delta(now: int, before: int | None, good_when_down: bool = True) -> str:
    if before is None:
        return ""
    change = now - before
    if change == 0:
        return '<span class="delta same">±0</span>'
    better = (change < 0) == good_when_down
    sign = "+" if change > 0 else "−"
    return f'<span class="delta {"good" if better else "bad"}">{sign}{_n(abs(change))}</span>'


def _card(kind: str, label: str, value: str, sub: str, delta: str = "", key: str = "") -> str:
    return (
        f'<div class="card {kind}" data-card="{key}"><div class="card-label">{label}</div>'
        f'<div class="card-value">{value}{delta}</div><div class="card-sub">{sub}</div></div>'
    )


def _cards(report: Report) -> str:
    totals = report.totals
    trend = report.trend
    before: Counts | None = trend.before if trend else None
    target = escape(report.settings.target_version)
    clean_delta = ""
    if trend and trend.before_lines and trend.before_clean_lines is not None:
        old = trend.before_clean_lines / trend.before_lines
        change = round((report.clean_share - old) * 100, 1)
        if change:
            clean_delta = (
                f'<span class="delta {"good" if change > 0 else "bad"}">'
                f"{'+' if change > 0 else '−'}{abs(change):g} pt</span>"
            )
    files_note = (
        f"{_n(len(report.files))} files"
        if not report.unreadable
        else f"{_n(len(report.files))} files · {_n(len(report.unreadable))} unreadable"
    )
    meter = (
        f'<span class="meter"><span style="width:{report.clean_share * 100:.1f}%"></span></span>'
    )
    return (
        '<section class="cards">'
        + "".join(
            [
                _card(
                    "scan", "Code scanned", _n(report.lines), f"lines in {files_note}", key="lines"
                ),
                _card(
                    "uses",
                    "TF1 API uses",
                    _n(totals.findings),
                    f"in {_n(report.files_with_findings)} of {_n(len(report.files))} files",
                    _delta(totals.findings, before.findings if before else None),
                    "findings",
                ),
                _card(
                    "clean",
                    "Already TF2-clean",
                    _pct(report.clean_share),
                    meter + f"{_n(report.clean_lines)} lines in {_n(report.clean_files)} files",
                    clean_delta,
                    "clean",
                ),
                _card(
                    "block",
                    f"Blocking on TF {target}",
                    _n(totals.blocking),
                    f"fail when run · in {_n(report.blocking_files)} files",
                    _delta(totals.blocking, before.blocking if before else None),
                    "blocking",
                ),
                _card(
                    "review",
                    "Need review only",
                    _n(totals.review),
                    "run on TF2, behaviour to check",
                    _delta(totals.review, before.review if before else None),
                    "review",
                ),
                _card(
                    "fixable",
                    "Fixable now",
                    _n(totals.safe),
                    f"safe fixes · +{_n(totals.unsafe)} unsafe",
                    _delta(totals.safe, before.safe if before else None, good_when_down=True),
                    "safe",
                ),
            ]
        )
        + "</section>"
    )


def _content(report: Report, commands: dict[str, str], out_dir: Path, vscode: bool) -> str:
    parts = ['<main class="wrap">', _cards(report)]
    if report.trend is not None:
        parts.append(_trend(report.trend))
    if report.unreadable:
        parts.append(_unreadable(report.unreadable))
    if report.totals.findings == 0:
        parts.append(
            '<section class="panel done" id="all-clean"><h2>No TensorFlow 1.x API use left</h2>'
            f"<p>All {_n(report.lines)} lines in {_n(len(report.files))} files are TF2-clean "
            "for these rules and this target.</p></section>"
            if not report.unreadable
            # A file that could not be read may hold TF1 code: never "all clean" then.
            else '<section class="panel warn" id="all-clean">'
            "<h2>No TensorFlow 1.x API use in the files analysed</h2>"
            f"<p>{_n(len(report.unreadable))} files could not be analysed (listed above) and may "
            "still use TensorFlow 1.x.</p></section>"
        )
    else:
        parts += [
            '<div class="grid">',
            _fix_panel(report, commands),
            _matrix_panel(report),
            "</div>",
            _families_panel(report),
        ]
    parts += [_treemap_panel(report), _rules_panel(report), _files_panel(report, out_dir, vscode)]
    parts.append("</main>")
    return "".join(parts)


def _legend(entries: Sequence[tuple[str, str, int]]) -> str:
    return (
        '<ul class="legend">'
        + "".join(
            f'<li><span class="swatch {css}"></span>{escape(label)} <b>{_n(value)}</b></li>'
            for css, label, value in entries
        )
        + "</ul>"
    )


def _command(text: str, caption: str) -> str:
    return (
        '<div class="command"><div class="command-caption">'
        f'{caption}</div><div class="command-line"><code>{escape(text)}</code>'
        f'<button type="button" class="copy" data-copy="{escape(text)}" '
        'title="Copy to the clipboard">Copy</button></div></div>'
    )


def _fix_panel(report: Report, commands: dict[str, str]) -> str:
    totals = report.totals
    parts = [
        (fix_class, charts.FIX_LABELS[fix_class], getattr(totals, fix_class))
        for fix_class in FIX_CLASSES
    ]
    share = totals.safe / totals.findings if totals.findings else 0.0
    ring = charts.donut(
        [(css, value, f"{_n(value)} {label}") for css, label, value in parts],
        _pct(share),
        "fixable safely",
    )
    cwd = escape(report.cwd)
    return (
        '<section class="panel" id="fixes"><h2>What the fixer can do today</h2>'
        f'<div class="split">{ring}{_legend(parts)}</div>'
        + _command(
            commands["fix_safe"],
            f"Apply the <b>{_n(totals.safe)}</b> safe fixes (behaviour unchanged), "
            f'from <code title="{cwd}">{cwd}</code>:',
        )
        + (
            _command(
                commands["fix_unsafe_diff"],
                f"Preview the <b>{_n(totals.unsafe)}</b> unsafe fixes as a diff, then apply "
                f"them with <code>--unsafe</code> after review:",
            )
            if totals.unsafe
            else ""
        )
        + "</section>"
    )


def _matrix_panel(report: Report) -> str:
    header = "".join(f"<th>{escape(charts.FIX_LABELS[c])}</th>" for c in FIX_CLASSES)
    cells: dict[tuple[bool, str], int] = {}
    for summary in report.files:
        for item in summary.items:
            key = (item.blocking, item.fix_class)
            cells[key] = cells.get(key, 0) + 1
    biggest = max(cells.values(), default=1)
    rows = []
    for blocking, label in ((True, "Blocking"), (False, "Review")):
        tds = "".join(
            f'<td class="heat" style="--heat:{cells.get((blocking, c), 0) / biggest:.3f}">'
            f"{_n(cells.get((blocking, c), 0))}</td>"
            for c in FIX_CLASSES
        )
        total = report.totals.blocking if blocking else report.totals.review
        css = "block" if blocking else "review"
        rows.append(f'<tr><th class="{css}">{label}</th>{tds}<td class="sum">{_n(total)}</td></tr>')
    blocking_safe = cells.get((True, "safe"), 0)
    blocking_manual = cells.get((True, "manual"), 0) + cells.get((True, "none"), 0)
    note = (
        f'<p class="note"><b>{_n(blocking_safe)}</b> of the {_n(report.totals.blocking)} '
        f"blockers go away with the safe fixes; <b>{_n(blocking_manual)}</b> need someone to "
        "rewrite the code.</p>"
        if report.totals.blocking
        else '<p class="note">Nothing blocks running on the target version.</p>'
    )
    return (
        '<section class="panel" id="matrix"><h2>Blocking or review, by fix class</h2>'
        f'<table class="matrix"><thead><tr><th></th>{header}<th>total</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{note}</section>"
    )


def _families_panel(report: Report) -> str:
    legend = _legend([(c, charts.FIX_LABELS[c], getattr(report.totals, c)) for c in FIX_CLASSES])
    return (
        '<section class="panel" id="families"><h2>Findings by rule family</h2>'
        f"{legend}{charts.family_bars(report.families)}</section>"
    )


def _treemap_panel(report: Report) -> str:
    data = [(f.path, f.lines, f.counts.findings, f.counts.blocking) for f in report.files]
    return (
        '<section class="panel" id="treemap"><div class="panel-head"><h2>Where the work is</h2>'
        f"{charts.density_legend(charts.density_top(data))}</div>"
        '<p class="hint">Area: lines of code. Colour: TF1 uses per 1,000 lines. '
        "Click a file to find it in the table.</p>"
        f"{charts.treemap(data)}</section>"
    )


def _rules_panel(report: Report) -> str:
    if not report.rules:
        return ""
    top = report.rules[:15]
    biggest = top[0].counts.findings or 1
    rows = []
    for group in top:
        counts = group.counts
        segs = "".join(
            f'<span class="seg {c}" style="width:{100 * getattr(counts, c) / biggest:.2f}%" '
            f'title="{_n(getattr(counts, c))} {escape(charts.FIX_LABELS[c])}"></span>'
            for c in FIX_CLASSES
            if getattr(counts, c)
        )
        rows.append(
            f"<tr><td><code>{escape(group.id)}</code></td><td>{escape(group.title)}</td>"
            f'<td class="num">{_n(counts.findings)}</td>'
            f'<td class="num">{_n(counts.blocking) if counts.blocking else ""}</td>'
            f'<td class="num">{_n(group.files)}</td><td class="minibar">{segs}</td></tr>'
        )
    more = (
        f'<p class="hint">{len(report.rules) - len(top)} more rules in the JSON report; '
        "<code>tf2-lsp rules CODE</code> explains a rule.</p>"
        if len(report.rules) > len(top)
        else '<p class="hint"><code>tf2-lsp rules CODE</code> explains a rule.</p>'
    )
    return (
        '<section class="panel" id="rules"><h2>Most frequent rules</h2>'
        '<table class="rules"><thead><tr><th>Code</th><th>Rule</th><th class="num">Uses</th>'
        '<th class="num">Blocking</th><th class="num">Files</th><th>Fix classes</th></tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>{more}</section>"
    )


def _files_panel(report: Report, out_dir: Path, vscode: bool) -> str:
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
            f'<td class="{_cell_class(key, value)}">{_n(value)}</td>'
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


def _unreadable(files: Sequence[FileSummary]) -> str:
    items = "".join(
        f"<li><code>{escape(f.path)}</code>: {escape(f.unreadable or '')}</li>" for f in files[:50]
    )
    more = f"<li>… and {len(files) - 50} more</li>" if len(files) > 50 else ""
    return (
        '<section class="panel warn" id="unreadable"><h2>Files that could not be analysed</h2>'
        "<p>These files are counted as not clean: fix them first (they are not Python 3, "
        f"not decodable, or not readable).</p><ul>{items}{more}</ul></section>"
    )


def _trend(trend: Trend) -> str:
    when = escape(_when(trend.generated or ""))
    kind = "report" if trend.kind == "report" else "check --format json"
    net = trend.new - trend.fixed
    warn = (
        '<p class="note bad">None of the baseline\'s paths is a path of this scan: was it '
        "made from another directory or for another tree?</p>"
        if trend.unmatched_paths
        else ""
    )
    files = "".join(
        f'<tr><td><code>{escape(c.path)}</code></td><td class="num">{_n(c.before)}</td>'
        f'<td class="num">{_n(c.after)}</td>'
        f'<td class="num{" good" if c.fixed else " zero"}">{_signed(-c.fixed)}</td>'
        f'<td class="num{" bad" if c.new else " zero"}">{_signed(c.new)}</td></tr>'
        for c in trend.files[:12]
    )
    table = (
        '<table class="changes"><thead><tr><th>File</th><th class="num">Before</th>'
        '<th class="num">Now</th><th class="num">Fixed</th><th class="num">New</th></tr>'
        f"</thead><tbody>{files}</tbody></table>"
        if files
        else "<p>No finding changed.</p>"
    )
    return (
        '<section class="panel" id="trend"><h2>Since the baseline</h2>'
        f'<p class="meta">Baseline <code>{escape(trend.source)}</code> ({kind}, {when}): '
        f"{_n(trend.before.findings)} TF1 uses then.</p>{warn}"
        '<div class="trend-stats">'
        f'<div class="stat good"><b>{_n(trend.fixed)}</b> fixed</div>'
        f'<div class="stat bad"><b>{_n(trend.new)}</b> new</div>'
        f'<div class="stat {"good" if net < 0 else "bad" if net > 0 else ""}"><b>'
        f"{'+' if net > 0 else '−' if net < 0 else '±'}{_n(abs(net))}</b> net</div></div>"
        '<div class="legend"><span><span class="swatch fixed"></span> fixed</span>'
        '<span><span class="swatch new"></span> new</span></div>'
        f"{charts.trend_bars(trend.families)}{table}</section>"
    )
