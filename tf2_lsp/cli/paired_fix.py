"""`tf2-lsp fix` on a tree: a model module and the readers of its penalties in other modules,
rewritten as one unit (`analysis.reader_moves`).

Each file is otherwise fixed alone, in any order, possibly in another process; a model
function whose penalties another module reads stays a function there, as the reader would
read an empty collection. When both files are among those the run fixes, they are fixed here
first, one after the other in this process: the model module with those reads counted as
moved (so its model functions become layers), each reader file with its reader calls
reading the layers' `losses` and then fixed as usual. The readers are written before the
model: a reader left unwritten then keeps the model as it was (nothing moves), and a model
left unwritten after its readers fails loudly (`tower.losses` of a function) instead of
summing nothing. Only a model whose every layer fix is applied (`--unsafe`, TF934 or TF938
selected) moves its readers, and only when TF935, the readers' rule, is selected too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from tf2_lsp.analysis.collection_readers import reads_moved
from tf2_lsp.analysis.program.model_functions import (
    MODEL_FUNCTION_RULE,
    MODEL_KERAS_RULE,
    PENALTY_READER_RULE,
)
from tf2_lsp.analysis.reader_moves import ReaderMove, plan_move, rewrite_readers
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.cli.diff import unified_diff
from tf2_lsp.cli.scan import FileResult, file_settings, read_file
from tf2_lsp.files.sourcefile import SourceFile, WriteSkipped, write_source
from tf2_lsp.settings import Settings

NOT_CHANGED = "; not changed"


# The command's own fix of one file's text: its result, and the new text (None: unchanged).
FixText = Callable[[str, SourceFile, Settings], tuple[FileResult, "str | None"]]


def fix_pairs(
    files: Sequence[Path],
    settings: Settings,
    diff_only: bool,
    roots: Sequence[str] | None,
    fix_text: FixText,
) -> tuple[list[FileResult], set[Path]]:
    """The results of the model modules and reader files fixed together, and those files
    (the rest of the run leaves them alone); `fix_text` fixes one file's text."""
    if settings.level != "native" or not settings.wants(PENALTY_READER_RULE):
        return [], set()
    python = [f for f in files if f.suffix == ".py"]
    run = frozenset(os.path.abspath(f) for f in python)
    results: list[FileResult] = []
    done: set[Path] = set()
    for path in python:
        if path in done:
            continue
        move = _planned(path, settings, run)
        if move is None:
            continue
        given = {reader: _given(python, reader) for reader in move.readers}
        paths = {path, *given.values()}
        if paths & done or (roots is not None and any(_outside(p, roots) for p in paths)):
            continue
        fixed = _fix_move(path, given, move, settings, diff_only, fix_text)
        if fixed is not None:
            results += fixed
            done |= paths
    return results, done


def _planned(path: Path, settings: Settings, run: frozenset[str]) -> ReaderMove | None:
    read = read_file(path)
    if not isinstance(read, SourceFile) or "regularizer" not in read.text:
        return None
    in_file = file_settings(settings, str(path))
    return plan_move(str(path), read.text, in_file, load_catalogue(), run)


def _fix_move(
    path: Path,
    given: dict[str, Path],
    move: ReaderMove,
    settings: Settings,
    diff_only: bool,
    fix_text: FixText,
) -> list[FileResult] | None:
    """Fix the model module at `path` and its readers (`given`: each reader's absolute path
    -> its path as the run names it); None when the model's layer fixes do not all apply."""
    model = read_file(path, NOT_CHANGED)
    readers = {reader: read_file(shown, NOT_CHANGED) for reader, shown in given.items()}
    if not isinstance(model, SourceFile) or not all(
        isinstance(r, SourceFile) for r in readers.values()
    ):
        return None
    with reads_moved(move.read_lines):
        model_result, model_text = fix_text(str(path), model, settings)
    layers = [r for r in model_result.fixed if r.code in (MODEL_KERAS_RULE, MODEL_FUNCTION_RULE)]
    if model_text is None or len(layers) < len(move.layers):
        return None  # the layer fixes are not all applied (not selected, or safe fixes only)
    written: list[tuple[SourceFile, FileResult, str]] = []
    for reader, read in readers.items():
        assert isinstance(read, SourceFile)
        spliced = rewrite_readers(read.text, move, reader)
        result, fixed = fix_text(str(given[reader]), replace(read, text=spliced), settings)
        result.applied += len(move.readers[reader])
        written.append((read, result, fixed if fixed is not None else spliced))
    written.append((model, model_result, model_text))
    for read, result, text in written:
        if diff_only:
            result.diff = unified_diff(read.text, text, read.path)
            continue
        problem = _write(read, text)
        if problem is not None:
            result.io_error = problem
            break  # the files after it (the model last) stay as they were
    return [result for _, result, _ in written]


def _write(read: SourceFile, text: str) -> str | None:
    try:
        write_source(read, text)
    except WriteSkipped as reason:
        return f"not written ({reason}); the model and its readers move together"
    except (OSError, UnicodeEncodeError) as error:
        return f"cannot write: {error}"
    return None


def _given(files: Sequence[Path], reader: str) -> Path:
    """The reader's path as the run was given it."""
    return next((f for f in files if os.path.abspath(f) == reader), Path(reader))


def _outside(path: Path, roots: Sequence[str]) -> bool:
    real = os.path.realpath(path)
    return not any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)
