"""The module's functions and classes that cannot run its model functions.

TF1 graph code elsewhere in a module keeps the model functions as they are: a layer called
from it would lose TF1's variable reuse. Graph code that cannot call them is no such caller:
BERT's `assert_rank` reads `tf.get_variable_scope().name` for an error message, and neither it
nor `get_shape_list`, which calls it, calls `transformer_model`. A function or class can call a
model function only by naming it, or by naming another function or class of the module that
can (the model functions' callers in other modules are judged apart, `analysis/callers.py`).
Statements at the module's top level run on import and are always taken as callers.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

_Unit = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
# What graph code there may use and still keep no model function a function: variable scopes
# and variables of its own. A reader of what the model fills (its collections, its variables:
# `UPDATE_OPS`, `trainable_variables()`) or a Session that could run it counts wherever it is.
APART_STATE = frozenset(
    {
        "tensorflow.variable_scope",
        "tensorflow.get_variable",
        "tensorflow.get_local_variable",
        "tensorflow.get_variable_scope",
        "tensorflow.AUTO_REUSE",
    }
)


def apart_ranges(
    body: Sequence[ast.stmt], models: Sequence[ast.FunctionDef]
) -> list[tuple[int, int]]:
    """Line ranges of the top-level functions and classes (other than `models`) that name no
    model function, directly or through other functions and classes of the module."""
    model_ids = {id(f) for f in models}
    units = [s for s in body if isinstance(s, _Unit) and id(s) not in model_ids]
    named = {unit.name: _names_used(unit) for unit in units}
    reaching = {f.name for f in models}
    changed = True
    while changed:
        changed = False
        for unit in units:
            if unit.name not in reaching and named[unit.name] & reaching:
                reaching.add(unit.name)
                changed = True
    return [
        (_first_line(unit), unit.end_lineno or unit.lineno)
        for unit in units
        if unit.name not in reaching
    ]


def _names_used(unit: _Unit) -> set[str]:
    return {node.id for node in ast.walk(unit) if isinstance(node, ast.Name)}


def _first_line(unit: _Unit) -> int:
    return min([unit.lineno, *(d.lineno for d in unit.decorator_list)])
