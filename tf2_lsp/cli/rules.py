"""`tf2-lsp rules [CODE]`: the rule list, or one rule's documentation."""

from __future__ import annotations

import sys
from collections import Counter

from tf2_lsp.catalogue.docs import rule_markdown, rule_text
from tf2_lsp.catalogue.proofs import fix_status, load_proofs
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
    """Per fix (rule and level): did running its examples on TensorFlow prove it?"""
    counts: Counter[str] = Counter()
    rows = []
    for rule in sorted(catalogue.rules, key=lambda r: r.code):
        for fix in rule.fixes:
            if fix.kind == "manual":
                continue
            status = fix_status(rule.code, fix.level)
            counts[status] += 1
            rows.append(f"{rule.code:7} {fix.level:7} {fix.safety:7} {status}")
    print(f"{'CODE':7} {'LEVEL':7} {'SAFETY':7} PROOF")
    print("\n".join(rows))
    total = sum(counts.values())
    print(
        f"\n{counts['verified']}/{total} fixes verified by execution"
        f" ({counts['differs']} differ, {counts['unverified']} not run);"
    )
    cases = Counter(proof.status for proof in load_proofs().values())
    print("cases: " + ", ".join(f"{n} {status}" for status, n in sorted(cases.items())))
    return EXIT_CLEAN
