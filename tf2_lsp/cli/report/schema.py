"""The report as JSON (`tf2-lsp report --format json`, schema in docs/report.md), and baselines.

A baseline is either a previous `tf2-lsp check --format json` output (a JSON array of findings)
or a previous `tf2-lsp report --format json` output (an object with `"schema": "tf2-lsp-report"`).
Anything else is refused with a message that says what was expected.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tf2_lsp import __version__
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.cli.records import UNREADABLE, Record
from tf2_lsp.cli.report.aggregate import (
    FIX_CLASSES,
    Baseline,
    Counts,
    Group,
    Item,
    Report,
    relative,
    to_item,
)

SCHEMA = "tf2-lsp-report"
SCHEMA_VERSION = 1
EXPECTED = "expected the output of `tf2-lsp check --format json` or `tf2-lsp report --format json`"


class BaselineError(Exception):
    """The baseline file cannot be used; the message says why."""


def counts_json(counts: Counts) -> dict[str, Any]:
    return {
        "findings": counts.findings,
        "blocking": counts.blocking,
        "review": counts.review,
        "fix_classes": dict(counts.fix_classes()),
    }


def _group_json(group: Group) -> dict[str, Any]:
    return {"id": group.id, "title": group.title, "files": group.files, **counts_json(group.counts)}


def item_json(item: Item) -> dict[str, Any]:
    return {
        "line": item.line,
        "column": item.column,
        "code": item.code,
        "symbol": item.symbol,
        "severity": item.severity,
        "message": item.message,
        "fix_class": item.fix_class,
        "blocking": item.blocking,
    }


def report_json(report: Report, commands: dict[str, str]) -> dict[str, Any]:
    trend = report.trend
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "tool": {"name": "tf2-lsp", "version": __version__},
        "generated": report.generated,
        "root": report.root,
        "paths": report.paths,
        "settings": {
            "level": report.settings.level,
            "target_version": report.settings.target_version,
            "select": list(report.settings.select),
            "ignore": list(report.settings.ignore),
        },
        "totals": {
            "files": len(report.files),
            "lines": report.lines,
            "files_with_findings": report.files_with_findings,
            "blocking_files": report.blocking_files,
            "clean_files": report.clean_files,
            "clean_lines": report.clean_lines,
            "clean_line_share": round(report.clean_share, 4),
            "unreadable_files": len(report.unreadable),
            **counts_json(report.totals),
        },
        "families": [_group_json(g) for g in report.families],
        "rules": [_group_json(g) for g in report.rules],
        "files": [
            {
                "path": f.path,
                "lines": f.lines,
                "unreadable": f.unreadable,
                **counts_json(f.counts),
                "items": [item_json(i) for i in f.items],
            }
            for f in report.files
        ],
        "commands": commands,
        "trend": None
        if trend is None
        else {
            "baseline": {"source": trend.source, "kind": trend.kind, "generated": trend.generated},
            "before": counts_json(trend.before),
            "fixed": trend.fixed,
            "new": trend.new,
            "before_lines": trend.before_lines,
            "before_clean_lines": trend.before_clean_lines,
            "families": [
                {"id": id_, "title": title, "fixed": fixed, "new": new}
                for id_, title, fixed, new in trend.families
            ],
            "files": [
                {
                    "path": c.path,
                    "before": c.before,
                    "after": c.after,
                    "fixed": c.fixed,
                    "new": c.new,
                }
                for c in trend.files
            ],
            "unmatched_paths": trend.unmatched_paths,
        },
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


# -- baselines ------------------------------------------------------------------------------------


def load_baseline(path: Path, root: Path, catalogue: Catalogue) -> Baseline:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"baseline {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"baseline {path}: cannot read it: {error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(
            f"baseline {path} is not JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}); {EXPECTED}"
        ) from None
    except (RecursionError, ValueError):  # nested too deeply; a number too long to read
        raise BaselineError(
            f"baseline {path}: JSON nested too deeply or a number too long to read; {EXPECTED}"
        ) from None
    generated = datetime.fromtimestamp(os.stat(path).st_mtime, timezone.utc)
    if isinstance(data, list):
        return _check_baseline(str(path), data, root, catalogue, _iso(generated))
    if isinstance(data, dict) and data.get("schema") == SCHEMA:
        return _report_baseline(str(path), data, root)
    if isinstance(data, dict) and "runs" in data and "version" in data:
        raise BaselineError(f"baseline {path} is SARIF; {EXPECTED}")
    if isinstance(data, dict) and data.get("tool") == "tf2-lsp" and "findings" in data:
        raise BaselineError(
            f"baseline {path} is a `check --write-baseline` file, which records no severity or "
            f"fix, so it cannot give the report's numbers; {EXPECTED}"
        )
    raise BaselineError(f"baseline {path} is JSON of another kind; {EXPECTED}")


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _field(entry: Any, name: str, kind: type, where: str) -> Any:
    if not isinstance(entry, dict):
        raise BaselineError(f"{where} is not an object; {EXPECTED}")
    value = entry.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise BaselineError(f"{where}: field '{name}' is missing or not a {kind.__name__}")
    return value


def _check_baseline(
    source: str, data: list[Any], root: Path, catalogue: Catalogue, generated: str
) -> Baseline:
    files: dict[str, list[Item]] = {}
    for index, entry in enumerate(data):
        where = f"baseline {source}: finding {index + 1}"
        raw_path = _field(entry, "path", str, where)
        code = _field(entry, "code", str, where)
        if code == UNREADABLE:
            continue
        fix = entry.get("fix")
        record = Record(
            path=raw_path,
            line=_field(entry, "line", int, where),
            column=_field(entry, "column", int, where),
            end_line=entry.get("end_line", 0),
            end_column=entry.get("end_column", 0),
            code=code,
            severity=_field(entry, "severity", str, where),
            message=str(entry.get("message", "")),
            symbol=entry.get("symbol") if isinstance(entry.get("symbol"), str) else None,
            fix=fix if isinstance(fix, dict) else None,
        )
        # `check` prints paths as given on its command line: relative ones to where it ran,
        # which for a weekly job is where the report runs too.
        files.setdefault(relative(raw_path, root), []).append(to_item(record, catalogue))
    return Baseline(source, "check", generated, files)


def _report_baseline(source: str, data: dict[str, Any], root: Path) -> Baseline:
    version = data.get("version")
    if version != SCHEMA_VERSION:
        raise BaselineError(
            f"baseline {source} is a version {version!r} report; this tf2-lsp {__version__} "
            f"reads version {SCHEMA_VERSION}: make a new baseline with "
            "`tf2-lsp report --format json` (or use a `tf2-lsp check --format json` output)"
        )
    where = f"baseline {source}"
    old_root = Path(_field(data, "root", str, where))
    entries = _field(data, "files", list, where)
    files: dict[str, list[Item]] = {}
    lines = clean_lines = 0
    for index, entry in enumerate(entries):
        at = f"{where}: file {index + 1}"
        path = _field(entry, "path", str, at)
        file_lines = _field(entry, "lines", int, at)
        items = []
        for number, raw in enumerate(_field(entry, "items", list, at)):
            it = f"{at}: item {number + 1}"
            fix_class = _field(raw, "fix_class", str, it)
            if fix_class not in FIX_CLASSES:
                raise BaselineError(f"{it}: unknown fix_class {fix_class!r}")
            items.append(
                Item(
                    line=_field(raw, "line", int, it),
                    column=_field(raw, "column", int, it),
                    code=_field(raw, "code", str, it),
                    symbol=raw.get("symbol") if isinstance(raw.get("symbol"), str) else None,
                    severity=_field(raw, "severity", str, it),
                    message=str(raw.get("message", "")),
                    fix_class=fix_class,
                    blocking=_field(raw, "blocking", bool, it),
                )
            )
        lines += file_lines
        if not items and entry.get("unreadable") is None:
            clean_lines += file_lines
        key = path if old_root == root else relative(old_root / path, root)
        files[key] = items
    generated = data.get("generated") if isinstance(data.get("generated"), str) else None
    return Baseline(source, "report", generated, files, lines, clean_lines)
