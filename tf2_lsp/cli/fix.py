"""`tf2-lsp fix`: rewrite each file in place (or print its diff), then say what is left and
which command would fix more."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path

from tf2_lsp.analysis.native import native_rewrite
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.cli.cache import ResultCache
from tf2_lsp.cli.check import notebook_result
from tf2_lsp.cli.diff import colour_diff, unified_diff
from tf2_lsp.cli.notebooks import check_notebook, fix_notebook
from tf2_lsp.cli.paired_fix import fix_pairs
from tf2_lsp.cli.records import UNREADABLE, Record, SourceLines, fails, to_record, unreadable
from tf2_lsp.cli.scan import FileResult, FileRun, file_settings, read_file
from tf2_lsp.cli.status import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from tf2_lsp.cli.suggest import fix_command
from tf2_lsp.cli.terminal import Style
from tf2_lsp.engine import UnsafeSelection, fix_all, is_fixable
from tf2_lsp.files.notebookfile import (
    Notebook,
    NotebookError,
    is_notebook,
    parse_notebook,
    with_text,
)
from tf2_lsp.files.sourcefile import (
    SourceError,
    SourceFile,
    WriteSkipped,
    remove_stale_temps,
    write_source,
)
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings

NOT_CHANGED = "; not changed"


def fix_file(
    path: Path, settings: Settings, diff_only: bool, roots: Sequence[str] | None = None
) -> FileResult:
    """Fix one file. With `roots` (the real paths of the PATHs given), a symlink whose target
    lies outside all of them is not written: following it would change a file nobody named."""
    read = read_file(path, NOT_CHANGED)
    if isinstance(read, FileResult):
        return read
    outside = None if roots is None else outside_roots(path, roots)
    if isinstance(read, Notebook):
        return fix_notebook_file(path, settings, diff_only, read, outside)
    result, fixed = fix_text(str(path), read, settings)
    if fixed is None:
        return result
    if outside is not None:
        result.skipped = outside
        _unwritten(result)
        return result
    if diff_only:
        result.diff = unified_diff(read.text, fixed, path)
        return result
    try:
        write_source(read, fixed)
    except WriteSkipped as reason:
        result.skipped = str(reason)
        _unwritten(result)
    except (OSError, UnicodeEncodeError) as error:
        result.io_error = f"cannot write: {error}"
        _unwritten(result)
    return result


def real_roots(paths: Iterable[Path]) -> list[str]:
    return [os.path.realpath(path) for path in paths]


def outside_roots(path: Path, roots: Sequence[str]) -> str | None:
    """Why `path` must not be written (its real file is outside every root), or None."""
    real = os.path.realpath(path)
    if any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots):
        return None
    return (
        f"a symlink to {real}, outside the paths given; not changed "
        "(`--write-outside-paths` writes it)"
    )


def _unwritten(result: FileResult) -> None:
    """Only what reached the disk counts as applied; the rest is left."""
    result.applied = 0
    result.records += result.fixed
    result.needs["unwritten"] += len(result.fixed)


def fix_notebook_text(
    path: Path, settings: Settings, notebook: Notebook
) -> tuple[FileResult, str | None]:
    """Fix a notebook's cells: the result, and the new file text (None when nothing changed)."""
    settings_in_file = file_settings(settings, str(path))
    fixed, applied, problem = fix_notebook(notebook, settings_in_file, settings.unsafe_fixes)
    if problem is not None:
        result = FileResult(str(path))
        result.records.append(unreadable(result.path, problem + NOT_CHANGED))
        return result, None
    if fixed is None:
        return _notebook_left(path, notebook, settings, settings_in_file), None
    result = _notebook_left(path, with_text(notebook, fixed), settings, settings_in_file)
    result.applied = applied
    return result, fixed


