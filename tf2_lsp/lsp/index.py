"""What the server keeps for each open document: one record each, in one index.

An open document's text and version are pygls's (its workspace applies the editor's changes,
`documents`); a `DocumentState` holds everything the server derives from them. Closing a
document removes its record, and closing a notebook removes its record and those of all its
cells, so nothing kept for a closed document can be left behind.

Records are keyed as pygls keys its documents: by the unquoted URI, since clients send URIs
percent-encoded (`my%20project/a.py`) and pygls stores them decoded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

from tf2_lsp.lsp.convert import PublishedDiagnostics
from tf2_lsp.lsp.snapshot import Analysis
from tf2_lsp.model import Detection

ReceiverHints = dict[tuple[int, int], str]


def key(uri: str) -> str:
    return unquote(uri)


@dataclass(eq=False)
class DocumentState:
    """One open document (a notebook cell included), as far as the server is concerned."""

    uri: str  # as the client sent it: diagnostics are published under it
    notebook: str | None = None  # the URI of the notebook this cell belongs to
    # The latest analysis of its text (not kept for a notebook cell: its findings change with
    # the other cells); the next version is analysed incrementally from it.
    analysis: Analysis | None = None
    # Receiver types jedi found, (candidate key, method) -> type; a miss as "".
    receiver_hints: ReceiverHints = field(default_factory=dict)
    inferring: bool = False  # jedi is asked about it now
    # Its diagnostics in their JSON form, reused for the findings the next version keeps.
    published: PublishedDiagnostics = field(default_factory=PublishedDiagnostics)
    # What a pulling client last pulled: the version and the detection it saw.
    pulled: tuple[int | None, Detection] | None = None
    said: dict[str, str] = field(default_factory=dict)  # problems said once: topic -> message
    # Its publishing (`scheduler`): the task running or waiting (debounce), and whether the
    # text changed since that task began.
    task: asyncio.Task[None] | None = None
    dirty: bool = False
    closed: bool = False  # removed from the index: late results for it are dropped


@dataclass(eq=False)
class NotebookState:
    """An open notebook: its code cells analysed together, as one module."""

    uri: str
    joined: Analysis | None = None  # the last analysis of the joined cells
    closed: bool = False


class Index:
    """The records of the open documents and notebooks, by key."""

    def __init__(self) -> None:
        self._documents: dict[str, DocumentState] = {}
        self._notebooks: dict[str, NotebookState] = {}

    def __len__(self) -> int:
        """How many documents and notebooks have a record."""
        return len(self._documents) + len(self._notebooks)

    def get(self, uri: str) -> DocumentState | None:
        return self._documents.get(key(uri))

    def documents(self) -> list[DocumentState]:
        """The records of the open documents (notebook cells included)."""
        return list(self._documents.values())

    def add(self, uri: str, notebook: str | None = None) -> DocumentState:
        """The record of `uri`, made if it has none (only for a document that is open)."""
        state = self._documents.get(key(uri))
        if state is None:
            state = self._documents[key(uri)] = DocumentState(uri, notebook)
        return state

    def remove(self, uri: str) -> DocumentState | None:
        """Forget `uri`: its record, returned (marked closed), or None if it had none."""
        state = self._documents.pop(key(uri), None)
        if state is not None:
            state.closed = True
        return state

    def notebook(self, uri: str) -> NotebookState:
        """The record of the notebook `uri`, made if it has none (only for an open one)."""
        state = self._notebooks.get(key(uri))
        if state is None:
            state = self._notebooks[key(uri)] = NotebookState(uri)
        return state

    def cells(self, notebook: str) -> list[DocumentState]:
        return [state for state in self._documents.values() if _in(state, notebook)]

    def remove_notebook(self, uri: str, cells: Iterable[str] = ()) -> list[DocumentState]:
        """Forget the notebook `uri`, every cell recorded as its own and the `cells` named:
        the cells' records, returned (marked closed)."""
        notebook = self._notebooks.pop(key(uri), None)
        if notebook is not None:
            notebook.closed = True
        named = {key(cell) for cell in cells}
        removed = [
            state for name, state in self._documents.items() if name in named or _in(state, uri)
        ]
        for state in removed:
            self.remove(state.uri)
        return removed

    def drop_analyses(self) -> None:
        """The settings changed: no analysis kept is one the settings would make now."""
        for state in self._documents.values():
            state.analysis = None
        for notebook in self._notebooks.values():
            notebook.joined = None


def _in(state: DocumentState, notebook: str) -> bool:
    return state.notebook is not None and key(state.notebook) == key(notebook)
