"""Model functions judged by their callers in the project's other modules.

A TF1 model function becomes a Keras layer (TF934, TF938) only when every caller is TF2 code:
called from TF1 graph code a layer loses TF1's variable reuse (a `reuse=True` scope finds no
variables; one instance shared by calls meant to make separate weights), and called inside
another model function its variables would belong to a second object. So a function stays a
function, and its finding names the caller, when a module of the project that imports it:

* calls it from a module that still runs TF1 graph code (a Session, placeholders,
  collections, `variable_scope`) outside its own model functions;
* calls it inside one of its own model functions or shim layers (that one becomes the layer);
* hands it on (an argument, a container, the module object itself), where its calls cannot
  be followed.

A package whose `__init__` re-exports the function is followed to the modules that import it
from there (MAX_REEXPORTS packages deep; beyond, the re-export counts as handing it on).

The callers are found by `program.importers` (files read with `ast`, per modification time);
each caller's TF1 code is a walk of its own, remembered per modification time, at the compat
level (so no caller asks about its own callers). Nothing is imported or run, and neither
jedi nor TensorFlow is loaded.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tf2_lsp.analysis.program import importers, units
from tf2_lsp.analysis.program.model_functions import (
    model_function_ranges,
    shimmed_ranges,
    spelled_blocker,
    within,
)
from tf2_lsp.analysis.program.project_classes import MAX_BYTES
from tf2_lsp.analysis.walker import ModuleWalker
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.files.by_modification import ByModification
from tf2_lsp.settings import Settings


@dataclass(frozen=True, slots=True)
class CallerCode:
    """What a caller's module keeps of TF1: `graph`, its first use of TF1 graph state outside
    its own model functions (canonical name, None: none); `models`, the line ranges of its
    model functions and shim layers, inside which a call is nested in another model."""

    graph: str | None
    models: tuple[tuple[int, int], ...]


_NO_TF1 = CallerCode(None, ())


def graph_callers(path: str, names: Sequence[str], catalogue: Catalogue) -> dict[str, str]:
    """For the model functions `names` of the module at `path`: why each must stay a
    function for a caller in another module of the project (absent: no such caller)."""
    if not path or not names:
        return {}
    return _blocked(path, names, importers.project_root(path), catalogue, MAX_REEXPORTS)


MAX_REEXPORTS = 2  # packages followed through that re-export a function (`pkg/__init__.py`)


def _blocked(
    path: str, names: Sequence[str], root: str, catalogue: Catalogue, reexports: int
) -> dict[str, str]:
    reasons: dict[str, str] = {}
    for use in importers.uses_elsewhere(path, frozenset(names)):
        pending = [n for n in names if n not in reasons and use.name in (n, importers.ALL)]
        if not pending:
            continue
        if use.exported_as is not None and reexports > 0:
            # Its callers import it from the package: they decide, under the package's name.
            why = _blocked(use.path, [use.exported_as], root, catalogue, reexports - 1).get(
                use.exported_as
            )
        else:
            why = _why(use, root, catalogue)
        for name in pending if why else ():
            reasons[name] = why or ""
        if len(reasons) == len(names):
            break
    return reasons


def _why(use: importers.Use, root: str, catalogue: Catalogue) -> str | None:
    where = f"`{Path(os.path.relpath(use.path, root)).as_posix()}` line {use.line}"
    if not use.called:
        return (
            f"{where} hands it on (an argument, a re-export, its module), where its calls"
            " cannot be followed, and a layer called from TF1 graph code loses TF1's variable"
            " reuse"
        )
    code = caller_code(use.path, catalogue)
    if code.graph is not None:
        return (
            f"{where} calls it from TF1 graph code (`{spelled_blocker(code.graph, 'tf')}`),"
            " where a layer loses TF1's variable reuse (a `reuse=True` scope finds nothing, one"
            " instance serves calls meant to make separate weights); move that module to TF2"
            " first"
        )
    if within(use.line, code.models):
        return (
            f"{where} calls it inside its own model code, whose layer must own these"
            " variables; that outer function becomes the layer"
        )
    return None


_CODE: ByModification[CallerCode] = ByModification(_NO_TF1)


def caller_code(path: str, catalogue: Catalogue) -> CallerCode:
    """The TF1 code of the caller's module at `path`, remembered per modification time (its
    reading was noted when the importers were searched)."""

    def read(path: str, info: os.stat_result) -> CallerCode:
        if info.st_size > MAX_BYTES:
            return _NO_TF1
        try:
            return _walked(Path(path).read_bytes().decode("utf-8"), path, catalogue)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError, MemoryError):
            return _NO_TF1  # a caller Python cannot read cannot call it either

    return _CODE.get(path, read)


def _walked(source: str, path: str, catalogue: Catalogue) -> CallerCode:
    if "tensorflow" not in source and "tf_slim" not in source:
        return _NO_TF1  # no import can name TensorFlow without the word
    tree = ast.parse(source)
    walker = ModuleWalker(source, catalogue, Settings(file=path), {})
    walker.run(tree)
    facts, body = walker.facts, tree.body
    shimmed = shimmed_ranges(facts, body)
    models = [*model_function_ranges(facts, body, units.is_state), *shimmed]
    left = [
        name for line, name in units.state_uses(facts, body, shimmed) if not within(line, models)
    ]
    return CallerCode(left[0] if left else None, tuple(models))
