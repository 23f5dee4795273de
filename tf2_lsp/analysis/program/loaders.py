"""Which modules of a project can run in one program: those some module loads together.

TF1's collections belong to the graph, not to a module: a module that reads
`REGULARIZATION_LOSSES` gets the penalties of every layer the program built, whichever module
built them. Two modules share a program when one file of the project loads both (itself or
through the modules it imports): the entry point imports the model and the loss, and the
loss reads the model's penalties although neither imports the other. Loading a module runs
the `__init__` of each package around it first, so a module that an `__init__` loads is
loaded by every module of that package too.

The import graph is the one `importers` reads (import statements read with a pattern, per
modification time, each file noted), read once per question: walked backwards from the module
to the files that load it, then forwards from those to everything they load; nothing is
parsed.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

from tf2_lsp.analysis.program.importers import (
    imported_files,
    module_word,
    project_files,
    project_root,
)
from tf2_lsp.analysis.program.project_classes import modified_ns, note_read

MAX_LOADED = 2_000  # a program that loads more files than this counts as loading all of them


class Loaders:
    """The project's files that run in one program with a module, found once per instance
    (one instance per question: the files may change between questions). The project's
    import graph is read once per instance, forwards; each walk is then lookups."""

    def __init__(self) -> None:
        self._together: dict[str, frozenset[str] | None] = {}
        self._graphs: dict[str, tuple[dict[str, list[str]], dict[str, list[str]]]] = {}

    def of(self, path: str) -> frozenset[str] | None:
        """The project's files whose loading runs the module at `path`, itself included
        (None: more than MAX_LOADED, which counts as every file)."""
        path = os.path.abspath(path)
        _, backward = self._graph(path)
        return _closure([path], lambda module: backward.get(module, []))

    def loaded_by(self, path: str) -> frozenset[str] | None:
        """The project's files that loading the module at `path` loads, itself included
        (None: more than MAX_LOADED)."""
        path = os.path.abspath(path)
        forward, _ = self._graph(path)
        return _closure([path], lambda module: forward.get(module, []))

    def together(self, path: str) -> frozenset[str] | None:
        """Every file of the project that some file loading the module at `path` loads too
        (None: more than MAX_LOADED, which counts as every file)."""
        path = os.path.abspath(path)
        if path not in self._together:
            loaders = self.of(path)
            forward, _ = self._graph(path)
            loaded = (
                _closure(sorted(loaders), lambda module: forward.get(module, []))
                if loaders is not None
                else None
            )
            self._together[path] = loaded
        return self._together[path]

    def share_a_program(self, first: str, second: str) -> bool:
        """Whether some file of the project loads both modules."""
        together = self.together(first)
        return together is None or os.path.abspath(second) in together

    def _graph(self, path: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """The project's import graph around `path`: what loading each file loads itself
        (its imports, its package's `__init__`), and the other way round (a package's
        `__init__` is loaded by every module of the package)."""
        root = project_root(path)
        if root not in self._graphs:
            files = project_files(root)
            words = frozenset(module_word(f) for f in files)
            listing = hash(tuple(files))
            forward = {f: _edges(f, words, listing) for f in files}
            backward: dict[str, list[str]] = {}
            for loader, loaded in forward.items():
                for module in loaded:
                    backward.setdefault(module, []).append(loader)
            for init in (f for f in files if Path(f).name == "__init__.py"):
                folder = os.path.dirname(init) + os.sep
                backward.setdefault(init, []).extend(f for f in files if f.startswith(folder))
            self._graphs[root] = (forward, backward)
        return self._graphs[root]


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


# Each file's own edges, kept while neither the file nor the project's listing changes (an
# import may name a module that a new file provides): (modification time, listing, edges).
_EDGES: dict[str, tuple[int, int, list[str]]] = {}


def _edges(path: str, words: frozenset[str], listing: int) -> list[str]:
    modified = modified_ns(path)
    kept = _EDGES.get(path)
    if kept is not None and kept[:2] == (modified, listing):
        note_read(path, modified)  # the answer still depends on the file
        return kept[2]
    edges = _loaded(path, words)
    _EDGES[path] = (modified, listing, edges)
    return edges


def _loaded(module: str, words: frozenset[str]) -> list[str]:
    """The project's files that loading `module` loads itself: what its imports name (of
    the project's modules, by their last name `words`) and the `__init__` of its package."""
    folder = os.path.dirname(module)
    if Path(module).name == "__init__.py":
        folder = os.path.dirname(folder)  # a package's own parent package
    init = os.path.join(folder, "__init__.py")
    package = [init] if os.path.isfile(init) else []
    return imported_files(module, words) + package
