"""`tf2-lsp rules [CODE]`: the rule list, or one rule's documentation."""

from __future__ import annotations

import sys
from collections import Counter

from tf2_lsp.catalogue.docs import rule_markdown, rule_text
from tf2_lsp.catalogue.proofs import load_proofs
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.cli.status import EXIT_CLEAN, EXIT_ERROR


def show_rules(catalogue: Catalogue, code: str | None, fmt: str, statistics: bool = False) -> int:
    if statistics:
        return show_proofs(catalogue)
    if code is None:
        rules = sorted(catalogue.rules, key=lambda rule: rule.code)
        width = max(len(rule.name) for rule in rules)
        print(f"{'CODE':7} {'NAME':{width}} {'SEVERITY':11} FIXES (level/safety)")
        for rule in rules:
            fixes = ", ".join(f"{f.level}/{f.safety}" for f in rule.fixes if f.kind != "manual")
            print(f"{rule.code:7} {rule.name:{width}} {rule.severity:11} {fixes or 'manual'}")
        return EXIT_CLEAN
    found = catalogue.by_code.get(code.upper())
    if found is None:
        print(f"tf2-lsp: no rule {code}; `tf2-lsp rules` lists them", file=sys.stderr)
        return EXIT_ERROR
    print(rule_markdown(found) if fmt == "markdown" else rule_text(found))
    return EXIT_CLEAN


def show_proofs(catalogue: Catalogue) -> int:
    """Per fix (rule and level): did running its examples on TensorFlow prove it, and if
    not, why not? Every fix that is not proven is unsafe."""
    counts: Counter[str] = Counter()
    rows = []
    for rule in sorted(catalogue.rules, key=lambda r: r.code):
        for fix in rule.fixes:
            if fix.kind == "manual":
                continue
            counts[fix.proof] += 1
            why = "" if fix.verified else f"  {fix.unproven}"
            rows.append(f"{rule.code:7} {fix.level:7} {fix.safety:7} {fix.proof:10}{why}".rstrip())
    print(f"{'CODE':7} {'LEVEL':7} {'SAFETY':7} {'PROOF':10} WHY NOT")
    print("\n".join(rows))
    total = sum(counts.values())
    unproven = total - counts["verified"]
    print(
        f"\n{counts['verified']} proven, {unproven} unsafe and not proven"
        f" ({counts['differs']} differ, {counts['unverified']} not run), {total} fixes in all"
    )
    cases = Counter(proof.status for proof in load_proofs().values())
    print("cases: " + ", ".join(f"{n} {status}" for status, n in sorted(cases.items())))
    return EXIT_CLEAN
