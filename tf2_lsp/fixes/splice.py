"""Fixes applied as exact text splices at the positions `ast` reports, where that is lossless.

libcst is the general rewriter, but it costs ~2 ms a statement (parse, positions, transform,
codegen): on the 150k-line benchmark tree that was 8.7 s of a 15 s serial `fix`. The commonest
fixes only replace a dotted name, insert `keyword=` before an argument or `, tf.float32` after
one (a transform's own `splice`): splicing those at `ast` positions writes exactly what the
libcst rewrite writes (the rule examples and property tests run both paths), and everything else
still goes through libcst.
"""

from __future__ import annotations

import ast

from tf2_lsp.catalogue.rules import ArgChange
from tf2_lsp.fixes.arguments import plan_arguments
from tf2_lsp.fixes.call_edits import call_splices
from tf2_lsp.fixes.imports import Renderer
from tf2_lsp.model import Finding
from tf2_lsp.transforms.base import FixError, Site, Splice
from tf2_lsp.transforms.positions import bare_argument, offset_in
from tf2_lsp.transforms.registry import TRANSFORMS


def splices_for(finding: Finding, text: str, renderer: Renderer) -> list[Splice] | None:
    """Splices that apply `finding`'s fix to its anchor `text`; None: leave it to libcst."""
    fix = finding.fix
    if fix is None or not text.isascii():
        return None
    if finding.call is not None:
        node = _parse(text)
        if not isinstance(node, ast.Call):
            return None
        try:
            return call_splices(node, text, finding.call, renderer, finding.written)
        except FixError:
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
        transform = TRANSFORMS.get(fix.transform or "") if fix.kind == "transform" else None
        if transform is not None and transform.splice is not None:
            symbol = finding.symbol or ""
            return transform.splice(node, text, Site(symbol, fix.target_for(symbol)), renderer)
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


def _arguments(call: ast.Call, text: str, change: ArgChange) -> list[Splice] | None:
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    plan = plan_arguments(change, len(positional), [k.arg for k in call.keywords])
    if plan.removed:
        return None  # dropping an argument means repairing commas: libcst does that
    splices: list[Splice] = []
    for index, name in plan.to_keyword.items():
        start = bare_argument(call, text, positional[index])[0]
        splices.append((start, start, f"{name}="))
    for keyword in call.keywords:
        if keyword.arg in plan.renamed:
            start = offset_in(text, keyword.lineno, keyword.col_offset)
            splices.append((start, start + len(keyword.arg), plan.renamed[keyword.arg]))
    return splices
