"""Who else uses a module's functions: the project's files that import the module, and each
place where one of them refers to a function of it (a call, or the function handed on).

A model function becomes a Keras layer only where every caller is TF2 code, and its callers
may live in other modules (`from pkg import masked` ... `masked.conv1d(x)` under a Session).
The project is the folder that holds the module's topmost package (the module's own folder
when it is in none); its files are listed per directory modification time, each file's
import statements read with a pattern per its modification time, and only a file that
imports the module is parsed (`ast`, once per modification time whichever module is asked
about; nothing is imported or run). A module loaded by a name written out counts as imported:
`m = importlib.import_module("pkg.layers")` as `import pkg.layers as m`, and the module object
of any other such call (used in place, or `__import__`'s top package) as handed on; a package
whose `__init__` loads modules by names it computes may re-export any of their functions.
Every directory and file consulted is noted (`project_classes.note_read`), so a result cache
and the language server know what the answer depends on: a new file changes its directory's
time, an edit its own.
"""

from __future__ import annotations

import ast
import os
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tf2_lsp.analysis.nodes import callee_name
from tf2_lsp.analysis.program.project_classes import MAX_BYTES, find_module, note_read
from tf2_lsp.files.by_modification import ByModification
from tf2_lsp.files.discover import SKIP_DIRS

MAX_FILES = 5_000  # a larger tree is not searched beyond this many files
MAX_FOLDERS = 2_000  # nor beyond this many folders (a module in no package, in a home folder)

ALL = "*"  # a use that may reach every function of the module (the module object handed on)


@dataclass(frozen=True, slots=True)
class Use:
    """A reference to the function `name` of the module (ALL: any of them) at `line` of the
    file `path`; `called`: it is the callee of a call there, not a value handed on;
    `exported_as`: the name under which a package's `__init__` re-exports it (its callers
    import it from the package); `column`: where the reference starts on its line (-1: an
    import statement's re-export), so that a caller can find the call itself."""

    path: str
    line: int
    name: str
    called: bool
    exported_as: str | None = None
    column: int = -1


def project_root(path: str) -> str:
    """The folder holding the topmost package around the module at `path`."""
    root = Path(os.path.abspath(path)).parent
    while (root / "__init__.py").is_file() and root.parent != root:
        root = root.parent
    return str(root)


def uses_elsewhere(path: str, names: frozenset[str]) -> Iterator[Use]:
    """The references other files of the project make to the functions `names` of the
    module at `path` (or to the module object as a whole, as ALL), in path and line order.
    Every file's imports are read first (cheap, and noted); the importers are parsed only as
    far as the caller iterates."""
    callee = os.path.abspath(path)
    files = importing_files(callee)
    package = _loading_package(callee)
    if package is not None and package[0] not in files:
        files = sorted([*files, package[0]])
    for file in files:
        uses = [u for u in _uses_in(file, callee) if u.name in names or u.name == ALL]
        if package is not None and file == package[0]:
            # It may re-export any function of the module: its importers decide, by name.
            uses += [Use(file, package[1], name, False, name) for name in sorted(names)]
            uses.sort(key=lambda u: (u.line, u.name))
        yield from uses


def _loading_package(callee: str) -> tuple[str, int] | None:
    """The `__init__` of the module's package and its line, when it loads modules by names
    it computes (`__import__(name, globals(), locals(), ["*"], 1)` over the package's files,
    as tensorpack's packages re-export their modules' functions)."""
    init = os.path.join(os.path.dirname(callee), "__init__.py")
    if init == callee or not os.path.isfile(init):
        return None
    parsed = _parsed(init)
    return (init, parsed.computed_load) if parsed is not None and parsed.computed_load else None


def importing_files(path: str) -> list[str]:
    """The project's other files whose import statements load the module at `path` (read
    with a pattern, each file noted), in path order."""
    callee = os.path.abspath(path)
    word = module_word(callee)
    files = project_files(project_root(callee))
    return [f for f in files if f != callee and _imports_module(f, callee, word)]


