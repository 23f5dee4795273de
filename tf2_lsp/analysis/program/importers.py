"""Who else uses a module's functions: the project's files that import the module, and each
place where one of them refers to a function of it (a call, or the function handed on).

A model function becomes a Keras layer only where every caller is TF2 code, and its callers
may live in other modules (`from pkg import masked` ... `masked.conv1d(x)` under a Session).
The project is the folder that holds the module's topmost package (the module's own folder
when it is in none); its files are listed per directory modification time, each file's import
words read per its modification time, and only a file whose imports name the module is parsed
(`ast`; nothing is imported or run). Every directory and file consulted is noted
(`project_classes.note_read`), so a result cache and the language server know what the answer
depends on: a new file changes its directory's time, an edit its own.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tf2_lsp.analysis.program.project_classes import MAX_BYTES, find_module, note_read
from tf2_lsp.files.discover import SKIP_DIRS

MAX_FILES = 5_000  # a larger tree is not searched beyond this many files

ALL = "*"  # a use that may reach every function of the module (the module object handed on)


@dataclass(frozen=True, slots=True)
class Use:
    """A reference to the function `name` of the module (ALL: any of them) at `line` of the
    file `path`; `called`: it is the callee of a call there, not a value handed on."""

    path: str
    line: int
    name: str
    called: bool


def project_root(path: str) -> str:
    """The folder holding the topmost package around the module at `path`."""
    root = Path(os.path.abspath(path)).parent
    while (root / "__init__.py").is_file() and root.parent != root:
        root = root.parent
    return str(root)


def uses_elsewhere(path: str, names: frozenset[str]) -> list[Use]:
    """The references other files of the project make to the functions `names` of the
    module at `path` (or to the module object as a whole, as ALL), in path and line order."""
    callee = os.path.abspath(path)
    word = _module_word(callee)
    found: list[Use] = []
    for file in project_files(project_root(callee)):
        if file == callee or word not in _import_words(file):
            continue
        found.extend(u for u in _uses_in(file, callee) if u.name in names or u.name == ALL)
    return found


def _module_word(path: str) -> str:
    """The last part of the module's dotted name: what any import of it writes."""
    file = Path(path)
    return file.parent.name if file.name == "__init__.py" else file.stem


# -- the project's files, per directory modification time --------------------------------

_LISTINGS: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {}


def project_files(root: str) -> list[str]:
    """The Python files under `root` (absolute paths), skipping what `tf2-lsp check` skips
    (version control, virtual environments, caches), at most MAX_FILES."""
    files: list[str] = []
    waiting = [root]
    while waiting and len(files) < MAX_FILES:
        folders, names = _listing(waiting.pop())
        files.extend(names)
        waiting.extend(reversed(folders))
    return sorted(files[:MAX_FILES])


def _listing(folder: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    try:
        modified = os.stat(folder).st_mtime_ns
    except OSError:
        note_read(folder, -1)
        return (), ()
    note_read(folder, modified)
    cached = _LISTINGS.get(folder)
    if cached is not None and cached[0] == modified:
        return cached[1], cached[2]
    folders: list[str] = []
    names: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if _searched(entry.name, entry.path):
                        folders.append(entry.path)
                elif entry.name.endswith(".py") and entry.is_file():
                    names.append(entry.path)
    except OSError:
        pass
    listing = (tuple(sorted(folders)), tuple(sorted(names)))
    _LISTINGS[folder] = (modified, *listing)
    return listing


def _searched(name: str, path: str) -> bool:
    if name in SKIP_DIRS or name.startswith("."):
        return False
    return not os.path.isfile(os.path.join(path, "pyvenv.cfg"))


# -- which modules a file's imports name, per modification time --------------------------

# An import statement's text: `from a.b import (c, d)`, `import a.b as c`, continued lines.
_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+)?import[ \t]+(\([^)]*\)|(?:[^\n\\]|\\[\s\S])*)",
    re.MULTILINE,
)
_WORDS: dict[str, tuple[int, frozenset[str]]] = {}


