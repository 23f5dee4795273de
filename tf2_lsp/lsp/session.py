"""The server's state: settings per folder, analyses per document version, scheduling.

Each request gets an immutable `DocumentSnapshot` of one document (its text and analysis,
the settings that apply to it, the negotiated encoding and the client's capabilities), so
the code that answers requests (`actions`, `hover`) never sees the server.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.catalogue.rules import Catalogue, CatalogueError
from tf2_lsp.lsp import convert
from tf2_lsp.lsp.documents import encoding_of
from tf2_lsp.lsp.inference import JediWorker
from tf2_lsp.lsp.protocol import RawResult, notification_frame
from tf2_lsp.model import Detection
from tf2_lsp.settings import Settings, load_project_settings, parse_settings
from tf2_lsp.text import Encoding, split_lines

if TYPE_CHECKING:  # the engine loads after `initialize` is answered (start-up time)
    from tf2_lsp.engine import DocumentFixes

log = logging.getLogger("tf2-lsp")

# ~75k lines of dense TF1 code: a full analysis takes seconds beyond this (measured ~35k
# lines/s, see docs/architecture.md).
MAX_EDITOR_CHARS = 3_000_000
WORKER_THREADS = 4
T = TypeVar("T")


# What analyses and answers import, loaded lazily (start-up time), then by one thread at a
# time: threads importing one package at once can see it half initialized (jedi did).
ANALYSIS_MODULES = ("tf2_lsp.engine", "tf2_lsp.analysis.detect")
ANSWER_MODULES = ("tf2_lsp.fixes.apply", "tf2_lsp.lsp.actions", "tf2_lsp.lsp.hover")  # libcst
_LOADING = threading.Lock()


def load_modules(names: tuple[str, ...] = ANALYSIS_MODULES) -> None:
    """Import `names`, one thread at a time (each worker thread, before its first job; the
    warm-up after `initialized`; an answer before it imports libcst)."""
    with _LOADING:
        try:
            for name in names:
                importlib.import_module(name)
        except Exception:  # the job that needs the module then fails with its own error
            log.exception("tf2-lsp: loading %s failed", name)


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What the client said it can do, as far as our answers depend on it."""

    pull_diagnostics: bool = False  # the client asks for diagnostics (textDocument/diagnostic)
    diagnostic_refresh: bool = False  # ... and pulls again when told (workspace/diagnostic/refresh)
    resolve_edits: bool = False  # the client resolves code actions' edits on demand
    document_changes: bool = False  # the client takes versioned `documentChanges` edits
    work_done_progress: bool = False  # the client shows server-initiated `$/progress`
    watch_files: bool = False  # the client watches files for us if we register globs

    @classmethod
    def of(cls, capabilities: types.ClientCapabilities) -> Capabilities:
        text = capabilities.text_document
        code_action = text.code_action if text else None
        resolve = code_action.resolve_support if code_action else None
        workspace = capabilities.workspace
        edit = workspace.workspace_edit if workspace else None
        window = capabilities.window
        watched = workspace.did_change_watched_files if workspace else None
        return cls(
            pull_diagnostics=bool(text and text.diagnostic),
            diagnostic_refresh=bool(
                workspace and workspace.diagnostics and workspace.diagnostics.refresh_support
            ),
            resolve_edits=bool(resolve and "edit" in resolve.properties),
            document_changes=bool(edit and edit.document_changes),
            work_done_progress=bool(window and window.work_done_progress),
            watch_files=bool(watched and watched.dynamic_registration),
        )


