"""The language server: one short handler per LSP method, each delegating.

State lives in `session.Session`; requests are answered from an immutable `DocumentSnapshot`
by `actions` and `hover`. Start-up stays light (no TensorFlow, no jedi, no libcst): the
catalogue loads in a thread after `initialized`, libcst on the first code action or hover
that needs a preview.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from tf2_lsp import __version__
from tf2_lsp.lsp.capabilities import Capabilities
from tf2_lsp.lsp.convert import FIX_ALL_KIND, SOURCE
from tf2_lsp.lsp.documents import LspWorkspace
from tf2_lsp.lsp.protocol import RawResult, Tf2Protocol
from tf2_lsp.lsp.scheduler import ANALYSIS_MODULES, ANSWER_MODULES, load_modules
from tf2_lsp.lsp.session import Session
from tf2_lsp.lsp.snapshot import DocumentSnapshot
from tf2_lsp.lsp.verify_command import VERIFY_FUNCTION
from tf2_lsp.lsp.watchdog import watch_parent
from tf2_lsp.lsp.workspace import CHECK_WORKSPACE, DEBUG_INFO, analyse_workspace, findings_of

log = logging.getLogger("tf2-lsp")
T = TypeVar("T")


class Tf2LanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            SOURCE,
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[
                    types.NotebookDocumentFilterWithCells(
                        cells=[types.NotebookCellLanguage(language="python")], notebook="*"
                    )
                ]
            ),
            protocol_cls=Tf2Protocol,
        )
        self.session = Session(self)


server = Tf2LanguageServer()


@server.feature(types.INITIALIZE)
def initialize(ls: Tf2LanguageServer, params: types.InitializeParams) -> None:
    # pygls made its workspace just before this handler: documents follow LSP's line rules.
    ls.protocol._workspace = LspWorkspace.replacing(ls.workspace)
    ls.session.apply_editor_settings(params.initialization_options)
    ls.session.capabilities = Capabilities.of(params.capabilities)
    if params.process_id:
        watch_parent(params.process_id)


@server.feature(types.INITIALIZED)
def initialized(ls: Tf2LanguageServer, params: types.InitializedParams) -> None:
    # Warm up off the request path: the catalogue for the first didOpen, then libcst for
    # the first code action or hover preview (~0.2 s of imports otherwise paid by the user).
    def warm_up() -> None:
        ls.session.catalogue  # noqa: B018
        load_modules(ANALYSIS_MODULES)
        load_modules(ANSWER_MODULES)

    threading.Thread(target=warm_up, name="tf2-lsp-warm-up", daemon=True).start()
    if ls.session.capabilities.watch_files:
        # pyproject.toml anywhere in the workspace: its [tool.tf2-lsp] applies to its tree;
        # Python files: another module's text can change a document's findings (its callers).
        ls.client_register_capability(
            types.RegistrationParams(
                registrations=[
                    types.Registration(
                        id="tf2-lsp-pyproject",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(
                            watchers=[
                                types.FileSystemWatcher(glob_pattern="**/pyproject.toml"),
                                types.FileSystemWatcher(glob_pattern="**/*.py"),
                            ]
                        ),
                    )
                ]
            )
        )


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(
    ls: Tf2LanguageServer, params: types.DidChangeConfigurationParams
) -> None:
    ls.session.apply_editor_settings(params.settings)
    ls.session.settings_changed()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(
    ls: Tf2LanguageServer, params: types.DidChangeWatchedFilesParams
) -> None:
    if any(change.uri.endswith("pyproject.toml") for change in params.changes):
        ls.session.settings_changed()
    elif any(change.uri.endswith(".py") for change in params.changes):
        ls.session.files_changed()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: Tf2LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.session.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: Tf2LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.session.schedule(uri, ls.session.settings_for(uri).debounce)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: Tf2LanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    path = to_fs_path(uri)
    if path and Path(path).name == "pyproject.toml":
        ls.session.settings_changed()
        return
    ls.session.saved(uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: Tf2LanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.session.forget(params.text_document.uri)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
def notebook_did_open(ls: Tf2LanguageServer, params: types.DidOpenNotebookDocumentParams) -> None:
    ls.session.schedule_notebook(params.notebook_document.uri, 0)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
def notebook_did_change(
    ls: Tf2LanguageServer, params: types.DidChangeNotebookDocumentParams
) -> None:
    uri = params.notebook_document.uri
    # A cell's findings depend on the other cells (imports): every cell is republished.
    ls.session.schedule_notebook(uri, ls.session.settings_for(uri).debounce)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
def notebook_did_save(ls: Tf2LanguageServer, params: types.DidSaveNotebookDocumentParams) -> None:
    ls.session.schedule_notebook(params.notebook_document.uri, 0)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
def notebook_did_close(ls: Tf2LanguageServer, params: types.DidCloseNotebookDocumentParams) -> None:
    cells = [cell.uri for cell in params.cell_text_documents]
    ls.session.forget_notebook(params.notebook_document.uri, cells)


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(
        identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=True
    ),
)
async def pull_diagnostics(
    ls: Tf2LanguageServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport | RawResult:
    snapshot = await ls.session.snapshot(params.text_document.uri)
    if snapshot is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    return await ls.session.pulled_report(snapshot)


@server.feature(types.WORKSPACE_DIAGNOSTIC)
async def workspace_diagnostic(
    ls: Tf2LanguageServer, params: types.WorkspaceDiagnosticParams
) -> types.WorkspaceDiagnosticReport:
    """Every workspace file that is not open (open ones are pulled per document)."""
    results = await analyse_workspace(ls.session, None)
    return types.WorkspaceDiagnosticReport(
        items=[
            types.WorkspaceFullDocumentDiagnosticReport(
                uri=result.uri, version=None, items=result.diagnostics
            )
            for result in results
        ]
    )


@server.command(CHECK_WORKSPACE)
async def check_workspace(ls: Tf2LanguageServer, *args: Any) -> dict[str, int]:
    """Analyse every Python file and notebook of the workspace and publish their diagnostics."""
    token: str | None = None
    if ls.session.capabilities.work_done_progress:
        token = f"tf2-lsp-check-{uuid.uuid4().hex}"
        await ls.work_done_progress.create_async(token)
    results = await analyse_workspace(ls.session, token)
    ls.session.publish_workspace({result.uri: result.diagnostics for result in results})
    return {
        "files": len(results),
        "findings": findings_of(results),
        "filesWithFindings": sum(1 for r in results if r.diagnostics),
    }


@server.command(VERIFY_FUNCTION)
async def verify_function(ls: Tf2LanguageServer, *args: Any) -> dict[str, Any]:
    """Run the function around the cursor against its version at git HEAD (or a file given)
    on TensorFlow, in processes of its own, and show whether they compute the same."""
    from tf2_lsp.lsp.verify_command import verify_function as run

    return await run(ls.session, args)


@server.command(DEBUG_INFO)
def debug_info(ls: Tf2LanguageServer, *args: Any) -> dict[str, Any]:
    """Versions, the settings in force per workspace folder and their sources, the catalogue."""
    from tf2_lsp.lsp.debug import debug_info as collect

    info = collect(ls.session)
    ls.window_log_message(
        types.LogMessageParams(types.MessageType.Info, f"tf2-lsp debug info: {info}")
    )
    return info


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[
            types.CodeActionKind.QuickFix,
            types.CodeActionKind.SourceFixAll,
            FIX_ALL_KIND,
        ],
        resolve_provider=True,
    ),
)
async def code_action(
    ls: Tf2LanguageServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    if ls.session.document(params.text_document.uri) is None:
        return None
    snapshot = await ls.session.snapshot(params.text_document.uri)
    if snapshot is None or snapshot.detection.syntax_error is not None:
        return []
    return await _off_loop(ls, _code_actions, snapshot, params)


@server.feature(types.CODE_ACTION_RESOLVE)
async def code_action_resolve(ls: Tf2LanguageServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    snapshot = await ls.session.snapshot(str(data.get("uri", "")))
    return action if snapshot is None else await _off_loop(ls, _resolve, snapshot, action)


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: Tf2LanguageServer, params: types.HoverParams) -> types.Hover | None:
    snapshot = await ls.session.snapshot(params.text_document.uri)
    if snapshot is None or snapshot.detection.syntax_error is not None:
        return None
    return await _off_loop(ls, _hover, snapshot, params.position)


async def _off_loop(ls: Tf2LanguageServer, answer: Callable[..., T], *args: Any) -> T:
    """An answer computed from an immutable snapshot, in a worker thread: planning fixes
    (libcst) or a hover's native-level analysis must not stop the loop reading messages."""
    return await ls.session.scheduler.off_loop(answer, *args)


