"""The engine's one entry point for both faces (CLI and language server): analyse and fix text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Detection, Finding
from tf2_lsp.settings import Settings, matches

# Which unsafe fixes to apply: all (True), none (False), or those of these codes or prefixes.
UnsafeSelection = bool | Sequence[str]

MAX_ROUNDS = 4  # a fix can expose another (a renamed call whose arguments also changed)


@dataclass
class FixOutcome:
    source: str
    applied: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)
    failed: list[tuple[Finding, str]] = field(default_factory=list)
    error: str | None = None
    error_position: tuple[int, int] = (1, 1)  # 1-based line and column of a syntax error

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def is_fixable(finding: Finding, unsafe: UnsafeSelection) -> bool:
    if finding.fix is None:
        return False
    if finding.fix.safety == "safe" or unsafe is True:
        return True
    return not isinstance(unsafe, bool) and matches(finding.code, unsafe)


def fix_source(
    source: str,
    catalogue: Catalogue,
    options: Settings,
    *,
    unsafe: UnsafeSelection = False,
    wanted: Callable[[Finding], bool] | None = None,
) -> FixOutcome:
    """Apply every fixable finding (or those `wanted`) until nothing more changes."""
    from tf2_lsp.fixes.apply import apply_line_edits, plan_fixes

    current = source
    outcome = FixOutcome(source)
    failed: dict[tuple[str, str], tuple[Finding, str]] = {}
    detection = detect(current, catalogue, options)
    for _ in range(MAX_ROUNDS):
        if detection.syntax_error is not None:
            error = detection.syntax_error
            outcome.error = f"syntax error: {error.msg}"
            outcome.error_position = (error.lineno or 1, error.offset or 1)
            return outcome
        todo = [
            f
            for f in detection.findings
            if is_fixable(f, unsafe)
            and (wanted is None or wanted(f))
            and (f.code, f.written) not in failed
        ]
        if not todo:
            break
        plan = plan_fixes(current, detection, todo)
        for finding, reason in plan.failed:
            failed[(finding.code, finding.written)] = (finding, reason)
        if not plan.edits:
            break
        candidate = apply_line_edits(current, plan.edits)
        detection = detect(candidate, catalogue, options)  # parses it, too
        if detection.syntax_error is not None:
            outcome.error = "the fixed code would not parse; nothing was changed"
            return FixOutcome(source, error=outcome.error)
        outcome.applied.extend(plan.applied)
        current = candidate
    outcome.source = current
    outcome.failed = list(failed.values())
    outcome.remaining = detection.findings
    return outcome


def analyse(source: str, catalogue: Catalogue, options: Settings) -> Detection:
    return detect(source, catalogue, options)


def fix_title(finding: Finding) -> str:
    """The quick-fix title, shared by the CLI's JSON and the editor's code actions."""
    fix = finding.fix
    if fix is None:
        return ""
    if finding.anchor_kind == "program":
        action = "Disable TF2 behaviour for this graph-mode program"
    elif fix.kind == "rename" and finding.target:
        action = f"Replace `{finding.written}` with `{finding.shown_target}`"
    elif fix.kind == "arguments":
        action = f"Update the arguments of `{finding.written}` for TF2"
    else:
        action = f"Rewrite `{finding.written}` for TF2"
    suffix = " (unsafe)" if fix.safety == "unsafe" else ""
    return f"{finding.code}: {action}{suffix}"