@dataclass
class Analysis:
    """One version of one document, analysed; caches what is derived from it."""

    version: int | None
    source: str
    detection: Detection
    settings: Settings
    _fixes: DocumentFixes | None = None
    oversized: bool = False  # over the editor's size limit: never analysed, not even for hover
    _native: Detection | None = None

    @cached_property
    def lines(self) -> list[str]:
        return split_lines(self.source)

    def fixes(self, catalogue: Catalogue) -> DocumentFixes:
        """This version's fix plans, made on first use and kept with it."""
        if self._fixes is None:
            from tf2_lsp.engine import DocumentFixes

            self._fixes = DocumentFixes(
                self.source, self.detection, catalogue, self.settings, self.lines
            )
        return self._fixes

    def native_detection(self, catalogue: Catalogue) -> Detection:
        """This version analysed at the native level, made once: hover on tf.compat.v1 code
        asks for it on every move of the mouse (140 ms a request on a 4,100-line file)."""
        if self._native is None:
            self._native = _detect(self.source, catalogue, replace(self.settings, level="native"))
        return self._native


def analyse_text(
    source: str, catalogue: Catalogue, settings: Settings, version: int | None = None
) -> Analysis:
    """A full analysis of `source`, as the server makes one (no incremental reuse)."""
    return Analysis(version, source, _detect(source, catalogue, settings), settings)


def _detect(
    source: str,
    catalogue: Catalogue,
    settings: Settings,
    previous: Analysis | None = None,
    hints: dict[tuple[int, int], str] | None = None,
) -> Detection:
    # The engine (and the analysis under it) loads after `initialize` is answered.
    from tf2_lsp.engine import analyse

    before = None
    if previous is not None and previous.settings == settings:
        before = (previous.detection, previous.source)
    try:
        return analyse(source, catalogue, settings, hints, before)
    except (RecursionError, MemoryError):  # MemoryError: CPython's parser stack overflow
        return Detection([], syntax_error=SyntaxError("file is nested too deeply"))


@dataclass(frozen=True)
class DocumentSnapshot:
    """Everything one request may read about one document; never changes once made."""

    uri: str
    analysis: Analysis
    catalogue: Catalogue
    encoding: Encoding = "utf-16"
    capabilities: Capabilities = Capabilities()

    @property
    def version(self) -> int | None:
        return self.analysis.version

    @property
    def source(self) -> str:
        return self.analysis.source

    @property
    def lines(self) -> list[str]:
        return self.analysis.lines

    @property
    def detection(self) -> Detection:
        return self.analysis.detection

    @property
    def settings(self) -> Settings:
        return self.analysis.settings

    @property
    def fixes(self) -> DocumentFixes:
        return self.analysis.fixes(self.catalogue)


