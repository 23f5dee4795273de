"""One file's findings, each built here: what its message says, its severity, its target as
the file writes it, and the fix FixPolicy gives it (or the reason it has none)."""

from __future__ import annotations

from dataclasses import replace

from tf2_lsp.analysis.findings.messages import import_statement, tidy
from tf2_lsp.analysis.findings.policy import FixPolicy
from tf2_lsp.analysis.names import coverage
from tf2_lsp.analysis.names.scopes import Scopes
from tf2_lsp.analysis.names.spelling import through_tensorflow
from tf2_lsp.catalogue.rules import Fix, Rule
from tf2_lsp.model import AnchorKind, CallEdit, Finding
from tf2_lsp.text import Span
from tf2_lsp.transforms.registry import transform_target

LEGACY_KERAS_RULE = "TF933"


class Findings:
    """`found` in the order reported; `statement` is the statement the walk is in."""

    def __init__(self, policy: FixPolicy, scopes: Scopes) -> None:
        self.catalogue = policy.catalogue
        self.policy = policy
        self.scopes = scopes  # for the file's name for TensorFlow
        self.target_version = policy.settings.target_version
        self.found: list[Finding] = []
        self.statement = (1, 1)  # first and last line of the statement being walked

    def add(
        self,
        rule: Rule,
        symbol: str,
        written: str,
        span: Span,
        anchor: Span,
        kind: AnchorKind,
        compat: bool,
        refused: str | None = None,
        rename_only: bool = False,
        why: str = "",
        fix_override: Fix | None = None,
        call: CallEdit | None = None,
        import_local: str | None = None,
    ) -> Finding | None:
        """Report `rule` at `span` (the fix rewrites `anchor`); None when the policy keeps
        quiet. `import_local`: an import binding that name, whose target is shown as the
        import statement the fix writes."""
        policy = self.policy
        gone = policy.compat_target_gone(rule, symbol)
        if compat and not gone and not policy.reports_compat(rule, symbol):
            return None  # compat.v1 code that works; only the native level suggests more
        fix = fix_override or policy.fix_for(rule, compat, symbol)
        if rename_only and (fix is None or fix.kind != "rename"):
            fix = policy.rename_of(rule, symbol, gone)
        severity = policy.severity(rule)
        # The target is named even where the fix is withheld (say, gone in the target version).
        shown_fix = fix or rule.fix_for(policy.level)
        target = shown_fix.target_for(symbol) if shown_fix is not None else None
        if call is not None and call.target is not None:
            target = call.target  # the call model may keep TF1 behaviour through tf.compat.v1
        if target is not None:
            target = coverage.slim_target(target)
        # A transform has no `to` table; its message names what the rewrite writes.
        named = target or _transform_target(shown_fix, symbol)
        alias = self.scopes.tf_alias()
        shown = through_tensorflow(named, alias) if named else ""
        if import_local is not None and named:
            shown = import_statement(named, import_local)
        message = rule.message.format(
            symbol=written, qualified=symbol, target=shown, why=why, tf=alias
        )
        if why and "{why}" not in rule.message:
            message += f": {why}"
            if fix_override is not None:
                message += f"; `{shown}` keeps TF1 behaviour"
        if compat and rule.severity != "information":
            # (An information note keeps its own words: it is about the compat code itself.)
            severity = "information"
            message = f"`{written}` runs through tf.compat.v1; the idiomatic TF2 form is available"
            if named:
                message += f": `{shown}`"
        if policy.keras2_only(rule) and fix is not None and fix.level == "compat":
            severity = "error"  # the TF1 name fails in the target TF either way
            message += (
                f" (from TensorFlow {rule.since} the fixed form needs the tf_keras package"
                " and TF_USE_LEGACY_KERAS=1: unsafe fix)"
            )
        elif gone:
            severity = "error"
            message += (
                " (its tf.compat.v1 form no longer works in TensorFlow "
                + self.target_version
                + (f"; needs {', '.join(rule.requires)}" if rule.requires else "")
                + ")"
            )
        if refused is None and fix is not None and target is not None:
            refused = coverage.missing_target(target)
        if refused:
            message += f" (no automatic fix: {refused})"
            fix = None
            call = None
        if fix is not None:
            fix = policy.offered(rule, fix, call)
        finding = Finding(
            rule=rule,
            message=tidy(message),
            severity=severity,
            symbol=symbol,
            written=written,
            span=span,
            anchor=anchor,
            anchor_kind=kind,
            statement=self.statement,
            fix=fix if fix is None or fix.kind != "manual" else None,
            target=target,
            shown_target=shown,
            refused=refused,
            compat=compat,
            call=call,
        )
        self.found.append(finding)
        return finding

    def add_use(self, binding: Finding, span: Span) -> None:
        """A use of a name bound by the statement `binding` reports: the same rule and fix
        (it rewrites that statement), underlined at the use."""
        self.found.append(replace(binding, span=span))

    def add_legacy_keras(self, symbol: str, written: str, span: Span, native: str | None) -> None:
        """`written` (on tf.compat.v1) needs Keras 2 in the target TF; `native`: the Keras 3
        form a native port writes, if there is one."""
        rule = self.catalogue.by_code.get(LEGACY_KERAS_RULE)
        if rule is None:
            return
        alias = self.scopes.tf_alias()
        path = (
            f"`{through_tensorflow(native, alias)}` (Keras 3)"
            if native
            else f"Keras 3 (`{alias}.keras.layers`)"
        )
        message = rule.message.format(
            symbol=written, qualified=symbol, target=path, why=self.target_version, tf=alias
        )
        self._add_note(rule, tidy(message), symbol, written, span, compat=True)

    def add_unknown(self, written: str, span: Span, missing: coverage.Missing) -> None:
        """A name under TensorFlow that the target version does not have (no rule explains it)."""
        rule = self.catalogue.by_code.get(coverage.UNKNOWN_NAME_RULE)
        if rule is None:
            return
        message = f"`{written}` does not exist in TensorFlow {self.target_version}"
        if missing.compat_only:
            message += "; only its tf.compat.v1 form does"
        elif missing.suggestion:
            alias = self.scopes.tf_alias()
            message += f"; did you mean `{through_tensorflow(missing.suggestion, alias)}`?"
        self._add_note(rule, message, None, written, span)

    def _add_note(
        self,
        rule: Rule,
        message: str,
        symbol: str | None,
        written: str,
        span: Span,
        compat: bool = False,
    ) -> None:
        """A finding without a fix on the name at `span`, its message already written."""
        self.found.append(
            Finding(
                rule=rule,
                message=message,
                severity=self.policy.severity(rule),
                symbol=symbol,
                written=written,
                span=span,
                anchor=span,
                anchor_kind="reference",
                statement=self.statement,
                fix=None,
                compat=compat,
            )
        )


def _transform_target(fix: Fix | None, symbol: str) -> str | None:
    """What a transform writes for `symbol` (each optimizer its own Keras class)."""
    if fix is None or fix.kind != "transform":
        return None
    return transform_target(fix.transform, symbol)
