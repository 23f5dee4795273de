"""What the native level would add where the compat level stops.

One answer for the three places that ask: `tf2-lsp fix`'s summary (which command fixes what is
left), hover's "Beyond tf.compat.v1" line, and hover over code already on tf.compat.v1 (the
findings only the native level reports there).
"""

from __future__ import annotations

from dataclasses import replace

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue, Fix, Rule
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings
from tf2_lsp.transforms.registry import transform_target


def native_rewrite(rule: Rule) -> Fix | None:
    """The rule's own native-level fix, if it rewrites code (a manual step rewrites nothing)."""
    native = next((fix for fix in rule.fixes if fix.level == "native"), None)
    return native if native is not None and native.kind != "manual" else None


def native_target(fix: Fix, symbol: str) -> str | None:
    """The name `fix` writes for `symbol`, when it writes one: a rename's target, or the
    callable a transform emits."""
    if fix.kind == "transform":
        return transform_target(fix.transform, symbol)
    return fix.target_for(symbol)


def native_findings(source: str, catalogue: Catalogue, settings: Settings) -> list[Finding]:
    """The findings the native level adds to `source`: its tf.compat.v1 code that has an
    idiomatic TF2 form (the compat level reports none of them)."""
    detection = detect(source, catalogue, replace(settings, level="native"))
    return [finding for finding in detection.findings if finding.compat]
