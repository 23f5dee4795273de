"""Figures about the call model: what the catalogue maps, and what the verifier refuses.

    python scripts/call_model_stats.py [--target-version 2.21] [PATH ...]

Prints, for the catalogue: how many TF1 callables (renamed, or with an `arguments` fix) the
signature data covers, how many of those changed signature, how many map every TF1 parameter
onto the target (complete), the keyword renames and the value-checked removals. For each PATH
(a file or a directory of .py files): the call findings the call model reports and how many
fixes it refused, by reason.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tf2_lsp.analysis.call_model import parameter_map  # noqa: E402
from tf2_lsp.analysis.detect import detect  # noqa: E402
from tf2_lsp.catalogue.load import load_catalogue  # noqa: E402
from tf2_lsp.catalogue.rules import ArgChange  # noqa: E402
from tf2_lsp.catalogue.signatures import COMPAT, TF, signatures_for  # noqa: E402
from tf2_lsp.settings import Settings  # noqa: E402


def catalogue_figures(version: str) -> dict[str, int]:
    catalogue = load_catalogue()
    sigs = signatures_for(version)
    seen: set[str] = set()
    figures: Counter[str] = Counter()
    for rule in catalogue.rules:
        fix = rule.fix_for("compat")
        if fix is None or fix.kind not in ("rename", "arguments"):
            continue
        for symbol in rule.symbols:
            if symbol.endswith(".*") or symbol in seen:
                continue
            seen.add(symbol)
            target = fix.target_for(symbol) if fix.kind == "rename" else symbol
            tf1 = sigs.tf1(symbol)
            goal = sigs.target(target) if target else None
            if tf1 is None or goal is None or target is None:
                figures["callables without signature data"] += 1
                continue
            figures["callables with signature data"] += 1
            if target == COMPAT + symbol.removeprefix(TF) or tf1 == goal:
                continue
            figures["callables whose signature changed"] += 1
            change = _merged(catalogue.lookup(symbol), symbol)
            mapping = parameter_map(tf1, goal, symbol, target, sigs, change)
            removed = [p for p, (new, _) in mapping.items() if new is None]
            renamed = [p for p, (new, how) in mapping.items() if new and new != p and not how]
            converted = [p for p, (_, how) in mapping.items() if how]
            figures["keyword renames"] += len(renamed)
            figures["value conversions"] += len(converted)
            figures["value-checked removals"] += len(removed)
            figures["  of which with a keep list"] += sum(
                1 for p in removed if change is not None and p in change.keep
            )
            if not removed:
                figures["callables with a complete argument mapping"] += 1
    return dict(figures)


def _merged(rules: tuple[object, ...], symbol: str) -> ArgChange | None:
    from tf2_lsp.analysis.call_model import merge_changes
    from tf2_lsp.catalogue.rules import Rule

    found = [
        change
        for rule in rules
        if isinstance(rule, Rule)
        for fix in rule.fixes
        if fix.kind == "arguments" and (change := fix.arguments_for(symbol)) is not None
    ]
    return merge_changes(found) if found else None


def refusals(path: Path, version: str) -> Counter[str]:
    catalogue = load_catalogue()
    settings = Settings(target_version=version)
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    counts: Counter[str] = Counter()
    for file in files:
        source = file.read_text(encoding="utf-8", errors="replace")
        for finding in detect(source, catalogue, settings).findings:
            if finding.anchor_kind != "call":
                continue
            counts["call findings"] += 1
            if finding.call is not None:
                counts["offered call-model fixes (findings)"] += 1
            if finding.refused:
                counts["refused: " + _reason(finding.refused)] += 1
    return counts


def _reason(text: str) -> str:
    for key in (
        "would not bind",
        "*args/**kwargs",
        "has no TensorFlow 2 counterpart and changes results",
        "has no parameter",
        "more positional arguments",
    ):
        if key in text:
            return key
    return "other rules' reasons"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--target-version", default="2.21")
    args = parser.parse_args(argv)
    for name, value in sorted(catalogue_figures(args.target_version).items()):
        print(f"{name}: {value}")
    for path in args.paths:
        print(f"\n{path}:")
        for name, value in sorted(refusals(path, args.target_version).items()):
            print(f"  {name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
