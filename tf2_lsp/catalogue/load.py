"""The catalogue in use: the bundled rules directory found, every rule file in it read, the
committed proofs applied (a fix no run verified is unsafe) and the catalogue built, once per
process (and per directory asked for); the files' parsed TOML is read back from its copy when
there is one (`catalogue.parsed`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import cast

from tf2_lsp.catalogue import parsed, rule_file
from tf2_lsp.catalogue.proofs import fix_status
from tf2_lsp.catalogue.rules import Catalogue, CatalogueError, Proof, Rule, Safety, build_catalogue


def default_rules_dir() -> Path:
    """The installed rule files, or the checkout's `rules/` when running from a checkout.

    The installed copy is looked for first: beside an installed package, `../rules` is
    whatever directory of that name site-packages happens to hold.
    """
    package = Path(__file__).resolve().parent.parent
    installed = package / "rules_data"
    if installed.is_dir():
        return installed
    return package.parent / "rules"


@cache
def load_catalogue(rules_dir: Path | None = None) -> Catalogue:
    directory = rules_dir or default_rules_dir()
    if not directory.is_dir():
        raise CatalogueError(f"{directory}: rules directory not found")
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise CatalogueError(f"{directory}: no rule files (*.toml)")
    documents, copy = parsed.read_copy(files)
    if documents is None:
        documents = [rule_file.read_rule_file(path) for path in files]
        if copy is not None:
            parsed.write_copy(copy, documents)
    rules: list[Rule] = []
    for path, document in zip(files, documents, strict=True):
        rules.extend(rule_file.rules_of(path, document))
    return build_catalogue(with_proofs(rule, fix_status) for rule in rules)


def with_proofs(rule: Rule, status: Callable[[str, str], str]) -> Rule:
    """The rule with each fix's proof, as `status(code, level)` gives it; a fix that is not
    verified by execution is unsafe, so no safe fix without a proof can exist."""
    fixes = []
    for fix in rule.fixes:
        if fix.kind == "manual":
            fixes.append(fix)
            continue
        proof = cast(Proof, status(rule.code, fix.level))
        safety: Safety = fix.safety if proof == "verified" else "unsafe"
        fixes.append(replace(fix, proof=proof, safety=safety))
    return replace(rule, fixes=tuple(fixes))
