"""Findings in the command line's form, `Record`: what every output format, the baseline and
the report read. Made from the engine's findings, or from why a file or a statement could not
be analysed (the pseudo-rule TF000)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tf2_lsp.engine import fix_title
from tf2_lsp.model import UNREADABLE as UNREADABLE
from tf2_lsp.model import Finding
from tf2_lsp.text import split_lines


@dataclass(frozen=True, slots=True)
class Record:
    """One finding of one file, in the CLI's output form (1-based lines and columns)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    severity: str
    message: str
    symbol: str | None
    fix: dict[str, str] | None
    # The text of the finding's first line, stripped: with path, code and symbol it identifies
    # a finding across edits that move it (baselines, SARIF fingerprints). Not in JSON output.
    line_text: str = field(default="", compare=False)
    # In a notebook: the 1-based cell; `line` and `column` then count within that cell.
    cell: int | None = None

    def as_json(self) -> dict[str, Any]:
        record = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "symbol": self.symbol,
            "fix": self.fix,
        }
        if self.cell is not None:
            record["cell"] = self.cell
        return record

    @property
    def where(self) -> str:
        """`line:column`, or `cell N:line:column` in a notebook."""
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{cell}{self.line}:{self.column}"

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What a baseline counts: the same path, rule, symbol and line text."""
        return (self.path, self.code, self.symbol or "", self.line_text)

    @property
    def fix_safety(self) -> str:
        """`safe`, `unsafe` or `manual` (no fix at the chosen level)."""
        return self.fix["safety"] if self.fix else "manual"


def fails(record: Record) -> bool:
    """Errors and warnings fail a run; information notes (a library's graph-mode note, a
    compat.v1 file's note) are reported but hold nothing up."""
    return record.severity in ("error", "warning")


class SourceLines:
    """A file's lines (numbered as `ast` numbers them), split only if a finding needs one;
    each line stripped once, however many findings it holds."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] | None = None
        self.stripped: dict[int, str] = {}

    def __getitem__(self, line: int) -> str:
        if self.lines is None:
            self.lines = split_lines(self.text)
        if not 1 <= line <= len(self.lines):
            return ""
        if line not in self.stripped:
            self.stripped[line] = self.lines[line - 1].strip()
        return self.stripped[line]


def to_record(path: str, finding: Finding, lines: SourceLines | None = None) -> Record:
    """`finding` of the file `path`; `lines` gives the line text a baseline matches on."""
    fix = None
    if finding.fix is not None:
        fix = {
            "title": fix_title(finding),
            "safety": finding.fix.safety,
            "level": finding.fix.level,
        }
    span = finding.span
    return Record(
        path=path,
        line=span.line,
        column=span.column + 1,
        end_line=span.end_line,
        end_column=span.end_column + 1,
        code=finding.code,
        severity=finding.severity,
        message=finding.message,
        symbol=finding.symbol,
        fix=fix,
        line_text=lines[span.line] if lines is not None else "",
    )


def unreadable(path: str, message: str, line: int = 1, column: int = 1) -> Record:
    """The TF000 record of a file that cannot be analysed (with a position: its syntax error)."""
    return Record(
        path,
        line,
        column,
        line,
        column,
        UNREADABLE,
        "error",
        f"cannot analyse this file: {message}",
        None,
        None,
    )


def too_deep(path: str, line: int) -> Record:
    message = "cannot analyse this statement: it is nested too deeply (the rest of the file was)"
    return Record(path, line, 1, line, 1, UNREADABLE, "error", message, None, None)


def syntax_record(path: str, error: SyntaxError) -> Record:
    line = error.lineno or 1
    column = error.offset or 1
    return unreadable(path, f"syntax error: {error.msg}", line, column)
