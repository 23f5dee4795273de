"""Findings as text, JSON, GitHub workflow annotations, SARIF 2.1.0 and per-rule statistics.

Text, JSON and GitHub output are written file by file as results arrive (`Reporter.add`);
SARIF and statistics are whole documents and are written at the end (`Reporter.finish`).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tf2_lsp import __version__
from tf2_lsp.catalogue.docs import fill
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.cli.records import Record, fails
from tf2_lsp.cli.terminal import Style

INFORMATION_URI = "https://www.tensorflow.org/guide/migrate"
Write = Callable[[str], None]


def fingerprints(records: Sequence[Record]) -> list[str]:
    """A stable id per record: its key plus its rank among records with the same key.

    Moving code up or down leaves it unchanged; editing the finding's line changes it.
    """
    seen: Counter[tuple[str, str, str, str]] = Counter()
    ids = []
    for record in records:
        rank = seen[record.key]
        seen[record.key] += 1
        text = "\0".join((*record.key, str(rank)))
        ids.append(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32])
    return ids


@dataclass
class Tally:
    """What a run found, for the closing summary."""

    files: int = 0
    records: int = 0
    safe: int = 0
    unsafe: int = 0
    touched: set[str] = field(default_factory=set)
    baselined: int = 0
    failing: int = 0  # errors and warnings: information notes do not fail a run

    def add(self, records: Iterable[Record]) -> None:
        for record in records:
            self.records += 1
            self.failing += fails(record)
            self.touched.add(record.path)
            if record.fix_safety == "safe":
                self.safe += 1
            elif record.fix_safety == "unsafe":
                self.unsafe += 1


@dataclass(frozen=True)
class Hint:
    """The `tf2-lsp fix` commands that apply the safe fixes, and the unsafe ones too."""

    safe: str
    unsafe: str


class Reporter(Protocol):
    def add(self, records: Sequence[Record]) -> None: ...

    def finish(self, tally: Tally, hint: Hint) -> None: ...


def text_line(record: Record, style: Style) -> str:
    marker = {"safe": "[fix]", "unsafe": "[unsafe fix]"}.get(record.fix_safety)
    return (
        f"{style.bold(record.path)}:{record.where}: "
        f"{style.red(record.code)} {record.message}" + (f" {style.cyan(marker)}" if marker else "")
    )


class TextReporter:
    def __init__(self, write: Write, style: Style) -> None:
        self.write = write
        self.style = style

    def add(self, records: Sequence[Record]) -> None:
        if records:
            self.write("".join(text_line(r, self.style) + "\n" for r in records))

    def finish(self, tally: Tally, hint: Hint) -> None:
        self.write(text_summary(tally, hint) + "\n")


def text_summary(tally: Tally, hint: Hint) -> str:
    """`Found 3 finding(s) in 1 of 2 file(s); 2 fixable with `tf2-lsp fix PATH`...`."""
    baselined = f" ({tally.baselined} more in the baseline)" if tally.baselined else ""
    if not tally.records:
        return f"No TensorFlow 1.x API uses found in {tally.files} file(s){baselined}."
    text = (
        f"Found {tally.records} finding(s) in {len(tally.touched)} of {tally.files} file(s)"
        f"{baselined}; {tally.safe} fixable with `{hint.safe}`"
    )
    if tally.unsafe:
        text += f", {tally.unsafe} more with `{hint.unsafe}` (review them)"
    return text + "."


class JsonReporter:
    """One JSON array, written element by element (the same bytes as `json.dumps(list)`)."""

    def __init__(self, write: Write) -> None:
        self.write = write
        self.first = True

    def add(self, records: Sequence[Record]) -> None:
        if not records:
            return
        # No indent: only then does the json module use its C encoder (1.3 s -> 0.1 s for 35k).
        body = ", ".join(json.dumps(r.as_json()) for r in records)
        self.write(("[" if self.first else ", ") + body)
        self.first = False

    def finish(self, tally: Tally, hint: Hint) -> None:
        self.write("[]\n" if self.first else "]\n")


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(record: Record) -> str:
    """A GitHub Actions workflow command: shown on the pull request's diff at that line."""
    level = _GITHUB_LEVEL.get(record.severity, "warning")
    properties = ",".join(
        f"{key}={_github_property(str(value))}"
        for key, value in (
            ("file", record.path.replace("\\", "/")),
            ("line", record.line),
            ("col", record.column),
            ("endLine", record.end_line),
            ("endColumn", record.end_column),
            ("title", f"tf2-lsp {record.code}"),
        )
    )
    return f"::{level} {properties}::{_github_data(f'{record.code} {record.message}')}"


