"""Jupyter notebooks on the command line: read `.ipynb` JSON, check and fix its code cells.

The notebook is read with the `json` module, never parsed as Python. Code cells are joined
in order and analysed as one module (analysis/notebook.py: IPython lines blanked, Python
cell magics such as `%%time` analysed), and each finding is reported in its cell's own
coordinates. `fix` rewrites only the sources of the cells that change and writes the rest of
the document back as it was read: outputs, metadata, key order and the file's JSON
indentation (nbformat writes one space), so a diff shows the changed lines only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tf2_lsp.analysis.notebook import CellSlice, cell_detection, ipython_lines, join_cells
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import UnsafeSelection, analyse, fix_all
from tf2_lsp.files.notebookfile import (
    NotebookError as NotebookError,
)  # re-exported for the commands
from tf2_lsp.files.notebookfile import parse_notebook as parse_notebook_text
from tf2_lsp.files.sourcefile import SourceError, SourceFile, read_source
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings
from tf2_lsp.text import split_lines, split_lines_keeping_ends

# A line no notebook writes: joins cells in the text handed to `fix`, split on afterwards.
_BOUNDARY = "# tf2-lsp: notebook cell boundary"
_MAGIC = "# tf2-lsp: ipython line {}"
_MAGIC_LINE = re.compile(r"^[ \t]*# tf2-lsp: ipython line (\d+)$")


@dataclass
class Notebook:
    source: SourceFile  # the file's text, encoding and BOM as read
    document: dict[str, Any]
    cells: list[tuple[int, str]]  # (1-based cell number among all cells, code) of code cells

    def joined(self) -> tuple[str, list[tuple[int, int, int]]]:
        """The code cells as one module, and (cell number, first line, line count) of each."""
        text, slices = join_cells([(str(number), code) for number, code in self.cells])
        return text, [(int(s.uri), s.first_line, s.line_count) for s in slices]


def is_notebook(path: Path) -> bool:
    return path.suffix == ".ipynb"


def read_notebook(path: Path) -> Notebook:
    try:
        source = read_source(path)
    except SourceError as error:
        raise NotebookError(str(error)) from None
    return parse_notebook(source)


def parse_notebook(source: SourceFile) -> Notebook:
    """The notebook in `source` (a file's text, or stdin's); NotebookError if it is none."""
    read = parse_notebook_text(source.text)
    return Notebook(source, read.document, read.cells)


@dataclass(frozen=True, slots=True)
class CellFinding:
    cell: int
    finding: Finding  # in the cell's coordinates
    line_text: str


def check_notebook(notebook: Notebook, settings: Settings) -> tuple[list[CellFinding], str | None]:
    """Findings per cell, and a syntax error as `cell N:line:col: message` (or None)."""
    joined, slices = notebook.joined()
    detection = analyse(joined, load_catalogue(), settings)
    found: list[CellFinding] = []
    code_by_cell = dict(notebook.cells)
    for number, first, count in slices:
        per_cell = cell_detection(detection, CellSlice(str(number), first, count))
        lines = split_lines(code_by_cell[number])
        for finding in per_cell.findings:
            line = finding.span.line
            text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
            found.append(CellFinding(number, finding, text))
    error = detection.syntax_error
    if error is None:
        return found, None
    line = error.lineno or 1
    for number, first, count in slices:
        if first <= line < first + count:
            return found, f"cell {number}:{line - first + 1}:{error.offset or 1}: {error.msg}"
    return found, f"{line}:{error.offset or 1}: {error.msg}"


def fix_notebook(
    notebook: Notebook, settings: Settings, unsafe: UnsafeSelection
) -> tuple[str | None, int, str | None]:
    """(the new file text or None when nothing changed, fixes applied, error or None)."""
    text, magics = _fix_text(notebook)
    outcome = fix_all(text, load_catalogue(), settings, unsafe=unsafe)
    if outcome.error is not None:
        return None, 0, outcome.error
    if not outcome.changed or outcome.source == text:
        return None, 0, None
    parts = outcome.source.split("\n" + _BOUNDARY + "\n")
    if len(parts) != len(notebook.cells):
        return None, 0, "a fix moved a cell boundary; nothing was changed"
    restored: list[str] = []
    for part in parts:
        lines = []
        for line in part.split("\n"):
            match = _MAGIC_LINE.match(line)
            lines.append(magics[int(match.group(1))] if match else line)
        restored.append("\n".join(lines))
    cells = notebook.document["cells"]
    changed = False
    for (number, old), new in zip(notebook.cells, restored, strict=True):
        if new != old:
            cell = cells[number - 1]
            cell["source"] = _as_source(new, cell.get("source"))
            changed = True
    if not changed:
        return None, 0, None
    try:
        return _dump(notebook), len(outcome.applied), None
    except RecursionError:  # metadata or outputs nested deeper than json writes
        return None, 0, "its JSON is nested too deeply to write back"


def _fix_text(notebook: Notebook) -> tuple[str, list[str]]:
    """The code cells joined with boundary lines, IPython lines held by numbered comments."""
    magics: list[str] = []
    parts = []
    for _, code in notebook.cells:
        lines = split_lines(code)
        for index in ipython_lines(code):
            lines[index] = _MAGIC.format(len(magics))
            magics.append(split_lines(code)[index])
        parts.append("\n".join(lines))
    return ("\n" + _BOUNDARY + "\n").join(parts), magics


def _as_source(text: str, old: object) -> list[str] | str:
    """Cell source in the form it had: nbformat's list of lines (each ending in a newline
    but the last), or one string."""
    if isinstance(old, str):
        return text
    return split_lines_keeping_ends(text)  # str.splitlines would also split at \f, \u2028...


def _dump(notebook: Notebook) -> str:
    """The document as JSON in the file's own layout (indentation, ASCII escaping, final
    newline), keeping key order."""
    original = notebook.source.text
    indent_match = re.search(r"^\{\r?\n([ \t]+)\"", original)
    indent: int | str | None = None
    if indent_match:
        spaces = indent_match.group(1)
        indent = len(spaces) if set(spaces) == {" "} else spaces
    ascii_only = original.isascii() and "\\u" in original
    text = json.dumps(notebook.document, indent=indent, ensure_ascii=ascii_only)
    if original.endswith("\n"):
        text += "\n"
    if "\r\n" in original:
        text = text.replace("\n", "\r\n")
    return text


def notebook_from_text(original: Notebook, text: str) -> Notebook:
    """The notebook `original` would be with file text `text` (after a fix)."""
    source = SourceFile(original.source.path, text, original.source.encoding, original.source.bom)
    return parse_notebook(source)
