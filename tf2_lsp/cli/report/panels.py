"""The page's summary panels: the headline cards, what the fixer can do, blocking against
review, rule families, the treemap, the most frequent rules, unreadable files and the trend
since a baseline. Each is a section of markup made from the report alone."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from tf2_lsp.cli.report import charts
from tf2_lsp.cli.report.aggregate import FIX_CLASSES, Counts, FileSummary, Report, Trend
from tf2_lsp.cli.report.formatting import delta, number, percent, signed, when


def card(kind: str, label: str, value: str, sub: str, delta: str = "", key: str = "") -> str:
    return (
        f'<div class="card {kind}" data-card="{key}"><div class="card-label">{label}</div>'
        f'<div class="card-value">{value}{delta}</div><div class="card-sub">{sub}</div></div>'
    )


def cards(report: Report) -> str:
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
        f"{number(len(report.files))} files"
        if not report.unreadable
        else f"{number(len(report.files))} files · {number(len(report.unreadable))} unreadable"
    )
    meter = (
        f'<span class="meter"><span style="width:{report.clean_share * 100:.1f}%"></span></span>'
    )
    return (
        '<section class="cards">'
        + "".join(
            [
                card(
                    "scan",
                    "Code scanned",
                    number(report.lines),
                    f"lines in {files_note}",
                    key="lines",
                ),
                card(
                    "uses",
                    "TF1 API uses",
                    number(totals.findings),
                    f"in {number(report.files_with_findings)} of {number(len(report.files))} files",
                    delta(totals.findings, before.findings if before else None),
                    "findings",
                ),
                card(
                    "clean",
                    "Already TF2-clean",
                    percent(report.clean_share),
                    meter
                    + f"{number(report.clean_lines)} lines in {number(report.clean_files)} files",
                    clean_delta,
                    "clean",
                ),
                card(
                    "block",
                    f"Blocking on TF {target}",
                    number(totals.blocking),
                    f"fail when run · in {number(report.blocking_files)} files",
                    delta(totals.blocking, before.blocking if before else None),
                    "blocking",
                ),
                card(
                    "review",
                    "Need review only",
                    number(totals.review),
                    "run on TF2, behaviour to check",
                    delta(totals.review, before.review if before else None),
                    "review",
                ),
                card(
                    "fixable",
                    "Fixable now",
                    number(totals.safe),
                    f"safe fixes · +{number(totals.unsafe)} unsafe",
                    delta(totals.safe, before.safe if before else None, good_when_down=True),
                    "safe",
                ),
            ]
        )
        + "</section>"
    )


def legend(entries: Sequence[tuple[str, str, int]]) -> str:
    return (
        '<ul class="legend">'
        + "".join(
            f'<li><span class="swatch {css}"></span>{escape(label)} <b>{number(value)}</b></li>'
            for css, label, value in entries
        )
        + "</ul>"
    )


def command(text: str, caption: str) -> str:
    return (
        '<div class="command"><div class="command-caption">'
        f'{caption}</div><div class="command-line"><code>{escape(text)}</code>'
        f'<button type="button" class="copy" data-copy="{escape(text)}" '
        'title="Copy to the clipboard">Copy</button></div></div>'
    )


def fix_panel(report: Report, commands: dict[str, str]) -> str:
    totals = report.totals
    parts = [
        (fix_class, charts.FIX_LABELS[fix_class], getattr(totals, fix_class))
        for fix_class in FIX_CLASSES
    ]
    share = totals.safe / totals.findings if totals.findings else 0.0
    ring = charts.donut(
        [(css, value, f"{number(value)} {label}") for css, label, value in parts],
        percent(share),
        "fixable safely",
    )
    cwd = escape(report.cwd)
    return (
        '<section class="panel" id="fixes"><h2>What the fixer can do today</h2>'
        f'<div class="split">{ring}{legend(parts)}</div>'
        + command(
            commands["fix_safe"],
            f"Apply the <b>{number(totals.safe)}</b> safe fixes (behaviour unchanged), "
            f'from <code title="{cwd}">{cwd}</code>:',
        )
        + (
            command(
                commands["fix_unsafe_diff"],
                f"Preview the <b>{number(totals.unsafe)}</b> unsafe fixes as a diff, then apply "
                f"them with <code>--unsafe</code> after review:",
            )
            if totals.unsafe
            else ""
        )
        + "</section>"
    )


def matrix_panel(report: Report) -> str:
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
            f"{number(cells.get((blocking, c), 0))}</td>"
            for c in FIX_CLASSES
        )
        total = report.totals.blocking if blocking else report.totals.review
        css = "block" if blocking else "review"
        rows.append(
            f'<tr><th class="{css}">{label}</th>{tds}<td class="sum">{number(total)}</td></tr>'
        )
    blocking_safe = cells.get((True, "safe"), 0)
    blocking_manual = cells.get((True, "manual"), 0) + cells.get((True, "none"), 0)
    note = (
        f'<p class="note"><b>{number(blocking_safe)}</b> of the {number(report.totals.blocking)} '
        f"blockers go away with the safe fixes; <b>{number(blocking_manual)}</b> need someone to "
        "rewrite the code.</p>"
        if report.totals.blocking
        else '<p class="note">Nothing blocks running on the target version.</p>'
    )
    return (
        '<section class="panel" id="matrix"><h2>Blocking or review, by fix class</h2>'
        f'<table class="matrix"><thead><tr><th></th>{header}<th>total</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{note}</section>"
    )


def families_panel(report: Report) -> str:
    swatches = legend([(c, charts.FIX_LABELS[c], getattr(report.totals, c)) for c in FIX_CLASSES])
    return (
        '<section class="panel" id="families"><h2>Findings by rule family</h2>'
        f"{swatches}{charts.family_bars(report.families)}</section>"
    )


def treemap_panel(report: Report) -> str:
    data = [(f.path, f.lines, f.counts.findings, f.counts.blocking) for f in report.files]
    return (
        '<section class="panel" id="treemap"><div class="panel-head"><h2>Where the work is</h2>'
        f"{charts.density_legend(charts.density_top(data))}</div>"
        '<p class="hint">Area: lines of code. Colour: TF1 uses per 1,000 lines. '
        "Click a file to find it in the table.</p>"
        f"{charts.treemap(data)}</section>"
    )


def rules_panel(report: Report) -> str:
    if not report.rules:
        return ""
    top = report.rules[:15]
    biggest = top[0].counts.findings or 1
    rows = []
    for group in top:
        counts = group.counts
        segs = "".join(
            f'<span class="seg {c}" style="width:{100 * getattr(counts, c) / biggest:.2f}%" '
            f'title="{number(getattr(counts, c))} {escape(charts.FIX_LABELS[c])}"></span>'
            for c in FIX_CLASSES
            if getattr(counts, c)
        )
        rows.append(
            f"<tr><td><code>{escape(group.id)}</code></td><td>{escape(group.title)}</td>"
            f'<td class="num">{number(counts.findings)}</td>'
            f'<td class="num">{number(counts.blocking) if counts.blocking else ""}</td>'
            f'<td class="num">{number(group.files)}</td><td class="minibar">{segs}</td></tr>'
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


def unreadable_panel(files: Sequence[FileSummary]) -> str:
    items = "".join(
        f"<li><code>{escape(f.path)}</code>: {escape(f.unreadable or '')}</li>" for f in files[:50]
    )
    more = f"<li>… and {len(files) - 50} more</li>" if len(files) > 50 else ""
    return (
        '<section class="panel warn" id="unreadable"><h2>Files that could not be analysed</h2>'
        "<p>These files are counted as not clean: fix them first (they are not Python 3, "
        f"not decodable, or not readable).</p><ul>{items}{more}</ul></section>"
    )


def trend_panel(trend: Trend) -> str:
    made = escape(when(trend.generated or ""))
    kind = "report" if trend.kind == "report" else "check --format json"
    net = trend.new - trend.fixed
    warn = (
        '<p class="note bad">None of the baseline\'s paths is a path of this scan: was it '
        "made from another directory or for another tree?</p>"
        if trend.unmatched_paths
        else ""
    )
    files = "".join(
        f'<tr><td><code>{escape(c.path)}</code></td><td class="num">{number(c.before)}</td>'
        f'<td class="num">{number(c.after)}</td>'
        f'<td class="num{" good" if c.fixed else " zero"}">{signed(-c.fixed)}</td>'
        f'<td class="num{" bad" if c.new else " zero"}">{signed(c.new)}</td></tr>'
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
        f'<p class="meta">Baseline <code>{escape(trend.source)}</code> ({kind}, {made}): '
        f"{number(trend.before.findings)} TF1 uses then.</p>{warn}"
        '<div class="trend-stats">'
        f'<div class="stat good"><b>{number(trend.fixed)}</b> fixed</div>'
        f'<div class="stat bad"><b>{number(trend.new)}</b> new</div>'
        f'<div class="stat {"good" if net < 0 else "bad" if net > 0 else ""}"><b>'
        f"{'+' if net > 0 else '−' if net < 0 else '±'}{number(abs(net))}</b> net</div></div>"
        '<div class="legend"><span><span class="swatch fixed"></span> fixed</span>'
        '<span><span class="swatch new"></span> new</span></div>'
        f"{charts.trend_bars(trend.families)}{table}</section>"
    )
