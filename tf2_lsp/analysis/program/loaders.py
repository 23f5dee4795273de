"""Which modules of a project can run in one program: those some module loads together.

TF1's collections belong to the graph, not to a module: a module that reads
`REGULARIZATION_LOSSES` gets the penalties of every layer the program built, whichever module
built them. Two modules share a program when one file of the project loads both (itself or
through the modules it imports): the entry point imports the model and the loss, and the
loss reads the model's penalties although neither imports the other. Loading a package's
module runs the package's `__init__` first, so a module that `__init__` loads is loaded by
every module of that package too.

The import graph is the one `importers` reads (import statements read with a pattern, per
modification time, each file noted), walked backwards from each module; nothing is parsed.
"""

from __future__ import annotations

import os
from collections import deque
from pathlib import Path

from tf2_lsp.analysis.program.importers import importing_files, project_files, project_root

MAX_LOADERS = 500  # a module loaded by more files than this counts as loaded by all of them


class Loaders:
    """The files that load each module asked about, computed once per module per instance
    (one instance per question: the files may change between questions)."""

    def __init__(self) -> None:
        self._known: dict[str, frozenset[str] | None] = {}

    def of(self, path: str) -> frozenset[str] | None:
        """The project's files whose loading runs the module at `path`, itself included
        (None: more than MAX_LOADERS, which counts as every file)."""
        path = os.path.abspath(path)
        if path not in self._known:
            self._known[path] = _loaders(path)
        return self._known[path]

    def share_a_program(self, first: str, second: str) -> bool:
        """Whether some file of the project loads both modules."""
        ours, theirs = self.of(first), self.of(second)
        return ours is None or theirs is None or not ours.isdisjoint(theirs)


def _loaders(path: str) -> frozenset[str] | None:
    found = {path}
    waiting = deque([path])
    while waiting:
        module = waiting.popleft()
        more = importing_files(module)
        if Path(module).name == "__init__.py":
            more += _package_modules(module)
        for loader in more:
            if loader not in found:
                found.add(loader)
                waiting.append(loader)
        if len(found) > MAX_LOADERS:
            return None
    return frozenset(found)


def _package_modules(init: str) -> list[str]:
    """The modules of the package whose `__init__` is at `init`: loading any of them runs it."""
    folder = os.path.dirname(init) + os.sep
    return [f for f in project_files(project_root(init)) if f.startswith(folder)]
