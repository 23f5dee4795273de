"""The language server: pygls wiring only. Every decision is the engine's (detect, fixes, hover).

Start-up stays light (no TensorFlow, no jedi, no libcst): the catalogue loads in a thread after
`initialized`, libcst on the first code action or hover that needs a preview.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from tf2_lsp import __version__
from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.incremental import reanalyse
from tf2_lsp.analysis.notebook import cell_detection, join_cells
from tf2_lsp.catalogue.rules import Catalogue, CatalogueError, load_catalogue
from tf2_lsp.engine import fix_title
from tf2_lsp.model import Detection, Finding
from tf2_lsp.settings import Config, load_project_config, parse_settings
from tf2_lsp.text import Encoding, Span, from_client_column, split_lines, to_client_column

log = logging.getLogger("tf2-lsp")

SOURCE = "tf2-lsp"
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"  # source.fixAll.tf2-lsp
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}
PARENT_POLL_SECONDS = 2.0
# ~75k lines of dense TF1 code: a full analysis takes seconds beyond this (measured ~35k lines/s).
MAX_EDITOR_CHARS = 3_000_000


@dataclass
class Analysis:
    version: int | None
    source: str
    detection: Detection
    config: Config
    # Fix-all edits by rule code (None: every code), computed on first request.
    bulk_edits: dict[str | None, types.WorkspaceEdit | None] = field(default_factory=dict)

    @cached_property
    def lines(self) -> list[str]:
        return split_lines(self.source)


@dataclass
class State:
    editor_settings: dict[str, Any] = field(default_factory=dict)
    editor_config: Config = field(default_factory=Config)
    project_configs: dict[Path, tuple[Config, Path | None]] = field(default_factory=dict)
    analyses: dict[str, Analysis] = field(default_factory=dict)
    pending: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    reported_errors: dict[str, str] = field(default_factory=dict)
    pull_diagnostics: bool = False
    resolve_edits: bool = False  # the client resolves code actions' edits on demand
    document_changes: bool = False  # the client takes versioned `documentChanges` edits
    # Receiver types jedi found, per document: (candidate key, method) -> type.
    receiver_hints: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    notebooks: dict[str, tuple[str, Detection]] = field(default_factory=dict)
    inferring: set[str] = field(default_factory=set)


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
        )
        self.state = State()
        self._catalogue: Catalogue | None = None
        self._catalogue_lock = threading.Lock()

    # -- engine access ---------------------------------------------------------

    @property
    def catalogue(self) -> Catalogue:
        with self._catalogue_lock:
            if self._catalogue is None:
                self._catalogue = load_catalogue()
            return self._catalogue

    @property
    def encoding(self) -> Encoding:
        value = str(self.workspace.position_encoding or "utf-16")
        return value if value in ("utf-8", "utf-16", "utf-32") else "utf-16"  # type: ignore[return-value]

    def config_for(self, uri: str) -> Config:
        """Editor settings, overridden by the `[tool.tf2-lsp]` of the file's own project."""
        path = to_fs_path(uri)
        if not path:
            return self.state.editor_config
        directory = Path(path).parent
        cached = self.state.project_configs.get(directory)
        if cached is None:
            project, problems, pyproject = load_project_config(directory)
            for problem in problems:
                self.warn(problem)
            cached = (project, pyproject)
            self.state.project_configs[directory] = cached
        project, pyproject = cached
        if pyproject is None:
            return self.state.editor_config
        # Keys the project sets win; the rest come from the editor.
        return _layer(self.state.editor_config, project)

    def analyse(self, document: TextDocument) -> Analysis | None:
        notebook = self.workspace.get_notebook_document(cell_uri=document.uri)
        if notebook is not None:
            return self.analyse_cell(document, notebook)
        source = document.source
        cached = self.state.analyses.get(document.uri)
        if cached is not None and cached.version == document.version and cached.source == source:
            return cached
        config = self.config_for(document.uri)
        if len(source) > MAX_EDITOR_CHARS:
            # Generated or data-like files: a full analysis would stall every keystroke.
            self.report_once(
                f"size:{document.uri}",
                f"tf2-lsp: {document.uri} is larger than {MAX_EDITOR_CHARS // 1_000_000} MB; "
                "not analysed in the editor (run `tf2-lsp check` on it instead)",
                show=True,
            )
            analysis = Analysis(document.version, source, Detection([]), config)
            self.state.analyses[document.uri] = analysis
            return analysis
        hints = self.state.receiver_hints.get(document.uri)
        try:
            detection = None
            if cached is not None and cached.config == config:
                detection = reanalyse(
                    cached.detection, cached.source, source, self.catalogue, config.options(), hints
                )
            if detection is None:
                detection = detect(source, self.catalogue, config.options(), hints)
        except CatalogueError as error:
            self.report_once("catalogue", f"tf2-lsp: rule catalogue error: {error}")
            return None
        except (RecursionError, MemoryError):  # MemoryError: CPython's parser stack overflow
            detection = Detection([], syntax_error=SyntaxError("file is nested too deeply"))
        analysis = Analysis(document.version, source, detection, config)
        self.state.analyses[document.uri] = analysis
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

    def analyse_cell(
        self, document: TextDocument, notebook: types.NotebookDocument
    ) -> Analysis | None:
        """All code cells are one module (imports live in the first cell); report per cell."""
        joined, slices = join_cells(self.notebook_cells(notebook))
        config = self.config_for(notebook.uri)
        cached = self.state.notebooks.get(notebook.uri)
        if cached is None or cached[0] != joined:
            try:
                detection = detect(joined, self.catalogue, config.options())
            except CatalogueError as error:
                self.report_once("catalogue", f"tf2-lsp: rule catalogue error: {error}")
                return None
            except (RecursionError, MemoryError):
                detection = Detection([], syntax_error=SyntaxError("file is nested too deeply"))
            cached = (joined, detection)
            self.state.notebooks[notebook.uri] = cached
        cell = next((s for s in slices if s.uri == document.uri), None)
        if cell is None:
            return None
        return Analysis(document.version, document.source, cell_detection(cached[1], cell), config)

    # -- messages ----------------------------------------------------------------

    def warn(self, message: str) -> None:
        log.warning(message)
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=f"tf2-lsp: {message}")
        )

    def report_once(self, key: str, message: str, show: bool = False) -> None:
        """Say a problem once per document until it changes, not on every keystroke;
        `show` puts it in front of the user (showMessage) rather than in the log."""
        if self.state.reported_errors.get(key) == message:
            return
        self.state.reported_errors[key] = message
        params = (types.MessageType.Warning, message)
        if show:
            self.window_show_message(types.ShowMessageParams(*params))
        else:
            self.window_log_message(types.LogMessageParams(*params))

    # -- diagnostics -------------------------------------------------------------

    def diagnostics(self, document: TextDocument, analysis: Analysis) -> list[types.Diagnostic]:
        lines = analysis.lines
        error = analysis.detection.syntax_error
        if error is not None:
            # Half-typed code: keep quiet in the editor (the user sees their own syntax
            # error from Python tooling) but log it once.
            self.report_once(
                document.uri, f"{document.uri}: not analysed: {error.msg} (line {error.lineno})"
            )
        else:
            self.state.reported_errors.pop(document.uri, None)
        return [self.diagnostic(finding, lines) for finding in analysis.detection.findings]

    def diagnostic(self, finding: Finding, lines: list[str]) -> types.Diagnostic:
        rule = finding.rule
        data: dict[str, Any] = {"code": rule.code, "symbol": finding.symbol}
        if finding.fix is not None:
            data["fix"] = {
                "title": fix_title(finding),
                "safety": finding.fix.safety,
                "level": finding.fix.level,
            }
        return types.Diagnostic(
            range=self.to_range(finding.span, lines),
            message=finding.message,
            severity=_SEVERITY[finding.severity],
            code=rule.code,
            code_description=types.CodeDescription(href=rule.family.guide),
            source=SOURCE,
            tags=[types.DiagnosticTag.Deprecated] if rule.removed else None,
            data=data,
        )

    def to_range(self, span: Span, lines: list[str]) -> types.Range:
        def position(line: int, column: int) -> types.Position:
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            return types.Position(
                line=line - 1, character=to_client_column(text, column, self.encoding)
            )

        return types.Range(
            start=position(span.line, span.column), end=position(span.end_line, span.end_column)
        )

    def from_position(self, position: types.Position, lines: list[str]) -> tuple[int, int]:
        """A client position as (1-based line, character column)."""
        text = lines[position.line] if 0 <= position.line < len(lines) else ""
        return position.line + 1, from_client_column(text, position.character, self.encoding)

    def publish(self, uri: str) -> None:
        document = self.document(uri)
        if document is None:
            return
        analysis = self.analyse(document)
        if analysis is None:
            return
        if document.version != analysis.version:
            return  # a newer version arrived while this one was analysed
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri,
                version=document.version,
                diagnostics=self.diagnostics(document, analysis),
            )
        )
        self.infer_receivers_later(uri, analysis)

    def infer_receivers_later(self, uri: str, analysis: Analysis) -> None:
        """Ask jedi, in a thread, about receivers our own resolution left open; then republish."""
        hints = self.state.receiver_hints.get(uri, {})
        open_keys = [c for c in analysis.detection.candidates if c.key not in hints]
        if not open_keys or uri in self.state.inferring:
            return
        self.state.inferring.add(uri)
        path = to_fs_path(uri)

        def infer() -> dict[tuple[int, int], str]:
            from tf2_lsp.analysis.infer import infer_receivers

            return infer_receivers(analysis.source, path, open_keys)

        async def run() -> None:
            try:
                found = await asyncio.get_event_loop().run_in_executor(None, infer)
            except Exception:
                log.exception("jedi inference failed for %s", uri)
                found = {}
            finally:
                self.state.inferring.discard(uri)
            # Remember misses too (as no type), so the same receivers are not asked again.
            merged = {**hints, **{c.key: "" for c in open_keys}, **found}
            self.state.receiver_hints[uri] = {k: v for k, v in merged.items()}
            document = self.document(uri)
            if found and document is not None and document.source == analysis.source:
                self.state.analyses.pop(uri, None)
                self.publish(uri)

        asyncio.get_event_loop().create_task(run())

    def document(self, uri: str) -> TextDocument | None:
        """An open document (notebook cells included), or None: never a copy read from disk.

        pygls keys open documents by their unquoted URI while clients send them
        percent-encoded (`my%20project/a.py`), so look them up the way pygls stores them.
        """
        document: TextDocument | None = self.workspace.text_documents.get(unquote(uri))
        return document

    def schedule(self, uri: str, delay_ms: int) -> None:
        pending = self.state.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()

        async def run() -> None:
            try:
                if delay_ms:
                    await asyncio.sleep(delay_ms / 1000)
                self.publish(uri)
            except asyncio.CancelledError:
                pass
            except Exception:  # never let one document take the server down
                log.exception("analysis of %s failed", uri)
            finally:
                if self.state.pending.get(uri) is task:
                    del self.state.pending[uri]

        task = asyncio.get_event_loop().create_task(run())
        self.state.pending[uri] = task

    def reanalyse_all(self) -> None:
        self.state.analyses.clear()
        # Publish under the URI the client sent (the workspace's keys are unquoted).
        for document in list(self.workspace.text_documents.values()):
            self.schedule(document.uri, 0)

    # -- settings ----------------------------------------------------------------

    def apply_editor_settings(self, raw: object) -> None:
        if isinstance(raw, dict) and isinstance(raw.get(SOURCE), dict):
            raw = raw[SOURCE]
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self.warn("settings must be an object; using the defaults")
            raw = {}
        config, problems = parse_settings(raw, "editor")
        for problem in problems:
            self.warn(problem)
        self.state.editor_settings = dict(raw)
        self.state.editor_config = config


