"""A session on a real pygls server in this process, with the editor's side played by hand:
documents opened and changed the way pygls records them, every message the server sends kept.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path

from tf2_lsp.lsp.capabilities import Capabilities
from tf2_lsp.lsp.protocol import Tf2Protocol
from tf2_lsp.lsp.session import Session
from tf2_lsp.lsp.snapshot import DocumentSnapshot

Message = dict[str, Any]


class Client:
    """The editor's end of the pipe: what the server wrote, decoded."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def write(self, data: bytes) -> None:
        _, _, body = data.partition(b"\r\n\r\n")
        self.messages.append(json.loads(body))

    def close(self) -> None:
        pass

    def sent(self, method: str) -> list[Any]:
        return [m["params"] for m in self.messages if m.get("method") == method]

    def published(self, uri: str) -> list[Message]:
        return [p for p in self.sent(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS) if p["uri"] == uri]

    def logged(self) -> list[str]:
        return [p["message"] for p in self.sent(types.WINDOW_LOG_MESSAGE)]


def start_session(
    folders: list[Path] | None = None,
    capabilities: Capabilities | None = None,
    settings: dict[str, Any] | None = None,
    root: Path | None = None,
) -> tuple[Session, Client]:
    """An initialized server (workspace `folders`, or only a `root` as old clients send) with a
    session, and its client's end."""
    server = LanguageServer("tf2-lsp-test", "0", protocol_cls=Tf2Protocol)
    client = Client()
    server.protocol.set_writer(client)
    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(),
        root_uri=root.as_uri() if root is not None else None,
        workspace_folders=[
            types.WorkspaceFolder(uri=from_fs_path(str(f)) or f.as_uri(), name=f.name)
            for f in folders or []
        ],
    )
    for _ in server.protocol.lsp_initialize(params):  # pygls's own start, no user handler
        pass
    session = Session(server)
    session.apply_editor_settings(settings or {})
    if capabilities is not None:
        session.capabilities = capabilities
    return session, client


def open_document(session: Session, uri: str, text: str, version: int = 1) -> None:
    session.server.workspace.put_text_document(
        types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)
    )


def change_document(session: Session, uri: str, text: str, version: int) -> None:
    """The editor replaces the whole text (a full-document change)."""
    session.server.workspace.update_text_document(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        types.TextDocumentContentChangeWholeDocument(text=text),
    )


def open_notebook(session: Session, uri: str, cells: list[tuple[str, str]]) -> None:
    """A notebook of code cells: (cell URI, source)."""
    session.server.workspace.put_notebook_document(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=uri,
                notebook_type="jupyter-notebook",
                version=1,
                cells=[
                    types.NotebookCell(kind=types.NotebookCellKind.Code, document=cell)
                    for cell, _ in cells
                ],
            ),
            cell_text_documents=[
                types.TextDocumentItem(uri=cell, language_id="python", version=1, text=text)
                for cell, text in cells
            ],
        )
    )


def close_notebook(session: Session, uri: str, cells: list[str]) -> None:
    session.server.workspace.remove_notebook_document(
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=uri),
            cell_text_documents=[types.TextDocumentIdentifier(uri=cell) for cell in cells],
        )
    )


async def snapshot(session: Session, uri: str) -> DocumentSnapshot | None:
    """`session.snapshot`, whether it answers at once or is awaited."""
    found = session.snapshot(uri)
    if inspect.isawaitable(found):
        found = await found
    return found  # type: ignore[no-any-return]


async def until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the event loop run (the session's scheduled analyses) until `condition` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def settle(seconds: float = 0.3) -> None:
    """Give anything still scheduled the time to (wrongly) publish."""
    await asyncio.sleep(seconds)
