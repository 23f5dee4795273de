"""The one path both faces (CLI and language server) take: analyse, plan, fix_all.

The CLI's `fix` and the editor's fix-all actions both call `fix_all`, so they write the same
text; the editor keeps a `DocumentFixes` per document version so that a quick fix, a hover
preview and fix-all plan each fix once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.incremental import reanalyse
from tf2_lsp.analysis.program.model_functions import fixed_together
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Detection, Finding
from tf2_lsp.settings import Settings, matches

if TYPE_CHECKING:
    from tf2_lsp.fixes.apply import Applied

# Which unsafe fixes to apply: all (True), none (False), or those of these codes or prefixes.
UnsafeSelection = bool | Sequence[str]

OPT_OUT_TRANSFORM = "disable_v2_behavior"
TRAIN_STEP_TRANSFORM = "session_train_step"
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


def analyse(
    source: str,
    catalogue: Catalogue,
    settings: Settings,
    receiver_hints: dict[tuple[int, int], str] | None = None,
    previous: tuple[Detection, str] | None = None,
) -> Detection:
    """Findings in `source` (a syntax error is reported in the detection, never raised).

    `previous` is (detection, text) of the version before an edit: the statements the edit
    left alone keep their findings when that is safe (see `analysis.incremental`)."""
    if previous is not None:
        detection = reanalyse(*previous, source, catalogue, settings, receiver_hints)
        if detection is not None:
            return detection
    return detect(source, catalogue, settings, receiver_hints)


def plan(
    source: str, detection: Detection, findings: Sequence[Finding], lines: list[str] | None = None
) -> Applied:
    """Line edits that fix `findings` of `detection` in `source` (one round, nothing written)."""
    from tf2_lsp.fixes.apply import plan_fixes  # lazy: libcst costs ~0.2 s at start-up

    return plan_fixes(source, detection, findings, lines)


def fix_all(
    source: str,
    catalogue: Catalogue,
    settings: Settings,
    *,
    unsafe: UnsafeSelection = False,
    wanted: Callable[[Finding], bool] | None = None,
    detection: Detection | None = None,
) -> FixOutcome:
    """Apply every fixable finding (or those `wanted`) until nothing more changes.

    The one fix-all of both faces: `tf2-lsp fix` and the editor's fix-all actions.
    `detection` is `source`'s own, when the caller has it (the editor's, with jedi's receiver
    types or a notebook's other cells); later rounds detect their text afresh.
    """
    from tf2_lsp.fixes.apply import apply_line_edits  # lazy: libcst, see `plan`

    current = source
    outcome = FixOutcome(source)
    failed: dict[tuple[str, str], tuple[Finding, str]] = {}
    # Names earlier rounds wrote are TF2 code: a later round must not read them as TF1 again
    # (`tf.nn.avg_pool_v2` -> `tf.nn.avg_pool`, TF2's rank-generic op, is not TF1's 4-D one).
    written: set[str] = set()
    if detection is None:
        detection = detect(current, catalogue, settings)
    # What the module bound before any fix, for the clean-up of what the fixes left unused:
    # every name, and the contrib ones its code read (an import unused from the start stays).
    existed = set(detection.module_names)
    was_contrib = {
        name
        for name, qualified in detection.module_bindings.items()
        if qualified.replace("tensorflow.compat.v1.", "tensorflow.", 1).startswith(
            "tensorflow.contrib"
        )
    }
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
            and f.symbol not in written
        ]
        if any(_transform_of(f) == TRAIN_STEP_TRANSFORM for f in todo):
            # The loop's rewrite takes the module's graph code away: whether the program
            # still needs TF1 behaviour switched on is decided on the rewritten text.
            todo = [f for f in todo if _transform_of(f) != OPT_OUT_TRANSFORM]
        todo = _with_companions(todo, detection.findings)
        if not todo:
            break
        planned = plan(current, detection, todo)
        if broken := _units_broken(todo, planned.failed):
            # A part of a rewrite that must be whole failed: none of it is applied.
            for finding in broken:
                failed[(finding.code, finding.written)] = (finding, "a fix made with it failed")
            todo = [f for f in todo if all(f is not b for b in broken)]
            planned = plan(current, detection, todo)
        for finding, reason in planned.failed:
            failed[(finding.code, finding.written)] = (finding, reason)
        if not planned.edits:
            break
        candidate = apply_line_edits(current, planned.edits)
        detection = detect(candidate, catalogue, settings)  # parses it, too
        if detection.syntax_error is not None:
            outcome.error = "the fixed code would not parse; nothing was changed"
            return FixOutcome(source, error=outcome.error)
        outcome.applied.extend(planned.applied)
        written.update(_targets_written(planned.applied))
        current = candidate
    if outcome.applied:
        # Contrib aliases and imports whose every use was just rewritten would still fail
        # at import: remove them (fixes/cleanup.py).
        from tf2_lsp.fixes.cleanup import names_read, unused_contrib_edits

        # Only a contrib name read before, or a name only the fixes bound, can be left unused
        # by them: without either, no statement is removable, and the parses and walks below
        # (a sixth of `fix`'s time over 669 real files) are not needed.
        was_read = was_contrib & names_read(source) if was_contrib else set()
        added = set(detection.module_names) - existed
        cleanup = (
            unused_contrib_edits(current, detection.module_bindings, was_read, existed)
            if was_read or added
            else []
        )
        if cleanup:
            candidate = apply_line_edits(current, cleanup)
            cleaned = detect(candidate, catalogue, settings)
            if cleaned.syntax_error is None:
                current, detection = candidate, cleaned
    outcome.source = current
    outcome.failed = list(failed.values())
    outcome.remaining = [f for f in detection.findings if f.symbol not in written]
    return outcome


def _with_companions(todo: list[Finding], every: Sequence[Finding]) -> list[Finding]:
    """`todo` and the findings whose fixes are one rewrite with one of them
    (`model_functions.fixed_together`): asking for one part asks for the whole."""
    chosen: list[Finding] = []
    for finding in todo:
        unit = fixed_together(finding, every)
        for member in unit or []:  # None: a part is missing, so none of it is fixed
            if member.fix is not None and all(member is not f for f in chosen):
                chosen.append(member)
    return chosen


def _units_broken(todo: Sequence[Finding], failed: Sequence[tuple[Finding, str]]) -> list[Finding]:
    """The findings of `todo` fixed together with one whose fix failed (that one included)."""
    broken: list[Finding] = []
    for finding, _ in failed:
        unit = fixed_together(finding, todo) or [finding]
        if len(unit) > 1:
            broken.extend(f for f in unit if all(f is not b for b in broken))
    return broken


def _targets_written(applied: list[Finding]) -> set[str]:
    """The qualified names the applied fixes wrote as callees or renames."""
    names = set()
    for finding in applied:
        target = finding.call.target if finding.call is not None else None
        for name in (target, finding.target):
            if name:
                names.add(name)
    return names


class DocumentFixes:
    """The fixes of one analysed version of a document, each computed once, on first use:
    a plan per finding (quick fix, hover preview) and fix-all per selection."""

    def __init__(
        self,
        source: str,
        detection: Detection,
        catalogue: Catalogue,
        settings: Settings,
        lines: list[str] | None = None,
    ) -> None:
        self.source = source
        self.detection = detection
        self.catalogue = catalogue
        self.settings = settings
        self.lines = lines
        # id(finding) -> (finding, its plan); the finding is kept so that its id stays unique.
        self._plans: dict[int, tuple[Finding, Applied]] = {}
        self._fixed: dict[str | None, FixOutcome] = {}

    def plan_for(self, finding: Finding) -> Applied:
        """The fix of `finding` alone, planned against this version's text."""
        cached = self._plans.get(id(finding))
        if cached is None:
            # A fix that is one rewrite with others (a model function and the readers of its
            # penalties) is planned with them: alone it would break the program.
            unit = _with_companions([finding], self.detection.findings)
            planned = plan(self.source, self.detection, unit, self.lines)
            if not unit or _units_broken(unit, planned.failed):
                planned = plan(self.source, self.detection, [], self.lines)
                planned.failed.append((finding, "a fix made with it is missing or failed"))
            cached = (finding, planned)
            self._plans[id(finding)] = cached
        return cached[1]

    def fix_all(self, code: str | None = None) -> FixOutcome:
        """`fix_all` of this version: every fix of `code` (its unsafe ones too: the user picked
        that code), or, for None, the safe fixes and the unsafe ones the settings select."""
        outcome = self._fixed.get(code)
        if outcome is None:
            unsafe: UnsafeSelection = True if code is not None else self.settings.unsafe_fixes
            outcome = fix_all(
                self.source,
                self.catalogue,
                self.settings,
                unsafe=unsafe,
                wanted=None if code is None else (lambda f: f.code == code),
                detection=self.detection,
            )
            self._fixed[code] = outcome
        return outcome


