"""The committed proofs (catalogue/proofs.py) as the catalogue applies them: every fix is
verified by execution, or unsafe with a stated reason why it cannot be run."""

from __future__ import annotations

from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.catalogue.proofs import fix_status

CATALOGUE = load_catalogue()
FIXES = [(rule, fix) for rule in CATALOGUE.rules for fix in rule.fixes if fix.kind != "manual"]


def test_every_fix_is_proven_or_says_why_it_cannot_be_run() -> None:
    # A new rule's fix needs a rule example that runs equal on TensorFlow (a run table in
    # its TOML where the defaults do not do) or `unproven = "why"` on the fix.
    silent = [
        f"{rule.code}/{fix.level}" for rule, fix in FIXES if not fix.verified and not fix.unproven
    ]
    assert silent == [], "fixes neither verified by execution nor saying why they cannot be"


def test_a_proven_fix_carries_no_stale_reason() -> None:
    stale = [f"{rule.code}/{fix.level}" for rule, fix in FIXES if fix.verified and fix.unproven]
    assert stale == [], "these fixes are verified now: drop their `unproven` reason"


def test_no_fix_is_safe_without_a_proof() -> None:
    unproven_safe = [
        f"{rule.code}/{fix.level}"
        for rule, fix in FIXES
        if fix.safety == "safe" and not fix.verified
    ]
    assert unproven_safe == []
    assert any(fix.safety == "safe" for _, fix in FIXES)


def test_each_fix_carries_the_recorded_proof() -> None:
    assert all(fix.proof == fix_status(rule.code, fix.level) for rule, fix in FIXES)
    assert {fix.proof for _, fix in FIXES} >= {"verified", "unverified"}


def test_the_readme_gives_the_current_counts() -> None:
    from pathlib import Path

    readme = Path(__file__).resolve().parents[2] / "README.md"
    text = " ".join(readme.read_text(encoding="utf-8").split())
    proven = sum(fix.verified for _, fix in FIXES)
    counts = f"{proven} proven, {len(FIXES) - proven} unsafe and not proven, {len(FIXES)} fixes"
    assert counts in text, f"README.md: update the proof counts to '{counts}'"
    assert f"({proven} of the {len(FIXES)} fixes)" in text