def _layer(editor: Config, project: Config) -> Config:
    defaults = Config()
    merged = {
        name: getattr(project, name)
        if getattr(project, name) != getattr(defaults, name)
        else getattr(editor, name)
        for name in Config.__dataclass_fields__
    }
    return Config(**merged)


server = Tf2LanguageServer()


@server.feature(types.INITIALIZE)
def initialize(ls: Tf2LanguageServer, params: types.InitializeParams) -> None:
    ls.apply_editor_settings(params.initialization_options)
    capabilities = params.capabilities.text_document
    ls.state.pull_diagnostics = bool(capabilities and capabilities.diagnostic)
    code_action_caps = capabilities.code_action if capabilities else None
    resolve = code_action_caps.resolve_support if code_action_caps else None
    ls.state.resolve_edits = bool(resolve and "edit" in resolve.properties)
    workspace = params.capabilities.workspace
    edit_caps = workspace.workspace_edit if workspace else None
    ls.state.document_changes = bool(edit_caps and edit_caps.document_changes)
    if params.process_id:
        _watch_parent(params.process_id)


@server.feature(types.INITIALIZED)
def initialized(ls: Tf2LanguageServer, params: types.InitializedParams) -> None:
    # Warm up off the request path: the catalogue for the first didOpen, then libcst for
    # the first code action or hover preview (~0.2 s of imports otherwise paid by the user).
    def warm_up() -> None:
        ls.catalogue  # noqa: B018
        import tf2_lsp.actions
        import tf2_lsp.fixes.apply  # noqa: F401

    threading.Thread(target=warm_up, name="tf2-lsp-warm-up", daemon=True).start()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(
    ls: Tf2LanguageServer, params: types.DidChangeConfigurationParams
) -> None:
    ls.apply_editor_settings(params.settings)
    ls.state.project_configs.clear()
    ls.reanalyse_all()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(
    ls: Tf2LanguageServer, params: types.DidChangeWatchedFilesParams
) -> None:
    if any(change.uri.endswith("pyproject.toml") for change in params.changes):
        ls.state.project_configs.clear()
        ls.reanalyse_all()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: Tf2LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: Tf2LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, ls.config_for(params.text_document.uri).debounce)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: Tf2LanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    path = to_fs_path(uri)
    if path and Path(path).name == "pyproject.toml":
        ls.state.project_configs.clear()
        ls.reanalyse_all()
        return
    # A full analysis on save: refreshes what edits analysed incrementally leave alone (TF801).
    ls.state.analyses.pop(uri, None)
    ls.schedule(uri, 0)