# Run in the workers, which load these modules one thread at a time (`load_modules`): the
# event loop's thread never imports them while another thread does.
def _code_actions(
    snapshot: DocumentSnapshot, params: types.CodeActionParams
) -> list[types.CodeAction]:
    load_modules(ANSWER_MODULES)
    from tf2_lsp.lsp import actions

    return actions.code_actions(snapshot, params)


def _resolve(snapshot: DocumentSnapshot, action: types.CodeAction) -> types.CodeAction:
    load_modules(ANSWER_MODULES)
    from tf2_lsp.lsp import actions

    return actions.resolve(snapshot, action)


def _hover(snapshot: DocumentSnapshot, position: types.Position) -> types.Hover | None:
    load_modules(ANSWER_MODULES)
    from tf2_lsp.lsp import hover as hovers

    return hovers.hover(snapshot, position)


def run_server(tcp: str | None = None) -> NoReturn:
    """Serve stdio, or TCP at `HOST:PORT`, then end the process with the exit status `exit`
    asked for. A TCP address that cannot be listened on raises OSError instead."""
    from tf2_lsp.lsp.transport import serve_stdio, serve_tcp

    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="tf2-lsp %(levelname)s %(message)s"
    )
    if tcp:
        host, _, port = tcp.rpartition(":")
        _end_process(serve_tcp(server, host or "127.0.0.1", int(port)))
    _end_process(serve_stdio(server))


def _end_process(status: int) -> NoReturn:
    """Exit without the interpreter's teardown. Tearing down the thousands of classes pygls and
    lsprotocol define took 0.2-0.4 s of CPU after `exit` (strace: no system call between the last
    thread ending and exit_group), which an editor restarting the server waits through. Nothing
    needs that teardown: the streams are flushed here, and jedi's helper process ends when its
    pipe closes."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # the client already closed the pipe
            stream.flush()
    os._exit(status)