def imported_files(path: str, words: frozenset[str]) -> list[str]:
    """The files the import statements of the file at `path` load, among the modules whose
    last name is one of `words` (only those are looked for on disk)."""
    found = (
        find_module(dotted, level, path)
        for word, loads in _imports(path).items()
        if word in words
        for dotted, level in loads
    )
    return sorted({module for module in found if module is not None})


def module_word(path: str) -> str:
    """The last part of the module's dotted name: what any import of it writes."""
    file = Path(path)
    return file.parent.name if file.name == "__init__.py" else file.stem


# -- the project's files, per directory modification time --------------------------------

_Listing = tuple[tuple[str, ...], tuple[str, ...]]  # (folders searched, Python files)
_LISTINGS: ByModification[_Listing] = ByModification(((), ()), note=note_read)


def project_files(root: str) -> list[str]:
    """The Python files under `root` (absolute paths), skipping what `tf2-lsp check` skips
    (version control, virtual environments, caches), at most MAX_FILES from MAX_FOLDERS
    folders, nearest first."""
    files: list[str] = []
    waiting = deque([root])  # breadth first: the folders nearest the root first
    listed = 0
    while waiting and len(files) < MAX_FILES and listed < MAX_FOLDERS:
        listed += 1
        folders, names = _listing(waiting.popleft())
        files.extend(names)
        waiting.extend(folders)
    return sorted(files[:MAX_FILES])


def _listing(folder: str) -> _Listing:
    return _LISTINGS.get(folder, _listed)


def _listed(folder: str, _info: os.stat_result) -> _Listing:
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
    return tuple(sorted(folders)), tuple(sorted(names))


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


# A module loaded by name: `importlib.import_module("pkg.layers")`, `__import__("pkg.layers")`.
# Only a name written out can be followed (a relative one is relative to the `package`
# argument, not to the file: not followed either).
_DYNAMIC_IMPORT = re.compile(r"""\b(?:import_module|__import__)\(\s*(['"])([A-Za-z_][\w.]*)\1""")
_DYNAMIC_CALLEES = frozenset({"import_module", "__import__"})

# A module a file may import, by the last part of its dotted name: (dotted name, level).
_Targets = dict[str, tuple[tuple[str, int], ...]]
_IMPORTS: ByModification[_Targets] = ByModification({}, note=note_read)


def _imports_module(path: str, callee: str, word: str) -> bool:
    """Whether the file at `path` imports the module at `callee` (whose last name is `word`)
    somewhere: only the imports that write `word` are looked for on disk."""
    return any(
        find_module(dotted, level, path) == callee for dotted, level in _imports(path).get(word, ())
    )


def _imports(path: str) -> _Targets:
    """The modules the file's import statements may load, as its text writes them (read with
    a pattern, not parsed: most files of a project import no given module, and parsing costs
    ten times more)."""
    return _IMPORTS.get(path, _imports_read)


def _imports_read(path: str, info: os.stat_result) -> _Targets:
    targets: dict[str, list[tuple[str, int]]] = {}
    if info.st_size <= MAX_BYTES:
        try:
            text = Path(path).read_bytes().decode("utf-8", errors="replace")
        except OSError:
            text = ""
        for match in _IMPORT.finditer(text):
            for dotted, level in _read_import(match[1], match[2]):
                targets.setdefault(dotted.rpartition(".")[2], []).append((dotted, level))
        if "import_module" in text or "__import__" in text:
            for match in _DYNAMIC_IMPORT.finditer(text):
                targets.setdefault(match[2].rpartition(".")[2], []).append((match[2], 0))
    return {word: tuple(dict.fromkeys(loads)) for word, loads in targets.items()}


