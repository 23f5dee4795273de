"""Hover: what changed between TF1 and TF2 for the symbol under the cursor (from the rules),
with this very statement before and after its fix."""

from __future__ import annotations

import textwrap

from lsprotocol import types

from tf2_lsp.analysis.native import native_rewrite, native_target
from tf2_lsp.catalogue.docs import fill, fix_summary, proof_note
from tf2_lsp.lsp import convert
from tf2_lsp.lsp.snapshot import DocumentSnapshot
from tf2_lsp.model import Finding


def hover(snapshot: DocumentSnapshot, position: types.Position) -> types.Hover | None:
    lines = snapshot.lines
    line, column = convert.from_position(position, lines, snapshot.encoding)
    findings = [f for f in snapshot.detection.findings if f.span.contains(line, column)]
    if not findings and snapshot.settings.level == "compat":
        # tf.compat.v1 code: say what its idiomatic TF2 form would be.
        native = snapshot.analysis.native_findings()
        findings = [f for f in native if f.span.contains(line, column)]
    if not findings:
        return None
    finding = min(findings, key=lambda f: (f.span.end_line - f.span.line, f.span.end_column))
    text = hover_markdown(finding, preview(snapshot, finding))
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=convert.to_range(finding.span, lines, snapshot.encoding),
    )


def preview(snapshot: DocumentSnapshot, finding: Finding) -> tuple[str, str] | None:
    """This statement before and after the finding's own fix (not a generic example)."""
    if finding.fix is None:
        return None
    plan = snapshot.fixes.plan_for(finding)
    edits = [e for e in plan.edits if e.end >= e.start]
    if not edits:
        return None
    lines = snapshot.lines
    edit = edits[0]
    before = "\n".join(lines[edit.start - 1 : edit.end])
    inserted = [line for e in plan.edits if e.end < e.start for line in e.lines]
    after = "\n".join([*inserted, *edit.lines])
    return textwrap.dedent(before), textwrap.dedent(after)


def hover_markdown(finding: Finding, preview: tuple[str, str] | None) -> str:
    """Markdown for one finding; `preview` is (before, after) of this very statement."""
    rule = finding.rule
    title = f"**{rule.code}** `{rule.name}` · {rule.family.title}"
    parts = [title, "", finding.message, ""]
    symbol = finding.written
    target = finding.shown_target or None

    def doc(text: str) -> str:
        return fill(text, rule, symbol, target)

    parts += [f"**TF1:** {doc(rule.tf1)}", "", f"**TF2:** {doc(rule.tf2)}", ""]
    parts += [f"**Migrate:** {doc(rule.migrate)}", ""]
    if preview is not None:
        before, after = preview
        label = "Fix" + (f" ({finding.fix.level}, {finding.fix.safety})" if finding.fix else "")
        parts += [
            f"**{label}:**",
            "",
            "```python",
            f"# before\n{before}",
            f"# after\n{after}",
            "```",
            "",
        ]
    elif finding.refused:
        parts += [f"**No automatic fix here:** {finding.refused}.", ""]
    parts += [f"**Fix safety:** {doc(rule.safety_note)}", ""]
    proof = _proof_line(finding)
    if proof:
        parts += [proof, ""]
    remaining = _left_for_native(finding, preview)
    if remaining:
        parts += [remaining, ""]
    parts += [f"Fixes: {fix_summary(rule)} · [Migration guide]({rule.family.guide})"]
    return "\n".join(parts)


def _proof_line(finding: Finding) -> str:
    """What running the rule's examples on TensorFlow showed about this fix."""
    fix = finding.fix
    if fix is None or fix.kind == "manual":
        return ""
    return proof_note(fix)


def _left_for_native(finding: Finding, preview: tuple[str, str] | None) -> str:
    """At compat level, say what is still left to reach idiomatic TF2."""
    native = native_rewrite(finding.rule)
    if finding.fix is None or finding.fix.level != "compat":
        return ""
    # A compat-level fix that writes plain TF2 (`tf.math.log`, `rate=1 - keep`) leaves nothing.
    written = preview[1] if preview is not None else finding.target or ""
    if "compat.v1" not in written:
        return ""
    if native is not None:
        target = native_target(native, finding.symbol or "")
        shown = f" (`{target}`)" if target else ""
        return (
            f"**Beyond tf.compat.v1:** the `native` level rewrites this to idiomatic TF2{shown}; "
            f"that fix is {native.safety}."
        )
    return (
        "**Beyond tf.compat.v1:** the compat fix keeps TF1 semantics running; "
        "the idiomatic TF2 form needs the manual steps above."
    )
