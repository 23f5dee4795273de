"""The rules and their catalogue (catalogue/rules.py): which rules a name looks up, codes
and names unique, hand-written rules before generated ones, each family in its code range."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.catalogue.support import FAMILY, FIX, RULE, write
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.catalogue.rule_file import load_rule_file
from tf2_lsp.catalogue.rules import Catalogue, CatalogueError, Fix, build_catalogue


def catalogue_of(*paths: Path) -> Catalogue:
    return build_catalogue(rule for path in paths for rule in load_rule_file(path))


def test_duplicate_code_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, "a.toml", FAMILY + RULE + FIX)
    second = write(tmp_path, "b.toml", FAMILY + RULE.replace("demo-session", "other") + FIX)
    with pytest.raises(CatalogueError, match=r"b\.toml: rule TF901: field 'code': .*a\.toml"):
        catalogue_of(first, second)


def test_duplicate_name_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, "a.toml", FAMILY + RULE + FIX)
    second = write(tmp_path, "b.toml", FAMILY + RULE.replace("TF901", "TF902") + FIX)
    with pytest.raises(CatalogueError, match="field 'name'"):
        catalogue_of(first, second)


def test_hand_written_rules_shadow_generated_ones(tmp_path: Path) -> None:
    hand_written = write(tmp_path, "demo.toml", FAMILY + RULE + FIX)
    generated = RULE.replace("TF901", "TF902").replace("demo-session", "gen")
    generated_file = write(tmp_path, "generated_demo.toml", FAMILY + generated + FIX)
    catalogue = catalogue_of(generated_file, hand_written)  # hand-written wins in any order
    assert [r.code for r in catalogue.lookup("tensorflow.Session")] == ["TF901"]
    assert set(catalogue.by_code) == {"TF901", "TF902"}


def test_prefix_rules_match_the_longest_prefix(tmp_path: Path) -> None:
    text = (
        FAMILY
        + RULE.replace('["tensorflow.Session"]', '["tensorflow.contrib.*"]')
        + (
            RULE.replace("TF901", "TF902")
            .replace("demo-session", "slim")
            .replace('["tensorflow.Session"]', '["tensorflow.contrib.slim.*"]')
        )
    )
    catalogue = catalogue_of(write(tmp_path, "demo.toml", text))
    assert [r.code for r in catalogue.lookup("tensorflow.contrib.slim.conv2d")] == ["TF902"]
    assert [r.code for r in catalogue.lookup("tensorflow.contrib.rnn.LSTMCell")] == ["TF901"]
    assert catalogue.lookup("tensorflow.Session") == ()


def test_prefix_target_for() -> None:
    fix = Fix(
        level="compat", safety="safe", kind="rename", to={"tensorflow.contrib.slim.*": "tf_slim.*"}
    )
    assert fix.target_for("tensorflow.contrib.slim.conv2d") == "tf_slim.conv2d"
    assert fix.target_for("tensorflow.contrib.slim") == "tf_slim"
    assert fix.target_for("tensorflow.contrib.slimmer") is None


def test_each_family_keeps_to_its_documented_code_range() -> None:
    """docs/rule-format.md gives each family a code prefix; `--select PREFIX` means that family."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "rule-format.md").read_text("utf-8")
    ranges = {
        file: (prefix, int(low), int(high))
        for prefix, low, high, file in re.findall(
            r"^\| `(TF\d+)` \| TF(\d+)-TF(\d+)[^|]* \| .*\(`(\w+)\.toml`\) \|$", docs, re.M
        )
    }
    exceptions = {"TF910": "behaviour"}  # numbered before the ranges; the docs say so
    catalogue = load_catalogue()
    families = {rule.family.source.stem for rule in catalogue.rules}
    assert families <= set(ranges), f"families without a documented range: {families - set(ranges)}"
    prefixes = [prefix for prefix, _, _ in ranges.values()]
    for prefix in prefixes:  # no prefix selects a part of another family's range
        assert not [p for p in prefixes if p != prefix and p.startswith(prefix)], prefix
    for rule in catalogue.rules:
        if exceptions.get(rule.code) == rule.family.source.stem:
            assert rule.code in docs
            continue
        prefix, low, high = ranges[rule.family.source.stem]
        number = int(rule.code[2:])
        assert rule.code.startswith(prefix) and low <= number <= high, (rule.code, prefix)