def fix_notebook_file(
    path: Path, settings: Settings, diff_only: bool, notebook: Notebook, outside: str | None = None
) -> FileResult:
    result, fixed = fix_notebook_text(path, settings, notebook)
    if fixed is None:
        return result
    if outside is not None:
        result.skipped = outside
        _notebook_unwritten(result, path, notebook, settings)
        return result
    if diff_only:
        result.diff = unified_diff(notebook.source.text, fixed, path)
        return result
    try:
        write_source(notebook.source, fixed)
    except WriteSkipped as reason:
        result.skipped = str(reason)
        _notebook_unwritten(result, path, notebook, settings)
    except (OSError, UnicodeEncodeError) as error:
        result.io_error = f"cannot write: {error}"
        _notebook_unwritten(result, path, notebook, settings)
    return result


def _notebook_left(
    path: Path, notebook: Notebook, settings: Settings, settings_in_file: Settings
) -> FileResult:
    """The findings in `notebook`, and what each needs to be fixed."""
    found, syntax_error = check_notebook(notebook, settings_in_file)
    result = notebook_result(path, notebook, found, syntax_error)
    result.needs.update(
        _needs(item.finding, settings, settings.unsafe_fixes, False)
        for item in found
        if item.finding.severity in ("error", "warning")  # information notes are not left to do
    )
    return result


def _notebook_unwritten(
    result: FileResult, path: Path, notebook: Notebook, settings: Settings
) -> None:
    """As `_unwritten`, for a notebook: its findings are those of the notebook on disk."""
    found, syntax_error = check_notebook(notebook, file_settings(settings, str(path)))
    result.records = notebook_result(path, notebook, found, syntax_error).records
    result.needs["unwritten"] += result.applied
    result.applied = 0


def fix_text(name: str, source: SourceFile, settings: Settings) -> tuple[FileResult, str | None]:
    """Fix one file's text: the result, and the new text (None when nothing changed)."""
    result = FileResult(name)
    unsafe = settings.unsafe_fixes
    settings_in_file = file_settings(settings, name)
    outcome = fix_all(source.text, load_catalogue(), settings_in_file, unsafe=unsafe)
    if outcome.error is not None:
        result.records.append(
            unreadable(result.path, outcome.error + NOT_CHANGED, *outcome.error_position)
        )
        return result, None
    lines = SourceLines(outcome.source)
    result.records = [to_record(result.path, f, lines) for f in outcome.remaining]
    failed = {(f.code, f.written) for f, _ in outcome.failed}
    result.needs.update(
        _needs(f, settings, unsafe, (f.code, f.written) in failed)
        for f in outcome.remaining
        if f.severity in ("error", "warning")  # information notes are not left to do
    )
    if not outcome.changed or outcome.source == source.text:
        return result, None
    result.applied = len(outcome.applied)
    before = SourceLines(source.text)
    result.fixed = [to_record(result.path, f, before) for f in outcome.applied]
    return result, outcome.source


def _needs(finding: Finding, settings: Settings, unsafe: UnsafeSelection, failed: bool) -> str:
    """What a finding left by `fix` needs: more flags, or a human."""
    if failed or finding.refused:
        return "manual"
    if finding.fix is not None:
        return "manual" if is_fixable(finding, unsafe) else "unsafe"
    if settings.level == "compat" and not finding.compat:
        native = native_rewrite(finding.rule)
        if native is not None:
            safety = settings.safety(finding.code, native.safety)
            return "native" if safety == "safe" or unsafe is True else "native-unsafe"
    return "manual"


