"""Jupyter notebooks on the command line: check and fix a notebook's code cells.

The notebook is read by `files.notebookfile`; its code cells are joined and analysed as one
module (`files.cells`: IPython lines blanked, Python cell magics such as `%%time` analysed), and
each finding is reported in its cell's own coordinates (`analysis.notebook`). `fix` rewrites
only the sources of the cells that change; the file keeps everything else as it was read.
"""

from __future__ import annotations

from dataclasses import dataclass

from tf2_lsp.analysis.notebook import cell_detection
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import UnsafeSelection, analyse, fix_all
from tf2_lsp.files.cells import fixable_cells
from tf2_lsp.files.notebookfile import Notebook, NotebookError, rewritten
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings
from tf2_lsp.text import split_lines


@dataclass(frozen=True, slots=True)
class CellFinding:
    cell: int
    finding: Finding  # in the cell's coordinates
    line_text: str


def check_notebook(notebook: Notebook, settings: Settings) -> tuple[list[CellFinding], str | None]:
    """Findings per cell, and a syntax error as `cell N:line:col: message` (or None)."""
    joined = notebook.joined()
    detection = analyse(joined.text, load_catalogue(), settings)
    found: list[CellFinding] = []
    code_by_cell = dict(notebook.cells)
    for cell in joined.slices:
        lines = split_lines(code_by_cell[cell.key])
        for finding in cell_detection(detection, cell).findings:
            line = finding.span.line
            text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
            found.append(CellFinding(cell.key, finding, text))
    error = detection.syntax_error
    if error is None:
        return found, None
    line = error.lineno or 1
    at = joined.cell_at(line)
    if at is not None:
        return found, f"cell {at.key}:{line - at.shift}:{error.offset or 1}: {error.msg}"
    return found, f"{line}:{error.offset or 1}: {error.msg}"


def fix_notebook(
    notebook: Notebook, settings: Settings, unsafe: UnsafeSelection
) -> tuple[str | None, int, str | None]:
    """(the new file text or None when nothing changed, fixes applied, error or None)."""
    cells = fixable_cells([code for _, code in notebook.cells])
    outcome = fix_all(cells.text, load_catalogue(), settings, unsafe=unsafe)
    if outcome.error is not None:
        return None, 0, outcome.error
    if not outcome.changed or outcome.source == cells.text:
        return None, 0, None
    sources = cells.split(outcome.source, len(notebook.cells))
    if sources is None:
        return None, 0, "a fix moved a cell boundary; nothing was changed"
    try:
        text = rewritten(notebook, sources)
    except NotebookError as error:
        return None, 0, str(error)
    if text is None:
        return None, 0, None
    return text, len(outcome.applied), None
