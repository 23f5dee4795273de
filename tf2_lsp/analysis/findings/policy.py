"""Whether a finding gets a fix, and which: one catalogue and one set of settings decide.

Nothing here walks code. The matchers say which rule a use matches; this module answers
what that rule may do about it at the configured level and target version: the fix for the
level, withheld when its compat target is gone from the target TensorFlow, made unsafe when
it needs Keras 2, the call model's verdict on a call's arguments.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from tf2_lsp.analysis.call_model import CallVerdict, merge_changes, plan_call
from tf2_lsp.analysis.names.resolve import canonical
from tf2_lsp.catalogue import availability
from tf2_lsp.catalogue.availability import version_tuple
from tf2_lsp.catalogue.rules import ArgChange, Catalogue, Fix, Level, Rule, Severity
from tf2_lsp.catalogue.signatures import COMPAT, TF, Signatures, available_versions, signatures_for
from tf2_lsp.model import CallEdit
from tf2_lsp.settings import Settings


class FixPolicy:
    def __init__(self, catalogue: Catalogue, settings: Settings) -> None:
        self.catalogue = catalogue
        self.settings = settings
        self.level = settings.level
        self.target = version_tuple(settings.target_version)
        self._signatures: Signatures | None = None
        self._all_signatures: tuple[Signatures, ...] | None = None
        self._changes: dict[str, ArgChange | None] = {}
        # A rename fix's own table merged with the symbol's (its first item keeps the id alive).
        self._own_changes: dict[tuple[str, int], tuple[ArgChange, ArgChange]] = {}

    # -- a rule's fix ------------------------------------------------------------------------

    def fix_for(self, rule: Rule, compat: bool, symbol: str) -> Fix | None:
        if compat:
            # Code already on tf.compat.v1 only has the idiomatic (native) rewrite left.
            if self.level != "native":
                return None
            return self.native_fix(rule, symbol)
        return self.fix_at(rule, self.level, symbol)

    @staticmethod
    def native_fix(rule: Rule, symbol: str) -> Fix | None:
        """The rule's native fix for `symbol`; None where it only renames to what the compat
        fix writes (a generated rule's native table keeps the compat target of its symbols
        without a TF2 home: that is no more idiomatic, and no less safe, than compat)."""
        native = next((fix for fix in rule.fixes if fix.level == "native"), None)
        if native is None or native.kind != "rename":
            return native
        target = native.target_for(symbol)
        compat = next((fix for fix in rule.fixes if fix.level == "compat"), None)
        same = compat is not None and compat.kind == "rename" and compat.target_for(symbol)
        if target is None or target == same or target == COMPAT + symbol.removeprefix(TF):
            return None
        return native

    def fix_at(self, rule: Rule, level: Level, symbol: str) -> Fix | None:
        """The rule's fix at `level` (native falls back to compat), as the target TF allows."""
        fix = rule.fix_for(level)
        if level == "native" and fix is not None and fix.level == "native":
            fix = self.native_fix(rule, symbol) or rule.fix_for("compat")
        if fix is not None and fix.level == "compat" and self.keras2_only(rule):
            return replace(fix, safety="unsafe")  # works with tf_keras + TF_USE_LEGACY_KERAS=1
        if fix is not None and fix.level == "compat" and self.compat_target_gone(rule, symbol):
            return None
        return fix

    def compat_target_gone(self, rule: Rule, symbol: str) -> bool:
        return availability.compat_target_gone(rule, symbol, self.target)

    def keras2_only(self, rule: Rule) -> bool:
        """The compat target is a Keras 2 object and the target TF defaults to Keras 3."""
        return (
            "tf_keras" in rule.requires
            and bool(rule.since)
            and self.target >= version_tuple(rule.since)
        )

    def reports_compat(self, rule: Rule, symbol: str) -> bool:
        """Code on tf.compat.v1 that works is reported only where a native form is wanted."""
        return self.level == "native" and self.native_fix(rule, symbol) is not None

    def rename_of(self, rule: Rule, symbol: str, gone: bool) -> Fix | None:
        """For a reference or an import, not a call: only a rename of the name itself applies."""
        keras2 = self.keras2_only(rule)
        fix = next(
            (
                f
                for f in rule.fixes
                if f.kind == "rename"
                and f.target_for(symbol)
                and not (f.level == "compat" and gone and not keras2)
            ),
            None,
        )
        if fix is not None and fix.level == "compat" and keras2:
            fix = replace(fix, safety="unsafe")
        return fix

    def renames_module(self, qualified: str) -> bool:
        """An alias of a module that a prefix rule renames (`slim = tf.contrib.slim`)."""
        name, _ = canonical(qualified)
        return any(
            rule.is_prefix_rule
            and (fix := rule.fix_for(self.level)) is not None
            and fix.kind == "rename"
            for rule in self.catalogue.lookup(name)
        )

    def through_alias(self, alias: str, member: str) -> str | None:
        """What the rename of module alias `alias` (`tensorflow.contrib.framework.nest`) makes
        of `member` under it (`tensorflow.nest.flatten`); None when no rename covers it."""
        name, _ = canonical(alias)
        for rule in self.catalogue.lookup(name):
            fix = rule.fix_for(self.level)
            target = fix.target_for(name) if fix is not None and fix.kind == "rename" else None
            if target is not None:
                return target + member[len(name) :]
        return None

    def severity(self, rule: Rule) -> Severity:
        """The rule's severity, or what the settings make of it."""
        severity: Severity = rule.severity
        for code, override in self.settings.severity:
            if code == rule.code:
                severity = override
        return severity

    def offered(self, rule: Rule, fix: Fix, call: CallEdit | None) -> Fix:
        """The fix as offered: with the safety the settings give the rule's fixes."""
        safety = self.settings.safety(rule.code, fix.safety)
        if safety != fix.safety:
            fix = replace(fix, safety=safety)  # extend-safe-fixes / extend-unsafe-fixes
        if call is not None and fix.kind == "arguments" and fix.verified:
            # The call model drops only values that keep TF1 behaviour and renames only
            # parameters TF1 itself paired: once an example of the rule ran equal, the
            # bound edit is safe whatever the rule says. (Not before: a fix no run has
            # verified stays unsafe.)
            fix = replace(fix, safety="safe")
        return fix

    @staticmethod
    def keep_tf1(symbol: str) -> Fix:
        """A removed argument whose value changes results: the call stays on tf.compat.v1."""
        target = "tensorflow.compat.v1." + symbol.removeprefix("tensorflow.")
        # TF1's own function under its compat name: proven by identity, and each value
        # that keeps a call here is decided by running it (tests/equivalence/test_value_tables).
        return Fix(
            level="compat", safety="safe", kind="rename", to={symbol: target}, proof="verified"
        )

    # -- a call's arguments ------------------------------------------------------------------

    def signatures(self) -> Signatures:
        if self._signatures is None:
            self._signatures = signatures_for(self.settings.target_version)
        return self._signatures

    def all_signatures(self) -> tuple[Signatures, ...]:
        """Every measured version's signatures, the target's first (what TF1 and TF2 ever
        accepted: a call none of them binds is wrong everywhere)."""
        if self._all_signatures is None:
            target = self.signatures()
            others = (signatures_for(v) for v in available_versions())
            self._all_signatures = (target, *(s for s in others if s is not target))
        return self._all_signatures

    def plan(
        self, node: ast.Call, symbol: str, target: str, rename: Fix | None = None
    ) -> CallVerdict | None:
        """The call model's verdict (tf2_lsp.analysis.call_model); None where it has no data.
        `rename`: the rename fix being applied, whose own `arguments` table (a TF2 home's
        keyword renames, `dimension` -> `axis`) comes first."""
        change = self.argument_change(symbol)
        own = rename.arguments_for(symbol) if rename is not None else None
        if own is not None:
            key = (symbol, id(own))
            if key not in self._own_changes:
                merged = merge_changes([own, change]) if change is not None else own
                self._own_changes[key] = (own, merged)
            change = self._own_changes[key][1]
        return plan_call(node, symbol, target, change, self.signatures())

    def argument_change(self, symbol: str) -> ArgChange | None:
        """Every `arguments` table the catalogue has for `symbol`, merged (a hand-written
        rule and generated ones may each know part of a function's changes)."""
        if symbol in self._changes:
            return self._changes[symbol]
        found = [
            change
            for rule in self.catalogue.lookup(symbol)
            for fix in rule.fixes
            if fix.kind == "arguments" and (change := fix.arguments_for(symbol)) is not None
        ]
        merged = found[0] if len(found) == 1 else merge_changes(found) if found else None
        self._changes[symbol] = merged
        return merged

    def rule_for(self, rule: Rule, symbol: str, param: str) -> Rule:
        """The arguments rule whose table names `param`, so the code says what changed
        (generated rules split one function's renames and removals); else `rule`."""
        if rule.fix_for(self.level) is None:
            return rule
        for other in self.catalogue.lookup(symbol):
            fix = other.fix_for(self.level)
            change = fix.arguments_for(symbol) if fix is not None else None
            if change is not None and (
                param in change.rename
                or param in change.remove
                or param in change.keep
                or param in change.convert
            ):
                return other
        return rule
