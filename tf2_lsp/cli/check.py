"""`tf2-lsp check`: each file's findings, reported in the chosen format as they arrive, or
recorded as a baseline (`--write-baseline`) and later left out (`--baseline`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

from tf2_lsp.analysis.program.project_classes import reads_recorded
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.cli.baseline import Baseline, BaselineError
from tf2_lsp.cli.cache import Entry, ResultCache, text_digest
from tf2_lsp.cli.formats import Tally, make_reporter
from tf2_lsp.cli.notebooks import CellFinding, check_notebook
from tf2_lsp.cli.parser import STDIN
from tf2_lsp.cli.records import (
    UNREADABLE,
    Record,
    SourceLines,
    syntax_record,
    to_record,
    too_deep,
    unreadable,
)
from tf2_lsp.cli.scan import FileResult, FileRun, file_settings, map_files, read_file
from tf2_lsp.cli.status import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from tf2_lsp.cli.suggest import hint
from tf2_lsp.cli.terminal import Style
from tf2_lsp.engine import analyse
from tf2_lsp.files.notebookfile import Notebook, NotebookError, is_notebook, parse_notebook
from tf2_lsp.files.sourcefile import SourceError, SourceFile
from tf2_lsp.settings import Settings


def check_file(path: Path, settings: Settings, cache: ResultCache | None = None) -> FileResult:
    """The file's result, analysed. With `cache` (which the command has asked already:
    `stored_result`), its entry goes back with the result for the command to write with the
    others of its pack (`FileResult.cache_entry`)."""
    read = read_file(path)
    if isinstance(read, FileResult):
        return read
    settings_in_file = file_settings(settings, str(path))
    if cache is None:
        return _check_read(path, read, settings_in_file)
    digest = text_digest(read.source.text if isinstance(read, Notebook) else read.text)
    # Findings may depend on other project files (a test base class, a graph-mode library a
    # test drives): they are stored with them, and trusted only while those are unchanged.
    with reads_recorded() as depends:
        result = _check_read(path, read, settings_in_file)
    result.cache_entry = cache.entry(path, settings_in_file, digest, result, depends)
    return result


def stored_result(path: Path, settings: Settings, cache: ResultCache) -> FileResult | None:
    """The file's result as the cache holds it for its current text, or None: asked in the
    main process before any worker starts, so that a warm run starts none."""
    read = read_file(path)
    if isinstance(read, FileResult):
        return None  # the worker says why it cannot be read
    digest = text_digest(read.source.text if isinstance(read, Notebook) else read.text)
    return cache.load(path, str(path), file_settings(settings, str(path)), digest)


def known_results(
    settings: Settings, cache: ResultCache | None
) -> Callable[[Path], FileResult | None] | None:
    """What answers a file from the cache in the command's own process (None: nothing can)."""
    if cache is None or cache.is_empty():
        return None
    return partial(stored_result, settings=settings, cache=cache)


def entries_written(results: Iterable[FileResult]) -> Iterator[FileResult]:
    """`results` as they come; their cache entries written once all are done, a pack at a
    time (see `FileResult.cache_entry`)."""
    entries: list[Entry] = []
    for result in results:
        if result.cache_entry is not None:
            entries.append(result.cache_entry)
        yield result
    ResultCache.write(entries)


def checked_files(
    files: list[Path], settings: Settings, jobs: int, cache: ResultCache | None
) -> Iterator[FileResult]:
    """Each file's `check` result, in order, as `report` reads them: the stored ones answered
    by this process, the others analysed in workers, their entries written as `check` does."""
    check = partial(check_file, settings=settings, cache=cache)
    yield from entries_written(map_files(check, files, jobs, known_results(settings, cache)))


def _check_read(path: Path, read: SourceFile | Notebook, settings: Settings) -> FileResult:
    """`settings` are the file's own (`file_settings`)."""
    if isinstance(read, Notebook):
        return check_notebook_file(path, settings, read)
    return check_source(str(path), read, settings)


def check_source(name: str, source: SourceFile, settings: Settings) -> FileResult:
    """`settings` are the file's own (`file_settings`: resolving a path costs a system call
    per directory on the way, once is enough)."""
    result = FileResult(name)
    detection = analyse(source.text, load_catalogue(), settings)
    text = source.text
    result.lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)  # as wc -l
    if detection.syntax_error is not None:
        result.records.append(syntax_record(result.path, detection.syntax_error))
    lines = SourceLines(source.text)
    result.records.extend(to_record(result.path, f, lines) for f in detection.findings)
    result.records.extend(too_deep(result.path, line) for line in detection.too_deep)
    return result


