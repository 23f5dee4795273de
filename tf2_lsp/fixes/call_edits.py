"""Apply a call model rewrite (`model.CallEdit`): callee and arguments in one edit.

The edit was decided and verified during detection (tf2_lsp.analysis.call_model); this module only
writes it, either with libcst (`rewrite_call`) or, when it only renames the callee and inserts
or renames keywords, as text splices at `ast` positions (`call_splices`), which write exactly
what libcst writes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import libcst as cst

from tf2_lsp.analysis.call_model import arguments_in_order
from tf2_lsp.fixes.imports import Renderer
from tf2_lsp.model import CallEdit
from tf2_lsp.transforms.base import FixError, Splice
from tf2_lsp.transforms.positions import bare_argument, offset_in, one_minus_text, span_in
from tf2_lsp.transforms.values import gpu_devices, keyword_arg, one_minus, with_args

_CONVERSIONS: dict[str, Callable[[cst.BaseExpression], cst.BaseExpression]] = {
    "one_minus": one_minus,
    "gpu_devices": gpu_devices,
}


def rewrite_call(call: cst.Call, edit: CallEdit, renderer: Renderer) -> cst.Call:
    """`call` rewritten as `edit` says (libcst keeps comments and layout elsewhere)."""
    if edit.target is not None:
        call = call.with_changes(func=cst.parse_expression(renderer.name(edit.target)))
    if edit.arguments is None:
        return call
    original = list(call.args)  # *args/**kwargs among them are passed on as the edit says
    args: list[cst.Arg] = []
    kept = {argument.source for argument in edit.arguments}
    for argument in edit.arguments:
        if argument.source >= len(original):
            raise FixError("the call changed since it was analysed")
        arg = original[argument.source]
        # A dropped argument's comma carries the layout up to what follows it (say, the
        # newline before a closing parenthesis): the argument before it takes that comma.
        following = argument.source + 1
        while following < len(original) and following not in kept:
            arg = arg.with_changes(comma=original[following].comma)
            following += 1
        value = arg.value
        if argument.convert is not None:
            value = _CONVERSIONS[argument.convert](value)
        if argument.keyword is None:
            args.append(arg.with_changes(value=value))
        elif arg.keyword is not None:
            args.append(arg.with_changes(keyword=cst.Name(argument.keyword), value=value))
        else:
            args.append(keyword_arg(argument.keyword, value, arg))
    return with_args(call, args)


def call_splices(
    call: ast.Call, text: str, edit: CallEdit, renderer: Renderer, written: str
) -> list[Splice] | None:
    """Splices applying `edit` to the call `text` (parsed as `call`); None: use libcst."""
    splices: list[Splice] = []
    if edit.target is not None:
        if not text.startswith(written) or not text[len(written) :].lstrip().startswith("("):
            return None
        splices.append((0, len(written), renderer.name(edit.target)))
    if edit.arguments is None:
        return splices
    items = arguments_in_order(call)  # the edit's argument indices count in source order
    if len(edit.arguments) != len(items) or any(isinstance(a, ast.Starred) for a in call.args):
        return None  # a dropped argument takes its comma with it: libcst repairs that
    for argument in edit.arguments:
        if argument.source >= len(items):
            return None
        item = items[argument.source]
        if argument.convert is not None:
            if argument.convert != "one_minus":
                return None
            if isinstance(item, ast.keyword):
                start = span_in(text, item)[0]
                end = bare_argument(call, text, item.value, keyword=True)[1]
                value = one_minus_text(item.value, text)
            else:
                start, end = bare_argument(call, text, item)
                value = one_minus_text(item, text)
            splices.append((start, end, f"{argument.keyword}={value}"))
            continue
        if argument.keyword is None:
            continue
        if isinstance(item, ast.keyword):
            if item.arg != argument.keyword:
                start = offset_in(text, item.lineno, item.col_offset)
                splices.append((start, start + len(item.arg or ""), argument.keyword))
        else:
            start = bare_argument(call, text, item)[0]
            splices.append((start, start, f"{argument.keyword}="))
    return splices
