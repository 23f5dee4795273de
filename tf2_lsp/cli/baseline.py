"""A baseline: today's findings, recorded so that CI reports only new ones.

A finding is identified by its file, rule, symbol and the text of its line (stripped), with a
count for identical lines: moving code up or down, or editing other lines, keeps it known;
editing its own line, or adding one more identical use, makes it new. Paths are stored
relative to the baseline file's directory, so the file works from any working directory.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tf2_lsp.cli.records import Record

FORMAT_VERSION = 1
Key = tuple[str, str, str, str]  # (relative path, code, symbol, line text)


class BaselineError(Exception):
    """The baseline file cannot be used; the message says why."""


@dataclass
class Baseline:
    root: Path  # the directory paths are relative to
    counts: Counter[Key]

    @classmethod
    def from_records(cls, records: Sequence[Record], path: Path) -> Baseline:
        root = _root(path)
        return cls(root, Counter(_key(record, root) for record in records))

    @classmethod
    def read(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise BaselineError(f"cannot read baseline {path}: {error.strerror or error}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BaselineError(f"invalid baseline {path}: not JSON ({error})") from None
        except (RecursionError, ValueError):  # nested too deeply; a number too long to read
            raise BaselineError(
                f"invalid baseline {path}: JSON nested too deeply or a number too long to read"
            ) from None
        return cls(_root(path), _parse(data, path))

    def write(self, path: Path) -> None:
        entries = [
            {"path": p, "code": code, "symbol": symbol or None, "line": text, "count": count}
            for (p, code, symbol, text), count in sorted(self.counts.items())
        ]
        document = {"tool": "tf2-lsp", "version": FORMAT_VERSION, "findings": entries}
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")

    def new_findings(self, records: Sequence[Record]) -> tuple[list[Record], int]:
        """The records beyond the baseline's count for their key, and how many were known."""
        used: Counter[Key] = Counter()
        new = []
        for record in records:
            key = _key(record, self.root)
            if used[key] < self.counts[key]:
                used[key] += 1
            else:
                new.append(record)
        return new, len(records) - len(new)


def _root(path: Path) -> Path:
    return path.absolute().parent


def _key(record: Record, root: Path) -> Key:
    path, code, symbol, text = record.key
    if path != "-":
        absolute = Path(os.path.abspath(path))
        try:
            path = absolute.relative_to(root).as_posix()
        except ValueError:
            path = absolute.as_posix()
    return (path, code, symbol, text)


def _parse(data: Any, path: Path) -> Counter[Key]:
    def bad(why: str) -> BaselineError:
        return BaselineError(f"invalid baseline {path}: {why}")

    if not isinstance(data, dict) or data.get("tool") != "tf2-lsp":
        raise bad('not a tf2-lsp baseline (no "tool": "tf2-lsp")')
    if data.get("version") != FORMAT_VERSION:
        raise bad(f"version {data.get('version')!r}; this tf2-lsp reads {FORMAT_VERSION}")
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise bad('"findings" must be a list')
    counts: Counter[Key] = Counter()
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise bad(f"findings[{index}] must be an object")
        symbol = entry.get("symbol")
        count = entry.get("count", 1)
        fields = (entry.get("path"), entry.get("code"), entry.get("line"))
        if not all(isinstance(value, str) for value in fields):
            raise bad(f"findings[{index}] needs string path, code and line")
        if symbol is not None and not isinstance(symbol, str):
            raise bad(f"findings[{index}].symbol must be a string or null")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise bad(f"findings[{index}].count must be a positive integer")
        p, code, text = fields
        counts[(str(p), str(code), symbol or "", str(text))] += count
    return counts