def _read_import(source: str | None, written: str) -> list[tuple[str, int]]:
    """`from source import written` or `import written`, as text: the modules it may load
    (`from a import b` loads `a`, and `a.b` when b is a module), each with its level."""
    written = re.sub(r"#[^\n]*", "", written).split(";", 1)[0].replace("\\\n", " ")
    parts = [re.split(r"\s+as\s+", p.strip())[0] for p in written.strip().strip("()").split(",")]
    names = [re.sub(r"\s+", "", p) for p in parts if p.strip()]
    if source is None:
        return [(name, 0) for name in names]
    module = source.lstrip(".")
    level = len(source) - len(module)
    loads = [(module, level)] if module else []
    return loads + [
        (f"{module}.{name}" if module else name, level) for name in names if name != "*"
    ]


# -- where a file refers to the module's functions, per modification time ----------------


@dataclass(frozen=True, slots=True)
class _Bound:
    """A name an import statement binds: `from module import name as local` (module None for
    `import name as local`; `import a.b` binds `a.b` as written, used as a dotted chain)."""

    module: str | None
    level: int
    name: str
    local: str
    line: int


@dataclass(frozen=True, slots=True)
class _Reference:
    """A use of an imported name: `base.attr` (attr None: `base` alone), whether it is
    called, and, for `base` alone, whether it is the base of an attribute."""

    base: str
    attr: str | None
    line: int
    called: bool
    attribute_base: bool = False
    column: int = 0


@dataclass(frozen=True, slots=True)
class _Parsed:
    """What a file's syntax says about its imports, whichever module is asked about."""

    bound: tuple[_Bound, ...]
    references: tuple[_Reference, ...]
    star: tuple[tuple[str, int], ...]  # `from module import *`: (module, level)
    # Modules loaded by name whose object goes where it cannot be followed (used in place,
    # handed on, `__import__`'s top package): (dotted name, line, column).
    dynamic: tuple[tuple[str, int, int], ...] = ()
    computed_load: int = 0  # the first line that loads a module by a name it computes


_PARSED: ByModification[_Parsed | None] = ByModification(None)


def _uses_in(path: str, callee: str) -> list[Use]:
    parsed = _parsed(path)
    return [] if parsed is None else _Resolved(path, callee).uses(parsed)


def _parsed(path: str) -> _Parsed | None:
    return _PARSED.get(path, _parse)


def _parse(path: str, _info: os.stat_result) -> _Parsed | None:
    try:
        return _read(ast.parse(Path(path).read_bytes()))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # a file Python cannot read calls nothing


