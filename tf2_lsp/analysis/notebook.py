"""Jupyter notebooks: analyse all code cells as one module, report per cell.

Imports usually sit in the first cell and TensorFlow is used in later ones, so cells are joined
in order before detection. IPython syntax (`%magic`, `!shell`, `x = !ls`, `%%bash` cells) is
blanked line by line, keeping every line number, so one shell line cannot hide a notebook's
findings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tf2_lsp.model import Detection, Finding
from tf2_lsp.text import Span, split_lines

# `%magic`, `!shell`, `?name`, `x = !ls`, `x = %time f()`, and help lookups like `tf.nn?`.
_IPYTHON_LINE = re.compile(r"^\s*(?:[%!?]|[\w.\[\]]+\s*=\s*[%!]|[\w.]+\?{1,2}\s*$)")


@dataclass(frozen=True, slots=True)
class CellSlice:
    uri: str
    first_line: int  # 1-based line of the cell's first line in the joined source
    line_count: int


# Cell magics whose body is Python run by IPython (`%%time` times it, `%%capture` keeps its
# output): their bodies are analysed. Other cell magics (`%%bash`, `%%html`) are not Python.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})


def python_text(cell: str) -> str:
    """The cell with IPython-only lines blanked (line count unchanged)."""
    lines = split_lines(cell)
    if lines and lines[0].lstrip().startswith("%%"):
        if not is_python_cell_magic(lines[0]):
            return "\n".join("" for _ in lines)  # a cell magic: not Python at all
        lines = ["", *lines[1:]]
    return "\n".join("" if _IPYTHON_LINE.match(line) else line for line in lines)


def is_python_cell_magic(first_line: str) -> bool:
    name = first_line.lstrip()[2:].split(maxsplit=1)
    return bool(name) and name[0] in PYTHON_CELL_MAGICS


def ipython_lines(cell: str) -> list[int]:
    """0-based indices of the cell's lines that `python_text` blanks."""
    lines = split_lines(cell)
    if lines and lines[0].lstrip().startswith("%%"):
        if not is_python_cell_magic(lines[0]):
            return list(range(len(lines)))
        return [0, *(i for i, line in enumerate(lines) if i and _IPYTHON_LINE.match(line))]
    return [i for i, line in enumerate(lines) if _IPYTHON_LINE.match(line)]


def join_cells(cells: Sequence[tuple[str, str]]) -> tuple[str, list[CellSlice]]:
    """(joined source, where each cell sits in it) for cells given as (uri, text)."""
    parts: list[str] = []
    slices: list[CellSlice] = []
    line = 1
    for uri, text in cells:
        count = len(split_lines(text))
        slices.append(CellSlice(uri, line, count))
        parts.append(python_text(text))
        line += count
    return "\n".join(parts), slices


def cell_detection(joined: Detection, cell: CellSlice) -> Detection:
    """The joined detection seen from one cell: its own findings, in its own coordinates."""
    shift = cell.first_line - 1
    last = shift + cell.line_count
    findings = [
        _shifted(f, shift)
        for f in joined.findings
        if shift < f.span.line <= last and f.anchor_kind != "program"
    ]
    imports_end = joined.imports_end - shift if shift < joined.imports_end <= last else 0
    return replace(
        joined,
        findings=findings,
        imports_end=imports_end,
        first_import=max(joined.first_import - shift, 0),
        candidates=[],
    )


def _shifted(finding: Finding, shift: int) -> Finding:
    def move(span: Span) -> Span:
        return Span(span.line - shift, span.column, span.end_line - shift, span.end_column)

    start, end = finding.statement
    return replace(
        finding,
        span=move(finding.span),
        anchor=move(finding.anchor),
        statement=(start - shift, end - shift),
    )
