"""The whole workspace: every Python file and notebook, analysed for "Check workspace" and
for clients that pull `workspace/diagnostic`.

Files open in the editor are skipped: their diagnostics follow the editor's text. A notebook
on disk is reported against its own file, each finding's message naming its cell, since its
cells have no URIs until it is opened.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from tf2_lsp.lsp import convert
from tf2_lsp.lsp.session import Session
from tf2_lsp.lsp.snapshot import analyse_text
from tf2_lsp.settings import Settings
from tf2_lsp.text import split_lines

CHECK_WORKSPACE = "tf2-lsp.server.checkWorkspace"
DEBUG_INFO = "tf2-lsp.server.debugInfo"
PROGRESS_EVERY = 25  # files between two $/progress reports
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileDiagnostics:
    uri: str
    diagnostics: list[types.Diagnostic]


def workspace_folders(session: Session) -> list[Path]:
    folders = [
        Path(path)
        for folder in session.server.workspace.folders.values()
        if (path := to_fs_path(folder.uri))
    ]
    if not folders and session.server.workspace.root_path:
        folders = [Path(session.server.workspace.root_path)]
    return folders


def workspace_files(folders: Sequence[Path], exclude: Sequence[str] = ()) -> Iterator[Path]:
    """`*.py` and `*.ipynb` under the folders, skipping what `tf2-lsp check` skips (VCS,
    virtual environments, node_modules, `exclude`): the command line's own walk."""
    from tf2_lsp.files.discover import iter_python_files

    yield from iter_python_files(folders, exclude)


def analyse_file(session: Session, path: Path, settings: Settings) -> FileDiagnostics | None:
    """One file's diagnostics (run in the analysis thread); None if it cannot be read at all
    (gone, no permission). Text that is not Python or not a notebook is one TF000 error."""
    from tf2_lsp.files.notebookfile import NotebookError, parse_notebook
    from tf2_lsp.files.sourcefile import SourceError, read_source

    uri = from_fs_path(str(path)) or path.as_uri()
    try:
        source = read_source(path).text
        if path.suffix == ".ipynb":
            return _notebook(session, uri, parse_notebook(source).cells, settings)
    except SourceError as error:
        return None if error.io else unreadable(uri, str(error))
    except NotebookError as error:
        return unreadable(uri, str(error))
    analysis = analyse_text(source, session.catalogue, settings)
    lines = analysis.lines
    return FileDiagnostics(
        uri,
        [
            convert.diagnostic(finding, lines, session.encoding)
            for finding in analysis.detection.findings
        ],
    )


def unreadable(uri: str, reason: str) -> FileDiagnostics:
    """A file that cannot be analysed, as `tf2-lsp check` reports it: one TF000 error."""
    from tf2_lsp.model import UNREADABLE

    start = types.Position(0, 0)
    return FileDiagnostics(
        uri,
        [
            types.Diagnostic(
                range=types.Range(start, start),
                message=f"cannot analyse this file: {reason}",
                severity=types.DiagnosticSeverity.Error,
                code=UNREADABLE,
                source=convert.SOURCE,
            )
        ],
    )


def _notebook(
    session: Session, uri: str, cells: list[tuple[int, str]], settings: Settings
) -> FileDiagnostics:
    """`cells`: (number among all cells, as the notebook and `tf2-lsp check` count, code)."""
    from tf2_lsp.analysis.notebook import join_cells

    joined, slices = join_cells([(f"cell:{number}", code) for number, code in cells])
    analysis = analyse_text(joined, session.catalogue, settings)
    lines = split_lines(joined)
    diagnostics = []
    for finding in analysis.detection.findings:
        cell = next(
            (s for s in slices if s.first_line <= finding.span.line < s.first_line + s.line_count),
            None,
        )
        if cell is None:
            continue
        diagnostic = convert.diagnostic(finding, lines, session.encoding)
        # Positions inside the cell; the message says which cell.
        shift = cell.first_line - 1
        start, end = diagnostic.range.start, diagnostic.range.end
        diagnostic.range = types.Range(
            types.Position(start.line - shift, start.character),
            types.Position(end.line - shift, end.character),
        )
        diagnostic.message = f"{cell.uri.replace(':', ' ')}: {diagnostic.message}"
        diagnostics.append(diagnostic)
    return FileDiagnostics(uri, diagnostics)


def _finding_count(result: FileDiagnostics | None) -> int:
    return len(result.diagnostics) if result is not None else 0


async def analyse_workspace(
    session: Session, progress: types.ProgressToken | None
) -> list[FileDiagnostics]:
    """Every workspace file not open in the editor, analysed off the event loop."""
    folders = workspace_folders(session)
    # The `exclude` of each file's own project applies, as in `tf2-lsp check`.
    files = [
        path
        for path in await session.scheduler.off_loop(lambda: list(workspace_files(folders)))
        if not session.is_open(from_fs_path(str(path)) or path.as_uri())
    ]
    if progress is not None:
        session.server.work_done_progress.begin(
            progress,
            types.WorkDoneProgressBegin(
                title="tf2-lsp: checking the workspace",
                message=f"0/{len(files)} files",
                percentage=0,
                cancellable=False,
            ),
        )
    results: list[FileDiagnostics] = []
    try:
        for index, path in enumerate(files, 1):
            settings = session.settings_for(path.as_uri())
            if _excluded_by_project(path, settings, folders):
                continue
            result = await session.scheduler.off_loop(_guarded, session, path, settings)
            if result is not None:
                results.append(result)
            if progress is not None and (index % PROGRESS_EVERY == 0 or index == len(files)):
                session.server.work_done_progress.report(
                    progress,
                    types.WorkDoneProgressReport(
                        message=f"{index}/{len(files)} files",
                        percentage=100 * index // max(1, len(files)),
                    ),
                )
    finally:  # the client's progress bar ends whatever happens
        if progress is not None:
            found = sum(_finding_count(r) for r in results)
            session.server.work_done_progress.end(
                progress,
                types.WorkDoneProgressEnd(message=f"{found} finding(s) in {len(results)} file(s)"),
            )
    return results


def _guarded(session: Session, path: Path, settings: Settings) -> FileDiagnostics | None:
    """`analyse_file`; a failure of one file (a bug, a parser's stack) is that file's TF000
    diagnostic and a log line, never the whole check's error."""
    try:
        return analyse_file(session, path, settings)
    except Exception as error:
        logger.exception("tf2-lsp: checking %s failed", path)
        uri = from_fs_path(str(path)) or path.as_uri()
        return unreadable(uri, f"internal error, please report it: {error!r}")


def _excluded_by_project(path: Path, settings: Settings, folders: Sequence[Path]) -> bool:
    """As the command line's walk excludes: the file, or a directory on its way down from its
    workspace folder (`gen` or `pkg/vendored` excludes the files under it)."""
    from tf2_lsp.files.discover import _excluded

    if not settings.exclude:
        return False
    top = next((folder for folder in folders if path.is_relative_to(folder)), None)
    on_the_way = [p for p in path.parents if top is not None and p.is_relative_to(top)]
    return any(_excluded(p, settings.exclude) for p in [path, *on_the_way] if p != top)


def findings_of(results: Sequence[FileDiagnostics]) -> int:
    return sum(len(r.diagnostics) for r in results)
