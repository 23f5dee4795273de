"""The catalogue in use: the bundled rules directory found, every rule file in it read and
the catalogue built, once per process (and per directory asked for)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tf2_lsp.catalogue.rule_file import load_rule_file
from tf2_lsp.catalogue.rules import Catalogue, CatalogueError, Rule, build_catalogue


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
    rules: list[Rule] = []
    for path in files:
        rules.extend(load_rule_file(path))
    return build_catalogue(rules)
