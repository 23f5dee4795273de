"""A rule's documentation as Markdown (hover, `tf2-lsp rules CODE`, docs/rules.md)."""

from __future__ import annotations

from tf2_lsp.rules import Catalogue, Example, Rule


def _example_code(example: Example, after: bool) -> str:
    body = example.after if after else example.before
    if body is None:
        body = example.before
    return f"{example.prelude}\n{body}" if example.prelude else body


def fix_summary(rule: Rule) -> str:
    if not rule.fixes:
        return "no automatic fix (manual migration)"
    return "; ".join(f"{fix.level} level: {fix.kind} ({fix.safety})" for fix in rule.fixes)


def rule_markdown(rule: Rule, heading: str = "##") -> str:
    parts = [
        f"{heading} {rule.code} `{rule.name}`",
        "",
        f"*{rule.family.title}* · severity **{rule.severity}** · fix: {fix_summary(rule)}",
        "",
        f"**Matches:** {', '.join(f'`{s}`' for s in rule.symbols)}",
        "",
        f"**In TF1:** {rule.tf1.strip()}",
        "",
        f"**In TF2:** {rule.tf2.strip()}",
        "",
        f"**How to migrate:** {rule.migrate.strip()}",
        "",
        f"**Fix safety:** {rule.safety_note.strip()}",
    ]
    if rule.requires:
        parts += ["", f"**Needs:** {', '.join(rule.requires)}"]
    if rule.since:
        parts += ["", f"**Compat target gone since:** TensorFlow {rule.since}"]
    example = next((e for e in rule.examples if e.after and e.after != e.before), None)
    if example is None and rule.examples:
        example = rule.examples[0]
    if example is not None:
        parts += ["", "**Example** (before):", "", "```python", _example_code(example, False), "```"]
        if example.after is not None and example.after != example.before:
            label = f"after (`--level {example.level}`" + (", --unsafe" if example.unsafe else "")
            parts += ["", f"{label}):", "", "```python", _example_code(example, True), "```"]
    parts += ["", f"Migration guide: {rule.family.guide}"]
    return "\n".join(parts)


def rule_text(rule: Rule) -> str:
    return rule_markdown(rule).replace("**", "").replace("`", "")


def catalogue_markdown(catalogue: Catalogue) -> str:
    """docs/rules.md: every rule, grouped by family (kept in sync by a test)."""
    lines = [
        "# tf2-lsp rule reference",
        "",
        "Generated from `rules/*.toml` by `python -m tf2_lsp.docs > docs/rules.md`; do not edit.",
        "",
    ]
    families: dict[str, list[Rule]] = {}
    for rule in catalogue.rules:
        families.setdefault(rule.family.title, []).append(rule)
    for title in sorted(families):
        lines += [f"## {title}", ""]
        for rule in sorted(families[title], key=lambda r: r.code):
            lines += [rule_markdown(rule, heading="###"), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    from tf2_lsp.rules import load_catalogue

    print(catalogue_markdown(load_catalogue()))
