"""A model function's calls: where the project calls it, and whether TF1 gave each call the
same variables, so that one Keras layer instance (TF934, TF938) keeps the program's meaning.

TF1 found a model function's variables by name. A name fixed by the code (`get_variable("w")`,
a literal `variable_scope("tower")`, a scope named by an argument, a `tf.layers` call inside
one) meant: the same variables again where the scope allowed reuse (`tf.AUTO_REUSE`, a
`reuse=True` call), an error ("Variable tower/w already exists") where it did not, unless the
calls ran in separate graphs. A layer instance keeps that: the shim (TF938) looks variables up
by the same names and reuses them, and the native form (TF934) creates them once. A name TF1
numbered at each call (`dense`, then `dense_1`, for a `tf.layers` call without a name outside
any variable scope; `tower`, then `tower_1`, for `variable_scope(None, default_name="tower")`)
gave every call a new set of variables, and no one instance does: the shim, measured, makes a
new set at each of its calls (every training step), the native form shares one. Such a function
keeps its form, and the finding names its calls.

The calls are read from the module (`module_sites`) and from the project's modules that
import it (`importer_sites`, found by `program.importers` and parsed with `ast` per
modification time); nothing is imported or run.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tf2_lsp.analysis.program import call_arguments, importers
from tf2_lsp.analysis.program.project_classes import MAX_BYTES
from tf2_lsp.files.by_modification import ByModification

_SCOPE = "tensorflow.variable_scope"
_LAYERS = "tensorflow.layers."
# `tf.layers` functions and classes that create no variable: their numbered names name no
# checkpoint key, whatever the calls.
_STATELESS = ("flatten", "pool", "dropout")
_REPEATING = (ast.For, ast.AsyncFor, ast.While, ast.comprehension)
MAX_DEPTH = 8  # module functions followed into, one inside another

# Canonical TensorFlow name of an expression, or None when it names none.
Resolve = Callable[[ast.expr], "str | None"]


@dataclass(frozen=True, slots=True)
class CallSite:
    """A call of the model function: `where` it is, as a finding says it ("line 12",
    "`train.py` line 3"), the call itself, and whether it runs `repeated`ly (in a loop or a
    comprehension)."""

    where: str
    call: ast.Call
    repeated: bool

    def described(self) -> str:
        return f"{self.where} in a loop" if self.repeated else self.where


def module_sites(body: Sequence[ast.stmt], names: Iterable[str]) -> dict[str, list[CallSite]]:
    """The calls of the module's functions `names` in the module (each one's own body aside),
    found in one walk."""
    wanted = frozenset(names)
    sites: dict[str, list[CallSite]] = {}
    for statement in body:
        own = statement.name if isinstance(statement, ast.FunctionDef) else None
        picked = _named(wanted - {own} if own else wanted)
        for site in _calls(statement, picked, ""):
            if isinstance(site.call.func, ast.Name):  # as `picked` chose it
                sites.setdefault(site.call.func.id, []).append(site)
    return sites


def importer_sites(path: str, names: Iterable[str], root: str) -> dict[str, list[CallSite]]:
    """The calls of the module's functions `names` in the project's other modules (`path`:
    the module's file; `root`: what the sites' paths are written relative to). A use other
    than a call (handed on, re-exported) is judged by `analysis.callers`, not here."""
    wanted = frozenset(names)
    if not path or not wanted:
        return {}
    called: dict[str, dict[tuple[int, int], str]] = {}  # file -> position -> function
    for use in importers.uses_elsewhere(path, wanted):
        if use.called and use.name in wanted:
            called.setdefault(use.path, {})[(use.line, use.column)] = use.name
    sites: dict[str, list[CallSite]] = {}
    for file, positions in called.items():
        tree = _tree(file)
        if tree is None:
            continue
        shown = f"`{Path(os.path.relpath(file, root)).as_posix()}` "
        for site in _calls(tree, _at(frozenset(positions)), shown):
            sites.setdefault(positions[_position(site.call.func)], []).append(site)
    return sites


class ProjectCalls:
    """The calls of a module's model functions, in the module and (with `path`, the
    module's file) in the project's other modules, read once and only when asked."""

    def __init__(
        self,
        body: Sequence[ast.stmt],
        functions: Mapping[str, ast.FunctionDef],
        resolve: Resolve,
        path: str = "",
        models: Iterable[str] | None = None,
        lines: Sequence[str] = (),
    ) -> None:
        self.body = body
        self.functions = functions
        self.resolve = resolve
        self.path = path
        # The functions whose calls are asked about (default: every function).
        self.models = frozenset(functions if models is None else models)
        self.lines = lines  # the module's text, when known: a name written once has no call
        self.numbering = _Numbering(functions, resolve)
        self._here: dict[str, list[CallSite]] | None = None
        self._elsewhere: dict[str, list[CallSite]] | None = None

    def sites(self, name: str) -> list[CallSite]:
        if self._here is None:
            # Walking the module costs more than the rest: only for names written twice.
            written = [n for n in self.models if not self.lines or _called_in_text(n, self.lines)]
            self._here = module_sites(self.body, written) if written else {}
        return [*self._here.get(name, []), *self._elsewhere_sites(name)]

    def _elsewhere_sites(self, name: str) -> list[CallSite]:
        if not self.path:
            return []
        if self._elsewhere is None:
            root = importers.project_root(self.path)
            self._elsewhere = importer_sites(self.path, self.models, root)
        return self._elsewhere.get(name, [])

    def refusals(self, names: Iterable[str]) -> dict[str, str]:
        """Why each of the functions `names` keeps its form for its calls (absent: it may
        become one layer instance)."""
        reasons: dict[str, str] = {}
        for name in names:
            function = self.functions[name]
            sites = self.sites(name)
            counted = self.numbering.first(function, sites, inside=False, depth=0)
            if counted is not None:
                reasons[name] = refusal(counted, sites)
        return reasons

    def keras3_problem(self, name: str) -> str | None:
        """Why a call of the function would break once it is a Keras 3 layer (the native
        form, TF934): it passes a value that is no tensor by position (Keras 3 takes only
        tensors so; `tower(b, True)` for `reuse`)."""
        function = self.functions[name]
        positional = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
        for site in self.sites(name):
            for index, argument in enumerate(site.call.args[1:], start=1):
                if isinstance(argument, ast.Starred) or _not_tensor(argument):
                    shown = positional[index] if index < len(positional) else "an argument"
                    return (
                        f"{site.where} passes `{shown}` by position, and a Keras 3 layer takes"
                        f" only tensors so: pass it as `{shown}=`"
                    )
        return None

    def note(self, name: str) -> str:
        """What a user should know about the calls the one layer instance serves ("": none)."""
        function = self.functions[name]
        unshared = unshared_calls(function, self.resolve, self.sites(name))
        return unshared_note(unshared) if unshared else ""


def counter_named(
    function: ast.FunctionDef,
    functions: Mapping[str, ast.FunctionDef],
    resolve: Resolve,
    sites: Sequence[CallSite],
) -> str | None:
    """The first variable-creating code of `function` whose name TF1 numbered at each call,
    described ("`tf.layers.dense` without a name outside a named variable scope, line 5"),
    or None when every name is fixed by the code and the arguments. `functions`: the
    module's functions by name (followed where the function calls them); `sites`: its calls,
    whose arguments may name its scope."""
    return _Numbering(functions, resolve).first(function, sites, inside=False, depth=0)


def refusal(counted: str, sites: Sequence[CallSite]) -> str:
    """Why a function whose variables TF1 numbered per call (`counted`) keeps its form."""
    called = f", and it is called at {_listed([s.described() for s in sites])}" if sites else ""
    return (
        f"each call made a new set of variables in TF1 ({counted}){called}; one Keras layer"
        " instance would share one set among those calls, or, as the shim does, make a new"
        " set at each of its calls (every training step); give the variables fixed names"
        " (`name=`, a literal `variable_scope`) first"
    )


def unshared_calls(
    function: ast.FunctionDef, resolve: Resolve, sites: Sequence[CallSite]
) -> list[CallSite]:
    """The calls that open the function's variable scope without reuse, when it runs more
    than once so: in one graph TF1 raised "Variable ... already exists" at the second, so
    those calls ran in separate graphs, each with its own copy of the same variables (empty
    when TF1 reused them, or the function runs once)."""
    scope = _top_scope(function, resolve)
    if scope is None:
        return []
    reuse = next((k.value for k in scope.keywords if k.arg == "reuse"), None)
    if reuse is None or _is_false(reuse):
        fresh = list(sites)
    elif isinstance(reuse, ast.Name) and reuse.id in call_arguments.parameters(function):
        passed = [(site, call_arguments.argument(function, reuse.id, site.call)) for site in sites]
        fresh = [
            site
            for site, value in passed
            if value is not call_arguments.UNKNOWN and (value is None or _is_false(value))
        ]
    else:
        return []  # tf.AUTO_REUSE, True, or a value known only at run time
    if len(fresh) > 1 or any(site.repeated for site in fresh):
        return fresh
    return []


def unshared_note(calls: Sequence[CallSite]) -> str:
    """What the one layer instance does with the calls `unshared_calls` found."""
    return (
        f"called without `reuse` at {_listed([site.described() for site in calls])}: in one"
        ' graph TF1 raised "Variable ... already exists" at the second, so these calls can'
        " only have run in separate graphs, each with its own copy of the variables; the one"
        " layer instance shares one set among them"
    )


# -- reading the calls -------------------------------------------------------------------

_TREES: ByModification[ast.Module | None] = ByModification(None)


def _tree(path: str) -> ast.Module | None:
    def read(path: str, info: os.stat_result) -> ast.Module | None:
        if info.st_size > MAX_BYTES:
            return None
        try:
            return ast.parse(Path(path).read_bytes())
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
            return None

    return _TREES.get(path, read)


def _calls(root: ast.AST, wanted: Callable[[ast.Call], bool], prefix: str) -> list[CallSite]:
    """The calls under `root` that `wanted` picks, each marked repeated when a loop or a
    comprehension around it (within its function) runs it more than once."""
    if not any(isinstance(node, ast.Call) and wanted(node) for node in ast.walk(root)):
        return []  # the usual case, found at half the cost of the walk below
    found: list[CallSite] = []
    waiting: list[tuple[ast.AST, bool]] = [(root, False)]
    while waiting:
        node, repeated = waiting.pop()
        if isinstance(node, ast.Call) and wanted(node):
            found.append(CallSite(f"{prefix}line {node.lineno}", node, repeated))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            repeated = False  # a function's body runs when it is called, not per iteration
        inner = repeated or isinstance(node, (*_REPEATING, ast.ListComp, ast.SetComp))
        inner = inner or isinstance(node, (ast.DictComp, ast.GeneratorExp))
        for child in ast.iter_child_nodes(node):
            # A `for` loop's iterable is evaluated once; its body and target per item.
            once = isinstance(node, (ast.For, ast.AsyncFor)) and child is node.iter
            waiting.append((child, repeated if once else inner))
    return sorted(found, key=lambda site: _position(site.call))


def _not_tensor(value: ast.expr) -> bool:
    """A value no tensor can be: a literal, a comparison, `not`, `and`/`or`, `AUTO_REUSE`."""
    if isinstance(value, ast.Attribute) and value.attr == "AUTO_REUSE":
        return True
    return isinstance(value, (ast.Constant, ast.Compare, ast.BoolOp)) or (
        isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not)
    )


def _called_in_text(name: str, lines: Sequence[str]) -> bool:
    """Whether the text writes `name(` anywhere but its `def`: else there is no call to look
    for (a call written `name\n(x)` inside brackets is not seen)."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}\s*\(")
    count = 0
    for line in lines:
        if name in line:
            count += len(pattern.findall(line))
            if count > 1:
                return True
    return False


