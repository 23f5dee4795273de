"""`tf2-lsp report PATH... [-o FILE] [--format html|json] [--baseline FILE] [--vscode-links]`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path

from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.cli.parser import DEFAULT_HTML
from tf2_lsp.cli.report.aggregate import (
    Report,
    ScanResult,
    aggregate,
    compare,
    report_root,
)
from tf2_lsp.cli.report.aggregate import Settings as ReportSettings
from tf2_lsp.cli.status import EXIT_CLEAN, EXIT_ERROR
from tf2_lsp.cli.suggest import fix_command
from tf2_lsp.cli.terminal import with_progress
from tf2_lsp.settings import Settings

Scan = Callable[[list[Path]], Iterable[ScanResult]]


def now_iso() -> str:
    """UTC now, or SOURCE_DATE_EPOCH's time for reproducible reports."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = (
        datetime.fromtimestamp(int(epoch), timezone.utc)
        if epoch.isdigit()
        else datetime.now(timezone.utc)
    )
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def fix_commands(args: argparse.Namespace) -> dict[str, str]:
    """The exact `tf2-lsp fix` commands for what the report found, with the same options."""
    return {
        "fix_safe": fix_command(args, None, unsafe=False),
        "fix_unsafe_diff": fix_command(args, None, unsafe=True, diff=True),
        "fix_unsafe": fix_command(args, None, unsafe=True),
    }


def run_report(
    args: argparse.Namespace,
    files: list[Path],
    settings: Settings,
    catalogue: Catalogue,
    scan: Scan,
) -> int:
    from tf2_lsp.cli.report.schema import BaselineError, dumps, load_baseline, report_json

    baseline = None
    if args.baseline is not None:
        try:  # before scanning: a wrong baseline should not cost a full scan to find out
            baseline = load_baseline(args.baseline, report_root(args.paths), catalogue)
        except BaselineError as error:
            print(f"tf2-lsp: {error}", file=sys.stderr)
            return EXIT_ERROR
    output = args.output or ("-" if args.format == "json" else DEFAULT_HTML)
    results = list(with_progress(scan(files), len(files), "Scanning"))
    io_errors = False
    for result in results:  # after the progress line is gone
        if result.io_error:
            io_errors = True
            print(f"tf2-lsp: {result.path}: {result.io_error}", file=sys.stderr)
    report = aggregate(
        results,
        catalogue,
        paths=args.paths,
        settings=ReportSettings(
            settings.level, settings.target_version, tuple(settings.select), tuple(settings.ignore)
        ),
        generated=now_iso(),
    )
    if baseline is not None:
        report.trend = compare(report, baseline, catalogue)
        if report.trend.unmatched_paths:
            print(
                f"tf2-lsp: warning: no path of the baseline {args.baseline} is a path of this "
                "scan; every finding counts as new",
                file=sys.stderr,
            )
    commands = fix_commands(args)
    if args.format == "json":
        text = dumps(report_json(report, commands))
    else:
        from tf2_lsp.cli.report.html import render

        out_dir = Path.cwd() if output == "-" else Path(os.path.abspath(output)).parent
        text = render(report, commands, out_dir=out_dir, vscode_links=args.vscode_links)
    if output == "-":
        sys.stdout.write(text + ("\n" if not text.endswith("\n") else ""))
    else:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            print(f"tf2-lsp: cannot write {output}: {error.strerror or error}", file=sys.stderr)
            return EXIT_ERROR
        print(summary_line(report, output), file=sys.stderr)
    # As `check`: a file that could not be read (a named pipe, no permission) fails the run,
    # though the report of the rest is written.
    return EXIT_ERROR if io_errors else EXIT_CLEAN


def summary_line(report: Report, output: str) -> str:
    totals = report.totals
    text = (
        f"Wrote {output}: {_count(len(report.files), 'file')}, {_count(report.lines, 'line')}, "
        f"{totals.findings:,} TF1 uses ({totals.blocking:,} blocking, {totals.safe:,} safely "
        f"fixable); "
    )
    unreadable = len(report.unreadable)
    if not unreadable:
        return text + f"{report.clean_share * 100:.0f}% of lines TF2-clean."
    # Lines that could not be read are not known to be clean: never "100% clean" then.
    return text + (
        f"{report.clean_share * 100:.0f}% of the lines analysed TF2-clean; "
        f"{_count(unreadable, 'file')} could not be analysed (see the report)."
    )


def _count(value: int, noun: str) -> str:
    return f"{value:,} {noun}{'' if value == 1 else 's'}"
