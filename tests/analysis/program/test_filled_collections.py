"""Which TF1 collections a model function fills, and which readers elsewhere keep it a
function (penalties, variables) or from the native form only (batch norm's updates)."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Sequence

from tf2_lsp.analysis.program.filled_collections import (
    GLOBAL,
    REGULARIZATION,
    TRAINABLE,
    UPDATES,
    CollectionRead,
    ReadersCheck,
    filled,
    lost_elsewhere,
    reads_in,
)

MODULE = textwrap.dedent(
    """\
    def block(x):
        return tf.layers.dense(x, 2, kernel_regularizer=l2)

    def norm(x):
        return tf.layers.batch_normalization(x, training=True)

    def plain(x):
        return tf.layers.dense(x, 2, bias_regularizer=None)

    def tower(x):
        return block(norm(x))
    """
)


def functions() -> list[ast.FunctionDef]:
    return [s for s in ast.parse(MODULE).body if isinstance(s, ast.FunctionDef)]


def named(name: str) -> ast.FunctionDef:
    (found,) = [f for f in functions() if f.name == name]
    return found


def test_a_function_fills_what_it_and_the_functions_it_calls_fill() -> None:
    every = functions()
    assert filled(named("tower"), every) == {TRAINABLE, GLOBAL, REGULARIZATION, UPDATES}
    assert filled(named("norm"), every) == {TRAINABLE, GLOBAL, UPDATES}
    assert filled(named("plain"), every) == {TRAINABLE, GLOBAL}  # `=None` adds no penalty


def reads(*found: CollectionRead) -> ReadersCheck:
    """The reads a program's other modules make, as `collection_readers` would give them."""

    def check(collections: frozenset[str]) -> Sequence[CollectionRead]:
        return [read for read in found if read.collection in collections]

    return check


def test_penalty_and_variable_readers_keep_functions_updates_only_the_native_form() -> None:
    every = functions()
    penalty = CollectionRead("loss.py", 3, REGULARIZATION, "tensorflow.losses.get_total_loss")
    updates = CollectionRead("opt.py", 7, UPDATES, "tensorflow.GraphKeys.UPDATE_OPS")
    checked = [named("tower"), named("plain")]
    stays, not_native = lost_elsewhere(reads(penalty, updates), checked, every, "tf")
    assert list(stays) == ["tower"] and "`loss.py` line 3" in stays["tower"]
    assert "`tf.compat.v1.losses.get_total_loss`" in stays["tower"]
    assert list(not_native) == ["tower"]
    assert "`opt.py` line 7 reads `UPDATE_OPS`" in not_native["tower"]
    variables = CollectionRead("util.py", 1, TRAINABLE, "tensorflow.trainable_variables")
    stays, _ = lost_elsewhere(reads(variables), [named("plain")], every, "tf")
    assert "`plain.trainable_variables`" in stays["plain"]


def test_reads_in_takes_names_keys_and_key_strings_but_not_writes() -> None:
    tree = ast.parse('a = get("update_ops")\n\nadd(K.UPDATE_OPS, op)\nb = get("mine")\n')
    uses = [
        ("tensorflow.get_collection", 1),
        ("tensorflow.add_to_collection", 3),
        ("tensorflow.GraphKeys.UPDATE_OPS", 3),
        ("tensorflow.get_collection", 4),
        ("tensorflow.losses.get_regularization_loss", 5),
    ]
    assert reads_in(uses, tree) == [
        (1, UPDATES, "tensorflow.get_collection"),
        (5, REGULARIZATION, "tensorflow.losses.get_regularization_loss"),
    ]


def test_a_call_into_other_imported_code_may_add_penalties_out_of_sight() -> None:
    module = "def tower(x):\n    h = blocks.dense(x)\n    return np.abs(norm(h))\n"
    (tower,) = [s for s in ast.parse(module).body if isinstance(s, ast.FunctionDef)]
    assert REGULARIZATION not in filled(tower, [tower], {"np": "numpy", "norm": "math.fabs"})
    assert REGULARIZATION in filled(tower, [tower], {"blocks": "pkg.blocks"})
    assert REGULARIZATION in filled(tower, [tower], {"blocks": None})  # `from . import blocks`


def test_a_total_loss_without_the_penalties_is_no_read_of_them() -> None:
    tree = ast.parse(
        "a = get_total_loss(add_regularization_losses=False)\n"
        "b = get_total_loss(False)\n"
        "c = get_total_loss()\n"
    )
    uses = [("tensorflow.losses.get_total_loss", line) for line in (1, 2, 3)]
    assert reads_in(uses, tree) == [(3, REGULARIZATION, "tensorflow.losses.get_total_loss")]
