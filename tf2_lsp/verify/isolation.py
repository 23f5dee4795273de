"""What one case leaves behind in the child process (absl flags, Keras's layer numbering) and
the names its module-level code assigns: each case in a shared process starts as if alone."""

from __future__ import annotations

import ast
from typing import Any


def assigned_names(code: str) -> set[str]:
    """The names the module-level statements of `code` assign."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for statement in tree.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = list(statement.targets)
        elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
            targets = [statement.target]
        for target in targets:
            names.update(
                node.id
                for node in ast.walk(target)
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
            )
    return names


def flag_names() -> set[str]:
    """The absl flags defined so far (`tf.compat.v1.flags` is absl's)."""
    try:
        from absl import flags
    except ImportError:
        return set()
    return set(flags.FLAGS)


def forget_flags(before: set[str]) -> None:
    """Flags a case defined: gone, so the next case in this process may define them again
    (absl raises DuplicateFlagError otherwise, and a case's outcome would hang on which cases
    happened to share its process)."""
    if not before and not flag_names():
        return
    from absl import flags

    for name in flag_names() - before:
        delattr(flags.FLAGS, name)


def forget_names(tf: Any, code: str) -> None:
    """Keras numbers layer names per process in eager mode (dense, dense_1, ...): each case
    starts from none, as each TF1 case starts from a new graph. (Keras 3's reset costs ~2 s,
    so only for code that names Keras.)"""
    for module in ("tf_keras", "keras") if "keras" in code else ("tf_keras",):
        try:
            __import__(module).backend.clear_session()
        except Exception:  # not installed, or not loadable under this Keras flavour
            continue
