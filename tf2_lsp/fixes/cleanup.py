"""After fixes: remove contrib imports and aliases that nothing uses any more.

`tfe = tf.contrib.eager` stays behind once every `tfe.defun` became `tf.function`, and
`from tensorflow.contrib.layers import l1_regularizer` once its calls became a penalty
lambda; both still fail at import in TF2 (there is no `tf.contrib`), so the module would not
load. Only module-level statements are touched, only contrib ones, and only when no name they
bind is read anywhere in the module (or listed in `__all__`).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from tf2_lsp.fixes.edits import LineEdit
from tf2_lsp.text import split_lines

_CONTRIB = "tensorflow.contrib"


def unused_contrib_edits(source: str, bindings: Mapping[str, str]) -> list[LineEdit]:
    """Line edits that delete unused contrib aliases and imports; `bindings` maps the module's
    TensorFlow names to what they mean (Detection.module_bindings)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return []
    used = _read_names(tree)
    lines = split_lines(source)  # numbered as `ast` numbers them
    edits: list[LineEdit] = []
    for statement in tree.body:
        first, last = statement.lineno, statement.end_lineno or statement.lineno
        if not _alone(lines, statement):
            continue
        if isinstance(statement, ast.Assign) and _is_contrib_alias(statement, bindings):
            target = statement.targets[0]
            if isinstance(target, ast.Name) and target.id not in used:
                edits.append(LineEdit(first, last, ()))
        elif isinstance(statement, ast.ImportFrom) and _is_contrib_import(statement):
            kept = [a for a in statement.names if (a.asname or a.name) in used]
            if not kept:
                edits.append(LineEdit(first, last, ()))
            elif len(kept) < len(statement.names):
                indent = lines[first - 1][: statement.col_offset]
                names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in kept)
                line = f"{indent}from {statement.module} import {names}"
                edits.append(LineEdit(first, last, (line,)))
    return edits


def _read_names(tree: ast.Module) -> set[str]:
    used = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store)
    }
    for statement in tree.body:
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in statement.targets)
            and isinstance(statement.value, (ast.List, ast.Tuple))
        ):
            used.update(
                e.value
                for e in statement.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            )
    return used


def _is_contrib_alias(statement: ast.Assign, bindings: Mapping[str, str]) -> bool:
    if len(statement.targets) != 1:
        return False
    parts: list[str] = []
    node: ast.expr = statement.value
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in bindings:
        return False
    qualified = ".".join([bindings[node.id], *reversed(parts)])
    qualified = qualified.replace("tensorflow.compat.v1.", "tensorflow.", 1)
    return qualified == _CONTRIB or qualified.startswith(_CONTRIB + ".")


def _is_contrib_import(statement: ast.ImportFrom) -> bool:
    module = statement.module or ""
    return statement.level == 0 and (module == _CONTRIB or module.startswith(_CONTRIB + "."))


def _alone(lines: list[str], statement: ast.stmt) -> bool:
    """The statement has its lines to itself (no `a = 1; b = 2`)."""
    first, last = statement.lineno, statement.end_lineno or statement.lineno
    before = lines[first - 1][: statement.col_offset]
    after = lines[last - 1][statement.end_col_offset or 0 :]
    return not before.strip() and (not after.strip() or after.strip().startswith("#"))