def _schedule_notebook(ls: Tf2LanguageServer, notebook_uri: str, delay_ms: int) -> None:
    notebook = ls.workspace.get_notebook_document(notebook_uri=notebook_uri)
    if notebook is None:
        return
    for uri, _ in ls.notebook_cells(notebook):
        ls.schedule(uri, delay_ms)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
def notebook_did_open(ls: Tf2LanguageServer, params: types.DidOpenNotebookDocumentParams) -> None:
    _schedule_notebook(ls, params.notebook_document.uri, 0)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
def notebook_did_change(
    ls: Tf2LanguageServer, params: types.DidChangeNotebookDocumentParams
) -> None:
    uri = params.notebook_document.uri
    # A cell's findings depend on the other cells (imports): every cell is republished.
    _schedule_notebook(ls, uri, ls.config_for(uri).debounce)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
def notebook_did_save(ls: Tf2LanguageServer, params: types.DidSaveNotebookDocumentParams) -> None:
    _schedule_notebook(ls, params.notebook_document.uri, 0)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
def notebook_did_close(ls: Tf2LanguageServer, params: types.DidCloseNotebookDocumentParams) -> None:
    ls.state.notebooks.pop(params.notebook_document.uri, None)
    for cell in params.cell_text_documents:
        pending = ls.state.pending.pop(cell.uri, None)
        if pending is not None:
            pending.cancel()
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=cell.uri, diagnostics=[])
        )


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: Tf2LanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    pending = ls.state.pending.pop(uri, None)
    if pending is not None:
        pending.cancel()
    ls.state.analyses.pop(uri, None)
    ls.state.reported_errors.pop(uri, None)
    ls.state.receiver_hints.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(
        identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=False
    ),
)
def pull_diagnostics(
    ls: Tf2LanguageServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport:
    document = ls.document(params.text_document.uri)
    if document is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    analysis = ls.analyse(document)
    items = ls.diagnostics(document, analysis) if analysis is not None else []
    return types.RelatedFullDocumentDiagnosticReport(items=items)


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
def code_action(
    ls: Tf2LanguageServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    from tf2_lsp.lsp import actions

    document = ls.document(params.text_document.uri)
    if document is None:
        return None
    analysis = ls.analyse(document)
    if analysis is None or analysis.detection.syntax_error is not None:
        return []
    return actions.code_actions(ls, document, analysis, params)


@server.feature(types.CODE_ACTION_RESOLVE)
def code_action_resolve(ls: Tf2LanguageServer, action: types.CodeAction) -> types.CodeAction:
    from tf2_lsp.lsp import actions

    data = action.data if isinstance(action.data, dict) else {}
    document = ls.document(str(data.get("uri", "")))
    if document is None or document.version != data.get("version"):
        return action  # the document changed: no edit rather than a stale one
    analysis = ls.analyse(document)
    if analysis is not None and analysis.detection.syntax_error is None:
        code = data.get("code")
        code = code if isinstance(code, str) else None
        action.edit = actions.bulk_edit(ls, document, analysis, code)
    return action


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: Tf2LanguageServer, params: types.HoverParams) -> types.Hover | None:
    from tf2_lsp.lsp import actions

    document = ls.document(params.text_document.uri)
    if document is None:
        return None
    analysis = ls.analyse(document)
    if analysis is None or analysis.detection.syntax_error is not None:
        return None
    return actions.hover(ls, document, analysis, params.position)


def _watch_parent(pid: int) -> None:
    """Exit when the editor that started us dies without saying goodbye."""

    def alive() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def watch() -> None:
        while alive():
            threading.Event().wait(PARENT_POLL_SECONDS)
        log.info("client process %s is gone; exiting", pid)
        os._exit(0)

    threading.Thread(target=watch, name="tf2-lsp-parent-watch", daemon=True).start()


def run_server(tcp: str | None = None) -> int:
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="tf2-lsp %(levelname)s %(message)s"
    )
    if tcp:
        host, _, port = tcp.rpartition(":")
        if not port.isdigit():
            print("tf2-lsp: --tcp expects HOST:PORT", file=sys.stderr)
            return 2
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return 0
