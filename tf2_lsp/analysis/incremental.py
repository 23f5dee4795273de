"""Re-analyse only the top-level statements an edit touched.

A keystroke inside a function changes nothing about how the rest of the module resolves, so
only the `def`/`class` statements around the edit are parsed and walked again, against the
module scope the previous full analysis ended with; the other findings are kept and shifted.
Measured on a 6,000-line TF1 file here: full detection ~150 ms, this ~5 ms for an edit inside
a function. Edits that touch anything else (imports, module-level assignments) fall back to a
full analysis, and so does the program-level check (TF801), which is refreshed on save.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import replace

from tf2_lsp.analysis.detect import finish_detection, statement_layout
from tf2_lsp.analysis.names.resolve import Scope
from tf2_lsp.analysis.program import units
from tf2_lsp.analysis.walker import ModuleWalker
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Detection, Finding, ReceiverCandidate
from tf2_lsp.settings import Settings
from tf2_lsp.text import Span, split_lines


def reanalyse(
    previous: Detection,
    old_source: str,
    new_source: str,
    catalogue: Catalogue,
    settings: Settings,
    receiver_hints: Mapping[tuple[int, int], str] | None = None,
) -> Detection | None:
    """The detection of `new_source`, reusing `previous` (of `old_source`); None: do it all."""
    if previous.syntax_error is not None or previous.module_scope is None or not previous.layout:
        return None
    old_lines, new_lines = split_lines(old_source), split_lines(new_source)
    region = _touched_region(previous.layout, old_lines, new_lines)
    if region is None:
        return None
    first, old_last, new_last = region
    padded = "\n" * (first - 1) + "\n".join(new_lines[first - 1 : new_last])
    try:
        tree = ast.parse(padded)
    except (SyntaxError, ValueError):
        return None
    if any(binds for _, _, binds in statement_layout(tree.body)):
        return None
    # A def/class renamed, added or removed at the top level rebinds a module name (possibly a
    # TensorFlow alias: `def tf(): ...`): the module's bindings must be walked again.
    old_padded = "\n" * (first - 1) + "\n".join(old_lines[first - 1 : old_last])
    try:
        if _defined(ast.parse(old_padded).body) != _defined(tree.body):
            return None
    except (SyntaxError, ValueError):
        return None
    module = previous.module_scope
    delta = len(new_lines) - len(old_lines)
    if delta and any(
        f.anchor.line > old_last for binding in module.names.values() for f in binding.cover
    ):
        return None  # a name's uses would be reported with its import where it was before
    resumed = Scope("module", None, dict(module.names), set(module.explicit_global))
    walker = ModuleWalker(new_source, catalogue, settings, receiver_hints or {}, resumed)
    walker.imports_end = _moved(previous.imports_end, old_last, delta)
    walker.first_import = _moved(previous.first_import, old_last, delta)
    walker.run(tree, note_imports=False)

    def kept(line: int) -> bool:
        return line < first or line > old_last

    inherited = [
        (line + delta if line > old_last else line, name)
        for line, name in previous.graph_state
        if kept(line)
    ]
    fresh = finish_detection(walker, tree.body, inherited)
    if _first_state(fresh.graph_state) != _first_state(previous.graph_state):
        # The kept findings were judged against other graph state (tf2_lsp.analysis.program.units).
        return None
    if any(f.code in units.MODEL_RULES for f in (*previous.findings, *fresh.findings)):
        return None  # which model functions are outermost is a question about the whole module

    findings = [
        _shift(f, delta, old_last) if delta and f.span.line > old_last else f
        for f in previous.findings
        if kept(f.span.line)
    ]
    findings.extend(fresh.findings)
    findings.sort(key=lambda f: (f.span.line, f.span.column, f.code))
    candidates = [
        _shift_candidate(c, delta) if c.line > old_last else c
        for c in previous.candidates
        if kept(c.line)
    ]
    layout = [
        (a + delta, b + delta, binds) if a > old_last else (a, b, binds)
        for a, b, binds in previous.layout
        if kept(a)
    ]
    layout.extend(fresh.layout)
    layout.sort()
    return replace(
        fresh,
        findings=findings,
        candidates=[*candidates, *fresh.candidates],
        layout=layout,
    )


def _first_state(state: list[tuple[int, str]]) -> str | None:
    return state[0][1] if state else None


def _defined(body: list[ast.stmt]) -> list[str]:
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return [statement.name for statement in body if isinstance(statement, kinds)]


def _touched_region(
    layout: list[tuple[int, int, bool]], old_lines: list[str], new_lines: list[str]
) -> tuple[int, int, int] | None:
    """(first line, last old line, last new line) of the whole top-level statements the edit
    touched, with the blank or comment lines around them; None if a binding one is touched."""
    limit = min(len(old_lines), len(new_lines))
    prefix = 0
    while prefix < limit and old_lines[prefix] == new_lines[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and old_lines[len(old_lines) - 1 - suffix] == new_lines[len(new_lines) - 1 - suffix]
    ):
        suffix += 1
    if prefix == len(old_lines) == len(new_lines):
        return None  # nothing changed: the caller's cache answers
    changed_first = prefix + 1
    changed_last = len(old_lines) - suffix  # may be < changed_first for a pure insertion
    touched = [
        index
        for index, (a, b, _) in enumerate(layout)
        if b >= changed_first and a <= max(changed_last, changed_first - 1)
    ]
    if touched:
        low, high = touched[0], touched[-1]
    else:  # only blank or comment lines between statements changed
        high = max((i for i, (a, _, _) in enumerate(layout) if a < changed_first), default=-1)
        low = high + 1
    if any(layout[i][2] for i in range(low, high + 1)):
        return None
    first = layout[low - 1][1] + 1 if low > 0 else 1
    old_last = layout[high + 1][0] - 1 if high + 1 < len(layout) else len(old_lines)
    if changed_first < first or changed_last > old_last:
        return None
    return first, old_last, old_last + len(new_lines) - len(old_lines)


def _moved(line: int, after: int, delta: int) -> int:
    return line + delta if line > after else line


def _shift(finding: Finding, delta: int, after: int) -> Finding:
    """`finding` moved by `delta` lines; its anchor and statement only when they are below
    the edit too (a use's finding rewrites its import, above)."""

    def move(span: Span) -> Span:
        return Span(span.line + delta, span.column, span.end_line + delta, span.end_column)

    start, end = finding.statement
    anchored_below = finding.anchor.line > after
    return replace(
        finding,
        span=move(finding.span),
        anchor=move(finding.anchor) if anchored_below else finding.anchor,
        statement=(start + delta, end + delta) if start > after else finding.statement,
    )


def _shift_candidate(candidate: ReceiverCandidate, delta: int) -> ReceiverCandidate:
    line, column = candidate.key
    return replace(candidate, key=(line + delta, column), line=candidate.line + delta)
