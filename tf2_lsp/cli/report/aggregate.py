"""The migration report's numbers, computed from the findings `tf2-lsp check` reports.

Nothing here analyses code: the input is the CLI's own per-file scan results (the records
`check --format json` prints, plus each file's line count), so the report and `check` can never
disagree about what was found.

Two classifications of every finding, both derived from the record and the rule catalogue (so a
baseline made by `check --format json` is classified exactly like today's findings):

- *blocking* vs *review*: a finding blocks the program from running on the target TensorFlow
  when its severity is `error`, or it is a `warning` whose rule says the symbol is gone from
  TensorFlow 2 (`removed = true`: the first use raises AttributeError or ImportError) or whose
  rule rewrites arguments (the call passes TF1 keywords that TF2 rejects with a TypeError).
  Everything else runs on TensorFlow 2 but needs a review: changed semantics and defaults,
  graph-mode behaviour, and uses already spelled through `tf.compat.v1` (detection reports those
  as information, or as errors when the target version lost the compat form). Severities set in
  `[tool.tf2-lsp] severity` count: a rule raised to `error` blocks, one lowered to
  `information` does not.
- the *fix class*: `safe` and `unsafe` when a fix is offered at the chosen level, `manual` when
  the rule has no automatic fix at all, `none` when the rule has one but not for this use
  (refused because it would not bind or its target is missing in the target version, or only
  offered at the other level).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal, Protocol

from tf2_lsp.catalogue.rules import Catalogue, Rule
from tf2_lsp.cli.records import UNREADABLE, Record

FixClass = Literal["safe", "unsafe", "manual", "none"]
FIX_CLASSES: tuple[FixClass, ...] = ("safe", "unsafe", "manual", "none")
UNREADABLE_FAMILY = ("unreadable", "Files that could not be analysed")


class ScanResult(Protocol):
    """One file as the CLI's scan returns it (`cli.scan.FileResult`)."""

    @property
    def path(self) -> str: ...
    @property
    def records(self) -> list[Record]: ...
    @property
    def io_error(self) -> str | None: ...
    @property
    def lines(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Item:
    """One TF1 use, as shown in the report (1-based line and column)."""

    line: int
    column: int
    code: str
    symbol: str | None
    severity: str
    message: str
    fix_class: FixClass
    blocking: bool

    @property
    def key(self) -> tuple[str, str]:
        """What identifies a finding across versions of a file: lines move, this does not."""
        return (self.code, self.symbol or "")


@dataclass(slots=True)
class Counts:
    findings: int = 0
    blocking: int = 0
    review: int = 0
    safe: int = 0
    unsafe: int = 0
    manual: int = 0
    none: int = 0

    def add(self, item: Item) -> None:
        self.findings += 1
        if item.blocking:
            self.blocking += 1
        else:
            self.review += 1
        fix_class = item.fix_class
        if fix_class == "safe":
            self.safe += 1
        elif fix_class == "unsafe":
            self.unsafe += 1
        elif fix_class == "manual":
            self.manual += 1
        else:
            self.none += 1

    def merge(self, other: Counts) -> None:
        for name in COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def fix_classes(self) -> dict[FixClass, int]:
        return {name: getattr(self, name) for name in FIX_CLASSES}


COUNT_FIELDS = tuple(f.name for f in fields(Counts))


@dataclass(slots=True)
class FileSummary:
    path: str  # relative to the report's root, with forward slashes
    absolute: str
    lines: int
    items: list[Item] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    unreadable: str | None = None  # why the file could not be analysed

    @property
    def clean(self) -> bool:
        return self.unreadable is None and self.counts.findings == 0


@dataclass(slots=True)
class Group:
    """Findings of one rule family or one rule."""

    id: str
    title: str
    counts: Counts = field(default_factory=Counts)
    files: int = 0


@dataclass(slots=True)
class Settings:
    level: str
    target_version: str
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(slots=True)
class FileChange:
    path: str
    before: int
    after: int
    fixed: int
    new: int


@dataclass(slots=True)
class Trend:
    """Today against a baseline: findings matched by (file, rule, symbol), not by line."""

    source: str
    kind: Literal["check", "report"]
    generated: str | None
    before: Counts
    fixed: int
    new: int
    before_lines: int | None = None  # only report baselines know their line counts
    before_clean_lines: int | None = None
    families: list[tuple[str, str, int, int]] = field(default_factory=list)  # id, title, fixed, new
    files: list[FileChange] = field(default_factory=list)
    unmatched_paths: bool = False  # no baseline path is a path of this scan


@dataclass(slots=True)
class Report:
    root: str
    paths: list[str]
    cwd: str
    generated: str
    settings: Settings
    files: list[FileSummary]
    totals: Counts
    families: list[Group]
    rules: list[Group]
    trend: Trend | None = None

    @property
    def lines(self) -> int:
        return sum(f.lines for f in self.files)

    @property
    def clean_lines(self) -> int:
        return sum(f.lines for f in self.files if f.clean)

    @property
    def clean_files(self) -> int:
        return sum(1 for f in self.files if f.clean)

    @property
    def files_with_findings(self) -> int:
        return sum(1 for f in self.files if f.counts.findings)

    @property
    def blocking_files(self) -> int:
        return sum(1 for f in self.files if f.counts.blocking)

    @property
    def unreadable(self) -> list[FileSummary]:
        return [f for f in self.files if f.unreadable is not None]

    @property
    def clean_share(self) -> float:
        """Share of the scanned lines that are in files with no TF1 use left (0..1)."""
        return self.clean_lines / self.lines if self.lines else 1.0


def fix_class(record: Record, rule: Rule | None) -> FixClass:
    if record.fix is not None:
        return "unsafe" if record.fix.get("safety") == "unsafe" else "safe"
    if rule is None or all(fix.kind == "manual" for fix in rule.fixes):
        return "manual"
    return "none"


def is_blocking(record: Record, rule: Rule | None) -> bool:
    if record.severity == "error":
        return True
    if record.severity != "warning" or rule is None:
        # Information and hints run on TF2; that is also how detection marks a use already
        # spelled through tf.compat.v1 (it turns to error when the target lost the compat form).
        return False
    # Gone from TF2 (AttributeError, ImportError), or TF1 keywords that TF2 rejects (TypeError).
    return rule.removed or any(fix.kind == "arguments" for fix in rule.fixes)


def to_item(record: Record, catalogue: Catalogue) -> Item:
    rule = catalogue.by_code.get(record.code)
    return Item(
        line=record.line,
        column=record.column,
        code=record.code,
        symbol=record.symbol,
        severity=record.severity,
        message=record.message,
        fix_class=fix_class(record, rule),
        blocking=is_blocking(record, rule),
    )


def report_root(paths: Sequence[Path]) -> Path:
    """The directory every scanned path lies in: file paths in the report are relative to it.

    Absolute, not resolved: a symbolic link inside the tree stays where the tree has it."""
    directories = [os.path.abspath(p if os.path.isdir(p) else p.parent) for p in paths]
    if not directories:
        return Path.cwd()
    return Path(os.path.commonpath(directories))


def relative(path: str | Path, root: Path) -> str:
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive (Windows)
        return Path(absolute).as_posix()
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return Path(absolute).as_posix()
    return Path(relative).as_posix()


def aggregate(
    results: Iterable[ScanResult],
    catalogue: Catalogue,
    *,
    paths: Sequence[Path],
    settings: Settings,
    generated: str,
) -> Report:
    root = report_root(paths)
    files: list[FileSummary] = []
    totals = Counts()
    families: dict[str, Group] = {}
    rules: dict[str, Group] = {}
    for result in results:
        summary = FileSummary(relative(result.path, root), os.path.abspath(result.path), 0)
        summary.lines = result.lines
        if result.io_error is not None:
            summary.unreadable = result.io_error
        family_seen: set[str] = set()
        rule_seen: set[str] = set()
        for record in result.records:
            if record.code == UNREADABLE:
                summary.unreadable = record.message
                continue
            item = to_item(record, catalogue)
            summary.items.append(item)
            summary.counts.add(item)
            rule = catalogue.by_code.get(record.code)
            family_id, family_title = (
                (rule.family.id, rule.family.title) if rule else UNREADABLE_FAMILY
            )
            family = families.setdefault(family_id, Group(family_id, family_title))
            family.counts.add(item)
            if family_id not in family_seen:
                family_seen.add(family_id)
                family.files += 1
            group = rules.setdefault(
                record.code, Group(record.code, rule.name if rule else record.code)
            )
            group.counts.add(item)
            if record.code not in rule_seen:
                rule_seen.add(record.code)
                group.files += 1
        totals.merge(summary.counts)
        files.append(summary)
    files.sort(key=lambda f: f.path)
    return Report(
        root=str(root),
        paths=[str(p) for p in paths],
        cwd=str(Path.cwd()),
        generated=generated,
        settings=settings,
        files=files,
        totals=totals,
        families=sorted(families.values(), key=lambda g: (-g.counts.findings, g.id)),
        rules=sorted(rules.values(), key=lambda g: (-g.counts.findings, g.id)),
    )


# -- trend ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Baseline:
    """A previous run's findings, per path relative to today's report root."""

    source: str
    kind: Literal["check", "report"]
    generated: str | None
    files: dict[str, list[Item]]
    lines: int | None = None
    clean_lines: int | None = None


def compare(report: Report, baseline: Baseline, catalogue: Catalogue) -> Trend:
    """What was fixed (in the baseline, gone today) and what is new, file by file."""
    before = Counts()
    for items in baseline.files.values():
        for item in items:
            before.add(item)
    current = {f.path: f.items for f in report.files}
    fixed_by_family: Counter[str] = Counter()
    new_by_family: Counter[str] = Counter()
    changes: list[FileChange] = []
    fixed_total = new_total = 0
    for path in sorted(set(current) | set(baseline.files)):
        old = Counter(item.key for item in baseline.files.get(path, ()))
        now = Counter(item.key for item in current.get(path, ()))
        gone = old - now
        added = now - old
        for (code, _), count in gone.items():
            fixed_by_family[_family_id(code, catalogue)] += count
        for (code, _), count in added.items():
            new_by_family[_family_id(code, catalogue)] += count
        fixed, new = sum(gone.values()), sum(added.values())
        fixed_total += fixed
        new_total += new
        if fixed or new:
            changes.append(FileChange(path, sum(old.values()), sum(now.values()), fixed, new))
    titles = {f.family.id: f.family.title for f in catalogue.rules}
    titles[UNREADABLE_FAMILY[0]] = UNREADABLE_FAMILY[1]
    families = [
        (family, titles.get(family, family), fixed_by_family[family], new_by_family[family])
        for family in sorted(
            set(fixed_by_family) | set(new_by_family),
            key=lambda f: (-(fixed_by_family[f] + new_by_family[f]), f),
        )
    ]
    changes.sort(key=lambda c: (-c.new, -c.fixed, c.path))  # regressions first
    overlap = bool(set(current) & set(baseline.files))
    return Trend(
        source=baseline.source,
        kind=baseline.kind,
        generated=baseline.generated,
        before=before,
        fixed=fixed_total,
        new=new_total,
        before_lines=baseline.lines,
        before_clean_lines=baseline.clean_lines,
        families=families,
        files=changes,
        unmatched_paths=bool(baseline.files) and bool(current) and not overlap,
    )


def _family_id(code: str, catalogue: Catalogue) -> str:
    rule = catalogue.by_code.get(code)
    return rule.family.id if rule else UNREADABLE_FAMILY[0]
