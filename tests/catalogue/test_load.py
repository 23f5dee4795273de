"""The bundled catalogue found and loaded (catalogue/load.py), and a directory of rule
files loaded as one catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalogue.support import FAMILY, FIX, RULE, write
from tf2_lsp.catalogue.load import load_catalogue, with_proofs
from tf2_lsp.catalogue.rule_file import load_rule_file
from tf2_lsp.catalogue.rules import CatalogueError


def test_a_directory_of_rule_files_is_one_catalogue(tmp_path: Path) -> None:
    write(tmp_path, "demo.toml", FAMILY + RULE + FIX)
    catalogue = load_catalogue(tmp_path)
    [rule] = catalogue.rules
    assert (rule.code, rule.family.source) == ("TF901", tmp_path / "demo.toml")
    assert catalogue.lookup("tensorflow.Session") == (rule,)


def test_missing_or_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="not found"):
        load_catalogue(tmp_path / "nope")
    with pytest.raises(CatalogueError, match="no rule files"):
        load_catalogue(tmp_path)


def test_the_bundled_catalogue_loads(tmp_path: Path) -> None:
    catalogue = load_catalogue()
    assert len(catalogue.rules) > 100
    assert all(rule.code.startswith("TF") for rule in catalogue.rules)


def test_a_fix_without_proof_loads_as_unsafe(tmp_path: Path) -> None:
    [rule] = load_rule_file(write(tmp_path, "demo.toml", FAMILY + RULE + FIX))
    [verified] = with_proofs(rule, lambda code, level: "verified").fixes
    assert (verified.safety, verified.proof) == ("safe", "verified")
    for status in ("unverified", "differs"):
        [fix] = with_proofs(rule, lambda code, level, status=status: status).fixes
        assert (fix.safety, fix.proof) == ("unsafe", status)
