"""In which TensorFlow versions a rule's compat target still exists."""

from __future__ import annotations

from tf2_lsp.catalogue.rules import Rule


def compat_target_gone(rule: Rule, symbol: str, target: tuple[int, ...]) -> bool:
    """Whether the compat target of `symbol` is missing from TF `target` (a version tuple).

    `since` dates the rule; generated rules also say, per target, in which measured TF
    versions it exists, so a group where only a few targets went away keeps the rest.
    """
    if not rule.since or target < version_tuple(rule.since):
        return False
    compat = next((fix for fix in rule.fixes if fix.level == "compat"), None)
    fix_target = compat.target_for(symbol) if compat is not None else None
    versions = rule.availability.get(fix_target) if fix_target else None
    if not versions:
        return True
    return not any(version_tuple(v)[:2] >= target[:2] for v in versions)


def version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split("."):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts)