def _import_words(path: str) -> frozenset[str]:
    """Every word written in the file's import statements (a file whose imports do not write
    a module's last name cannot import it)."""
    try:
        stat = os.stat(path)
    except OSError:
        note_read(path, -1)
        return frozenset()
    note_read(path, stat.st_mtime_ns)
    cached = _WORDS.get(path)
    if cached is not None and cached[0] == stat.st_mtime_ns:
        return cached[1]
    words: frozenset[str] = frozenset()
    if stat.st_size <= MAX_BYTES:
        try:
            text = Path(path).read_bytes().decode("utf-8", errors="replace")
        except OSError:
            text = ""
        words = frozenset(
            word
            for match in _IMPORT.finditer(text)
            for word in re.findall(r"\w+", f"{match[1] or ''} {match[2]}")
        )
    _WORDS[path] = (stat.st_mtime_ns, words)
    return words


# -- where a file refers to the module's functions, per modification time ----------------

_USES: dict[tuple[str, str], tuple[int, tuple[Use, ...]]] = {}


def _uses_in(path: str, callee: str) -> tuple[Use, ...]:
    try:
        modified = os.stat(path).st_mtime_ns
    except OSError:
        return ()
    cached = _USES.get((path, callee))
    if cached is not None and cached[0] == modified:
        return cached[1]
    try:
        tree = ast.parse(Path(path).read_bytes())
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    uses = () if tree is None else tuple(_References(path, callee).find(tree))
    _USES[(path, callee)] = (modified, uses)
    return uses


class _References:
    """How one file names the module at `callee`, and where it uses those names."""

    def __init__(self, path: str, callee: str) -> None:
        self.path = path
        self.callee = callee
        self.modules: set[str] = set()  # names or dotted chains bound to the module
        self.functions: dict[str, str] = {}  # local name -> the module's function
        self.star = False  # `from module import *`: bare names may be its functions
        self.reexported = os.path.basename(path) == "__init__.py"

    def find(self, tree: ast.Module) -> list[Use]:
        uses: list[Use] = []
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                uses.extend(self._bind(node))
        if not (self.modules or self.functions or self.star):
            return uses
        parents = {
            id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)
        }
        for node in ast.walk(tree):
            use = self._reference(node, parents.get(id(node)))
            if use is not None:
                uses.append(use)
        return sorted(uses, key=lambda u: (u.line, u.name))

    def _is_callee(self, dotted: str, level: int) -> bool:
        return find_module(dotted, level, self.path) == self.callee

    def _bind(self, node: ast.Import | ast.ImportFrom) -> list[Use]:
        """Bind the names an import gives the module or its functions; a package's
        `__init__` that imports a function re-exports it to callers we do not follow."""
        if isinstance(node, ast.Import):
            for alias in node.names:
                if self._is_callee(alias.name, 0):
                    self.modules.add(alias.asname or alias.name)
            return []
        uses = []
        module = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                self.star = self.star or (bool(module) and self._is_callee(module, node.level))
                continue
            local = alias.asname or alias.name
            if self._is_callee(f"{module}.{alias.name}" if module else alias.name, node.level):
                self.modules.add(local)
            elif module and self._is_callee(module, node.level):
                self.functions[local] = alias.name
                if self.reexported:
                    uses.append(Use(self.path, node.lineno, alias.name, called=False))
        return uses

    def _reference(self, node: ast.AST, parent: ast.AST | None) -> Use | None:
        called = isinstance(parent, ast.Call) and parent.func is node
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if node.id in self.functions:
                return Use(self.path, node.lineno, self.functions[node.id], called)
            if node.id in self.modules and not (
                isinstance(parent, ast.Attribute) and parent.value is node
            ):
                return Use(self.path, node.lineno, ALL, called=False)  # the module handed on
            if self.star:
                return Use(self.path, node.lineno, node.id, called)
        if isinstance(node, ast.Attribute) and _dotted(node.value) in self.modules:
            return Use(self.path, node.lineno, node.attr, called)
        return None


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        prefix = _dotted(node.value)
        return None if prefix is None else f"{prefix}.{node.attr}"
    return None
