"""A rule's documentation as Markdown (hover, `tf2-lsp rules CODE`, docs/rules.md)."""

from __future__ import annotations

from tf2_lsp.catalogue.rules import Catalogue, Example, Fix, Rule


def _example_code(example: Example, after: bool) -> str:
    body = example.after if after else example.before
    if body is None:
        body = example.before
    return f"{example.prelude}\n{body}" if example.prelude else body


def fix_summary(rule: Rule) -> str:
    """`compat: rename (safe); native: transform (unsafe)`, or the manual-migration note."""
    fixes = [fix for fix in rule.fixes if fix.kind != "manual"]
    if not fixes:
        return "none (manual migration)"
    return "; ".join(f"{fix.level}: {fix.kind} ({fix.safety})" for fix in fixes)


def proof_note(fix: Fix) -> str:
    """What running the rule's examples on TensorFlow showed about one fix, in one line."""
    if fix.verified:
        return "Verified by execution: its examples compute the same on TensorFlow."
    if fix.proof == "differs":
        return "**Not verified by execution:** an example computes something else after it" + (
            f"; {fix.unproven}" if fix.unproven else "."
        )
    return f"**Not verified by execution:** {fix.unproven}"


def fill(text: str, rule: Rule, symbol: str | None = None, target: str | None = None) -> str:
    """A documentation field with its `{symbol}`/`{target}` placeholders filled in: with the
    finding's own names in hover, with the rule's first mapping in the reference."""
    if "{" not in text:
        return text.strip()
    if symbol is None or target is None:
        compat = next((fix for fix in rule.fixes if fix.to), None)
        first = rule.symbols[0].removesuffix(".*")
        symbol = symbol or first
        example = compat.target_for(first) if compat is not None else None
        target = target or (f"{example}, for example" if example else "its TF2 name")
    return text.replace("{symbol}", symbol).replace("{target}", target).strip()


def rule_markdown(rule: Rule, heading: str = "##") -> str:
    parts = [
        f"{heading} {rule.code} `{rule.name}`",
        "",
        f"*{rule.family.title}* · severity **{rule.severity}** · fix: {fix_summary(rule)}",
        "",
        f"**Matches:** {', '.join(f'`{s}`' for s in rule.symbols)}",
        "",
        f"**In TF1:** {fill(rule.tf1, rule)}",
        "",
        f"**In TF2:** {fill(rule.tf2, rule)}",
        "",
        f"**How to migrate:** {fill(rule.migrate, rule)}",
        "",
        f"**Fix safety:** {fill(rule.safety_note, rule)}",
    ]
    for fix in rule.fixes:
        if fix.kind != "manual":
            parts += ["", f"**{fix.level.capitalize()} fix:** {proof_note(fix)}"]
    if rule.requires:
        parts += ["", f"**Needs:** {', '.join(rule.requires)}"]
    if rule.since:
        parts += ["", f"**Compat target gone since:** TensorFlow {rule.since}"]
    for example in _shown_examples(rule):
        before = _example_code(example, False)
        parts += ["", "**Example** (before):", "", "```python", before, "```"]
        if example.after is not None and example.after != example.before:
            flags = f"--level {example.level}" + (" --unsafe" if rule.needs_unsafe(example) else "")
            after = _example_code(example, True)
            parts += ["", f"after (`{flags}`):", "", "```python", after, "```"]
    parts += ["", f"Migration guide: {rule.family.guide}"]
    return "\n".join(parts)


def _shown_examples(rule: Rule) -> list[Example]:
    """One example per fix level that changes the code, else the first example (manual rules)."""
    shown: dict[str, Example] = {}
    for example in rule.examples:
        if example.after is not None and example.after != example.before:
            shown.setdefault(example.level, example)
    if not shown and rule.examples:
        return [rule.examples[0]]
    return list(shown.values())


def rule_text(rule: Rule) -> str:
    """The Markdown for a terminal: no emphasis or backticks, code blocks indented."""
    lines = []
    in_code = False
    for line in rule_markdown(rule).split("\n"):
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            lines.append("    " + line)
        else:
            lines.append(line.replace("**", "").replace("`", "").removeprefix("## "))
    return "\n".join(lines)


def catalogue_markdown(catalogue: Catalogue) -> str:
    """docs/rules.md: every rule, grouped by family, hand-written families first."""
    families: dict[str, list[Rule]] = {}
    for rule in catalogue.rules:
        families.setdefault(rule.family.id, []).append(rule)
    order = sorted(
        families, key=lambda f: (families[f][0].family.generated, min(r.code for r in families[f]))
    )
    fixes = [fix for rule in catalogue.rules for fix in rule.fixes if fix.kind != "manual"]
    proven = sum(fix.verified for fix in fixes)
    lines = [
        "# tf2-lsp rule reference",
        "",
        "Generated from `rules/*.toml` by `python -m tf2_lsp.catalogue.docs > docs/rules.md`;"
        " do not edit.",
        "`rules/generated_*.toml` are themselves written by `scripts/generate_catalogue.py` from",
        "TensorFlow's API; the other rule files by hand.",
        "",
        f"{len(catalogue.rules)} rules. Fix levels: `compat` keeps TF1 behaviour through",
        "`tf.compat.v1` (or an exact equivalent); `native` rewrites to idiomatic TF2",
        "(`--level native`). *Unsafe* fixes may change behaviour and need `--unsafe`.",
        "A fix is safe only when its examples ran on TensorFlow and computed what the TF1",
        "code computed; every other fix is unsafe and says why it could not be run.",
        f"Fixes: {proven} proven by execution, {len(fixes) - proven} unsafe and not proven,",
        f"{len(fixes)} in all.",
        "",
        "| Family | Rules |",
        "|---|---|",
    ]
    for family_id in order:
        rules = sorted(families[family_id], key=lambda r: r.code)
        codes = ", ".join(rule.code for rule in rules)
        lines.append(f"| {rules[0].family.title} | {codes} |")
    lines.append("")
    for family_id in order:
        rules = sorted(families[family_id], key=lambda r: r.code)
        lines += [f"## {rules[0].family.title}", ""]
        for rule in rules:
            lines += [rule_markdown(rule, heading="###"), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    from tf2_lsp.catalogue.load import load_catalogue

    print(catalogue_markdown(load_catalogue()))
