"""Reports built by hand for the tests of the page's pieces: no scan, no subprocess."""

from __future__ import annotations

from pathlib import Path

from tf2_lsp.cli.report.aggregate import (
    Counts,
    FileSummary,
    FixClass,
    Group,
    Item,
    Report,
    Settings,
)


def item(line: int, code: str, fix_class: FixClass, blocking: bool, message: str = "m") -> Item:
    return Item(line, 1, code, None, "warning", message, fix_class, blocking)


def summary(root: Path, path: str, lines: int, *items: Item) -> FileSummary:
    counts = Counts()
    for each in items:
        counts.add(each)
    return FileSummary(path, str(root / path), lines, list(items), counts)


def report(root: Path, *files: FileSummary, rules: list[Group] | None = None) -> Report:
    totals = Counts()
    for each in files:
        totals.merge(each.counts)
    return Report(
        root=str(root),
        paths=[str(root)],
        cwd=str(root),
        generated="2026-12-02T13:51:56Z",
        settings=Settings("compat", "2.21"),
        files=list(files),
        totals=totals,
        families=[],
        rules=rules or [],
    )
