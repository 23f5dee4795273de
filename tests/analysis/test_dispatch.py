"""Which walker method visits each node type (analysis/dispatch.py)."""

from __future__ import annotations

import ast

from tf2_lsp.analysis.dispatch import handler_table
from tf2_lsp.analysis.walker import ModuleWalker


def test_every_handler_is_an_unbound_walker_method_and_other_nodes_are_walked_through() -> None:
    table = handler_table(ModuleWalker)
    assert table[ast.Call] is ModuleWalker.visit_call
    assert table[ast.Load] is ModuleWalker.skip  # no fields: nothing to visit
    assert all(handler.__qualname__.startswith("ModuleWalker.") for handler in table.values())
    # A node type the table does not list (a `match` statement) is visited field by field.
    assert ast.Match not in table and table[ast.Match] is ModuleWalker.visit_children
