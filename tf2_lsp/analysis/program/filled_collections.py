"""The TF1 collections a model function fills, and the readers elsewhere that a layer starves.

A TF1 model function fills the graph's collections as it builds: its variables go to
`GLOBAL_VARIABLES` and `TRAINABLE_VARIABLES`, its layers' penalties to
`REGULARIZATION_LOSSES`, batch normalization's moving-statistics updates to `UPDATE_OPS`. Any
module of the program may read them back (`tf.losses.get_regularization_loss()` in a loss
module that never imports the model). Made a Keras layer and called from TF2 code, the
function fills none of them (measured on TensorFlow 2.21 with the shim form: in eager code
every reader gets nothing; in a `tf.function` the variables are missing and only a reader in
the same trace still sees the penalties), so such a reader would silently compute something
else: the training objective loses its weight decay, a gradient list its variables.

The native form (TF934) also moves batch normalization's updates into the sublayer: a reader
of `UPDATE_OPS` keeps it from that form (the shim still updates the statistics as TF1's
update ops did, measured). This module says which collections each function fills and, given
the reads found in the program's other modules (`analysis.collection_readers`), why each
function must stay a function or take the shim form only.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from tf2_lsp.analysis.names.spelling import through_tensorflow

REGULARIZATION = "REGULARIZATION_LOSSES"
TRAINABLE = "TRAINABLE_VARIABLES"
GLOBAL = "GLOBAL_VARIABLES"
UPDATES = "UPDATE_OPS"
EVERY = frozenset({REGULARIZATION, TRAINABLE, GLOBAL, UPDATES})

# The functions that read a collection (canonical names), beyond `get_collection(KEY)`.
READER_FUNCTIONS: Mapping[str, str] = {
    "tensorflow.losses.get_regularization_loss": REGULARIZATION,
    "tensorflow.losses.get_regularization_losses": REGULARIZATION,
    "tensorflow.losses.get_total_loss": REGULARIZATION,  # adds the penalties by default
    "tensorflow.trainable_variables": TRAINABLE,
    "tensorflow.global_variables": GLOBAL,
    "tensorflow.all_variables": GLOBAL,
}
# The string TF1 stores each collection under (`tf.GraphKeys.X` is the name itself).
KEYS: Mapping[str, str] = {
    "regularization_losses": REGULARIZATION,
    "trainable_variables": TRAINABLE,
    "variables": GLOBAL,
    "update_ops": UPDATES,
}
COLLECTION_GETTERS = frozenset({"tensorflow.get_collection", "tensorflow.get_collection_ref"})
WRITERS = frozenset({"tensorflow.add_to_collection", "tensorflow.add_to_collections"})
# Imported code known to add no penalty unless told by a `*regularizer=` keyword, which is
# then in sight; any other imported function a model function calls may add one.
_NO_HIDDEN_PENALTY = frozenset({*sys.stdlib_module_names, "numpy", "tf_slim", "six"})


@dataclass(frozen=True, slots=True)
class CollectionRead:
    """A read of `collection` at `line` of the module `where` (as the finding shows it:
    relative to the project), through `symbol` (canonical, such as
    tensorflow.losses.get_regularization_loss)."""

    where: str
    line: int
    collection: str
    symbol: str


# The reads, in the program's other modules, of the collections asked for.
ReadersCheck = Callable[[frozenset[str]], Sequence[CollectionRead]]


def filled(
    function: ast.FunctionDef,
    functions: Sequence[ast.FunctionDef],
    foreign: Mapping[str, str | None] | None = None,
) -> frozenset[str]:
    """The collections `function` fills when it runs, counting the module's other
    `functions` it calls (their variables and penalties land in its layer too). `foreign`:
    the module's names bound by imports of other code, with what each imports (None: a
    relative import); a function it calls may add penalties out of sight."""
    found = {TRAINABLE, GLOBAL}  # a model function creates variables
    for node in (n for f in _run_by(function, functions) for n in ast.walk(f)):
        if not isinstance(node, ast.Call):
            continue
        if any(_penalty(keyword) for keyword in node.keywords) or _hidden(node, foreign or {}):
            found.add(REGULARIZATION)
        if "batch_norm" in _callee(node).lower():
            found.add(UPDATES)
    return frozenset(found)


def lost_elsewhere(
    check: ReadersCheck,
    functions: Sequence[ast.FunctionDef],
    every: Sequence[ast.FunctionDef],
    alias: str,
    foreign: Mapping[str, str | None] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """Why each of `functions` must stay a function (first mapping), or may take the shim
    form but not the native one (second), for a reader in another module of the program of
    a collection it would no longer fill. `every`: the module's functions; `alias`: how the
    module spells TensorFlow; `foreign`: as for `filled`."""
    fills = {f.name: filled(f, every, foreign) for f in functions}
    wanted = frozenset(c for collections in fills.values() for c in collections)
    reads = check(wanted) if wanted else []
    stays: dict[str, str] = {}
    native: dict[str, str] = {}
    for name, collections in fills.items():
        for read in reads:
            if read.collection not in collections:
                continue
            if read.collection == UPDATES:
                native.setdefault(name, _updates_reason(read, alias))
            elif name not in stays:
                stays[name] = _reason(read, name, alias)
    return stays, native


def reads_in(uses: Iterable[tuple[str, int]], tree: ast.Module) -> list[tuple[int, str, str]]:
    """The collection reads of a module: (line, collection, canonical symbol), in line order.
    `uses`: the canonical TensorFlow names it uses, with their lines (the walker's)."""
    uses = list(uses)
    writing = {line for name, line in uses if name in WRITERS}
    getters = {line for name, line in uses if name in COLLECTION_GETTERS}
    without = _without_penalties(tree) if any(n == _TOTAL for n, _ in uses) else set()
    found: set[tuple[int, str, str]] = set()
    for name, line in uses:
        if name in READER_FUNCTIONS and not (name == _TOTAL and line in without):
            found.add((line, READER_FUNCTIONS[name], name))
        key = name.removeprefix("tensorflow.GraphKeys.")
        if key in EVERY and line not in writing:
            found.add((line, key, name))
    if getters:  # `tf.get_collection("regularization_losses")`: the key as a string
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.lineno in getters:
                key_node = node.args[0] if node.args else None
                written = key_node.value if isinstance(key_node, ast.Constant) else None
                if isinstance(written, str) and written in KEYS:
                    found.add((node.lineno, KEYS[written], "tensorflow.get_collection"))
    return sorted(found)


_TOTAL = "tensorflow.losses.get_total_loss"


def _without_penalties(tree: ast.Module) -> set[int]:
    """The lines of `get_total_loss(add_regularization_losses=False)` calls (or `(False)`),
    which leave the penalties out."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _callee(node) == "get_total_loss":
            given = [k.value for k in node.keywords if k.arg == "add_regularization_losses"]
            flags = given or node.args[:1]
            if flags and isinstance(flags[0], ast.Constant) and flags[0].value is False:
                lines.add(node.lineno)
    return lines


def _reason(read: CollectionRead, name: str, alias: str) -> str:
    where = f"`{read.where}` line {read.line}"
    shown = _spelled(read.symbol, alias)
    if read.collection == REGULARIZATION:
        return (
            f"{where} reads `{REGULARIZATION}` (`{shown}`) in the same program, and a layer's"
            " penalties no longer reach that collection in TF2 code (they go to the layer's"
            " `losses`): that objective would silently lose its weight decay; `tf2-lsp fix`"
            " on a tree holding both files rewrites a whole-collection reader to read"
            f" `tf.add_n({name}.losses)` with this function, or move that reader by hand"
        )
    return (
        f"{where} reads `{read.collection}` (`{shown}`) in the same program, which TF2 code"
        " leaves empty: the layer's variables are its own (`"
        f"{name}.trainable_variables`, `{name}.variables`); read them there, in TF2 code, first"
    )


def _updates_reason(read: CollectionRead, alias: str) -> str:
    return (
        f"`{read.where}` line {read.line} reads `{UPDATES}` (`{_spelled(read.symbol, alias)}`),"
        " where TF1's batch normalization left its moving-statistics updates; a Keras"
        " sublayer puts nothing there (it updates them itself when called with"
        " `training=True`), so that training code must move to TF2 first"
    )


def _spelled(symbol: str, alias: str) -> str:
    return through_tensorflow("tensorflow.compat.v1." + symbol.removeprefix("tensorflow."), alias)


def _penalty(keyword: ast.keyword) -> bool:
    given = not (isinstance(keyword.value, ast.Constant) and keyword.value.value is None)
    return keyword.arg is not None and keyword.arg.endswith("regularizer") and given


def _hidden(call: ast.Call, foreign: Mapping[str, str | None]) -> bool:
    """Whether `call` runs imported code that may add a penalty (`blocks.dense(x)` from the
    project's own `blocks`, whose `kernel_regularizer=` this module cannot see)."""
    func = call.func
    while isinstance(func, ast.Attribute):
        func = func.value
    if not isinstance(func, ast.Name) or func.id not in foreign:
        return False
    imported = foreign[func.id]
    return imported is None or imported.partition(".")[0] not in _NO_HIDDEN_PENALTY


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _run_by(
    function: ast.FunctionDef, functions: Sequence[ast.FunctionDef]
) -> list[ast.FunctionDef]:
    """`function` and the module's functions it calls, directly or through each other."""
    by_name = {f.name: f for f in functions}
    found = {function.name: function}
    waiting = [function]
    while waiting:
        for node in ast.walk(waiting.pop()):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                called = by_name.get(node.func.id)
                if called is not None and called.name not in found:
                    found[called.name] = called
                    waiting.append(called)
    return list(found.values())
