"""A Jupyter notebook file: its code cells read from the JSON text, and the text written back
with new cell sources. The one reader `tf2-lsp check`/`fix` and the language server's
workspace check share.

The notebook is read with the `json` module, never parsed as Python. Any JSON value can stand
where nbformat expects a list or a string, and JSON nests without limit: every shape this
reader does not understand is a `NotebookError` that says where, never a TypeError or
RecursionError further on. Written back, the document keeps everything but the changed cell
sources as it was read: outputs, metadata, key order and the file's JSON layout (nbformat
writes one space of indentation), so a diff shows the changed lines only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tf2_lsp.files.cells import JoinedCells, join_cells
from tf2_lsp.files.sourcefile import SourceFile, read_source
from tf2_lsp.text import split_lines_keeping_ends


class NotebookError(Exception):
    """The file is not a notebook this tool can read; the message says why."""


@dataclass(frozen=True)
class Notebook:
    source: SourceFile  # the file's text, encoding and BOM as read
    document: dict[str, Any]  # the whole JSON document, as read (fix writes it back)
    cells: list[tuple[int, str]]  # (1-based number among all cells, source) of code cells

    def joined(self) -> JoinedCells[int]:
        """The code cells as one module, each cell known by its number."""
        return join_cells(self.cells)


def is_notebook(path: Path) -> bool:
    return path.suffix == ".ipynb"


def read_notebook(path: Path) -> Notebook:
    """The notebook at `path`; SourceError when the file cannot be read as text,
    NotebookError when the text is not a notebook."""
    return parse_notebook(read_source(path))


def parse_notebook(source: SourceFile) -> Notebook:
    """The notebook in `source` (a file's text, or stdin's, in nbformat 4); NotebookError if
    it is none."""
    document = _json(source.text)
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(document, dict) or not isinstance(cells, list):
        raise NotebookError("not a notebook in nbformat 4 (no `cells` list)")
    code = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise NotebookError(f"not a notebook: cell {number} is not a JSON object")
        if cell.get("cell_type") == "code":
            code.append((number, _source(cell.get("source", ""), number)))
    return Notebook(source, document, code)


def with_text(original: Notebook, text: str) -> Notebook:
    """The notebook `original` would be with file text `text` (after a fix)."""
    source = SourceFile(original.source.path, text, original.source.encoding, original.source.bom)
    return parse_notebook(source)


def rewritten(notebook: Notebook, sources: Sequence[str]) -> str | None:
    """The file's text with its code cells' sources replaced by `sources` (in order), in the
    file's own layout; None when no source changed. NotebookError when the document cannot be
    written back."""
    cells = notebook.document["cells"]
    changed = False
    for (number, old), new in zip(notebook.cells, sources, strict=True):
        if new != old:
            cell = cells[number - 1]
            cell["source"] = _as_source(new, cell.get("source"))
            changed = True
    if not changed:
        return None
    try:
        return _dump(notebook)
    except RecursionError:  # metadata or outputs nested deeper than json writes
        raise NotebookError("its JSON is nested too deeply to write back") from None


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"not a notebook: invalid JSON at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:  # json parses arrays and objects recursively
        raise NotebookError("not a notebook: its JSON is nested too deeply") from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        reason = str(error).split(";")[0]  # not the advice to raise Python's own limit
        raise NotebookError(f"not a notebook: {reason}") from None


def _source(value: object, number: int) -> str:
    """A cell's `source`: one string, or a list of strings joined (nbformat's two forms)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return "".join(value)
    raise NotebookError(
        f"not a notebook: the source of cell {number} is not a string or a list of strings"
    )


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
