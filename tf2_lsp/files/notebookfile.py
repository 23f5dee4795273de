"""A Jupyter notebook's code cells, read from the file's JSON text: the one reader `tf2-lsp
check`/`fix` and the language server's workspace check share.

Any JSON value can stand where nbformat expects a list or a string, and JSON nests without
limit: every shape this reader does not understand is a `NotebookError` that says where, never
a TypeError or RecursionError further on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


class NotebookError(Exception):
    """The file is not a notebook this tool can read; the message says why."""


@dataclass(frozen=True)
class NotebookDocument:
    document: dict[str, Any]  # the whole JSON document, as read (fix writes it back)
    cells: list[tuple[int, str]]  # (1-based number among all cells, source) of code cells


def parse_notebook(text: str) -> NotebookDocument:
    """The notebook in `text` (nbformat 4); NotebookError when it is none."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"not a notebook: invalid JSON at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:  # json parses arrays and objects recursively
        raise NotebookError("not a notebook: its JSON is nested too deeply") from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        reason = str(error).split(";")[0]  # not the advice to raise Python's own limit
        raise NotebookError(f"not a notebook: {reason}") from None
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("not a notebook in nbformat 4 (no `cells` list)")
    code = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise NotebookError(f"not a notebook: cell {number} is not a JSON object")
        if cell.get("cell_type") == "code":
            code.append((number, _source(cell.get("source", ""), number)))
    return NotebookDocument(document, code)


def _source(value: object, number: int) -> str:
    """A cell's `source`: one string, or a list of strings joined (nbformat's two forms)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return "".join(value)
    raise NotebookError(
        f"not a notebook: the source of cell {number} is not a string or a list of strings"
    )
