"""Every rule's before/after examples and valid cases, run through the real engine (Fixit-style)."""

from __future__ import annotations

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.catalogue.rules import Example, Rule
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

CATALOGUE = load_catalogue()


def _join(prelude: str, body: str) -> str:
    return f"{prelude}\n{body}\n" if prelude else f"{body}\n"


def _examples() -> list[tuple[Rule, Example]]:
    return [(rule, example) for rule in CATALOGUE.rules for example in rule.examples]


def _valid() -> list[tuple[Rule, str]]:
    return [(rule, code) for rule in CATALOGUE.rules for code in rule.valid]


@pytest.mark.parametrize(
    ("rule", "example"),
    _examples(),
    ids=[f"{r.code}-{i}" for i, (r, _) in enumerate(_examples())],
)
def test_example(rule: Rule, example: Example) -> None:
    # A rule whose compat target is gone in the newest TF is exercised on an older target;
    # test_target_version covers the newest.
    settings = Settings(level=example.level, target_version="2.15" if rule.since else "2.21")
    before = _join(example.prelude, example.before)
    expected = _join(
        example.prelude, example.after if example.after is not None else example.before
    )
    # A fix no example verified by running it is unsafe, whatever its rule file says.
    unsafe = rule.needs_unsafe(example)
    outcome = fix_all(before, CATALOGUE, settings, unsafe=unsafe)
    assert outcome.error is None
    assert outcome.source == expected
    if example.after is not None and example.after != example.before:
        codes = {f.code for f in detect(before, CATALOGUE, settings).findings}
        assert rule.code in codes, f"{rule.code} did not fire on its own example"
    again = fix_all(outcome.source, CATALOGUE, settings, unsafe=unsafe)
    assert again.source == outcome.source, "fixing twice changed the code again"


@pytest.mark.parametrize(
    ("rule", "code"), _valid(), ids=[f"{r.code}-valid-{i}" for i, (r, _) in enumerate(_valid())]
)
def test_valid_code_is_not_reported(rule: Rule, code: str) -> None:
    source = f"import tensorflow as tf\n{code}\n"
    assert rule.code not in {f.code for f in detect(source, CATALOGUE).findings}


def test_every_hand_written_rule_has_an_example() -> None:
    missing = [r.code for r in CATALOGUE.rules if not r.family.generated and not r.examples]
    assert missing == []
