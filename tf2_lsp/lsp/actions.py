"""Code actions and hover for one analysed document: findings in, LSP objects out."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.workspace import TextDocument

from tf2_lsp.analysis.detect import detect
from tf2_lsp.engine import fix_title, is_fixable
from tf2_lsp.fixes.edits import TextChange, minimal_changes
from tf2_lsp.lsp.hover import hover_markdown
from tf2_lsp.lsp.server import FIX_ALL_KIND
from tf2_lsp.model import Finding
from tf2_lsp.text import Span, to_client_column

if TYPE_CHECKING:
    from tf2_lsp.lsp.server import Analysis, Tf2LanguageServer


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
    lines = analysis.lines
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
        # Asked for by kind (fix on save): compute now; in the light-bulb list, on demand.
        action = _fix_all(ls, document, analysis, eager=wants_fix_all)
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

    lines = analysis.lines
    diagnostic = ls.diagnostic(finding, lines)
    actions = []
    if finding.fix is not None:
        plan = plan_fixes(analysis.source, analysis.detection, [finding], analysis.lines)
        if plan.edits:
            changes = minimal_changes(analysis.source, plan.edits, analysis.lines)
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
        action = types.CodeAction(
            title=f"{code}: Fix all {code} in this file" + (" (unsafe)" if unsafe else ""),
            kind=types.CodeActionKind.QuickFix,
            data={"uri": document.uri, "version": document.version, "code": code},
        )
        actions.append(_with_edit_or_deferred(ls, document, analysis, action))
    return [a for a in actions if a is not None]


def _fix_all(
    ls: Tf2LanguageServer, document: TextDocument, analysis: Analysis, eager: bool
) -> types.CodeAction | None:
    config = analysis.config
    if not any(is_fixable(f, config.unsafe_fixes) for f in analysis.detection.findings):
        return None
    action = types.CodeAction(
        title="tf2-lsp: Fix all auto-fixable TF1 uses"
        + (" (incl. unsafe)" if config.unsafe_fixes else ""),
        kind=FIX_ALL_KIND,
        data={"uri": document.uri, "version": document.version, "code": None},
    )
    return _with_edit_or_deferred(ls, document, analysis, action, eager)


def _with_edit_or_deferred(
    ls: Tf2LanguageServer,
    document: TextDocument,
    analysis: Analysis,
    action: types.CodeAction,
    eager: bool = False,
) -> types.CodeAction | None:
    """Bulk edits cost a fix pass over the file: clients that can resolve get them on demand."""
    if ls.state.resolve_edits and not eager:
        return action
    data = action.data if isinstance(action.data, dict) else {}
    edit = bulk_edit(ls, document, analysis, data.get("code"))
    if edit is None:
        return None
    action.edit = edit
    return action


def bulk_edit(
    ls: Tf2LanguageServer, document: TextDocument, analysis: Analysis, code: str | None
) -> types.WorkspaceEdit | None:
    """All fixes of `code` (unsafe ones included: the user picked that code), or fix-all
    (safe ones, and unsafe ones only when configured). Cached per document version."""
    from tf2_lsp.fixes.apply import apply_line_edits, parses, plan_fixes

    if code in analysis.bulk_edits:
        return analysis.bulk_edits[code]
    unsafe = True if code is not None else analysis.config.unsafe_fixes
    chosen = [
        f
        for f in analysis.detection.findings
        if is_fixable(f, unsafe) and (code is None or f.code == code)
    ]
    edit = None
    if chosen:
        plan = plan_fixes(analysis.source, analysis.detection, chosen, analysis.lines)
        if plan.edits and parses(apply_line_edits(analysis.source, plan.edits)):
            lines = analysis.lines
            edit = _workspace_edit(
                ls, document, minimal_changes(analysis.source, plan.edits, analysis.lines), lines
            )
    analysis.bulk_edits[code] = edit
    return edit


def _suppress_action(
    ls: Tf2LanguageServer,
    document: TextDocument,
    finding: Finding,
    diagnostic: types.Diagnostic,
    lines: list[str],
) -> types.CodeAction:
    from tf2_lsp.analysis.suppress import suppressed_codes

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
        change = TextChange(
            line_index - 1,
            len(text),
            line_index - 1,
            len(text),
            f"  # tf2-lsp: ignore[{finding.code}]",
        )
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
    if not ls.state.document_changes:
        return types.WorkspaceEdit(changes={document.uri: edits})
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


def _client_position(
    ls: Tf2LanguageServer, lines: list[str], line: int, column: int
) -> types.Position:
    text = lines[line] if 0 <= line < len(lines) else ""
    return types.Position(line=line, character=to_client_column(text, column, ls.encoding))


def hover(
    ls: Tf2LanguageServer, document: TextDocument, analysis: Analysis, position: types.Position
) -> types.Hover | None:
    lines = analysis.lines
    line, column = ls.from_position(position, lines)
    findings = [f for f in analysis.detection.findings if f.span.contains(line, column)]
    if not findings and analysis.config.level == "compat":
        # tf.compat.v1 code: say what its idiomatic TF2 form would be.
        native = detect(
            analysis.source, ls.catalogue, replace(analysis.config.options(), level="native")
        )
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

    plan = plan_fixes(analysis.source, analysis.detection, [finding], analysis.lines)
    edits = [e for e in plan.edits if e.end >= e.start]
    if not edits:
        return None
    lines = analysis.lines
    edit = edits[0]
    before = "\n".join(lines[edit.start - 1 : edit.end])
    inserted = [line for e in plan.edits if e.end < e.start for line in e.lines]
    after = "\n".join([*inserted, *edit.lines])
    return _dedent(before), _dedent(after)


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text)
