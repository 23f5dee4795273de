"""Readers of a model's penalties in other modules, rewritten together with the model.

A model function kept as a function because another module of its program reads
`REGULARIZATION_LOSSES` (`analysis.collection_readers`) can still move when both files are
rewritten in one run of `tf2-lsp fix`: the reader then reads the layer's `losses`, as TF935
does in the model's own module:

    # pkg/losses.py                                   # pkg/losses.py, rewritten
    import tensorflow as tf                           import tensorflow as tf
                                                      from pkg.model import tower
    def total(data_loss):                             def total(data_loss):
        return data_loss + tf.losses                      return data_loss + tf.add_n(tower.losses)
            .get_regularization_loss()

That keeps the objective only when the layers hold every penalty the reader summed and the
reader can import them, so a move is planned only when:

* every read of `REGULARIZATION_LOSSES` in the program is a whole-collection reader
  (`get_regularization_loss()`, `get_regularization_losses()`, `get_collection(KEY)`, no
  scope) in a module the same run rewrites, and the model's module does not load it (the
  import would be a cycle);
* no other module of the program, the readers' own included, gives a penalty
  (`*regularizer`), and nothing in the model's module gives one outside its model functions;
* with those reads gone, every model function of the module takes a layer form (TF934 or
  TF938): the layers are named as the functions, and no reader's module uses those names.

Nothing is written here: `cli.paired_fix` rewrites the files, the readers first.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tf2_lsp.analysis.collection_readers import module_reads, program_reads, reads_moved
from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.program import penalty_readers
from tf2_lsp.analysis.program.filled_collections import REGULARIZATION
from tf2_lsp.analysis.program.importers import project_root
from tf2_lsp.analysis.program.loaders import Loaders
from tf2_lsp.analysis.program.model_functions import MODEL_FUNCTION_RULE, MODEL_KERAS_RULE
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.settings import Settings
from tf2_lsp.transforms.penalty_reader import layers_read

_SUM = frozenset({"get_regularization_loss"})
_LIST = frozenset({"get_regularization_losses"})
_GETTER = "get_collection"
_KEY = ("REGULARIZATION_LOSSES", "regularization_losses")
_TENSORFLOW = frozenset({"tensorflow", "tensorflow.compat.v1"})
_PENALTY_WORD = "regularizer"


@dataclass(frozen=True, slots=True)
class ReaderCall:
    """A reader's call in its file (0-based character columns) and what it returned."""

    line: int
    column: int
    end_line: int
    end_column: int
    kind: str  # "sum" or "list"


@dataclass(frozen=True, slots=True)
class ReaderMove:
    """The model module at `model` (imported as `module`), whose model functions become the
    layers `layers`, and the reader calls in other files rewritten to read them."""

    model: str
    module: str
    layers: tuple[str, ...]
    readers: Mapping[str, tuple[ReaderCall, ...]]
    read_lines: tuple[tuple[str, int], ...]  # the reads the walker found, (path, line)


def plan_move(
    path: str, text: str, settings: Settings, catalogue: Catalogue, run: frozenset[str]
) -> ReaderMove | None:
    """The move of the model module at `path` (its text `text`) with its readers, when every
    reader is in `run` (the absolute paths a fix rewrites) and the conditions above hold."""
    if settings.level != "native" or _PENALTY_WORD not in text:
        return None
    model = os.path.abspath(path)
    reads = program_reads(model, frozenset({REGULARIZATION}), catalogue)
    if not reads or module_reads(model, catalogue):
        return None  # no reader elsewhere, or readers of its own (TF935's, or graph code)
    root = project_root(model)
    lines: dict[str, list[int]] = {}
    for read in reads:
        lines.setdefault(os.path.normpath(os.path.join(root, read.where)), []).append(read.line)
    loaders = Loaders()
    loaded, together = loaders.loaded_by(model), loaders.together(model)
    if loaded is None or together is None or any(f not in run or f in loaded for f in lines):
        return None
    if any(f != model and _gives_penalties(f) for f in together | set(lines)):
        return None
    moved = tuple((file, line) for file, found in lines.items() for line in found)
    with reads_moved(moved):
        found = detect(text, catalogue, settings).findings
    models = [f for f in found if f.code in (MODEL_KERAS_RULE, MODEL_FUNCTION_RULE)]
    if not models or any(f.fix is None for f in models):
        return None
    layers = tuple(f.written for f in models)
    if not _penalties_only_in(text, layers):
        return None
    readers: dict[str, tuple[ReaderCall, ...]] = {}
    for file, found_lines in lines.items():
        calls = _reader_calls(file, found_lines, layers)
        if calls is None:
            return None
        readers[file] = calls
    return ReaderMove(model, _dotted(model, root), layers, readers, moved)