@dataclass
class Session:
    """The state of one server: what is open, analysed, configured and scheduled."""

    server: LanguageServer
    capabilities: Capabilities = Capabilities()
    editor_raw_settings: dict[str, Any] = field(default_factory=dict)
    editor_settings: Settings = field(default_factory=Settings)
    project_settings: dict[Path, tuple[Settings, Path | None]] = field(default_factory=dict)
    analyses: dict[str, Analysis] = field(default_factory=dict)
    pending: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    # Analyses running in the worker threads, by what they analyse: a request for that same
    # text waits for its result instead of analysing again (or on the event loop).
    running: dict[tuple[str, int | None, str], asyncio.Future[Any]] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)  # changed since its pending analysis began
    workspace_published: set[str] = field(default_factory=set)  # files "Check workspace" flagged
    reported_errors: dict[str, str] = field(default_factory=dict)
    # Receiver types jedi found, per document: (candidate key, method) -> type.
    receiver_hints: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    notebooks: dict[str, tuple[str, Detection]] = field(default_factory=dict)
    inferring: set[str] = field(default_factory=set)
    published: dict[str, convert.PublishedDiagnostics] = field(default_factory=dict)
    # What a pulling client last pulled, per document: the version and the detection it saw.
    pulled: dict[str, tuple[int | None, Detection]] = field(default_factory=dict)
    refresh_pending: bool = False
    _catalogue: Catalogue | None = None
    _catalogue_lock: threading.Lock = field(default_factory=threading.Lock)

    # -- shared inputs -----------------------------------------------------------

    @property
    def catalogue(self) -> Catalogue:
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
        document: TextDocument | None = self.server.workspace.text_documents.get(unquote(uri))
        return document

    # -- settings ----------------------------------------------------------------

    def settings_for(self, uri: str) -> Settings:
        """Editor settings, overridden by the `[tool.tf2-lsp]` of the file's own project."""
        path = to_fs_path(uri)
        if not path:
            return self.editor_settings
        directory = Path(path).parent
        cached = self.project_settings.get(directory)
        if cached is None:
            project, problems, pyproject = load_project_settings(directory)
            for problem in problems:
                self.warn(problem)
            if project.unsafe_fixes and pyproject is not None:
                # A repository must not quietly make fix-all (and fix-on-save) change behaviour.
                self.report_once(
                    f"unsafe-fixes:{pyproject}",
                    f"tf2-lsp: {pyproject} turns on unsafe fixes (unsafe-fixes): fix-all and "
                    "fix-on-save will also apply fixes that may change behaviour",
                    show=True,
                )
            cached = (project, pyproject)
            self.project_settings[directory] = cached
        project, pyproject = cached
        # Keys the project sets win; the rest come from the editor.
        # This file's per-file-ignores join the ignores.
        return project.over(self.editor_settings).for_file(os.path.realpath(path))

    def apply_editor_settings(self, raw: object) -> None:
        if isinstance(raw, dict) and isinstance(raw.get(convert.SOURCE), dict):
            raw = raw[convert.SOURCE]
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self.warn("settings must be an object; using the defaults")
            raw = {}
        settings, problems = parse_settings(raw, "editor")
        for problem in problems:
            self.warn(problem)
        self.editor_raw_settings = dict(raw)
        self.editor_settings = settings

    def settings_changed(self) -> None:
        """pyproject.toml or the editor's settings changed: every open document again."""
        self.project_settings.clear()
        self.analyses.clear()
        self.notebooks.clear()
        # Publish under the URI the client sent (the workspace's keys are unquoted).
        for document in list(self.server.workspace.text_documents.values()):
            self.schedule(document.uri, 0)

    # -- analyses ----------------------------------------------------------------

    async def snapshot(self, uri: str) -> DocumentSnapshot | None:
        """The open document `uri` as analysed at its current version, or None (not open,
        catalogue broken). The analysis runs in a worker thread, never on the event loop; one
        already running for this text is waited for, not repeated."""
        document = self.document(uri)
        if document is None:
            return None
        analysis = await self.analysed(document)
        if analysis is None:
            return None
        return self.snapshot_of(document.uri, analysis)

    def snapshot_of(self, uri: str, analysis: Analysis) -> DocumentSnapshot | None:
        try:
            catalogue = self.catalogue
        except CatalogueError as error:
            self.report_once("catalogue", f"tf2-lsp: rule catalogue error: {error}")
            return None
        return DocumentSnapshot(
            uri=uri,
            analysis=analysis,
            catalogue=catalogue,
            encoding=self.encoding,
            capabilities=self.capabilities,
        )

    def current(self, document: TextDocument) -> Analysis | None:
        """The analysis of `document`'s current text, if there is one already."""
        cached = self.analyses.get(document.uri)
        if cached is not None and self._is_current(document.uri, cached):
            return cached
        return None

    async def analysed(self, document: TextDocument) -> Analysis | None:
        """`document`'s current text analysed (None if the catalogue cannot load)."""
        try:
            return await self._analysed(document)
        except CatalogueError as error:
            self.report_once("catalogue", f"tf2-lsp: rule catalogue error: {error}")
            return None

    async def _analysed(self, document: TextDocument) -> Analysis | None:
        notebook = self.server.workspace.get_notebook_document(cell_uri=document.uri)
        if notebook is not None:  # its findings change with the other cells: never kept
            return await self._analyse_cell(document, notebook)
        cached = self.current(document)
        if cached is not None:
            return cached
        version, source = document.version, document.source
        if len(source) > MAX_EDITOR_CHARS:
            analysis = self._oversized(document)
        else:
            settings = self.settings_for(document.uri)
            previous = self.analyses.get(document.uri)
            hints = self.receiver_hints.get(document.uri)
            detection = await self.in_worker(
                (document.uri, version, source),
                lambda: _detect(source, self.catalogue, settings, previous, hints),
            )
            analysis = Analysis(version, source, detection, settings)
        if self._is_current(document.uri, analysis):
            self.analyses[document.uri] = analysis  # still the editor's text: keep it
        return analysis

    async def in_worker(self, key: tuple[str, int | None, str], work: Callable[[], T]) -> T:
        """`work()` in a worker thread; while it runs, callers with the same key share it."""
        future = self.running.get(key)
        if future is None:
            future = asyncio.get_event_loop().run_in_executor(self.executor, work)
            self.running[key] = future

            def done(_: asyncio.Future[Any]) -> None:
                if self.running.get(key) is future:
                    del self.running[key]

            future.add_done_callback(done)
        # A cancelled request stops waiting; the analysis goes on for whoever else waits.
        result: T = await asyncio.shield(future)
        return result

    def _oversized(self, document: TextDocument) -> Analysis:
        # Generated or data-like files: a full analysis would stall every keystroke.
        self.report_once(
            f"size:{document.uri}",
            f"tf2-lsp: {document.uri} is larger than {MAX_EDITOR_CHARS // 1_000_000} MB; "
            "not analysed in the editor (run `tf2-lsp check` on it instead)",
            show=True,
        )
        settings = self.settings_for(document.uri)
        return Analysis(document.version, document.source, Detection([]), settings, oversized=True)

    def notebook_cells(self, notebook: types.NotebookDocument) -> list[tuple[str, str]]:
        cells = []
        for cell in notebook.cells:
            if cell.kind != types.NotebookCellKind.Code:
                continue
            document = self.document(cell.document)
            if document is not None and document.language_id in (None, "python"):
                cells.append((cell.document, document.source))
        return cells

    async def _analyse_cell(
        self, document: TextDocument, notebook: types.NotebookDocument
    ) -> Analysis | None:
        """All code cells are one module (imports live in the first cell); report per cell."""
        from tf2_lsp.analysis.notebook import cell_detection, join_cells

        joined, slices = join_cells(self.notebook_cells(notebook))
        settings = self.settings_for(notebook.uri)
        cached = self.notebooks.get(notebook.uri)
        if cached is None or cached[0] != joined:
            detection = await self.in_worker(
                (notebook.uri, None, joined), lambda: _detect(joined, self.catalogue, settings)
            )
            cached = (joined, detection)
            if self.server.workspace.get_notebook_document(notebook_uri=notebook.uri):
                self.notebooks[notebook.uri] = cached  # unless it closed meanwhile
        cell = next((s for s in slices if s.uri == document.uri), None)
        if cell is None:
            return None
        return Analysis(
            document.version, document.source, cell_detection(cached[1], cell), settings
        )

    def forget(self, uri: str) -> None:
        """A document closed: drop what was kept for it and clear its diagnostics."""
        self.cancel(uri)
        self.analyses.pop(uri, None)
        self.published.pop(uri, None)
        self.pulled.pop(uri, None)
        self.reported_errors.pop(uri, None)
        self.reported_errors.pop(f"size:{uri}", None)  # said again if it is opened again
        self.receiver_hints.pop(uri, None)
        self.clear_diagnostics(uri)
        self.release_jedi(uri)

    def release_jedi(self, uri: str) -> None:
        """What jedi parsed for a closed file goes; with nothing left open, all it cached."""
        nothing_open = not self.analyses and not self.notebooks
        self.jedi.forget(to_fs_path(uri), everything=nothing_open)

    @cached_property
    def jedi(self) -> JediWorker:
        return JediWorker()

    def forget_notebook(self, notebook_uri: str, cell_uris: list[str]) -> None:
        self.notebooks.pop(notebook_uri, None)
        for uri in cell_uris:
            self.cancel(uri)
            self.published.pop(uri, None)
            self.pulled.pop(uri, None)
            self.reported_errors.pop(uri, None)
            self.receiver_hints.pop(uri, None)
            self.clear_diagnostics(uri)
        self.release_jedi(notebook_uri)

    # -- messages ----------------------------------------------------------------

    def warn(self, message: str) -> None:
        log.warning(message)
        self.server.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=f"tf2-lsp: {message}")
        )

    def report_once(self, key: str, message: str, show: bool = False) -> None:
        """Say a problem once per document until it changes, not on every keystroke;
        `show` puts it in front of the user (showMessage) rather than in the log."""
        if self.reported_errors.get(key) == message:
            return
        self.reported_errors[key] = message
        params = (types.MessageType.Warning, message)
        if show:
            self.server.window_show_message(types.ShowMessageParams(*params))
        else:
            self.server.window_log_message(types.LogMessageParams(*params))

    # -- diagnostics -------------------------------------------------------------

    async def pulled_report(self, snapshot: DocumentSnapshot) -> RawResult:
        """A pull's full report, converted and serialized in a worker thread (the JSON of one
        version is reused for the findings the next one keeps, as for pushes)."""
        self.record_pull(snapshot)
        self.report_syntax_error(snapshot)
        published = self.published.setdefault(snapshot.uri, convert.PublishedDiagnostics())
        findings, lines = snapshot.detection.findings, snapshot.lines

        def report() -> RawResult:
            items = published.json(findings, lines, snapshot.encoding)
            return RawResult(json.dumps({"kind": "full", "items": items}).encode("utf-8"))

        return await asyncio.get_event_loop().run_in_executor(self.executor, report)

    def report_syntax_error(self, snapshot: DocumentSnapshot) -> None:
        error = snapshot.detection.syntax_error
        uri = snapshot.uri
        if error is not None:
            # Half-typed code: keep quiet in the editor (the user sees their own syntax
            # error from Python tooling) but log it once.
            self.report_once(uri, f"{uri}: not analysed: {error.msg} (line {error.lineno})")
        else:
            self.reported_errors.pop(uri, None)

    async def publish(self, uri: str) -> None:
        """Publish (or announce to a pulling client) the diagnostics of `uri`'s current text;
        analysis and conversion run in a worker thread, and a result for text that has since
        changed is dropped."""
        document = self.document(uri)
        if document is None:
            return
        analysis = await self.analysed(document)
        if analysis is None or not self._is_current(uri, analysis):
            return  # a newer version arrived while this one was analysed
        snapshot = self.snapshot_of(document.uri, analysis)
        if snapshot is None:
            return
        self.report_syntax_error(snapshot)
        if self.capabilities.pull_diagnostics:
            self.announce_to_puller(uri, snapshot)
            self.infer_receivers_later(uri, snapshot.analysis)
            return
        published = self.published.setdefault(uri, convert.PublishedDiagnostics())
        findings, lines, encoding = snapshot.detection.findings, snapshot.lines, snapshot.encoding

        def frame() -> bytes:  # converting and serializing both cost, on a large file
            diagnostics = published.json(findings, lines, encoding)
            params = {"uri": uri, "diagnostics": diagnostics, "version": analysis.version}
            return notification_frame(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, params)

        message = await asyncio.get_event_loop().run_in_executor(self.executor, frame)
        if not self._is_current(uri, analysis):
            return
        self.server.protocol.send_frame(message)  # type: ignore[attr-defined]
        self.infer_receivers_later(uri, snapshot.analysis)

    def _is_current(self, uri: str, analysis: Analysis) -> bool:
        document = self.document(uri)
        return (
            document is not None
            and document.version == analysis.version
            and document.source == analysis.source
        )

    def record_pull(self, snapshot: DocumentSnapshot) -> None:
        self.pulled[snapshot.uri] = (snapshot.version, snapshot.detection)

    def announce_to_puller(self, uri: str, snapshot: DocumentSnapshot) -> None:
        """A client that pulls is not pushed to: it pulls after every change it makes, and
        VS Code keeps pushed and pulled diagnostics apart, so each finding would be listed
        twice. What changes without an edit of its (jedi's receiver types, new settings) for a
        version it already pulled is announced with a refresh, and the client pulls again."""
        pulled = self.pulled.get(uri)
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

    # -- scheduling --------------------------------------------------------------

    def schedule(self, uri: str, delay_ms: int = 0) -> None:
        """Publish `uri`'s diagnostics for its latest version.

        With no delay (the default): at once when no analysis of `uri` runs; while one runs,
        once more when it ends, for whatever version is current then, so a burst of changes
        costs at most two analyses, and a result for an older version is never published.
        A `debounce` setting > 0 instead waits that long after the last change.
        """
        if delay_ms:
            self.cancel(uri)
            self._start(uri, delay_ms)
            return
        self.dirty.add(uri)
        if uri not in self.pending:
            self._start(uri, 0)

    def _start(self, uri: str, delay_ms: int) -> None:
        async def run() -> None:
            try:
                if delay_ms:
                    await asyncio.sleep(delay_ms / 1000)
                    self.dirty.add(uri)
                while uri in self.dirty:
                    self.dirty.discard(uri)
                    await self.publish(uri)
            except asyncio.CancelledError:
                pass
            except Exception:  # never let one document take the server down
                log.exception("analysis of %s failed", uri)
            finally:
                if self.pending.get(uri) is task:
                    del self.pending[uri]

        task = asyncio.get_event_loop().create_task(run())
        self.pending[uri] = task

    @cached_property
    def executor(self) -> concurrent.futures.ThreadPoolExecutor:
        """Threads for analyses and answers: the event loop keeps reading changes meanwhile,
        and a small document is not kept waiting behind a large one's analysis. One document's
        analyses still run one at a time (`schedule`)."""
        return concurrent.futures.ThreadPoolExecutor(
            WORKER_THREADS, thread_name_prefix="tf2-lsp-worker", initializer=load_modules
        )

    def cancel(self, uri: str) -> None:
        self.dirty.discard(uri)
        pending = self.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()

    def infer_receivers_later(self, uri: str, analysis: Analysis) -> None:
        """Ask jedi, in its thread, about receivers our own resolution left open; then
        republish. An answer is remembered (a miss as no type); a failure is not."""
        hints = self.receiver_hints.get(uri, {})
        open_keys = [c for c in analysis.detection.candidates if c.key not in hints]
        if not open_keys or uri in self.inferring:
            return
        self.inferring.add(uri)
        path = to_fs_path(uri)

        async def run() -> None:
            try:
                found = await self.jedi.infer(analysis.source, path, open_keys)
            except Exception as error:
                # Not remembered: the same receivers are asked again on the next analysis.
                self.report_once(
                    "jedi", f"tf2-lsp: jedi inference failed: {type(error).__name__}: {error}"
                )
                return
            finally:
                self.inferring.discard(uri)
            if self.document(uri) is None:
                return  # closed meanwhile: nothing to remember it for
            # jedi's answers, a miss ("") included, are kept: those receivers are not asked
            # again. What it failed on is left open.
            self.receiver_hints[uri] = {**hints, **found}
            document = self.document(uri)
            typed = any(found.values())
            if typed and document is not None and document.source == analysis.source:
                self.analyses.pop(document.uri, None)
                self.schedule(uri, 0)  # analysed again with the hints, in the worker

        asyncio.get_event_loop().create_task(run())
