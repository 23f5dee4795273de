"""A notebook's code cells as one Python module, and positions in it mapped back to the cells.

Imports usually sit in the first cell and TensorFlow is used in later ones, so cells are joined
in order before detection. IPython syntax (`%magic`, `!shell`, `x = !ls`, `%%bash` cells) is
blanked line by line, keeping every line number, so one shell line cannot hide a notebook's
findings. Cells come from a notebook file (`files.notebookfile`) or from an editor's open
notebook; both are joined here, so the command line and the server read them alike.

`fix` needs the opposite trip: the cells joined with boundary lines and the IPython lines held
by numbered comments, so that the fixed text splits back into cells with their magics restored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from tf2_lsp.text import split_lines

Key = TypeVar("Key")  # what names a cell: its number in a file, its URI in an editor

# `%magic`, `!shell`, `?name`, `x = !ls`, `x = %time f()`, and help lookups like `tf.nn?`.
_IPYTHON_LINE = re.compile(r"^\s*(?:[%!?]|[\w.\[\]]+\s*=\s*[%!]|[\w.]+\?{1,2}\s*$)")

# Cell magics whose body is Python run by IPython (`%%time` times it, `%%capture` keeps its
# output): their bodies are analysed. Other cell magics (`%%bash`, `%%html`) are not Python.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})

# A line no notebook writes: joins cells in the text handed to `fix`, split on afterwards.
_BOUNDARY = "# tf2-lsp: notebook cell boundary"
_MAGIC = "# tf2-lsp: ipython line {}"
_MAGIC_LINE = re.compile(r"^[ \t]*# tf2-lsp: ipython line (\d+)$")


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


@dataclass(frozen=True, slots=True)
class CellSlice(Generic[Key]):
    """Where one cell sits in the joined module."""

    key: Key
    first_line: int  # 1-based line of the cell's first line in the joined source
    line_count: int

    @property
    def shift(self) -> int:
        """Lines before the cell: a joined line minus this is the line in the cell."""
        return self.first_line - 1

    def holds(self, line: int) -> bool:
        """Whether joined line `line` (1-based) is one of this cell's."""
        return self.first_line <= line < self.first_line + self.line_count


@dataclass(frozen=True, slots=True)
class JoinedCells(Generic[Key]):
    """The code cells as one module (`text`), and where each cell sits in it."""

    text: str
    slices: tuple[CellSlice[Key], ...]

    def cell_at(self, line: int) -> CellSlice[Key] | None:
        """The cell that holds joined line `line` (1-based); None past the last cell."""
        return next((cell for cell in self.slices if cell.holds(line)), None)


def join_cells(cells: Sequence[tuple[Key, str]]) -> JoinedCells[Key]:
    """The cells, given as (key, source) in order, joined into one module."""
    parts: list[str] = []
    slices: list[CellSlice[Key]] = []
    line = 1
    for key, text in cells:
        count = len(split_lines(text))
        slices.append(CellSlice(key, line, count))
        parts.append(python_text(text))
        line += count
    return JoinedCells("\n".join(parts), tuple(slices))


@dataclass(frozen=True, slots=True)
class FixableCells:
    """The cells joined for `fix`: boundary lines between them, IPython lines held by
    numbered comments (`magics[n]` is the line comment n holds)."""

    text: str
    magics: tuple[str, ...]

    def split(self, fixed: str, count: int) -> list[str] | None:
        """The sources of the `count` cells in `fixed` (this text after a fix), magics put
        back; None when a fix moved a cell boundary."""
        parts = fixed.split("\n" + _BOUNDARY + "\n")
        if len(parts) != count:
            return None
        restored: list[str] = []
        for part in parts:
            lines = []
            for line in part.split("\n"):
                match = _MAGIC_LINE.match(line)
                lines.append(self.magics[int(match.group(1))] if match else line)
            restored.append("\n".join(lines))
        return restored


def fixable_cells(sources: Sequence[str]) -> FixableCells:
    """The cells' sources as one text `fix` can rewrite and `FixableCells.split` undo."""
    magics: list[str] = []
    parts = []
    for code in sources:
        lines = split_lines(code)
        for index in ipython_lines(code):
            lines[index] = _MAGIC.format(len(magics))
            magics.append(split_lines(code)[index])
        parts.append("\n".join(lines))
    return FixableCells(("\n" + _BOUNDARY + "\n").join(parts), tuple(magics))
