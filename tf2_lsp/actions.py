"""Code actions and hover for one analysed document: findings in, LSP objects out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.workspace import TextDocument

from tf2_lsp.detect import Finding, detect
from tf2_lsp.edits import TextChange, minimal_changes
from tf2_lsp.engine import fix_source, fix_title, is_fixable
from tf2_lsp.hover import hover_markdown
from tf2_lsp.text import Span, split_lines, to_client_column

if TYPE_CHECKING:
    from tf2_lsp.server import Analysis, Tf2LanguageServer

SOURCE = "tf2-lsp"
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"


def code_actions(
    ls: Tf2LanguageServer,
    document: TextDocument,
    analysis: Analysis,
    params: types.CodeActionParams,
) -> list[types.CodeAction]:
    only = list(params.context.only or [])
    wants_quickfix = not only or any(
        str(kind).startswith(types.CodeActionKind.QuickFix.value) for kind in only
    )
    wants_fix_all = bool(only) and any(
        FIX_ALL_KIND.startswith(str(kind)) or str(kind) == FIX_ALL_KIND for kind in only
    )
    lines = split_lines(analysis.source)
    start = ls.from_position(params.range.start, lines)
    end = ls.from_position(params.range.end, lines)
    actions: list[types.CodeAction] = []
    if wants_quickfix:
        in_range = [f for f in analysis.detection.findings if _overlaps(f.span, start, end)]
        diagnostics = {d.range.start.line: d for d in params.context.diagnostics}
        for finding in in_range:
            actions.extend(_finding_actions(ls, document, analysis, finding, diagnostics))
        actions.extend(_fix_all_per_code(ls, document, analysis, in_range))
    if wants_fix_all or not only:
        action = _fix_all(ls, document, analysis)
        if action is not None:
            actions.append(action)
    return actions


def _overlaps(span: Span, start: tuple[int, int], end: tuple[int, int]) -> bool:
    return (span.line, span.column) <= end and start <= (span.end_line, span.end_column)


def _finding_actions(
    ls: Tf2LanguageServer,
    document: TextDocument,
    analysis: Analysis,
    finding: Finding,
    diagnostics: dict[int, types.Diagnostic],
) -> list[types.CodeAction]:
    from tf2_lsp.fixes.apply import plan_fixes

    lines = split_lines(analysis.source)
    diagnostic = ls.diagnostic(finding, lines)
    actions = []
    if finding.fix is not None:
        plan = plan_fixes(analysis.source, analysis.detection, [finding])
        if plan.edits:
            changes = minimal_changes(analysis.source, plan.edits)
            actions.append(
                types.CodeAction(
                    title=fix_title(finding),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=finding.fix.safety == "safe",
                    edit=_workspace_edit(ls, document, changes, lines),
                )
            )
    actions.append(_suppress_action(ls, document, finding, diagnostic, lines))
    return actions


def _fix_all_per_code(
    ls: Tf2LanguageServer, document: TextDocument, analysis: Analysis, in_range: list[Finding]
) -> list[types.CodeAction]:
    codes = sorted({f.code for f in in_range if f.fix is not None})
    actions = []
    for code in codes:
        same = [f for f in analysis.detection.findings if f.code == code and f.fix is not None]
        if len(same) < 2:
            continue
        unsafe = any(f.fix is not None and f.fix.safety == "unsafe" for f in same)
        outcome = fix_source(
            analysis.source, ls.catalogue, analysis.config.options(), unsafe=True,
            wanted=_has_code(code),
        )
        if outcome.error or not outcome.applied:
            continue
        actions.append(
            types.CodeAction(
                title=f"{code}: Fix all {code} in this file" + (" (unsafe)" if unsafe else ""),
                kind=types.CodeActionKind.QuickFix,
                edit=_whole_document_edit(ls, document, analysis.source, outcome.source),
            )
        )
    return actions


def _has_code(code: str) -> Callable[[Finding], bool]:
    return lambda finding: finding.code == code


def _fix_all(
    ls: Tf2LanguageServer, document: TextDocument, analysis: Analysis
) -> types.CodeAction | None:
    config = analysis.config
    if not any(is_fixable(f, config.unsafe_fixes) for f in analysis.detection.findings):
        return None
    outcome = fix_source(analysis.source, ls.catalogue, config.options(),
                         unsafe=config.unsafe_fixes)
    if outcome.error or outcome.source == analysis.source:
        return None
    return types.CodeAction(
        title="tf2-lsp: Fix all auto-fixable TF1 uses" + (" (incl. unsafe)" if config.unsafe_fixes else ""),
        kind=FIX_ALL_KIND,
        edit=_whole_document_edit(ls, document, analysis.source, outcome.source),
    )


def _suppress_action(
    ls: Tf2LanguageServer,
    document: TextDocument,
    finding: Finding,
    diagnostic: types.Diagnostic,
    lines: list[str],
) -> types.CodeAction:
    from tf2_lsp.detect import suppressed_codes

    line_index = finding.span.line
    text = lines[line_index - 1] if line_index <= len(lines) else ""
    existing = suppressed_codes(text)
    if existing:
        import re

        new_text = re.sub(
            r"ignore\[([^\]]*)\]",
            lambda m: f"ignore[{', '.join([*sorted(existing), finding.code])}]",
            text,
            count=1,
        )
        change = TextChange(line_index - 1, 0, line_index - 1, len(text), new_text)
    else:
        change = TextChange(line_index - 1, len(text), line_index - 1, len(text),
                            f"  # tf2-lsp: ignore[{finding.code}]")
    return types.CodeAction(
        title=f"{finding.code}: Disable {finding.code} for this line",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=_workspace_edit(ls, document, [change], lines),
    )


def _workspace_edit(
    ls: Tf2LanguageServer, document: TextDocument, changes: list[TextChange], lines: list[str]
) -> types.WorkspaceEdit:
    edits = []
    for change in changes:
        start = _client_position(ls, lines, change.line, change.column)
        end = _client_position(ls, lines, change.end_line, change.end_column)
        edits.append(types.TextEdit(range=types.Range(start=start, end=end), new_text=change.text))
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=document.uri, version=document.version
                ),
                edits=list(edits),
            )
        ]
    )


def _whole_document_edit(
    ls: Tf2LanguageServer, document: TextDocument, old: str, new: str
) -> types.WorkspaceEdit:
    """Fix-all as minimal per-region changes: one edit per changed run of lines."""
    import difflib

    from tf2_lsp.fixes.apply import LineEdit

    old_lines, new_lines = split_lines(old), split_lines(new)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    line_edits = [
        LineEdit(i1 + 1, i2, tuple(new_lines[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]
    return _workspace_edit(ls, document, minimal_changes(old, line_edits), old_lines)


def _client_position(
    ls: Tf2LanguageServer, lines: list[str], line: int, column: int
) -> types.Position:
    text = lines[line] if 0 <= line < len(lines) else ""
    return types.Position(line=line, character=to_client_column(text, column, ls.encoding))


def hover(
    ls: Tf2LanguageServer, document: TextDocument, analysis: Analysis, position: types.Position
) -> types.Hover | None:
    lines = split_lines(analysis.source)
    line, column = ls.from_position(position, lines)
    findings = [f for f in analysis.detection.findings if f.span.contains(line, column)]
    if not findings and analysis.config.level == "compat":
        # tf.compat.v1 code: say what its idiomatic TF2 form would be.
        native = detect(analysis.source, ls.catalogue,
                        replace(analysis.config.options(), level="native"))
        findings = [f for f in native.findings if f.compat and f.span.contains(line, column)]
    if not findings:
        return None
    finding = min(findings, key=lambda f: (f.span.end_line - f.span.line, f.span.end_column))
    text = hover_markdown(finding, _preview(analysis, finding))
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=ls.to_range(finding.span, lines),
    )


def _preview(analysis: Analysis, finding: Finding) -> tuple[str, str] | None:
    """This statement before and after the finding's own fix (not a generic example)."""
    if finding.fix is None:
        return None
    from tf2_lsp.fixes.apply import plan_fixes

    plan = plan_fixes(analysis.source, analysis.detection, [finding])
    edits = [e for e in plan.edits if e.end >= e.start]
    if not edits:
        return None
    lines = split_lines(analysis.source)
    edit = edits[0]
    before = "\n".join(lines[edit.start - 1 : edit.end])
    inserted = [line for e in plan.edits if e.end < e.start for line in e.lines]
    after = "\n".join([*inserted, *edit.lines])
    return _dedent(before), _dedent(after)


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text)
