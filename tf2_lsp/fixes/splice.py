"""Fixes applied as exact text splices at the positions `ast` reports, where that is lossless.

libcst is the general rewriter, but it costs ~2 ms a statement (parse, positions, transform,
codegen): on the 150k-line benchmark tree that was 8.7 s of a 15 s serial `fix`. The commonest
fixes only replace a dotted name, insert `keyword=` before an argument or `, tf.float32` after
one: splicing those at `ast` positions writes exactly what the libcst rewrite writes (the rule
examples and property tests run both paths), and everything else still goes through libcst.
"""

from __future__ import annotations

import ast
from decimal import Decimal, InvalidOperation

from tf2_lsp.catalogue.transforms import CAST_DTYPES
from tf2_lsp.fixes.imports import Renderer
from tf2_lsp.fixes.rewrites import FixError, plan_arguments
from tf2_lsp.model import Finding

# (start, end, replacement): character offsets into the text the finding's anchor covers.
Splice = tuple[int, int, str]

_ATOMIC = (ast.Name, ast.Attribute, ast.Call, ast.Subscript)
_DROPOUT_TF1 = ("x", "keep_prob", "noise_shape", "seed", "name")


def splices_for(finding: Finding, text: str, renderer: Renderer) -> list[Splice] | None:
    """Splices that apply `finding`'s fix to its anchor `text`; None: leave it to libcst."""
    fix = finding.fix
    if fix is None or not text.isascii():
        return None
    if fix.kind == "rename":
        if not finding.target or not text.startswith(finding.written):
            return None
        if finding.anchor_kind == "reference" and text == finding.written:
            return [(0, len(text), renderer.name(finding.target))]
        if finding.anchor_kind == "call" and text[len(finding.written) :].startswith("("):
            return [(0, len(finding.written), renderer.name(finding.target))]
        return None
    node = _parse(text)
    if node is None:
        return None
    try:
        if fix.kind == "arguments" and isinstance(node, ast.Call):
            change = fix.arguments_for(finding.symbol or "")
            return _arguments(node, text, change) if change is not None else None
        if fix.transform == "cast_to" and isinstance(node, ast.Call):
            return _cast(node, text, finding, renderer)
        if fix.transform == "dropout_keep_prob" and isinstance(node, ast.Call):
            return _dropout(node, text)
        if fix.transform == "dimension_value" and isinstance(node, ast.Attribute):
            start = _offset(text, node.value.end_lineno, node.value.end_col_offset)
            if text[_after(text, start) : _after(text, start) + 1] != ".":
                return None  # `(x.shape[0]).value`: the parentheses sit between the two
            call = renderer.name("tensorflow.compat.v1.dimension_value")
            return [(0, 0, f"{call}("), (start, len(text), ")")]
    except FixError:
        return None  # libcst gets the same verdict and reports it
    return None


def _parse(text: str) -> ast.expr | None:
    try:
        # The parentheses let a call that spans lines parse on its own.
        tree = ast.parse(f"({text}\n)", mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return tree.body


def _offset(text: str, line: int | None, column: int | None) -> int:
    """A position of the parsed `(text)` as an offset into `text` (ASCII: bytes = chars)."""
    if line is None or column is None:
        raise FixError("node without a position")
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column - (1 if line == 1 else 0)


def _before(text: str, position: int) -> int:
    """Index of the last non-blank character before `position` (-1 if none)."""
    index = position - 1
    while index >= 0 and text[index] in " \t\r\n\\":
        index -= 1
    return index


def _after(text: str, position: int) -> int:
    """Index of the first non-blank character at or after `position`."""
    index = position
    while index < len(text) and text[index] in " \t\r\n\\":
        index += 1
    return index


def _bare_argument(
    call: ast.Call, text: str, node: ast.AST, keyword: bool = False
) -> tuple[int, int]:
    """The span of an argument written without parentheses of its own (`f(a, (b))` is not:
    `ast` leaves the parentheses out of `b`'s span, so a splice there would land inside them)."""
    start, end = _span(text, node)
    opening = _after(text, _span(text, call.func)[1])
    before, after = _before(text, start), _after(text, end)
    allowed = "=" if keyword else ",("
    if text[before] not in allowed or (text[before] == "(" and before != opening):
        raise FixError("parenthesised argument")
    if not (text[after] == "," or after == len(text) - 1):
        raise FixError("parenthesised argument")
    return start, end


def _span(text: str, node: ast.AST) -> tuple[int, int]:
    return (
        _offset(text, node.lineno, node.col_offset),  # type: ignore[attr-defined]
        _offset(text, node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
    )


def _arguments(call: ast.Call, text: str, change: object) -> list[Splice] | None:
    from tf2_lsp.catalogue.rules import ArgChange

    assert isinstance(change, ArgChange)
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    plan = plan_arguments(change, len(positional), [k.arg for k in call.keywords])
    if plan.removed:
        return None  # dropping an argument means repairing commas: libcst does that
    splices: list[Splice] = []
    for index, name in plan.to_keyword.items():
        start = _bare_argument(call, text, positional[index])[0]
        splices.append((start, start, f"{name}="))
    for keyword in call.keywords:
        if keyword.arg in plan.renamed:
            start = _offset(text, keyword.lineno, keyword.col_offset)
            splices.append((start, start + len(keyword.arg), plan.renamed[keyword.arg]))
    return splices


def _cast(call: ast.Call, text: str, finding: Finding, renderer: Renderer) -> list[Splice] | None:
    dtype = CAST_DTYPES.get(finding.symbol or "")
    if dtype is None or not call.args or isinstance(call.args[0], ast.Starred):
        return None
    func_start, func_end = _span(text, call.func)
    value_end = _bare_argument(call, text, call.args[0])[1]
    return [
        (func_start, func_end, renderer.name("tensorflow.cast")),
        (value_end, value_end, f", {renderer.name(dtype)}"),
    ]


def _dropout(call: ast.Call, text: str) -> list[Splice] | None:
    keep = next((k for k in call.keywords if k.arg == "keep_prob"), None)
    if keep is not None:
        if len(call.args) != 1:
            return None
        start = _span(text, keep)[0]
        end = _bare_argument(call, text, keep.value, keyword=True)[1]
        return [(start, end, f"rate={_one_minus(keep.value, text)}")]
    if len(call.args) < 2 or len(call.args) > len(_DROPOUT_TF1):
        return None
    if any(isinstance(a, ast.Starred) for a in call.args):
        return None
    start, end = _bare_argument(call, text, call.args[1])
    splices: list[Splice] = [(start, end, f"rate={_one_minus(call.args[1], text)}")]
    for index in range(2, len(call.args)):
        position = _bare_argument(call, text, call.args[index])[0]
        splices.append((position, position, f"{_DROPOUT_TF1[index]}="))
    return splices


def _one_minus(node: ast.expr, text: str) -> str:
    """`1 - keep_prob`, written as the libcst rewrite writes it (numbers computed exactly)."""
    start, end = _span(text, node)
    source = text[start:end]
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        try:
            return repr(float(Decimal(1) - Decimal(source.replace("_", ""))))
        except InvalidOperation:
            return f"1 - {source}"  # 0x10 and friends: kept as written
    return f"1 - {source}" if isinstance(node, _ATOMIC) else f"1 - ({source})"