def _at(positions: frozenset[tuple[int, int]]) -> Callable[[ast.Call], bool]:
    """Picks the calls whose callee starts at one of `positions`."""

    def wanted(call: ast.Call) -> bool:
        return _position(call.func) in positions

    return wanted


def _position(node: ast.expr) -> tuple[int, int]:
    return node.lineno, node.col_offset


def _named(names: frozenset[str]) -> Callable[[ast.Call], bool]:
    """Picks the calls of one of the module's functions `names`, by its own name."""

    def wanted(call: ast.Call) -> bool:
        return isinstance(call.func, ast.Name) and call.func.id in names

    return wanted


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# -- how TF1 named the variables ---------------------------------------------------------

# The first and last positions of a named scope's body.
_Region = tuple[tuple[int, int], tuple[int, int]]


class _Numbering:
    """Walks a model function (and the module functions it calls) for a variable name TF1
    numbered per call."""

    def __init__(self, functions: Mapping[str, ast.FunctionDef], resolve: Resolve) -> None:
        self.functions = functions
        self.resolve = resolve
        # Per function: its calls that may name variables, in order, and its named scopes'
        # bodies (helpers run from many places are walked once).
        self._walked: dict[int, tuple[list[ast.Call], list[_Region]]] = {}

    def first(
        self, function: ast.FunctionDef, sites: Sequence[CallSite], inside: bool, depth: int
    ) -> str | None:
        calls, scoped = self._walk(function)
        for call in calls:
            at = _position(call)
            within = inside or any(first <= at <= last for first, last in scoped)
            found = self._numbered(call, function, sites, within, depth)
            if found:
                return found
        return None

    def _walk(self, function: ast.FunctionDef) -> tuple[list[ast.Call], list[_Region]]:
        walked = self._walked.get(id(function))
        if walked is None:
            calls: list[ast.Call] = []
            scoped: list[_Region] = []
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and self._may_name(node):
                    calls.append(node)
                elif isinstance(node, (ast.With, ast.AsyncWith)) and any(
                    self._is_scope(item.context_expr) for item in node.items
                ):
                    last = node.body[-1]
                    end = (last.end_lineno or last.lineno, last.end_col_offset or 0)
                    scoped.append(((node.body[0].lineno, node.body[0].col_offset), end))
            walked = self._walked[id(function)] = (sorted(calls, key=_position), scoped)
        return walked

    def _may_name(self, call: ast.Call) -> bool:
        """A call of a module function, a variable scope or a `tf.layers` layer."""
        if isinstance(call.func, ast.Name) and call.func.id in self.functions:
            return True
        name = self.resolve(call.func)
        return name is not None and (name == _SCOPE or name.startswith(_LAYERS))

    def _is_scope(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Call) and self.resolve(node.func) == _SCOPE

    def _numbered(
        self,
        call: ast.Call,
        function: ast.FunctionDef,
        sites: Sequence[CallSite],
        inside: bool,
        depth: int,
    ) -> str | None:
        if isinstance(call.func, ast.Name) and call.func.id in self.functions:
            called = self.functions[call.func.id]
            if called is function or depth >= MAX_DEPTH:
                return None
            # Its arguments are this call's: the call is its only site seen from here.
            site = CallSite(f"line {call.lineno}", call, False)
            return self.first(called, [site], inside, depth + 1)
        name = self.resolve(call.func)
        if name == _SCOPE:
            given = call.args[0] if call.args else _keyword(call, "name_or_scope")
            if _may_be_none(given, function, sites):
                default = _keyword(call, "default_name")
                base = "scope"
                if isinstance(default, ast.Constant) and isinstance(default.value, str):
                    base = default.value
                return (
                    f"`variable_scope` with no name of its own, line {call.lineno}:"
                    f" `{base}`, then `{base}_1`"
                )
            return None
        if (
            name is not None
            and name.startswith(_LAYERS)
            and not any(part in name.rsplit(".", 1)[1].lower() for part in _STATELESS)
            and not inside
            and _may_be_none(_keyword(call, "name"), function, sites)
        ):
            shown = name.removeprefix("tensorflow.")
            base = _layer_base(shown.rsplit(".", 1)[1])
            return (
                f"`tf.{shown}` without a name outside a named variable scope, line"
                f" {call.lineno}: `{base}`, then `{base}_1`"
            )
        return None


