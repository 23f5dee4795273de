"""The server's state and what it does with it: one record per open document (`index`), the
settings per folder (`folders`), when work runs (`scheduler`), and diagnostics pushed or
pulled. Each request gets an immutable `DocumentSnapshot` of one document.

Handlers (`server`, `workspace`) call the methods here; the records are this module's own.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable, Mapping
from typing import TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.catalogue.rules import Catalogue, CatalogueError
from tf2_lsp.lsp.capabilities import Capabilities
from tf2_lsp.lsp.convert import PublishedDiagnostics
from tf2_lsp.lsp.documents import encoding_of
from tf2_lsp.lsp.folders import FolderSettings
from tf2_lsp.lsp.index import DocumentState, Index, ReceiverHints, key
from tf2_lsp.lsp.protocol import RawResult, notification_frame
from tf2_lsp.lsp.scheduler import Scheduler
from tf2_lsp.lsp.snapshot import Analysis, DocumentSnapshot, analyse_text, oversized
from tf2_lsp.settings import Settings
from tf2_lsp.text import Encoding

log = logging.getLogger("tf2-lsp")

# ~75k lines of dense TF1 code: a full analysis takes seconds beyond this (measured ~35k
# lines/s, see docs/architecture.md).
MAX_EDITOR_CHARS = 3_000_000
T = TypeVar("T")


class Session:
    """The state of one server: what is open, analysed, configured and scheduled."""

    def __init__(self, server: LanguageServer) -> None:
        self.server = server
        self.capabilities = Capabilities()
        self.folders = FolderSettings(self.warn, lambda key, text: self.say_once(key, text, True))
        self.index = Index()
        self.scheduler = Scheduler(self.publish, self.say_once)
        self.said: dict[str, str] = {}  # problems said once that belong to no document
        self.workspace_flagged: set[str] = set()  # files "Check workspace" found something in
        self.refresh_pending = False  # a workspace/diagnostic/refresh is on its way
        self._catalogue: Catalogue | None = None
        self._catalogue_lock = threading.Lock()

    # -- shared inputs -----------------------------------------------------------

    @property
    def catalogue(self) -> Catalogue:
        """The rules, loaded on first use (by the warm-up thread, or a worker thread)."""
        with self._catalogue_lock:
            if self._catalogue is None:
                self._catalogue = load_catalogue()
            return self._catalogue

    @property
    def encoding(self) -> Encoding:
        return encoding_of(self.server.workspace.position_encoding)

    def document(self, uri: str) -> TextDocument | None:
        """An open document (notebook cells included), or None: never a copy read from disk.

        pygls keys open documents by their unquoted URI while clients send them
        percent-encoded (`my%20project/a.py`), so look them up the way pygls stores them.
        """
        document: TextDocument | None = self.server.workspace.text_documents.get(key(uri))
        return document

    def is_open(self, uri: str) -> bool:
        """Whether `uri` is a document or a notebook open in the editor."""
        workspace = self.server.workspace
        return key(uri) in workspace.text_documents or key(uri) in workspace.notebook_documents

    def _state(self, document: TextDocument) -> DocumentState:
        """The record of the open `document`, made on first use."""
        state = self.index.get(document.uri)
        if state is None:
            notebook = self.server.workspace.get_notebook_document(cell_uri=document.uri)
            state = self.index.add(document.uri, notebook.uri if notebook is not None else None)
        return state

    # -- settings ----------------------------------------------------------------

    def settings_for(self, uri: str) -> Settings:
        return self.folders.for_uri(uri)

    def apply_editor_settings(self, raw: object) -> None:
        self.folders.apply_editor(raw)

    def settings_changed(self) -> None:
        """pyproject.toml or the editor's settings changed: every open document again."""
        self.folders.forget_projects()
        self.index.drop_analyses()
        # Publish under the URI the client sent (the workspace's keys are unquoted).
        for document in list(self.server.workspace.text_documents.values()):
            self.schedule(document.uri, 0)

    # -- documents opened, changed, saved, closed -----------------------------------

    def schedule(self, uri: str, delay_ms: int = 0) -> None:
        """Publish `uri`'s diagnostics for its latest version (`Scheduler.schedule`)."""
        document = self.document(uri)
        if document is not None:
            self.scheduler.schedule(self._state(document), delay_ms)

    def saved(self, uri: str) -> None:
        """A full analysis on save: it refreshes what edits analysed incrementally leave
        alone (TF801)."""
        state = self.index.get(uri)
        if state is not None:
            state.analysis = None
        self.schedule(uri, 0)
        self.files_changed()

    def files_changed(self) -> None:
        """Files changed on disk (a save, a file the client watches): each open document whose
        findings read one of them (a model function's caller in another module, a test's
        graph-mode library) is analysed again."""
        for state in self.index.documents():
            analysis = state.analysis
            if analysis is not None and analysis.depends and analysis.is_stale():
                state.analysis = None
                self.schedule(state.uri, 0)

    def schedule_notebook(self, notebook_uri: str, delay_ms: int = 0) -> None:
        """Every cell of the notebook again (a cell's findings depend on the others'
        imports); cells a change removed are forgotten."""
        notebook = self.server.workspace.get_notebook_document(notebook_uri=notebook_uri)
        if notebook is None:
            return
        for state in self.index.cells(notebook.uri):
            if self.document(state.uri) is None:
                self._closed(state.uri, self.index.remove(state.uri))
        for uri, _ in self.notebook_cells(notebook):
            self.schedule(uri, delay_ms)

    def forget(self, uri: str) -> None:
        """A document closed: drop its record and clear its diagnostics."""
        self._closed(uri, self.index.remove(uri))
        self.scheduler.release_jedi(to_fs_path(uri), everything=not self.index)

    def forget_notebook(self, notebook_uri: str, cell_uris: list[str]) -> None:
        """A notebook closed: drop its record and all its cells'; clear their diagnostics."""
        removed = {
            key(state.uri): state for state in self.index.remove_notebook(notebook_uri, cell_uris)
        }
        for uri in cell_uris:
            self._closed(uri, removed.pop(key(uri), None))
        for state in removed.values():  # a cell the notebook had that the close left out
            self._closed(state.uri, state)
        self.scheduler.release_jedi(to_fs_path(notebook_uri), everything=not self.index)

    def _closed(self, uri: str, state: DocumentState | None) -> None:
        if state is not None:
            self.scheduler.cancel(state)
        self.clear_diagnostics(uri)

    # -- analyses ----------------------------------------------------------------

    async def snapshot(self, uri: str) -> DocumentSnapshot | None:
        """The open document `uri` as analysed at its current version, or None (not open,
        catalogue broken). The analysis runs in a worker thread, never on the event loop; one
        already running for this text is waited for, not repeated."""
        document = self.document(uri)
        if document is None:
            return None
        analysis = await self.analysed(document)
        return None if analysis is None else self.snapshot_of(document.uri, analysis)

    def snapshot_of(self, uri: str, analysis: Analysis) -> DocumentSnapshot:
        return DocumentSnapshot(uri, analysis, self.encoding, self.capabilities)

    async def analysed(self, document: TextDocument) -> Analysis | None:
        """`document`'s current text analysed; None if the catalogue cannot load (said once)
        or a cell is no longer in its notebook."""
        state = self._state(document)
        try:
            if state.notebook is not None:
                return await self._analyse_cell(document, state.notebook)
            return await self._analyse(document, state)
        except CatalogueError as error:
            self.say_once("catalogue", f"tf2-lsp: rule catalogue error: {error}")
            return None

    async def _in_worker(
        self, text: tuple[str, int | None, str], work: Callable[[Catalogue], T]
    ) -> T:
        """`work(catalogue)` in a worker thread, shared with callers asking for the same `text`
        (URI, version, source); the catalogue loads there too, not on the event loop."""
        return await self.scheduler.shared(text, lambda: work(self.catalogue))

    async def _analyse(self, document: TextDocument, state: DocumentState) -> Analysis:
        cached = state.analysis
        if cached is not None and self._is_current(document.uri, cached):
            return cached
        version, source = document.version, document.source
        settings = self.settings_for(document.uri)
        previous, hints = state.analysis, state.receiver_hints
        if len(source) > MAX_EDITOR_CHARS:
            # Generated or data-like files: a full analysis would stall every keystroke.
            self.say_once(
                "size",
                f"tf2-lsp: {document.uri} is larger than {MAX_EDITOR_CHARS // 1_000_000} MB; "
                "not analysed in the editor (run `tf2-lsp check` on it instead)",
                show=True,
                state=state,
            )
            analysis = await self._in_worker(
                (document.uri, version, source),
                lambda catalogue: oversized(source, catalogue, settings, version),
            )
        else:
            analysis = await self._in_worker(
                (document.uri, version, source),
                lambda catalogue: analyse_text(
                    source, catalogue, settings, version, previous, hints
                ),
            )
        if self._is_current(document.uri, analysis) and not state.closed:
            state.analysis = analysis  # still the editor's text: keep it
        return analysis

    def notebook_cells(self, notebook: types.NotebookDocument) -> list[tuple[str, str]]:
        cells = []
        for cell in notebook.cells:
            if cell.kind != types.NotebookCellKind.Code:
                continue
            document = self.document(cell.document)
            if document is not None and document.language_id in (None, "python"):
                cells.append((cell.document, document.source))
        return cells

    async def _analyse_cell(self, document: TextDocument, notebook_uri: str) -> Analysis | None:
        """All code cells are one module (imports live in the first cell); report per cell."""
        from tf2_lsp.analysis.notebook import cell_detection
        from tf2_lsp.files.cells import join_cells

        notebook = self.server.workspace.get_notebook_document(notebook_uri=notebook_uri)
        if notebook is None:
            return None
        cells = join_cells(self.notebook_cells(notebook))
        joined, slices = cells.text, cells.slices
        settings = self.settings_for(notebook.uri)
        record = self.index.notebook(notebook.uri)
        analysis = record.joined
        if analysis is None or analysis.source != joined:
            analysis = await self._in_worker(
                (notebook.uri, None, joined),
                lambda catalogue: analyse_text(joined, catalogue, settings),
            )
            if not record.closed:
                record.joined = analysis  # unless it closed meanwhile
        cell = next((s for s in slices if s.key == document.uri), None)
        if cell is None:
            return None
        detection = cell_detection(analysis.detection, cell)
        return Analysis(document.version, document.source, detection, settings, analysis.catalogue)

    def _is_current(self, uri: str, analysis: Analysis) -> bool:
        document = self.document(uri)
        return (
            document is not None
            and document.version == analysis.version
            and document.source == analysis.source
        )

    # -- messages ----------------------------------------------------------------

    def warn(self, message: str) -> None:
        log.warning(message)
        self.server.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=f"tf2-lsp: {message}")
        )

    def say_once(
        self, topic: str, message: str, show: bool = False, state: DocumentState | None = None
    ) -> None:
        """Say a problem once (for `state`'s document, until it changes or is reopened), not
        on every keystroke; `show` puts it in front of the user (showMessage) rather than in
        the log."""
        said = state.said if state is not None else self.said
        if said.get(topic) == message:
            return
        said[topic] = message
        params = (types.MessageType.Warning, message)
        if show:
            self.server.window_show_message(types.ShowMessageParams(*params))
        else:
            self.server.window_log_message(types.LogMessageParams(*params))

    def _say_syntax_error(self, state: DocumentState | None, snapshot: DocumentSnapshot) -> None:
        if state is None:
            return
        error = snapshot.detection.syntax_error
        if error is not None:
            # Half-typed code: keep quiet in the editor (the user sees their own syntax
            # error from Python tooling) but log it once.
            message = f"{snapshot.uri}: not analysed: {error.msg} (line {error.lineno})"
            self.say_once("syntax", message, state=state)
        else:
            state.said.pop("syntax", None)

    # -- diagnostics -------------------------------------------------------------

    async def pulled_report(self, snapshot: DocumentSnapshot) -> RawResult:
        """A pull's full report, converted and serialized in a worker thread (the JSON of one
        version is reused for the findings the next one keeps, as for pushes)."""
        state = self.index.get(snapshot.uri)
        if state is not None:
            state.pulled = (snapshot.version, snapshot.detection)
        self._say_syntax_error(state, snapshot)
        published = state.published if state is not None else None
        findings, lines = snapshot.detection.findings, snapshot.lines

        def report() -> RawResult:
            items = (published or PublishedDiagnostics()).json(findings, lines, snapshot.encoding)
            return RawResult(json.dumps({"kind": "full", "items": items}).encode("utf-8"))

        return await self.scheduler.off_loop(report)

    async def publish(self, state: DocumentState) -> None:
        """Publish (or announce to a pulling client) the diagnostics of the document's current
        text; analysis and conversion run in a worker thread, and a result for text that has
        since changed is dropped."""
        uri = state.uri
        document = self.document(uri)
        if document is None or state.closed:
            return
        analysis = await self.analysed(document)
        if analysis is None or not self._is_current(uri, analysis):
            return  # a newer version arrived while this one was analysed
        snapshot = self.snapshot_of(document.uri, analysis)
        self._say_syntax_error(state, snapshot)
        if self.capabilities.pull_diagnostics:
            self._announce_to_puller(state, snapshot)
            self._infer_receivers_later(state, analysis)
            return
        published = state.published
        findings, lines, encoding = snapshot.detection.findings, snapshot.lines, snapshot.encoding

        def frame() -> bytes:  # converting and serializing both cost, on a large file
            diagnostics = published.json(findings, lines, encoding)
            params = {"uri": uri, "diagnostics": diagnostics, "version": analysis.version}
            return notification_frame(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, params)

        message = await self.scheduler.off_loop(frame)
        if state.closed or not self._is_current(uri, analysis):
            return
        self.server.protocol.send_frame(message)  # type: ignore[attr-defined]
        self._infer_receivers_later(state, analysis)

    def _announce_to_puller(self, state: DocumentState, snapshot: DocumentSnapshot) -> None:
        """A client that pulls is not pushed to: it pulls after every change it makes, and
        VS Code keeps pushed and pulled diagnostics apart, so each finding would be listed
        twice. What changes without an edit of its (jedi's receiver types, new settings) for a
        version it already pulled is announced with a refresh, and the client pulls again."""
        pulled = state.pulled
        if pulled is None or pulled[0] != snapshot.version:
            return  # not pulled yet, or an older version: the client pulls this one itself
        seen = pulled[1]
        if seen is snapshot.detection or seen.findings == snapshot.detection.findings:
            return
        if not self.capabilities.diagnostic_refresh or self.refresh_pending:
            return
        self.refresh_pending = True

        async def refresh() -> None:
            self.refresh_pending = False
            try:
                await self.server.workspace_diagnostic_refresh_async(None)
            except Exception:  # a client that fails the request still pulls on its next edit
                log.warning("workspace/diagnostic/refresh failed", exc_info=True)

        asyncio.get_event_loop().create_task(refresh())

    def clear_diagnostics(self, uri: str) -> None:
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def publish_workspace(self, found: Mapping[str, list[types.Diagnostic]]) -> None:
        """Publish what "Check workspace" found, by file; clear the files an earlier check
        flagged that are clean now, gone or excluded (unless open: their diagnostics follow
        the editor's text)."""
        for uri, diagnostics in found.items():
            if not diagnostics and uri not in self.workspace_flagged:
                continue  # nothing to show, nothing shown before
            self.server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
            )
        for uri in self.workspace_flagged - found.keys():
            if self.document(uri) is None:
                self.clear_diagnostics(uri)
        self.workspace_flagged = {uri for uri, diagnostics in found.items() if diagnostics}

    # -- jedi ----------------------------------------------------------------------

    def _infer_receivers_later(self, state: DocumentState, analysis: Analysis) -> None:
        """Ask jedi about receivers our own resolution left open; then republish."""
        hints = state.receiver_hints
        candidates = [c for c in analysis.detection.candidates if c.key not in hints]

        def found(answers: ReceiverHints) -> None:
            # jedi's answers, a miss ("") included, are kept: those receivers are not asked
            # again. What it failed on is left open.
            state.receiver_hints = {**hints, **answers}
            document = self.document(state.uri)
            typed = any(answers.values())
            if typed and document is not None and document.source == analysis.source:
                state.analysis = None
                self.schedule(state.uri, 0)  # analysed again with the hints, in the worker

        path = to_fs_path(state.uri)
        self.scheduler.infer_later(state, analysis.source, path, candidates, found)
