"""Classes a module imports from its own project: does one of them make it a test module?

`class NetTest(BaseTest)` is a unittest test case when `BaseTest`, defined in another file of
the project (`from tests.base import BaseTest`), derives from `unittest.TestCase`. Test runners
import such a module and never run its `__main__` block, so its graph-mode opt-out goes at
module level (`program.graph_mode`). The other file is found where Python would find it
(relative imports beside the module, absolute ones under a directory above it), parsed with
`ast` and remembered per modification time; nothing is imported or run. Asked only for a
module that builds graphs and is not a test by its own name or classes: rare, and cheap then.
"""

from __future__ import annotations

import ast
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tf2_lsp.files.by_modification import ByModification

MAX_DEPTH = 4  # base classes followed through at most this many files
MAX_PARENTS = 6  # directories above a module searched for an absolute import's package
MAX_BYTES = 2_000_000  # a larger file is not a test base class's home
MAX_IMPORTS = 20  # project modules of one test module asked whether they build graphs

BaseTest = Callable[[ast.expr], bool]  # does this base expression name a TestCase itself?


class _Collectors(threading.local):
    """Collectors of the project files read, innermost last (see `reads_recorded`), per
    thread: the server analyses documents in several worker threads at once."""

    def __init__(self) -> None:
        self.stack: list[list[tuple[str, int]]] = []


_COLLECTORS = _Collectors()


@contextmanager
def reads_recorded() -> Iterator[list[tuple[str, int]]]:
    """The other project files read while the block runs, as (path, modification time in ns,
    -1 when missing): what one file's findings depend on besides its own text. A result
    cache keeps them beside the findings and trusts the findings only while they hold."""
    collected: list[tuple[str, int]] = []
    _COLLECTORS.stack.append(collected)
    try:
        yield collected
    finally:
        _COLLECTORS.stack.pop()


def note_read(path: str, modified_ns: int) -> None:
    for collected in _COLLECTORS.stack:
        collected.append((path, modified_ns))


def modified_ns(path: str) -> int:
    """What `note_read` records of `path` now (-1: it cannot be read)."""
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


@dataclass(frozen=True, slots=True)
class _Module:
    classes: dict[str, list[ast.expr]]  # class name -> its base expressions
    imports: dict[str, tuple[str, int]]  # local name -> (dotted module or module.name, level)


_MODULES: ByModification[_Module | None] = ByModification(None, note=note_read)


def derives_from_test_case(
    tree: ast.Module, path: str, is_test_case: BaseTest, depth: int = MAX_DEPTH
) -> bool:
    """Whether a top-level class of `tree` (the module at `path`) derives from a test case
    through classes the module imports from files of its project."""
    here = _summary(tree)
    return any(
        _is_test_base(base, here, path, is_test_case, depth)
        for bases in here.classes.values()
        for base in bases
    )


def project_imports(tree: ast.Module, path: str) -> list[tuple[str, ast.stmt]]:
    """The files of the project that the module at `path` imports at its top level (a name
    imported from a module counts for that module; a module imported by name for itself),
    each with the first import statement that names it."""
    found: list[tuple[str, ast.stmt]] = []
    seen: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom):
            module = statement.module or ""
            candidates = [(module, statement.level)] + [
                (f"{module}.{a.name}" if module else a.name, statement.level)
                for a in statement.names
                if a.name != "*"
            ]
        elif isinstance(statement, ast.Import):
            candidates = [(a.name, 0) for a in statement.names]
        else:
            continue
        for dotted, level in candidates:
            if dotted.split(".", 1)[0] in _NOT_PROJECT:
                continue
            file = find_module(dotted, level, path)
            if file is not None and file != path and file not in seen:
                seen.add(file)
                found.append((file, statement))
            if len(found) >= MAX_IMPORTS:
                return found
    return found


# Packages no project file stands for: never looked for on disk.
_NOT_PROJECT = frozenset(
    {"tensorflow", "numpy", "absl", "unittest", "os", "sys", "pytest", "tf_slim", "tf_keras"}
)


def _is_test_base(
    base: ast.expr, module: _Module, path: str, is_test_case: BaseTest, depth: int
) -> bool:
    if is_test_case(base):
        return True
    if depth <= 0:
        return False
    if isinstance(base, ast.Name) and base.id in module.classes:
        # A class of the same file: its own bases decide.
        return any(
            _is_test_base(b, module, path, is_test_case, depth - 1)
            for b in module.classes[base.id]
            if b is not base
        )
    if isinstance(base, ast.Name) and base.id in module.imports:
        dotted, level = module.imports[base.id]
        source, _, name = dotted.rpartition(".")
        return _class_is_test(source, level, name, path, is_test_case, depth - 1)
    if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
        imported = module.imports.get(base.value.id)
        if imported is not None:
            return _class_is_test(
                imported[0], imported[1], base.attr, path, is_test_case, depth - 1
            )
    return False


def _class_is_test(
    dotted: str, level: int, name: str, importer: str, is_test_case: BaseTest, depth: int
) -> bool:
    found = find_module(dotted, level, importer)
    if found is None:
        return False
    module = _load(found)
    if module is None or name not in module.classes:
        return False
    return any(_is_test_base(b, module, found, is_test_case, depth) for b in module.classes[name])


def find_module(dotted: str, level: int, importer: str) -> str | None:
    """The file Python would load for `dotted` imported from `importer` (None: not found)."""
    parts = [p for p in dotted.split(".") if p]
    if not parts:
        return None
    # `from . import` reads the folder, `..` its parent; an absolute import any folder above.
    roots = _folders_above(importer)
    roots = roots[level - 1 : level] if level else roots[: MAX_PARENTS + 1]
    # Strings and `os.path.isfile`, not `Path`: asked for every import of every test module
    # (3,246 times over 669 real files), `Path`'s joins and `is_file` cost 0.10 s of a serial
    # `check`'s 1.7 s of CPU in-process, the stat calls themselves a third of that.
    for root in roots:
        base = os.path.join(root, *parts) if root != "." else os.path.join(*parts)
        for candidate in (base + ".py", os.path.join(base, "__init__.py")):
            if os.path.isfile(candidate):
                return candidate
    return None


@lru_cache(maxsize=256)
def _folders_above(importer: str) -> tuple[str, ...]:
    """The folder of `importer` and every folder above it, nearest first (as `Path` spells
    them)."""
    folder = Path(importer).parent
    return (str(folder), *map(str, folder.parents))


def _load(path: str) -> _Module | None:
    return _MODULES.get(path, _summarised)


def _summarised(path: str, info: os.stat_result) -> _Module | None:
    if info.st_size > MAX_BYTES:
        return None
    try:
        return _summary(ast.parse(Path(path).read_bytes()))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _summary(tree: ast.Module) -> _Module:
    classes: dict[str, list[ast.expr]] = {}
    imports: dict[str, tuple[str, int]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef):
            classes[statement.name] = list(statement.bases)
        elif isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                if alias.name != "*":
                    dotted = f"{statement.module}.{alias.name}" if statement.module else alias.name
                    imports[alias.asname or alias.name] = (dotted, statement.level)
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname:
                    imports[alias.asname] = (alias.name + ".", 0)  # a module: `m.Class`
    return _Module(classes, imports)