def _loaded_by_name(node: ast.expr) -> tuple[str, str] | None:
    """(`import_module` or `__import__`, `pkg.layers`) for a call that loads a module by a
    name written out: `importlib.import_module("pkg.layers")`, `__import__("pkg.layers")`;
    (the callee, "") where the name is computed."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    called, first = callee_name(node), node.args[0]
    if called is None or called not in _DYNAMIC_CALLEES:
        return None
    if not isinstance(first, ast.Constant):
        return called, ""
    name = first.value
    return (called, name) if isinstance(name, str) and name[:1].isidentifier() else None


def _read(tree: ast.Module) -> _Parsed:
    bound: list[_Bound] = []
    star: list[tuple[str, int]] = []
    dynamic: list[tuple[str, int, int]] = []
    computed: list[int] = []
    named: set[int] = set()  # the `import_module` calls bound to a name
    for node in ast.walk(tree):  # breadth first: an assignment comes before its value
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, loaded = node.targets[0], _loaded_by_name(node.value)
            by_name = loaded is not None and loaded[0] == "import_module" and loaded[1]
            if isinstance(target, ast.Name) and loaded is not None and by_name:
                # `m = importlib.import_module("a.b")` binds what `import a.b as m` binds.
                bound.append(_Bound(None, 0, loaded[1], target.id, node.lineno))
                named.add(id(node.value))
        elif isinstance(node, ast.Call) and id(node) not in named:
            loaded = _loaded_by_name(node)
            if loaded is not None and loaded[1]:
                dynamic.append((loaded[1], node.lineno, node.col_offset))
            elif loaded is not None:
                computed.append(node.lineno)
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name
                bound.append(_Bound(None, 0, alias.name, local, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    star.append((node.module or "", node.level))
                else:
                    local = alias.asname or alias.name
                    bound.append(
                        _Bound(node.module or "", node.level, alias.name, local, node.lineno)
                    )
    roots = {b.local.partition(".")[0] for b in bound}
    references: list[_Reference] = []
    waiting: list[tuple[ast.AST, ast.AST | None]] = [(tree, None)]
    while waiting:
        node, parent = waiting.pop()
        called = isinstance(parent, ast.Call) and parent.func is node
        if isinstance(node, ast.Attribute):
            base = _dotted(node.value)
            if base is not None and base.partition(".")[0] in roots:
                references.append(
                    _Reference(base, node.attr, node.lineno, called, column=node.col_offset)
                )
        elif (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and (star or node.id in roots)
        ):
            is_base = isinstance(parent, ast.Attribute) and parent.value is node
            references.append(
                _Reference(node.id, None, node.lineno, called, is_base, node.col_offset)
            )
        waiting.extend((child, node) for child in ast.iter_child_nodes(node))
    references.sort(key=lambda r: r.line)
    return _Parsed(
        tuple(bound), tuple(references), tuple(star), tuple(dynamic), min(computed, default=0)
    )


class _Resolved:
    """How one file names the module at `callee`, and where it uses those names."""

    def __init__(self, path: str, callee: str) -> None:
        self.path = path
        self.callee = callee
        self.word = module_word(callee)

    def _is_callee(self, dotted: str, level: int) -> bool:
        # Only a name ending with the module's own is looked for on disk.
        return dotted.rpartition(".")[2] == self.word and (
            find_module(dotted, level, self.path) == self.callee
        )

    def uses(self, parsed: _Parsed) -> list[Use]:
        """The file's references to the module's functions (a package's `__init__` that
        imports one re-exports it), in line order."""
        modules: set[str] = set()  # names or dotted chains bound to the module
        functions: dict[str, str] = {}  # local name -> the module's function
        uses: list[Use] = []
        for bound in parsed.bound:
            if bound.module is None:  # `import a.b [as c]`
                if self._is_callee(bound.name, 0):
                    modules.add(bound.local)
                continue
            whole = f"{bound.module}.{bound.name}" if bound.module else bound.name
            if self._is_callee(whole, bound.level):  # `from a import b`, b the module
                modules.add(bound.local)
            elif bound.module and self._is_callee(bound.module, bound.level):
                functions[bound.local] = bound.name
                if os.path.basename(self.path) == "__init__.py":
                    uses.append(Use(self.path, bound.line, bound.name, False, bound.local))
        for dotted, line, column in parsed.dynamic:
            if self._is_callee(dotted, 0):
                uses.append(Use(self.path, line, ALL, False, column=column))  # handed on
        star = any(module and self._is_callee(module, level) for module, level in parsed.star)
        if not (modules or functions or star):
            return sorted(uses, key=lambda u: (u.line, u.name))
        for reference in parsed.references:
            use = self._use(reference, modules, functions, star)
            if use is not None:
                uses.append(use)
        return sorted(uses, key=lambda u: (u.line, u.name))

    def _use(
        self, reference: _Reference, modules: set[str], functions: dict[str, str], star: bool
    ) -> Use | None:
        line, called, column = reference.line, reference.called, reference.column
        if reference.attr is not None:
            if reference.base in modules:
                return Use(self.path, line, reference.attr, called, column=column)
            return None
        name = reference.base
        if name in functions:
            return Use(self.path, line, functions[name], called, column=column)
        if name in modules and not reference.attribute_base:
            return Use(self.path, line, ALL, False, column=column)  # the module handed on
        if star and name not in modules:
            return Use(self.path, line, name, called, column=column)
        return None


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        prefix = _dotted(node.value)
        return None if prefix is None else f"{prefix}.{node.attr}"
    return None
