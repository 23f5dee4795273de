"""What a call passes for a function's parameters, read from the code (nothing is run)."""

from __future__ import annotations

import ast

# An argument whose value the code does not show (behind `*args` or `**kwargs`).
UNKNOWN = ast.Constant(value=Ellipsis)


def parameters(function: ast.FunctionDef) -> list[str]:
    args = function.args
    return [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]


def argument(function: ast.FunctionDef, parameter: str, call: ast.Call) -> ast.expr | None:
    """The expression `call` passes for `parameter` (its default when it passes none; None
    when there is no default either), or UNKNOWN behind `*args`/`**kwargs`."""
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
        if keyword.arg is None:
            return UNKNOWN
    positional = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    if parameter in positional:
        index = positional.index(parameter)
        for position, argument in enumerate(call.args):
            if isinstance(argument, ast.Starred):
                return UNKNOWN
            if position == index:
                return argument
    return default(function, parameter)


def default(function: ast.FunctionDef, parameter: str) -> ast.expr | None:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    with_default = positional[len(positional) - len(args.defaults) :]
    for arg, default in zip(with_default, args.defaults, strict=True):
        if arg.arg == parameter:
            return default
    for arg, maybe in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if arg.arg == parameter:
            return maybe
    return None
