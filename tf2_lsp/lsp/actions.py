"""Code actions for one document snapshot: findings in, LSP code actions out."""

from __future__ import annotations

import re

from lsprotocol import types

from tf2_lsp.analysis.findings.suppress import suppressed_codes
from tf2_lsp.engine import fix_title, is_fixable
from tf2_lsp.fixes.edits import TextChange, minimal_changes, text_changes
from tf2_lsp.lsp import convert
from tf2_lsp.lsp.convert import FIX_ALL_KIND
from tf2_lsp.lsp.snapshot import DocumentSnapshot
from tf2_lsp.model import Finding
from tf2_lsp.text import Span


def code_actions(
    snapshot: DocumentSnapshot, params: types.CodeActionParams
) -> list[types.CodeAction]:
    only = list(params.context.only or [])
    wants_quickfix = not only or any(
        str(kind).startswith(types.CodeActionKind.QuickFix.value) for kind in only
    )
    wants_fix_all = bool(only) and any(
        FIX_ALL_KIND.startswith(str(kind)) or str(kind) == FIX_ALL_KIND for kind in only
    )
    start = convert.from_position(params.range.start, snapshot.lines, snapshot.encoding)
    end = convert.from_position(params.range.end, snapshot.lines, snapshot.encoding)
    actions: list[types.CodeAction] = []
    if wants_quickfix:
        in_range = [f for f in snapshot.detection.findings if _overlaps(f.span, start, end)]
        for finding in in_range:
            actions.extend(_finding_actions(snapshot, finding))
        actions.extend(_fix_all_per_code(snapshot, in_range))
    if wants_fix_all or not only:
        # Asked for by kind (fix on save): compute now; in the light-bulb list, on demand.
        action = _fix_all(snapshot, eager=wants_fix_all)
        if action is not None:
            actions.append(action)
    return actions


def _overlaps(span: Span, start: tuple[int, int], end: tuple[int, int]) -> bool:
    return (span.line, span.column) <= end and start <= (span.end_line, span.end_column)


def _finding_actions(snapshot: DocumentSnapshot, finding: Finding) -> list[types.CodeAction]:
    diagnostic = convert.diagnostic(finding, snapshot.lines, snapshot.encoding)
    actions = []
    if finding.fix is not None:
        plan = snapshot.fixes.plan_for(finding)
        if plan.edits:
            changes = minimal_changes(snapshot.source, plan.edits)
            actions.append(
                types.CodeAction(
                    title=fix_title(finding),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=finding.fix.safety == "safe",
                    edit=_workspace_edit(snapshot, changes),
                )
            )
    actions.append(_suppress_action(snapshot, finding, diagnostic))
    return actions


def _fix_all_per_code(
    snapshot: DocumentSnapshot, in_range: list[Finding]
) -> list[types.CodeAction]:
    codes = sorted({f.code for f in in_range if f.fix is not None})
    actions = []
    for code in codes:
        same = [f for f in snapshot.detection.findings if f.code == code and f.fix is not None]
        if len(same) < 2:
            continue
        unsafe = any(f.fix is not None and f.fix.safety == "unsafe" for f in same)
        action = types.CodeAction(
            title=f"{code}: Fix all {code} in this file" + (" (unsafe)" if unsafe else ""),
            kind=types.CodeActionKind.QuickFix,
            data={"uri": snapshot.uri, "version": snapshot.version, "code": code},
        )
        actions.append(_with_edit_or_deferred(snapshot, action))
    return [a for a in actions if a is not None]


def _fix_all(snapshot: DocumentSnapshot, eager: bool) -> types.CodeAction | None:
    settings = snapshot.settings
    if not any(is_fixable(f, settings.unsafe_fixes) for f in snapshot.detection.findings):
        return None
    action = types.CodeAction(
        title="tf2-lsp: Fix all auto-fixable TF1 uses"
        + (" (incl. unsafe)" if settings.unsafe_fixes else ""),
        kind=FIX_ALL_KIND,
        data={"uri": snapshot.uri, "version": snapshot.version, "code": None},
    )
    return _with_edit_or_deferred(snapshot, action, eager)


def _with_edit_or_deferred(
    snapshot: DocumentSnapshot, action: types.CodeAction, eager: bool = False
) -> types.CodeAction | None:
    """Bulk edits cost a fix pass over the file: clients that can resolve get them on demand."""
    if snapshot.capabilities.resolve_edits and not eager:
        return action
    data = action.data if isinstance(action.data, dict) else {}
    edit = bulk_edit(snapshot, data.get("code"))
    if edit is None:
        return None
    action.edit = edit
    return action


def resolve(snapshot: DocumentSnapshot, action: types.CodeAction) -> types.CodeAction:
    """Fill in a deferred fix-all action's edit, unless the document changed meanwhile."""
    data = action.data if isinstance(action.data, dict) else {}
    if snapshot.version != data.get("version"):
        return action  # the document changed: no edit rather than a stale one
    if snapshot.detection.syntax_error is None:
        code = data.get("code")
        action.edit = bulk_edit(snapshot, code if isinstance(code, str) else None)
    return action


def bulk_edit(snapshot: DocumentSnapshot, code: str | None) -> types.WorkspaceEdit | None:
    """All fixes of `code` (unsafe ones included: the user picked that code), or fix-all
    (safe ones, and unsafe ones only when configured): `engine.fix_all`, as `tf2-lsp fix`
    runs it, computed once per document version."""
    outcome = snapshot.fixes.fix_all(code)
    if outcome.error is not None or not outcome.changed:
        return None
    # The exact text `tf2-lsp fix` writes, each line's own ending included.
    return _workspace_edit(snapshot, text_changes(snapshot.source, outcome.source))


def _suppress_action(
    snapshot: DocumentSnapshot, finding: Finding, diagnostic: types.Diagnostic
) -> types.CodeAction:
    lines = snapshot.lines
    line_index = finding.span.line
    text = lines[line_index - 1] if line_index <= len(lines) else ""
    existing = suppressed_codes(text)
    if existing:
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
        edit=_workspace_edit(snapshot, [change]),
    )


def _workspace_edit(snapshot: DocumentSnapshot, changes: list[TextChange]) -> types.WorkspaceEdit:
    edits = convert.text_edits(changes, snapshot.lines, snapshot.encoding)
    return convert.workspace_edit(
        snapshot.uri, snapshot.version, edits, snapshot.capabilities.document_changes
    )
