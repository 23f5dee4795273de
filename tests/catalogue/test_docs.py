"""Rule documentation: complete, in sync with docs/rules.md, and reachable from the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.docs import catalogue_markdown, rule_markdown
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.catalogue.rules import DOC_FIELDS, Catalogue, Rule, build_catalogue
from tf2_lsp.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
RULES_MD = ROOT / "docs" / "rules.md"
CATALOGUE = load_catalogue()

# Text that marks a field as unfinished, or copied boilerplate nobody adapted.
_PLACEHOLDER = re.compile(
    r"\b(TODO|TBD|FIXME|XXX|lorem ipsum)\b|<[a-z_ ]+>|^\s*\.\.\.\s*$|^\s*-\s*$",
    re.IGNORECASE | re.MULTILINE,
)


@pytest.mark.parametrize("rule", CATALOGUE.rules, ids=[r.code for r in CATALOGUE.rules])
def test_every_rule_is_documented(rule: Rule) -> None:
    for name in DOC_FIELDS:
        text = getattr(rule, name)
        assert text.strip(), f"{rule.code}: {name} is empty"
        assert len(text.strip()) >= 20, f"{rule.code}: {name} is too short to say anything"
        assert not _PLACEHOLDER.search(text), f"{rule.code}: {name} has placeholder text"
    assert rule.message.strip() and not _PLACEHOLDER.search(rule.message)


def test_placeholder_check_can_fail() -> None:
    assert _PLACEHOLDER.search("TODO: explain")
    assert _PLACEHOLDER.search("...")
    assert _PLACEHOLDER.search("see <fill in>")
    assert not _PLACEHOLDER.search("`tf.flags` re-exported `DEFINE_string`, `FLAGS`, ...")


def test_hand_written_docs_differ_between_rules() -> None:
    """Each hand-written rule explains its own topic: no field pasted from another rule."""
    seen: dict[tuple[str, str], str] = {}
    for rule in CATALOGUE.rules:
        if rule.family.generated:
            continue
        for name in ("tf1", "tf2", "migrate"):
            key = (name, " ".join(getattr(rule, name).split()))
            assert key not in seen, f"{rule.code}.{name} repeats {seen[key]}"
            seen[key] = rule.code


def test_docs_rules_md_is_in_sync() -> None:
    expected = catalogue_markdown(CATALOGUE) + "\n"  # `print` adds the final newline
    assert RULES_MD.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run `python -m tf2_lsp.catalogue.docs > docs/rules.md`"
    )


def test_sync_check_notices_a_change(catalogue: Catalogue) -> None:
    edited = [
        replace(r, tf1=r.tf1 + " Edited.") if r.code == "TF101" else r for r in catalogue.rules
    ]
    assert catalogue_markdown(build_catalogue(edited)) != catalogue_markdown(catalogue)


def test_rule_reference_groups_by_family_with_fix_and_safety() -> None:
    text = catalogue_markdown(CATALOGUE)
    for rule in CATALOGUE.rules:
        assert f"### {rule.code} `{rule.name}`" in text
    assert "fix: compat: rename (safe); native: transform (unsafe)" in text  # TF911 and others
    assert "fix: none (manual migration)" in text
    families = [line for line in text.splitlines() if line.startswith("## ")]
    assert len(families) == len({rule.family.id for rule in CATALOGUE.rules})


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tf2_lsp", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_cli_prints_a_rules_documentation() -> None:
    result = _cli("rules", "TF101")
    assert result.returncode == 0, result.stderr
    rule = CATALOGUE.by_code["TF101"]
    assert "TF101" in result.stdout
    first_tf1_words = " ".join(rule.tf1.split()[:4]).replace("`", "")
    assert first_tf1_words in " ".join(result.stdout.split())
    assert "Fix safety" in result.stdout


def test_cli_markdown_format_matches_the_reference() -> None:
    result = _cli("rules", "TF911", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == rule_markdown(CATALOGUE.by_code["TF911"]).strip()


def test_cli_rejects_an_unknown_code() -> None:
    result = _cli("rules", "TF0000")
    assert result.returncode == 2
    assert "TF0000" in result.stderr
    assert result.stdout == ""


def _manual_examples() -> list[tuple[Rule, str]]:
    return [
        (rule, example.before)
        for rule in CATALOGUE.rules
        if not rule.family.generated and not any(f.kind != "manual" for f in rule.fixes)
        for example in rule.examples
    ]


@pytest.mark.parametrize(
    ("rule", "before"), _manual_examples(), ids=[r.code for r, _ in _manual_examples()]
)
def test_manual_rules_fire_on_their_examples(rule: Rule, before: str) -> None:
    """A manual rule's example has no `after`; it must still be reported (with no fix)."""
    source = f"import tensorflow as tf\n{before}\n"
    level = next((ex.level for ex in rule.examples if ex.before == before), "compat")
    settings = Settings(level=level)
    findings = [f for f in detect(source, CATALOGUE, settings).findings if f.code == rule.code]
    assert findings, f"{rule.code} did not fire on its example"
    assert all(f.fix is None for f in findings)


def test_reference_fills_every_placeholder() -> None:
    from tf2_lsp.catalogue.docs import rule_markdown

    unfilled = [
        rule.code
        for rule in load_catalogue().rules
        if "{target}" in rule_markdown(rule) or "{symbol}" in rule_markdown(rule)
    ]
    assert unfilled == []


def test_hover_fills_placeholders_with_the_findings_own_names() -> None:
    from tf2_lsp.analysis.detect import detect
    from tf2_lsp.lsp.hover import hover_markdown

    source = "import tensorflow as tf\nr = tf.train.NewCheckpointReader(path)\n"
    (finding,) = detect(source, load_catalogue()).findings
    text = hover_markdown(finding, None)
    assert "`tf.compat.v1.train.NewCheckpointReader`" in text
    assert "{target}" not in text and "{symbol}" not in text
