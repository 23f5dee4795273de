"""Notebooks: cells are one module (imports in one cell, uses in another); IPython lines ignored."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
NOTEBOOK = "file:///tmp/tf2lsp-test/model.ipynb"
CELLS = [
    "import tensorflow as tf\n%matplotlib inline\nfiles = !ls",
    "sess = tf.Session()\n",
    "%%bash\necho tf.Session()\n",
]


def cell_uri(index: int) -> str:
    return f"vscode-notebook-cell:/tmp/tf2lsp-test/model.ipynb#cell{index}"


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "tf2_lsp", "serve"], server_env=ENV
    ),
)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                workspace=types.WorkspaceClientCapabilities(
                    workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True)
                ),
                notebook_document=types.NotebookDocumentClientCapabilities(
                    synchronization=types.NotebookDocumentSyncClientCapabilities()
                ),
            ),
            initialization_options={"debounce": 0},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def diagnostics_for(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    while uri not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


async def test_cells_share_imports_and_magics_are_ignored(client: LanguageClient) -> None:
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=NOTEBOOK,
                notebook_type="jupyter-notebook",
                version=1,
                cells=[
                    types.NotebookCell(kind=types.NotebookCellKind.Code, document=cell_uri(i))
                    for i in range(len(CELLS))
                ],
            ),
            cell_text_documents=[
                types.TextDocumentItem(uri=cell_uri(i), language_id="python", version=1, text=text)
                for i, text in enumerate(CELLS)
            ],
        )
    )
    second = await asyncio.wait_for(diagnostics_for(client, cell_uri(1)), timeout=30)
    assert [(d.code, d.range.start.line, d.range.start.character) for d in second] == [
        ("TF101", 0, 7)
    ]
    first = await asyncio.wait_for(diagnostics_for(client, cell_uri(0)), timeout=30)
    assert list(first) == []  # `files = !ls` and `%matplotlib` are not Python errors or findings
    bash = await asyncio.wait_for(diagnostics_for(client, cell_uri(2)), timeout=30)
    assert list(bash) == []  # a %%bash cell is not Python


async def test_quick_fix_in_a_cell_edits_that_cell(client: LanguageClient) -> None:
    await test_cells_share_imports_and_magics_are_ignored(client)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=cell_uri(1)),
            range=types.Range(
                start=types.Position(line=0, character=8), end=types.Position(line=0, character=8)
            ),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert actions is not None
    fix = next(
        a
        for a in actions
        if isinstance(a, types.CodeAction) and (a.title or "").startswith("TF101: Replace")
    )
    assert fix.edit is not None and fix.edit.document_changes is not None
    change = fix.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.uri == cell_uri(1)
    text = CELLS[1]
    for edit in sorted(change.edits, key=lambda e: e.range.start.character, reverse=True):
        assert isinstance(edit, types.TextEdit)
        assert edit.range.start.line == edit.range.end.line == 0
        start, end = edit.range.start.character, edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    assert text == "sess = tf.compat.v1.Session()\n"