def _transform_of(finding: Finding) -> str | None:
    return finding.fix.transform if finding.fix is not None else None


# The titles of whole-program fixes, by transform: each rewrites another unit of the program.
_PROGRAM_ACTIONS = {
    "disable_v2_behavior": "Disable TF2 behaviour for this graph-mode program",
    "tf1_model_shim": "Make `{written}` a Keras layer that keeps its TF1 body",
    "tf1_model_keras": "Make `{written}` a Keras layer of Keras sublayers",
    "session_train_step": "Run this Session training loop's steps as a `tf.function`",
}


def fix_title(finding: Finding) -> str:
    """The quick-fix title, shared by the CLI's JSON and the editor's code actions."""
    fix = finding.fix
    if fix is None:
        return ""
    if finding.anchor_kind == "program":
        action = _PROGRAM_ACTIONS.get(fix.transform or "", "Rewrite `{written}` for TF2")
        action = action.format(written=finding.written)
    elif finding.call is not None and finding.call.target is not None and finding.target:
        # One edit for the whole call: the callee, and its arguments when they move too.
        action = f"Replace `{finding.written}` with `{finding.shown_target}`"
        if finding.call.arguments is not None:
            action += " and map its arguments"
    elif fix.kind == "rename" and finding.target:
        action = f"Replace `{finding.written}` with `{finding.shown_target}`"
    elif fix.kind == "arguments":
        action = f"Update the arguments of `{finding.written}` for TF2"
    else:
        action = f"Rewrite `{finding.written}` for TF2"
    suffix = " (unsafe)" if fix.safety == "unsafe" else ""
    return f"{finding.code}: {action}{suffix}"
