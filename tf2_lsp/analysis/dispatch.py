"""Which method of the walker visits each kind of `ast` node.

Kept unbound, in a table built once: a table of a walker's bound methods would make each walker
a reference cycle, freed only by the cyclic collector (with everything it holds: the findings,
the scopes, the function nodes it deferred), instead of as soon as its detection is done.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

# A walker method, unbound: (the walker, the node). The walker is not named here, as it builds
# its table from this module: imports point one way.
Handler = Callable[[Any, Any], None]


class _HandlerTable(dict[type, Handler]):
    """Any other node is visited field by field. (A miss answered here, not by `.get` with a
    default: `visit` runs for every node, 306k times over 669 real files.)"""

    def __init__(self, handlers: dict[type, Handler], fallback: Handler) -> None:
        super().__init__(handlers)
        self._fallback = fallback

    def __missing__(self, kind: type) -> Handler:
        return self._fallback


def handler_table(walker: type[Any]) -> dict[type, Handler]:
    """The walker's handler for each node type, unbound."""
    handlers: dict[type, Handler] = {
        ast.Import: walker.visit_import,
        ast.ImportFrom: walker.visit_import,
        ast.Assign: walker.visit_assign,
        ast.AnnAssign: walker.visit_ann_assign,
        ast.AugAssign: walker.visit_aug_assign,
        ast.For: walker.visit_for,
        ast.AsyncFor: walker.visit_for,
        ast.With: walker.visit_with,
        ast.AsyncWith: walker.visit_with,
        ast.FunctionDef: walker.visit_function,
        ast.AsyncFunctionDef: walker.visit_function,
        ast.ClassDef: walker.visit_class,
        ast.Lambda: walker.visit_lambda,
        ast.ListComp: walker.visit_comprehension,
        ast.SetComp: walker.visit_comprehension,
        ast.GeneratorExp: walker.visit_comprehension,
        ast.DictComp: walker.visit_comprehension,
        ast.Name: walker.visit_name,
        ast.Attribute: walker.visit_attribute,
        ast.Call: walker.visit_call,
        ast.NamedExpr: walker.visit_named_expr,
        ast.Compare: walker.visit_compare,
        ast.ExceptHandler: walker.visit_except,
        ast.Global: walker.visit_global,
        ast.Nonlocal: walker.visit_global,
        ast.Constant: walker.skip,
        ast.JoinedStr: walker.visit_children,
        # no question of their own (see `visit_value`)
        ast.Expr: walker.visit_value,
        ast.Return: walker.visit_value,
        ast.Starred: walker.visit_value,
        ast.Await: walker.visit_value,
        ast.Tuple: walker.visit_elements,
        ast.List: walker.visit_elements,
        ast.Set: walker.visit_elements,
        ast.BinOp: walker.visit_bin_op,
        ast.UnaryOp: walker.visit_unary_op,
        ast.BoolOp: walker.visit_bool_op,
        ast.Subscript: walker.visit_subscript,
        ast.Slice: walker.visit_slice,
        ast.If: walker.visit_if,
        ast.While: walker.visit_if,
        ast.IfExp: walker.visit_if_exp,
        ast.Dict: walker.visit_dict,
        ast.Raise: walker.visit_raise,
        ast.Assert: walker.visit_assert,
    }
    # Nodes with no fields (contexts, operators, `pass`): nothing to visit.
    handlers.update(
        (kind, walker.skip)
        for kind in (
            *ast.expr_context.__subclasses__(),
            *ast.operator.__subclasses__(),
            *ast.unaryop.__subclasses__(),
            *ast.cmpop.__subclasses__(),
            *ast.boolop.__subclasses__(),
            ast.Pass,
            ast.Break,
            ast.Continue,
        )
    )
    return _HandlerTable(handlers, walker.visit_children)