def check_notebook_file(path: Path, settings: Settings, notebook: Notebook) -> FileResult:
    """A `.ipynb` file: findings per code cell (`Record.cell`), lines counted in the cell;
    `settings` are the file's own."""
    found, problem = check_notebook(notebook, settings)
    return notebook_result(path, notebook, found, problem)


def notebook_result(
    path: Path, notebook: Notebook, found: list[CellFinding], problem: str | None
) -> FileResult:
    """A notebook's result from its cells' findings and syntax error (`check_notebook`)."""
    result = FileResult(str(path))
    result.lines = sum(code.count("\n") + 1 for _, code in notebook.cells)
    if problem is not None:
        result.records.append(unreadable(result.path, f"syntax error at {problem}"))
    for item in found:
        record = to_record(result.path, item.finding)
        result.records.append(replace(record, cell=item.cell, line_text=item.line_text))
    return result


def run_check(
    files: list[Path],
    settings: Settings,
    args: argparse.Namespace,
    catalogue: Catalogue,
    style: Style,
    cache: ResultCache | None = None,
) -> int:
    """`check PATH...`; each file's result from `cache` when its text is unchanged."""
    run = FileRun(files, args.jobs, "Checking")
    run.known = known_results(settings, cache)
    # The command asks the cache itself (or knows it empty): workers only analyse.
    check = partial(check_file, settings=settings, cache=cache)
    return _report(run, check, args, catalogue, style)


def run_check_stdin(
    name: str,
    source: SourceFile | SourceError,
    settings: Settings,
    args: argparse.Namespace,
    catalogue: Catalogue,
    style: Style,
) -> int:
    """`check -`: the text read from stdin, reported as the file `name`."""
    in_file = file_settings(settings, name)
    if isinstance(source, SourceError):
        result = FileResult(name, records=[unreadable(name, str(source))])
    elif is_notebook(Path(name)):  # `--stdin-filename x.ipynb`: the text is a notebook's JSON
        try:
            result = check_notebook_file(Path(name), in_file, parse_notebook(source))
        except NotebookError as error:
            result = FileResult(name, records=[unreadable(name, str(error))])
    else:
        result = check_source(name, source, in_file)
    run = FileRun([STDIN], args.jobs, "Checking")
    return _report(run, lambda _: result, args, catalogue, style)


def _report(
    run: FileRun,
    check: Callable[[Path], FileResult],
    args: argparse.Namespace,
    catalogue: Catalogue,
    style: Style,
) -> int:
    """Each file's records to the reporter as they arrive (or, with --write-baseline, to the
    baseline at the end), then the summary; the exit status."""
    baseline = None
    if args.baseline is not None:
        try:  # before checking: a wrong baseline should not cost a full run to find out
            baseline = Baseline.read(args.baseline)
        except BaselineError as error:
            print(f"tf2-lsp: {error}; aborting", file=sys.stderr)
            return EXIT_ERROR
    collected: list[Record] = []
    reporter = make_reporter(args.format, args.statistics, run.console.out, catalogue, style)
    tally = Tally(files=len(run.files))
    for result in entries_written(run.results(check)):
        records = result.records
        if args.write_baseline is not None:
            collected.extend(records)
            continue
        if baseline is not None:
            records, known = baseline.new_findings(records)
            tally.baselined += known
        tally.add(records)
        reporter.add(records)
    if args.write_baseline is not None:
        return write_baseline(args.write_baseline, collected)
    reporter.finish(tally, hint(args))
    if run.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if tally.failing else EXIT_CLEAN


def write_baseline(path: Path, records: list[Record]) -> int:
    kept = [r for r in records if r.code != UNREADABLE]
    try:
        Baseline.from_records(kept, path).write(path)
    except OSError as error:
        print(f"tf2-lsp: cannot write baseline {path}: {error.strerror or error}", file=sys.stderr)
        return EXIT_ERROR
    files = len({r.path for r in kept})
    print(f"Wrote {len(kept)} finding(s) in {files} file(s) to {path}.", file=sys.stderr)
    unreadable_files = len(records) - len(kept)
    if unreadable_files:
        print(
            f"tf2-lsp: {unreadable_files} file(s) could not be analysed and are not in the "
            "baseline",
            file=sys.stderr,
        )
    return EXIT_CLEAN
