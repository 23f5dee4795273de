"""Which fixes the equivalence tests proved by running them (`data/proofs.json`).

The file is written by `tests/equivalence/test_rule_examples.py` (with
`TF2LSP_WRITE_PROOFS=1`) and checked by it to be up to date: the proof status is measured,
never claimed by hand. Each case is one rule example at one level and target (or one name of
a generated rename), with what running it found.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROOFS = Path(__file__).with_name("data") / "proofs.json"
VERIFIED = ("proven", "ran")  # both sides ran: equal values, or nothing to compare


@dataclass(frozen=True, slots=True)
class Proof:
    status: str  # proven | ran | differs | error | skipped
    reason: str


@cache
def load_proofs(path: Path = PROOFS) -> Mapping[str, Proof]:
    """Case name (`TF211#0@compat/2.21`, `TF509:tensorflow.cholesky`) -> its proof."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {name: Proof(**entry) for name, entry in data.get("cases", {}).items()}


def rule_of(case: str) -> tuple[str, str]:
    """(rule code, level) of a case name; generated renames count at compat level."""
    if "@" in case:
        code = case.split("#", 1)[0]
        level = case.split("@", 1)[1].split("/", 1)[0]
        return code, level
    return case.split(":", 1)[0], "compat"


@cache
def _statuses() -> Mapping[tuple[str, str], tuple[str, ...]]:
    """(rule code, level) -> the statuses of its cases, indexed once."""
    index: dict[tuple[str, str], list[str]] = {}
    for name, proof in load_proofs().items():
        index.setdefault(rule_of(name), []).append(proof.status)
    return {key: tuple(statuses) for key, statuses in index.items()}


def fix_status(code: str, level: str) -> str:
    """The proof of one fix: `verified` (a case of this rule ran equal at this level and
    none differed), `differs` (a case computed something else), or `unverified`."""
    statuses = _statuses().get((code, level), ())
    if "differs" in statuses:
        return "differs"
    if any(status in VERIFIED for status in statuses):
        return "verified"
    return "unverified"
