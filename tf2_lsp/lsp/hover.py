"""Hover text: what changed between TF1 and TF2 for the symbol under the cursor (from the rules)."""

from __future__ import annotations

from tf2_lsp.catalogue.docs import fill, fix_summary
from tf2_lsp.catalogue.transforms import transform_target
from tf2_lsp.model import Finding


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
    remaining = _left_for_native(finding, preview)
    if remaining:
        parts += [remaining, ""]
    parts += [f"Fixes: {fix_summary(rule)} · [Migration guide]({rule.family.guide})"]
    return "\n".join(parts)


def _left_for_native(finding: Finding, preview: tuple[str, str] | None) -> str:
    """At compat level, say what is still left to reach idiomatic TF2."""
    native = next((f for f in finding.rule.fixes if f.level == "native"), None)
    if finding.fix is None or finding.fix.level != "compat":
        return ""
    # A compat-level fix that writes plain TF2 (`tf.math.log`, `rate=1 - keep`) leaves nothing.
    written = preview[1] if preview is not None else finding.target or ""
    if "compat.v1" not in written:
        return ""
    if native is not None:
        symbol = finding.symbol or ""
        target = native.target_for(symbol)
        if native.kind == "transform":
            target = transform_target(native.transform, symbol)
        shown = f" (`{target}`)" if target else ""
        return (
            f"**Beyond tf.compat.v1:** the `native` level rewrites this to idiomatic TF2{shown}; "
            f"that fix is {native.safety}."
        )
    return (
        "**Beyond tf.compat.v1:** the compat fix keeps TF1 semantics running; "
        "the idiomatic TF2 form needs the manual steps above."
    )