class GithubReporter:
    def __init__(self, write: Write) -> None:
        self.write = write

    def add(self, records: Sequence[Record]) -> None:
        if records:
            self.write("".join(github_line(r) + "\n" for r in records))

    def finish(self, tally: Tally, hint: Hint) -> None:
        pass


class SarifReporter:
    def __init__(self, write: Write, catalogue: Catalogue) -> None:
        self.write = write
        self.catalogue = catalogue
        self.records: list[Record] = []

    def add(self, records: Sequence[Record]) -> None:
        self.records.extend(records)

    def finish(self, tally: Tally, hint: Hint) -> None:
        self.write(as_sarif(self.records, self.catalogue) + "\n")


class StatisticsReporter:
    """`--statistics`: one row per rule, most frequent first."""

    def __init__(self, write: Write, catalogue: Catalogue, fmt: str, style: Style) -> None:
        self.write = write
        self.catalogue = catalogue
        self.fmt = fmt
        self.style = style
        self.counts: dict[str, Counter[str]] = {}

    def add(self, records: Sequence[Record]) -> None:
        for record in records:
            self.counts.setdefault(record.code, Counter())[record.fix_safety] += 1

    def rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for code, counts in self.counts.items():
            rule = self.catalogue.by_code.get(code)
            rows.append(
                {
                    "code": code,
                    "name": rule.name if rule else "unreadable-file",
                    "count": sum(counts.values()),
                    "safe": counts["safe"],
                    "unsafe": counts["unsafe"],
                    "manual": counts["manual"],
                }
            )
        rows.sort(key=lambda row: (-row["count"], row["code"]))
        return rows

    def finish(self, tally: Tally, hint: Hint) -> None:
        rows = self.rows()
        if self.fmt == "json":
            self.write(json.dumps(rows, indent=2) + "\n")
            return
        if not rows:
            self.write(text_summary(tally, hint) + "\n")
            return
        width = max(len(str(row["name"])) for row in rows)
        header = (
            f"{'count':>6}  {'code':<6} {'rule':<{width}}  {'safe':>5} {'unsafe':>6} {'manual':>6}"
        )
        lines = [self.style.bold(header)]
        for row in rows:
            code = self.style.red(f"{row['code']:<6}")
            lines.append(
                f"{row['count']:>6}  {code} {row['name']:<{width}}  "
                f"{row['safe']:>5} {row['unsafe']:>6} {row['manual']:>6}"
            )
        manual = tally.records - tally.safe - tally.unsafe
        lines.append(
            f"{tally.records:>6}  {'total':<6} {'':<{width}}  "
            f"{tally.safe:>5} {tally.unsafe:>6} {manual:>6}"
        )
        self.write("\n".join(lines) + "\n")


def make_reporter(
    fmt: str, statistics: bool, write: Write, catalogue: Catalogue, style: Style
) -> Reporter:
    """The reporter of `check --format FMT` (with `--statistics`, of the per-rule counts)."""
    if statistics:
        return StatisticsReporter(write, catalogue, fmt, style)
    if fmt == "json":
        return JsonReporter(write)
    if fmt == "github":
        return GithubReporter(write)
    if fmt == "sarif":
        return SarifReporter(write, catalogue)
    return TextReporter(write, style)


_SARIF_LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}


def as_sarif(records: Sequence[Record], catalogue: Catalogue) -> str:
    used = sorted({r.code for r in records})
    rules = []
    for code in used:
        rule = catalogue.by_code.get(code)
        if rule is None:
            rules.append({"id": code, "shortDescription": {"text": "file could not be analysed"}})
            continue
        rules.append(
            {
                "id": code,
                "name": rule.name,
                "shortDescription": {"text": rule.family.title},
                "fullDescription": {"text": fill(rule.tf2, rule)},
                "help": {"text": fill(rule.migrate, rule), "markdown": fill(rule.migrate, rule)},
                "helpUri": rule.family.guide,
                "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            }
        )
    results = [
        {
            "ruleId": r.code,
            "ruleIndex": used.index(r.code),
            "level": _SARIF_LEVEL.get(r.severity, "warning"),
            "message": {"text": r.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": r.path.replace("\\", "/")},
                        "region": _region(r),
                    }
                }
            ],
            # Code-scanning services match results across commits by this, not by line.
            "partialFingerprints": {"tf2LspFinding/v1": fingerprint},
        }
        for r, fingerprint in zip(records, fingerprints(records), strict=True)
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tf2-lsp",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)


def _region(record: Record) -> dict[str, Any]:
    region: dict[str, Any] = {
        "startLine": record.line,
        "startColumn": record.column,
        "endLine": record.end_line,
        "endColumn": record.end_column,
    }
    if record.cell is not None:
        # Lines count within the notebook cell; the cell is named in the region's property bag.
        region["properties"] = {"cell": record.cell}
    return region
