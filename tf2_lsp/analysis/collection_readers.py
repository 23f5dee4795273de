"""Readers of TF1's collections in the project's other modules that share a program with a
model module.

A model function that becomes a Keras layer stops filling the graph's collections
(`program.filled_collections`), and a reader anywhere in the program reads the global
collection, not the module that filled it. So every file of the project that runs in one
program with the model's module (`program.loaders`: some file of the project loads both) is
looked at: one whose text names no collection reader is passed over (a pattern, per
modification time); one that does is walked once per modification time at the compat level,
as `analysis.callers` walks a caller, for its reads. Every file and folder consulted is noted
(`project_classes.note_read`), so the check cache and the language server judge the model
module again when a reader is added, edited or removed.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from tf2_lsp.analysis.program.filled_collections import CollectionRead, reads_in
from tf2_lsp.analysis.program.importers import project_files, project_root
from tf2_lsp.analysis.program.loaders import Loaders
from tf2_lsp.analysis.program.project_classes import MAX_BYTES, note_read
from tf2_lsp.analysis.walker import ModuleWalker
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.files.by_modification import ByModification
from tf2_lsp.settings import Settings

# Words every reader's text holds (`tf.losses.get_regularization_loss`, `get_collection`,
# `tf.trainable_variables`, `GraphKeys.UPDATE_OPS`): a file without any reads nothing.
# (`global_variables_initializer` and its kin read no collection a layer leaves empty.)
_READER_WORDS = re.compile(
    r"regularization_loss|REGULARIZATION_LOSSES|get_total_loss|get_collection|UPDATE_OPS"
    r"|(?:trainable|global|all)_variables(?!_)|(?:TRAINABLE|GLOBAL)_VARIABLES"
)

# The reads (file, line) that `tf2-lsp fix` rewrites in the same run as the model module
# (`cli.paired_fix`): they read the layers, not the collection, once the run is done.
_MOVED: ContextVar[frozenset[tuple[str, int]]] = ContextVar("moved_reads", default=frozenset())


@contextmanager
def reads_moved(reads: Iterable[tuple[str, int]]) -> Iterator[None]:
    """While the block runs, the reads at these (absolute path, line) do not count."""
    token = _MOVED.set(frozenset((os.path.abspath(path), line) for path, line in reads))
    try:
        yield
    finally:
        _MOVED.reset(token)


# A module's reads: (line, collection, canonical symbol).
_Reads = tuple[tuple[int, str, str], ...]
_READS: ByModification[_Reads] = ByModification((), note=note_read)


def program_reads(
    path: str, collections: frozenset[str], catalogue: Catalogue
) -> list[CollectionRead]:
    """The reads of `collections` in the project's other modules that share a program with
    the module at `path`, in path and line order."""
    if not path or not collections:
        return []
    module = os.path.abspath(path)
    root = project_root(module)
    # Only the files loaded with the module are read (all of them, in a program too large).
    together = Loaders().together(module)
    files = project_files(root) if together is None else sorted(together)
    found: list[CollectionRead] = []
    moved = _MOVED.get()
    for file in files:
        if file == module:
            continue
        reads = [
            read
            for read in module_reads(file, catalogue)
            if read[1] in collections and (file, read[0]) not in moved
        ]
        if not reads:
            continue
        where = Path(os.path.relpath(file, root)).as_posix()
        found += [CollectionRead(where, line, key, symbol) for line, key, symbol in reads]
    return found


def module_reads(path: str, catalogue: Catalogue) -> _Reads:
    """The collection reads of the module at `path`, remembered per modification time."""

    def read(path: str, info: os.stat_result) -> _Reads:
        if info.st_size > MAX_BYTES:
            return ()
        try:
            source = Path(path).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return ()  # a module Python cannot read reads nothing either
        if _READER_WORDS.search(source) is None or "tensorflow" not in source:
            return ()
        try:
            return _walked(source, path, catalogue)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return ()

    return _READS.get(path, read)


def _walked(source: str, path: str, catalogue: Catalogue) -> _Reads:
    tree = ast.parse(source)
    walker = ModuleWalker(source, catalogue, Settings(file=path), {})
    walker.run(tree)
    return tuple(reads_in(walker.facts.uses, tree))
