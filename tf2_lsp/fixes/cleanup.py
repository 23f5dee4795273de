"""After fixes: remove contrib imports and aliases that nothing uses any more.

`tfe = tf.contrib.eager` stays behind once every `tfe.defun` became `tf.function`, and
`from tensorflow.contrib.layers import l1_regularizer` once its calls became a penalty
lambda; both still fail at import in TF2 (there is no `tf.contrib`), so the module would not
load. A contrib import whose own fix renamed it in the same run (`from tensorflow.contrib
import layers` -> `from tf_slim import layers`) goes too once nothing reads it, or the file
would depend on tf_slim for nothing; so does an import the fixes added only for such a
statement (`import tf_slim as slim` for `layers = slim.layers`). Only module-level statements
are touched, and only when no name they bind is read anywhere in the module (or listed in
`__all__`).
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping

from tf2_lsp.fixes.edits import LineEdit
from tf2_lsp.text import split_lines

_CONTRIB = "tensorflow.contrib"


def unused_contrib_edits(
    source: str,
    bindings: Mapping[str, str],
    was_contrib: Collection[str] = (),
    existed: Collection[str] | None = None,
) -> list[LineEdit]:
    """Line edits that delete unused contrib aliases and imports.

    `bindings` maps the module's TensorFlow names to what they mean now
    (Detection.module_bindings); `was_contrib` names the module-level names bound to contrib
    and read before the fixes ran, and `existed` every module-level name bound then (None:
    unknown),
    so that a statement the fixes renamed or added can be told apart from the user's own."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return []
    lines = split_lines(source)  # numbered as `ast` numbers them
    candidates = [s for s in tree.body if _alone(lines, s)]
    trimmed: dict[int, list[str]] = {}  # id(statement) -> the names it keeps ([]: dropped)
    while True:  # dropping an alias can leave the import it read unused: repeat until stable
        used = _read_names(tree, {i for i, kept in trimmed.items() if not kept})
        changed = False
        for statement in candidates:
            kept = _kept_names(statement, used, bindings, was_contrib, existed)
            if kept is not None and trimmed.get(id(statement)) != kept:
                trimmed[id(statement)] = kept
                changed = True
        if not changed:
            break
    edits: list[LineEdit] = []
    for statement in candidates:
        kept = trimmed.get(id(statement))
        if kept is None:
            continue
        first, last = statement.lineno, statement.end_lineno or statement.lineno
        if not kept:
            edits.append(LineEdit(first, last, ()))
        elif isinstance(statement, ast.ImportFrom):
            indent = lines[first - 1][: statement.col_offset]
            line = f"{indent}from {statement.module} import {', '.join(kept)}"
            edits.append(LineEdit(first, last, (line,)))
    return edits


def _kept_names(
    statement: ast.stmt,
    used: set[str],
    bindings: Mapping[str, str],
    was_contrib: Collection[str],
    existed: Collection[str] | None,
) -> list[str] | None:
    """The names (as written) a removable statement keeps; [] to drop it; None to leave it."""

    def removable(local: str) -> bool:
        """Unused now, and read as contrib before the fixes or bound only by them. A name the
        module never read is left alone: the fixes did not make it unused, and another module
        may import it (its own finding still says that it fails)."""
        if local in used:
            return False
        added = existed is not None and local not in existed
        return local in was_contrib or added

    if isinstance(statement, ast.Assign):
        target = statement.targets[0] if len(statement.targets) == 1 else None
        if not isinstance(target, ast.Name) or not _is_dotted(statement.value):
            return None
        contrib = _is_contrib_alias(statement, bindings) or target.id in was_contrib
        return [] if contrib and removable(target.id) else None
    if isinstance(statement, ast.ImportFrom | ast.Import):
        aliases = statement.names
        if any(a.name == "*" for a in aliases):
            return None
        kept = [a for a in aliases if not removable(_local(a))]
        if len(kept) == len(aliases):
            return None
        if kept and isinstance(statement, ast.Import):
            return None  # `import a, b` with one still read: left as it is
        return [a.name + (f" as {a.asname}" if a.asname else "") for a in kept]
    return None


def _local(alias: ast.alias) -> str:
    return alias.asname or alias.name.split(".", 1)[0]


def _is_dotted(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def names_read(source: str) -> set[str]:
    """Every name the module's code reads (empty when it does not parse)."""
    try:
        return _read_names(ast.parse(source), set())
    except (SyntaxError, ValueError, RecursionError):
        return set()


def _read_names(tree: ast.Module, dropped: set[int]) -> set[str]:
    used: set[str] = set()
    for statement in tree.body:
        if id(statement) in dropped:
            continue
        used.update(
            n.id
            for n in ast.walk(statement)
            if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store)
        )
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


def _alone(lines: list[str], statement: ast.stmt) -> bool:
    """The statement has its lines to itself (no `a = 1; b = 2`)."""
    first, last = statement.lineno, statement.end_lineno or statement.lineno
    before = lines[first - 1][: statement.col_offset]
    after = lines[last - 1][statement.end_col_offset or 0 :]
    return not before.strip() and (not after.strip() or after.strip().startswith("#"))
