"""Which names mean TensorFlow: imports in any form, aliases, and Python's scoping rules.

A name means TensorFlow only through an import (`import tensorflow as tf1`,
`from tensorflow.contrib import slim`, ...) or an alias of such a name (`slim = tf.contrib.slim`).
Anything else that binds the same name in a scope - a parameter, an assignment, a loop
variable - shadows it there, so `def f(tf): tf.Session()` is never TensorFlow.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Literal

ScopeKind = Literal["module", "class", "function", "comprehension"]

TF_ROOT = "tensorflow"
COMPAT_V1 = "tensorflow.compat.v1"
COMPAT_V2 = "tensorflow.compat.v2"


@dataclass(frozen=True, slots=True)
class Binding:
    """What a name is bound to. `qualified` is None when the name is not TensorFlow."""

    qualified: str | None
    # The statement that bound it is itself reported with a prefix rule (e.g. the
    # `from tensorflow.contrib import slim` import): uses through it are covered there.
    covered: bool = False
    # A type name for values, e.g. "tensorflow.data.Dataset" for `ds = tf.data.Dataset.range(3)`.
    value_type: str | None = None


NOT_TF = Binding(None)


@dataclass(slots=True)
class Scope:
    kind: ScopeKind
    parent: Scope | None
    names: dict[str, Binding] = field(default_factory=dict)
    explicit_global: set[str] = field(default_factory=set)

    def lookup(self, name: str) -> Binding | None:
        scope: Scope | None = self
        first = True
        while scope is not None:
            if name in scope.explicit_global:
                return self.module().names.get(name)
            # Class bodies are not visible from the functions nested in them.
            if (first or scope.kind != "class") and name in scope.names:
                return scope.names[name]
            first = False
            scope = scope.parent
        return None

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


def canonical(qualified: str) -> tuple[str, bool]:
    """Map `tensorflow.compat.v1.X` to `tensorflow.X`; the flag says it came through compat.v1."""
    if qualified == COMPAT_V1:
        return TF_ROOT, True
    if qualified.startswith(COMPAT_V1 + "."):
        return TF_ROOT + qualified[len(COMPAT_V1) :], True
    return qualified, False


def is_tensorflow(qualified: str) -> bool:
    return qualified == TF_ROOT or qualified.startswith(TF_ROOT + ".")


def is_tf2_namespace(qualified: str) -> bool:
    return qualified == COMPAT_V2 or qualified.startswith(COMPAT_V2 + ".")


def import_bindings(node: ast.Import | ast.ImportFrom) -> list[tuple[str, str | None, str]]:
    """(local name, qualified name or None, imported module path) for each alias of an import."""
    bound: list[tuple[str, str | None, str]] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                qualified: str | None = alias.name
                local = alias.asname
            else:
                local = alias.name.split(".", 1)[0]
                qualified = local
            bound.append((local, qualified if is_tensorflow(qualified) else None, alias.name))
        return bound
    module = node.module or ""
    tf_module = node.level == 0 and is_tensorflow(module)
    for alias in node.names:
        if alias.name == "*":
            continue
        local = alias.asname or alias.name
        qualified = f"{module}.{alias.name}" if tf_module else None
        bound.append((local, qualified, module))
    return bound


def target_names(target: ast.expr) -> list[str]:
    """Names bound by an assignment target (`a`, `a, (b, *c)`); attributes bind nothing."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    if isinstance(target, ast.Tuple | ast.List):
        names: list[str] = []
        for element in target.elts:
            names.extend(target_names(element))
        return names
    return []


def function_locals(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> set[str]:
    """Every name a function binds locally (Python decides locality for the whole body)."""
    args = node.args
    names = {
        arg.arg
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
        if arg is not None
    }
    if isinstance(node, ast.Lambda):
        return names
    declared: set[str] = set()
    stack: list[ast.AST] = list(node.body)
    while stack:
        child = stack.pop()
        if isinstance(child, ast.Global | ast.Nonlocal):
            declared.update(child.names)
            continue
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(child.name)
            stack.extend(child.decorator_list)
            continue
        if isinstance(child, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp):
            continue
        if isinstance(child, ast.GeneratorExp):
            continue
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store | ast.Del):
            names.add(child.id)
        elif isinstance(child, ast.Import | ast.ImportFrom):
            names.update(local for local, _, _ in import_bindings(child))
        elif isinstance(child, ast.ExceptHandler) and child.name:
            names.add(child.name)
        elif isinstance(child, ast.MatchAs | ast.MatchStar) and child.name:
            names.add(child.name)
        stack.extend(ast.iter_child_nodes(child))
    return names - declared
