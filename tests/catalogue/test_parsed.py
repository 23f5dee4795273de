"""The rule files parsed once per content: later loads read the same documents back."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tf2_lsp.catalogue import load as loader
from tf2_lsp.catalogue import parsed, rule_file
from tf2_lsp.catalogue.load import default_rules_dir
from tf2_lsp.catalogue.rules import Catalogue

load = loader.load_catalogue.__wrapped__  # without the per-process cache


@pytest.fixture
def rule_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    directory = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), directory)
    return directory


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    parsed_files: list[Path] = []
    real = rule_file.read_rule_file

    def counting(path: Path) -> dict[str, object]:
        parsed_files.append(path)
        return real(path)

    monkeypatch.setattr(rule_file, "read_rule_file", counting)
    return parsed_files


def test_a_second_load_reads_the_parsed_copy_and_gets_the_same_catalogue(
    rule_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = _count_parses(monkeypatch)
    first: Catalogue = load(rule_files)
    assert len(parses) == len(list(rule_files.glob("*.toml")))
    [copy] = (rule_files.parent / "cache" / "tf2-lsp").glob("rules-*.json")
    parses.clear()
    second: Catalogue = load(rule_files)
    assert parses == []
    assert second == first
    assert second.rules == first.rules and dict(second.exact) == dict(first.exact)
    assert copy.exists()


def test_an_edited_rule_file_is_parsed_again(
    rule_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(rule_files)
    graph = rule_files / "graph.toml"
    graph.write_text(graph.read_text().replace("builds TF1 graphs", "builds TF1 graphs!"))
    parses = _count_parses(monkeypatch)
    catalogue = load(rule_files)
    assert parses  # the edit is read, not the old copy
    assert "builds TF1 graphs!" in catalogue.by_code["TF810"].message


@pytest.mark.parametrize("damage", ["{not json", "[]", '{"rule": []}', "[1, 2, 3]"])
def test_a_damaged_copy_is_ignored_and_replaced(
    rule_files: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    first = load(rule_files)
    [copy] = (rule_files.parent / "cache" / "tf2-lsp").glob("rules-*.json")
    copy.write_text(damage)
    parses = _count_parses(monkeypatch)
    assert load(rule_files) == first
    assert parses
    assert parsed.read_copy(sorted(rule_files.glob("*.toml")))[0] is not None


def test_no_usable_cache_directory_still_loads(
    rule_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = rule_files.parent / "cache"
    blocked.write_text("a file where the directory would go")
    first = load(rule_files)
    assert load(rule_files) == first
    assert blocked.is_file()


def test_a_value_json_cannot_carry_is_never_copied(tmp_path: Path) -> None:
    copy = tmp_path / "rules-x.json"
    parsed.write_copy(copy, [{"when": float("nan")}])
    assert not copy.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left either


def test_a_new_copy_keeps_only_the_newest_few_and_removes_abandoned_temporary_files(
    tmp_path: Path,
) -> None:
    # Each version of the rule files writes its copy: upgrades must not pile them up.
    older = []
    for age in range(6):
        old = tmp_path / f"rules-{age}.json"
        old.write_text("[]")
        os.utime(old, (1_000_000 - age, 1_000_000 - age))
        older.append(old)
    abandoned = tmp_path / ".rules-abc"
    abandoned.write_text("")
    os.utime(abandoned, (1_000_000, 1_000_000))
    running = tmp_path / ".rules-def"
    running.write_text("")
    other = tmp_path / "jedi"
    other.mkdir()
    copy = tmp_path / "rules-new.json"
    parsed.write_copy(copy, [{"rule": []}])
    assert copy.exists()
    kept = {copy, *older[: parsed.KEPT_COPIES - 1]}
    assert {p for p in tmp_path.glob("rules-*.json")} == kept
    assert not abandoned.exists()
    assert running.exists() and other.is_dir()