def run_fix(
    files: list[Path],
    settings: Settings,
    args: argparse.Namespace,
    style: Style,
    cache: ResultCache | None = None,
) -> int:
    """`fix PATH...`: diffs on stdout, problems and the summary on stderr. The `check`
    results that `cache` holds for a file it rewrites are dropped."""
    roots = None if args.write_outside_paths else real_roots(args.paths)
    run = FileRun(files, args.jobs, "Fixing")
    console = run.console
    applied = changed = 0
    remaining: list[Record] = []
    needs: Counter[str] = Counter()
    diffs = False
    rewritten: list[Path] = []
    fix = partial(fix_file, settings=settings, diff_only=args.diff, roots=roots)
    if not args.diff:
        for directory in sorted({Path(os.path.realpath(path)).parent for path in files}):
            for temp in remove_stale_temps(directory):
                console.err(f"tf2-lsp: removed {temp}, left by a fix that was killed")
    # A model module and the readers of its penalties elsewhere move as one, fixed first.
    paired, done = fix_pairs(files, settings, args.diff, roots, fix_text)
    run.files = [f for f in files if f not in done]
    for result in run.results(fix, paired):
        if result.skipped:
            console.err(f"tf2-lsp: {result.path}: {result.skipped}")
        if result.diff:
            diffs = True
            console.out(colour_diff(result.diff, style))
        for record in result.records:
            if record.code == UNREADABLE:
                console.err(_not_fixed(record))
        applied += result.applied
        changed += 1 if result.applied else 0
        if result.applied and not args.diff and cache is not None:
            rewritten.append(Path(result.path))
        remaining.extend(result.records)
        needs.update(result.needs)
    if cache is not None:
        cache.forget(rewritten)  # each pack once
    print(fix_summary(args, applied, changed, len(files), needs), file=sys.stderr)
    if run.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if any(map(fails, remaining)) or diffs else EXIT_CLEAN


def run_fix_stdin(
    name: str,
    source: SourceFile | SourceError,
    settings: Settings,
    args: argparse.Namespace,
    style: Style,
) -> int:
    """`fix -`: the fixed text (or with --diff, the diff) on stdout, the summary on stderr."""
    if isinstance(source, SourceError):
        print(_not_fixed(unreadable(name, str(source))), file=sys.stderr)
        return EXIT_ERROR
    result, fixed = _fix_stdin_text(name, source, settings)
    for record in result.records:
        if record.code == UNREADABLE:
            print(_not_fixed(record), file=sys.stderr)
    if args.diff:
        if fixed is not None:
            sys.stdout.write(colour_diff(unified_diff(source.text, fixed, Path(name)), style))
    else:
        sys.stdout.write(source.text if fixed is None else fixed)
    sys.stdout.flush()
    print(
        fix_summary(args, result.applied, 1 if result.applied else 0, 1, result.needs),
        file=sys.stderr,
    )
    if any(r.code == UNREADABLE for r in result.records):
        return EXIT_FINDINGS
    failing = any(map(fails, result.records))
    return EXIT_FINDINGS if failing or (args.diff and fixed is not None) else EXIT_CLEAN


def _fix_stdin_text(
    name: str, source: SourceFile, settings: Settings
) -> tuple[FileResult, str | None]:
    """`fix -`: a notebook when `--stdin-filename` names one, else Python."""
    if not is_notebook(Path(name)):
        return fix_text(name, source, settings)
    try:
        notebook = parse_notebook(source)
    except NotebookError as error:
        return FileResult(name, records=[unreadable(name, str(error) + NOT_CHANGED)]), None
    return fix_notebook_text(Path(name), settings, notebook)


def _not_fixed(record: Record) -> str:
    """A TF000 record as `fix` reports it on stderr: `path:line:column: TF000 message`."""
    return f"{record.path}:{record.line}:{record.column}: {record.code} {record.message}"


def fix_summary(
    args: argparse.Namespace, applied: int, changed: int, files: int, needs: Counter[str]
) -> str:
    verb = "Would apply" if args.diff else "Applied"
    left = sum(needs.values())
    text = f"{verb} {applied} fix(es) in {changed} of {files} file(s); {left} finding(s) left"
    if not left:
        return text + "."
    fixable = left - needs["manual"] - needs["unwritten"]
    parts = []
    if needs["unwritten"]:
        parts.append(f"{needs['unwritten']} fixed but not written (see the messages above)")
    if fixable:
        native = needs["native"] + needs["native-unsafe"] > 0
        unsafe = needs["unsafe"] + needs["native-unsafe"] > 0
        command = fix_command(args, "native" if native else None, unsafe)
        review = " after review" if unsafe else ""
        parts.append(f"{fixable} fixable{review} with `{command}`")
    if needs["manual"]:
        parts.append(f"{needs['manual']} to migrate by hand (`tf2-lsp check` lists them)")
    return f"{text}: {', '.join(parts)}."
