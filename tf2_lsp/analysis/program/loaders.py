"""Which modules of a project can run in one program: those some module loads together.

TF1's collections belong to the graph, not to a module: a module that reads
`REGULARIZATION_LOSSES` gets the penalties of every layer the program built, whichever module
built them. Two modules share a program when one file of the project loads both (itself or
through the modules it imports): the entry point imports the model and the loss, and the
loss reads the model's penalties although neither imports the other. Loading a module runs
the `__init__` of each package around it first, so a module that an `__init__` loads is
loaded by every module of that package too.

The import graph is the one `importers` reads (import statements read with a pattern, per
modification time, each file noted): walked backwards from the module to the files that load
it, then forwards from those to everything they load; nothing is parsed.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

from tf2_lsp.analysis.program.importers import (
    imported_files,
    importing_files,
    module_word,
    project_files,
    project_root,
)

MAX_LOADED = 2_000  # a program that loads more files than this counts as loading all of them


class Loaders:
    """The project's files that run in one program with a module, found once per instance
    (one instance per question: the files may change between questions)."""

    def __init__(self) -> None:
        self._together: dict[str, frozenset[str] | None] = {}

    def of(self, path: str) -> frozenset[str] | None:
        """The project's files whose loading runs the module at `path`, itself included
        (None: more than MAX_LOADED, which counts as every file)."""
        return _closure([os.path.abspath(path)], _loading)

    def together(self, path: str) -> frozenset[str] | None:
        """Every file of the project that some file loading the module at `path` loads too
        (None: more than MAX_LOADED, which counts as every file)."""
        path = os.path.abspath(path)
        if path not in self._together:
            loaders = self.of(path)
            files = project_files(project_root(path))
            words = frozenset(module_word(f) for f in files)
            loaded = _closure(sorted(loaders), lambda f: _loaded(f, words)) if loaders else None
            self._together[path] = loaded
        return self._together[path]

    def loaded_by(self, path: str) -> frozenset[str] | None:
        """The project's files that loading the module at `path` loads, itself included
        (None: more than MAX_LOADED)."""
        path = os.path.abspath(path)
        words = frozenset(module_word(f) for f in project_files(project_root(path)))
        return _closure([path], lambda f: _loaded(f, words))

    def share_a_program(self, first: str, second: str) -> bool:
        """Whether some file of the project loads both modules."""
        together = self.together(first)
        return together is None or os.path.abspath(second) in together


def _closure(start: Iterable[str], step: Callable[[str], list[str]]) -> frozenset[str] | None:
    found = set(start)
    waiting = deque(found)
    while waiting:
        for module in step(waiting.popleft()):
            if module not in found:
                found.add(module)
                waiting.append(module)
        if len(found) > MAX_LOADED:
            return None
    return frozenset(found)


def _loading(module: str) -> list[str]:
    """The files that load `module` themselves: its importers, and for a package's
    `__init__` every module of the package."""
    more = importing_files(module)
    if Path(module).name == "__init__.py":
        folder = os.path.dirname(module) + os.sep
        more += [f for f in project_files(project_root(module)) if f.startswith(folder)]
    return more


def _loaded(module: str, words: frozenset[str]) -> list[str]:
    """The project's files that loading `module` loads itself: what its imports name (of
    the project's modules, by their last name `words`) and the `__init__` of its package."""
    folder = os.path.dirname(module)
    if Path(module).name == "__init__.py":
        folder = os.path.dirname(folder)  # a package's own parent package
    init = os.path.join(folder, "__init__.py")
    package = [init] if os.path.isfile(init) else []
    return imported_files(module, words) + package
