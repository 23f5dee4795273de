"""A command's work over many files: each file's outcome (`FileResult`), reading a file or
saying why it cannot be read, and running a per-file function over all of them in file order
(in worker processes for large trees) with a progress line."""

from __future__ import annotations

import gc
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path

from tf2_lsp.catalogue.api import warm_api_lists
from tf2_lsp.cli.pool import map_in_workers
from tf2_lsp.cli.records import Record, unreadable
from tf2_lsp.cli.terminal import Console, Progress
from tf2_lsp.files.notebookfile import Notebook, NotebookError, is_notebook, read_notebook
from tf2_lsp.files.sourcefile import SourceError, SourceFile, read_source
from tf2_lsp.settings import Settings

PARALLEL_MIN_FILES = 16  # below this, worker start-up costs more than it saves
# Files a worker takes at a time. One at a time, the round trips through the executor cost 8%
# of a check's processor time and 15% of its wall time over 669 real files (2 workers, 8
# alternating pairs, medians: CPU 2.38 -> 2.10 s, wall 1.63 -> 1.36 s with batches of 8).
MAX_BATCH = 8
BATCHES_PER_WORKER = 16


@dataclass
class FileResult:
    """One file's outcome, as `check`, `fix` and `report` read it (sent back from workers)."""

    path: str
    records: list[Record] = field(default_factory=list)
    io_error: str | None = None
    applied: int = 0
    diff: str = ""
    lines: int = 0
    # What the remaining findings need: "unsafe", "native", "native-unsafe", "manual", or
    # "unwritten" (fixed, but the file was not written: skipped or failed).
    needs: Counter[str] = field(default_factory=Counter)
    skipped: str | None = None  # why the fixed text was deliberately not written
    fixed: list[Record] = field(default_factory=list)  # the findings the fixed text resolves
    # A result-cache entry (pack, key, what) for the command's own process to write, with the
    # other entries of its pack (cli/cache.py): a worker that wrote its own between two
    # analyses paid a file creation and a pack's merge for each file.
    cache_entry: tuple[str, str, str] | None = None


def read_file(path: Path, note: str = "") -> SourceFile | Notebook | FileResult:
    """The file's text (a `.ipynb` file's notebook), or the result that says why it cannot be
    read: an I/O error fails the run; text that is not Python or not a notebook is one TF000
    record, its message ending in `note` (`fix` adds "; not changed")."""
    try:
        return read_notebook(path) if is_notebook(path) else read_source(path)
    except SourceError as error:
        return _unread(path, str(error), error.io, note)
    except NotebookError as error:  # read, but not a notebook
        return _unread(path, str(error), False, note)


def _unread(path: Path, message: str, io: bool, note: str) -> FileResult:
    result = FileResult(str(path))
    if io:
        result.io_error = message
    else:
        result.records.append(unreadable(result.path, message + note))
    return result


def file_settings(settings: Settings, name: str) -> Settings:
    """The settings for one file: per-file-ignores match its absolute path (none for unnamed
    stdin)."""
    return settings.for_file(None if name == "-" else os.path.realpath(name))


def _guarded(function: Callable[[Path], FileResult], path: Path) -> FileResult:
    """One file's failure (a bug, MemoryError) is that file's error, not the run's traceback.

    The cyclic garbage collector waits until the file is done: while a file is analysed its
    syntax tree is alive, and every collection on the way walked it again for nothing (a file's
    analysis leaves no reference cycles behind). On 669 real files, serial, in-process: 2.1-2.7 s
    -> 1.7-1.9 s of CPU, `ast.parse` inside `check` 1.0-1.3 s -> 0.6-0.7 s. The collection the
    file's allocations are owed runs when it is enabled again, so memory stays as it was."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return function(path)
    except Exception as error:
        return FileResult(str(path), io_error=f"internal error, please report it: {error!r}")
    finally:
        if collecting:
            gc.enable()


def _lost(path: Path, reason: str) -> FileResult:
    return FileResult(str(path), io_error=reason)


def batch_size(files: int, workers: int) -> int:
    """Files handed to a worker at a time: up to `MAX_BATCH`, and small enough that each worker
    gets `BATCHES_PER_WORKER` of them (a late large batch would leave the other workers idle)."""
    return max(1, min(MAX_BATCH, files // (workers * BATCHES_PER_WORKER)))


def map_files(
    function: Callable[[Path], FileResult],
    files: list[Path],
    jobs: int,
    known: Callable[[Path], FileResult | None] | None = None,
) -> Iterator[FileResult]:
    """Results in file order, each as soon as it (and those before it) are done. `known`
    answers the files it can (stored results) in this process first: only the others go to
    `function`, and to worker processes only when there are enough of them."""
    if known is not None:
        answers = [known(path) for path in files]
        missing = [path for path, answer in zip(files, answers, strict=True) if answer is None]
        computed = map_files(function, missing, jobs)
        for answer in answers:
            yield answer if answer is not None else next(computed)
        return
    workers = jobs or os.cpu_count() or 1
    guarded = partial(_guarded, function)
    warm_api_lists()  # loaded once here, so forked workers inherit them
    # What start-up loaded (the catalogue, the API lists) lives as long as the run: frozen, the
    # collector never walks it again, and forked workers keep sharing its memory pages (a
    # collection writes into every object it walks).
    gc.freeze()
    try:
        if workers <= 1 or len(files) < PARALLEL_MIN_FILES or sys.platform == "win32":
            yield from map(guarded, files)
            return
        # A worker that dies (out of memory) costs its own file only; see cli/pool.py.
        yield from map_in_workers(guarded, files, workers, _lost, batch_size(len(files), workers))
    finally:
        gc.unfreeze()


class FileRun:
    """`check` and `fix` over their files: results in file order, a progress line meanwhile.
    A file's I/O error is printed as it arrives and fails the run (`errors`: exit status 2)."""

    def __init__(self, files: list[Path], jobs: int, verb: str) -> None:
        self.files = files
        self.jobs = jobs
        # Results this process can give without analysing (a result cache's), asked first.
        self.known: Callable[[Path], FileResult | None] | None = None
        self.progress = Progress(sys.stderr, len(files), verb)
        self.console = Console(self.progress)
        self.errors = False

    def results(
        self, function: Callable[[Path], FileResult], before: Iterable[FileResult] = ()
    ) -> Iterator[FileResult]:
        """`function`'s result for each file, after the results `before` of files the
        command handled itself (left out of `files`), each counted as it is."""
        for result in chain(before, map_files(function, self.files, self.jobs, self.known)):
            self.progress.advance()
            if result.io_error:
                self.errors = True
                self.console.err(f"tf2-lsp: {result.path}: {result.io_error}")
            yield result
        self.progress.clear()