def rewrite_readers(text: str, move: ReaderMove, path: str) -> str:
    """The reader file's `text` with its reader calls reading the layers, and the layers
    imported from the model's module after the file's last top-level import."""
    calls = move.readers[os.path.abspath(path)]
    tree = ast.parse(text)
    alias = _tensorflow_alias(tree) or ""
    lines = text.splitlines(keepends=True)
    for call in sorted(calls, key=lambda c: (c.line, c.column), reverse=True):
        written = layers_read(call.kind, move.layers, f"{alias}.add_n")
        first, last = lines[call.line - 1], lines[call.end_line - 1]
        joined = first[: call.column] + written + last[call.end_column :]
        lines[call.line - 1 : call.end_line] = [joined]
    imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    after = max((s.end_lineno or s.lineno for s in imports), default=0)
    newline = "\r\n" if text.endswith("\r\n") else "\n"
    line = f"from {move.module} import {', '.join(move.layers)}{newline}"
    return "".join([*lines[:after], line, *lines[after:]])


def _reader_calls(
    path: str, read_lines: Sequence[int], layers: Sequence[str]
) -> tuple[ReaderCall, ...] | None:
    """The whole-collection reader calls covering the reads at `read_lines` of the file at
    `path` (None: a read that is no such call, or a file that cannot take the import)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        tree = ast.parse(text)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None
    if _names(tree) & set(layers):
        return None  # `tower` means something there already
    calls = [c for c in ast.walk(tree) if isinstance(c, ast.Call) and _kind(c) is not None]
    covering = [
        c
        for c in calls
        if any(c.lineno <= line <= (c.end_lineno or c.lineno) for line in read_lines)
    ]
    if not all(
        any(c.lineno <= line <= (c.end_lineno or c.lineno) for c in covering) for line in read_lines
    ):
        return None
    if any(_kind(c) == "sum" for c in covering) and _tensorflow_alias(tree) is None:
        return None
    source = text.splitlines(keepends=True)
    return tuple(_located(c, source) for c in covering)


def _names(tree: ast.Module) -> set[str]:
    """Every name the file binds or reads, at any depth (a parameter or a local `tower`
    would hide the imported layer)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).partition(".")[0])
    return names


def _kind(call: ast.Call) -> str | None:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in _SUM or name in _LIST:
        if call.args or call.keywords:
            return None  # one scope only, or a name for the sum
        return "sum" if name in _SUM else "list"
    if name == _GETTER and len(call.args) == 1 and not call.keywords:
        key = call.args[0]
        written = key.attr if isinstance(key, ast.Attribute) else getattr(key, "value", None)
        return "list" if written in _KEY else None
    return None


def _located(call: ast.Call, source: Sequence[str]) -> ReaderCall:
    def column(line: int, offset: int) -> int:  # ast counts UTF-8 bytes
        return len(source[line - 1].encode("utf-8")[:offset].decode("utf-8"))

    end_line = call.end_lineno or call.lineno
    end_column = column(end_line, call.end_col_offset or 0)
    kind = _kind(call) or "list"
    return ReaderCall(call.lineno, column(call.lineno, call.col_offset), end_line, end_column, kind)


def _tensorflow_alias(tree: ast.Module) -> str | None:
    """The module-level name the file binds to TensorFlow (or its compat.v1), if any."""
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.name in _TENSORFLOW and (alias.asname or alias.name == "tensorflow"):
                    return alias.asname or alias.name
        elif isinstance(statement, ast.ImportFrom) and statement.module == "tensorflow.compat":
            for alias in statement.names:
                if alias.name == "v1":
                    return alias.asname or alias.name
    return None


def _gives_penalties(path: str) -> bool:
    """Whether the file's text may give a penalty (conservatively: names a regularizer)."""
    try:
        return _PENALTY_WORD in Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True


def _penalties_only_in(text: str, layers: Sequence[str]) -> bool:
    """Whether every penalty the model's module gives is inside the functions `layers`."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    moved = [
        (s.lineno, s.end_lineno or s.lineno)
        for s in tree.body
        if isinstance(s, ast.FunctionDef) and s.name in layers
    ]
    return penalty_readers.other_penalties(tree.body, moved) is None


def _dotted(path: str, root: str) -> str:
    """The module's dotted name as the project's files import it."""
    relative = Path(os.path.relpath(path, root)).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)
