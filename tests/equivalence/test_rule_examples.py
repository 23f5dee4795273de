"""Every rule example with a fix, at every level its rule offers, run on TensorFlow: the TF1
code with TF1 semantics against the code `tf2-lsp fix --unsafe` writes, run as TF2. Generated
renames are checked name by name: the TF1 name and its target must be the same object.

The outcome of every case is committed in `tf2_lsp/catalogue/data/proofs.json` (what hover and
`tf2-lsp rules --statistics` report); `TF2LSP_WRITE_PROOFS=1` rewrites it from this run.
`TF2LSP_PROOFS_ONLY=TF918,TF934` runs only those rules' cases, and writing then replaces only
their proofs, keeping every other rule's.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from typing import Any

import pytest

from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.catalogue.proofs import PROOFS
from tf2_lsp.verify.cases import Case, Outcome
from tf2_lsp.verify.examples import ExampleCase, example_cases, rename_cases

# One TensorFlow run per module: its tests stay on one xdist worker (`--dist loadgroup`).
pytestmark = [pytest.mark.tensorflow, pytest.mark.xdist_group("equivalence-examples")]

CATALOGUE = load_catalogue()
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_RULE = re.compile(r"TF\d+")
ONLY = frozenset(code.strip() for code in os.environ.get("TF2LSP_PROOFS_ONLY", "").split(","))
ONLY = ONLY - {""}


def _rule_of(name: str) -> str:
    """`TF918#0@native/2.21` and `TF556:tensorflow.train.x` -> the rule code."""
    found = _RULE.match(name)
    return found.group(0) if found else name


CASES = [
    item
    for item in example_cases(CATALOGUE) + rename_cases(CATALOGUE)
    if not ONLY or _rule_of(item.case.name) in ONLY
]
COPIED = "equal from TF1's initial weights"


def _key(case: Case) -> tuple[str, str, str]:
    return case.old, case.new, json.dumps(case.to_json()["run"], sort_keys=True)


@pytest.fixture(scope="module")
def outcomes(tensorflow_installed: None) -> dict[str, Outcome]:
    """Each case's outcome; cases whose code and run table are the same run once."""
    from tf2_lsp.verify.harness import run_cases

    unique: dict[tuple[str, str, str], Case] = {}
    for item in CASES:
        unique.setdefault(_key(item.case), item.case)
    outcomes = run_cases(list(unique.values()))
    ran = {_key(c): o for c, o in zip(unique.values(), outcomes, strict=True)}
    return {item.case.name: ran[_key(item.case)] for item in CASES}


def _record(outcomes: dict[str, Outcome]) -> dict[str, dict[str, str]]:
    return {
        item.case.name: _entry(item, outcomes[item.case.name])
        for item in sorted(CASES, key=lambda i: i.case.name)
    }


def _entry(item: ExampleCase, outcome: Outcome) -> dict[str, str]:
    status, reason = outcome.status, outcome.reason
    if item.index < 0 and status == "differs":
        # Two objects for one name (Keras 2's and Keras 3's) may still compute the same:
        # not proven either way without a call.
        status, reason = "error", f"not the same object: {reason}"
    if reason.startswith(COPIED):
        reason = COPIED  # how far apart Keras 2's eager initial values landed varies per run
    return {"status": status, "reason": _ADDRESS.sub("0x...", reason)[:200]}


def _safe(item: ExampleCase) -> bool:
    fix = item.rule.fix_for(item.level)
    return fix is not None and fix.safety == "safe" and fix.kind != "manual"


def test_no_safe_fix_changes_what_the_code_computes(outcomes: dict[str, Outcome]) -> None:
    wrong = [
        f"{item.case.name}: {outcomes[item.case.name].reason}"
        for item in CASES
        if outcomes[item.case.name].status == "differs" and _safe(item) and item.index >= 0
    ]
    assert wrong == []


def test_generated_renames_name_the_same_object(outcomes: dict[str, Outcome]) -> None:
    statuses = Counter(_entry(i, outcomes[i.case.name])["status"] for i in CASES if i.index < 0)
    if ONLY and not statuses:
        pytest.skip("the rules of this run have no generated renames")
    assert statuses["proven"] > 0.9 * sum(statuses.values()), statuses


def test_every_example_that_cannot_run_says_why(outcomes: dict[str, Outcome]) -> None:
    silent = [
        item.case.name
        for item in CASES
        if outcomes[item.case.name].status in ("error", "skipped")
        and not outcomes[item.case.name].reason
    ]
    assert silent == []


def test_the_committed_proofs_are_this_run(outcomes: dict[str, Outcome]) -> None:
    measured = {"tensorflow": _tensorflow_version(), "cases": _record(outcomes)}
    committed = json.loads(PROOFS.read_text(encoding="utf-8")) if PROOFS.exists() else {}
    if os.environ.get("TF2LSP_WRITE_PROOFS") == "1":
        PROOFS.write_text(_written(committed, measured), encoding="utf-8")
        committed = json.loads(PROOFS.read_text(encoding="utf-8"))
    stale = {
        name: (committed.get("cases", {}).get(name), entry)
        for name, entry in measured["cases"].items()
        if committed.get("cases", {}).get(name) != entry
    }
    assert not stale, (
        f"{len(stale)} proofs changed (rerun with TF2LSP_WRITE_PROOFS=1): "
        + "; ".join(f"{k}: {v[0]} -> {v[1]}" for k, v in list(stale.items())[:5])
    )


def _written(committed: dict[str, Any], measured: dict[str, Any]) -> str:
    """The proofs file after this run: all of it measured now, or, for a run of some rules
    (`TF2LSP_PROOFS_ONLY`), the committed proofs of the other rules and this run's of these."""
    if ONLY:
        kept = {
            name: entry
            for name, entry in committed.get("cases", {}).items()
            if _rule_of(name) not in ONLY
        }
        if committed.get("tensorflow") not in (None, measured["tensorflow"]):
            pytest.fail("the committed proofs ran on another TensorFlow: write them all at once")
        measured = {**measured, "cases": {**kept, **measured["cases"]}}
    return json.dumps(measured, indent=1, sort_keys=True) + "\n"


def _tensorflow_version() -> str:
    from importlib.metadata import version

    return version("tensorflow") if _has("tensorflow") else version("tensorflow-cpu")


def _has(distribution: str) -> bool:
    from importlib.metadata import PackageNotFoundError, version

    try:
        version(distribution)
    except PackageNotFoundError:
        return False
    return True