def _layer_base(function: str) -> str:
    """The name TF1 numbered a layer under: the function's (`dense`) or, for a class
    (`Dense`, `Conv2D`), its name in snake case (`conv2d`)."""
    if function[:1].islower():
        return function
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in function).lstrip("_")
    return snake.replace("_2_d", "2d").replace("_1_d", "1d").replace("_3_d", "3d")


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _may_be_none(
    value: ast.expr | None, function: ast.FunctionDef, sites: Sequence[CallSite]
) -> bool:
    """Whether a name given as `value` is None at one of the calls: absent or a literal
    None, or a parameter of `function` that a call leaves at a None default or passes None."""
    if value is None or (isinstance(value, ast.Constant) and value.value is None):
        return True
    if isinstance(value, ast.Name) and value.id in call_arguments.parameters(function):
        for site in sites:
            given = call_arguments.argument(function, value.id, site.call)
            if given is None or (isinstance(given, ast.Constant) and given.value is None):
                return True
        if not sites:  # no call seen: the default decides
            given = call_arguments.default(function, value.id)
            return isinstance(given, ast.Constant) and given.value is None
    return False


def _is_false(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value in (False, None)


def _top_scope(function: ast.FunctionDef, resolve: Resolve) -> ast.Call | None:
    """The literal-named `variable_scope` that holds the function's whole body, if any."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # its docstring
    if len(body) != 1 or not isinstance(body[0], ast.With) or len(body[0].items) != 1:
        return None
    scope = body[0].items[0].context_expr
    if not (isinstance(scope, ast.Call) and resolve(scope.func) == _SCOPE and scope.args):
        return None
    named = scope.args[0]
    return scope if isinstance(named, ast.Constant) and isinstance(named.value, str) else None
