"""Which rules a call matches, and what its fix does to the call's arguments.

A call of a TensorFlow name (`tf.nn.dropout(x, keep_prob)`) is judged by the call rules of
that name; a method call (`ds.make_one_shot_iterator()`) by the rules of its receiver's
type, when the type is known (from the code, or from jedi's answers in `receiver_hints`).
Arguments are judged by binding the call to its TF1 signature (the call model,
tf2_lsp.analysis.call_model): one fix renames the callee and maps every argument.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import replace

from tf2_lsp.analysis.call_model import (
    CallVerdict,
    arguments_in_order,
    binding_problem,
    call_map_problem,
    converted_call,
    written_for_tf2,
)
from tf2_lsp.analysis.findings.collect import Findings, Occurrence
from tf2_lsp.analysis.findings.policy import FixPolicy
from tf2_lsp.analysis.matching.conditions import changed_argument
from tf2_lsp.analysis.names.resolve import canonical_for_rules, is_tf2_namespace
from tf2_lsp.analysis.names.scopes import Scopes
from tf2_lsp.analysis.nodes import SourceText, attribute_chain
from tf2_lsp.analysis.program import graph_mode
from tf2_lsp.catalogue.rules import Catalogue, Fix, Rule
from tf2_lsp.model import CallEdit, ReceiverCandidate
from tf2_lsp.text import Span
from tf2_lsp.transforms.base import not_literal
from tf2_lsp.transforms.registry import TRANSFORMS

UNBOUND_CALL_RULE = "TF993"


class CallMatcher:
    def __init__(
        self,
        catalogue: Catalogue,
        scopes: Scopes,
        text: SourceText,
        policy: FixPolicy,
        findings: Findings,
        facts: graph_mode.ProgramFacts,
        receiver_hints: Mapping[tuple[int, int], str],
    ) -> None:
        self.catalogue = catalogue
        self.scopes = scopes
        self.text = text
        self.policy = policy
        self.findings = findings
        self.facts = facts
        self.receiver_hints = receiver_hints
        # Method calls whose receiver type is unknown: the server asks jedi about them.
        self.candidates: list[ReceiverCandidate] = []
        self.call_of: dict[int, ast.Call] = {}  # id() of a call target -> its call
        self.planned: set[int] = set()  # id() of calls the call model judged

    def note_call(self, node: ast.Call) -> None:
        """Before the walk enters `node`: its callee is judged as a call, not a reference."""
        self.call_of[id(node.func)] = node

    def is_callee(self, node: ast.AST) -> bool:
        return id(node) in self.call_of

    def calls_tf2_form(self, func: ast.AST, name: str) -> bool:
        """`func` is called as TF2's function of the same name is (migrated already); asked
        only of names that have rules."""
        call = self.call_of.get(id(func))
        return call is not None and written_for_tf2(call, name, self.policy.all_signatures())

    def check(self, node: ast.Call) -> None:
        """Judge a call once the walk has been through its callee and arguments."""
        qualified = self.scopes.qualified_name(node.func)
        if qualified is not None and not is_tf2_namespace(qualified):
            name, compat = canonical_for_rules(qualified)
            unbound = self.check_binding(node, name)
            if not compat and not unbound and self.calls_tf2_form(node.func, name):
                return  # migrated already: TF2's function of the same name is the one called
            if compat and name == graph_mode.DISABLES_V2_NAME:
                self.check_disable_v2(node)
            covered = self.scopes.covered(node.func)
            for rule in self.catalogue.lookup(name):
                if rule.match != "call":
                    continue
                fix = self.policy.fix_for(rule, compat, name)
                if fix is None and not compat:  # withheld for the target version: still a rename
                    fix = rule.fix_for(self.policy.level)
                if (
                    covered
                    and fix is not None
                    and fix.kind == "rename"
                    and fix.target_for(name) == self.through_alias(node.func, name)
                ):
                    continue  # the import's rename already fixes this call
                if unbound and fix is not None and fix.kind == "arguments":
                    continue  # its arguments fit no signature (TF993): none can be mapped
                if self.check_call(node, rule, name, compat):
                    break
        elif isinstance(node.func, ast.Attribute):
            self.facts.note_method_call(node.func.value, node.func.attr)
            self.check_method(node, node.func)

    def through_alias(self, func: ast.expr, name: str) -> str | None:
        """What the rename of the alias `func` is read through makes of `name` (a member
        missing from the renamed module has a rule of its own, judged here)."""
        root = attribute_chain(func)
        alias = self.scopes.qualified_name(root[0]) if root else None
        return self.policy.through_alias(alias, name) if alias else None

    def check_disable_v2(self, node: ast.Call) -> None:
        """`tf.compat.v1.disable_v2_behavior()` in code meant to become TF2 (native level):
        an information note (TF813) that it switches the whole process back to TF1."""
        rule = self.catalogue.by_code.get(graph_mode.DISABLE_V2_LEFT_RULE)
        if rule is None or self.policy.level != "native":
            return
        span = self.text.span_of(node.func)
        written = self.text.text_of(node.func)
        self.findings.add(rule, Occurrence(graph_mode.DISABLE_V2_LEFT, written, span, "call"))

    def check_binding(self, node: ast.Call, name: str) -> bool:
        """A call of a TensorFlow function that binds to no signature it ever had (TF993);
        True when what it passes fits none (its arguments cannot be mapped either)."""
        versions = self.policy.all_signatures()
        problem = binding_problem(node, name, versions)
        rule = self.catalogue.by_code.get(UNBOUND_CALL_RULE)
        if problem is None or rule is None:
            return False
        span = self.text.span_of(node.func)
        self.findings.add(
            rule, Occurrence(name, self.text.text_of(node.func), span, "call"), why=problem
        )
        # Only a required argument left out: what is passed can still be mapped.
        return binding_problem(node, name, versions, required=False) is not None

    def check_method(self, node: ast.Call, func: ast.Attribute) -> None:
        if func.attr not in self.catalogue.last_names:
            return
        receiver = self.scopes.type_of(func.value)
        key = (func.value.lineno, func.value.col_offset)
        if receiver is None:
            receiver = self.receiver_hints.get(key) or None  # "" records a miss
        if receiver is None:
            if func.attr in self.catalogue.method_owners and key not in self.receiver_hints:
                end = self.text.span_of(func.value)
                self.candidates.append(
                    ReceiverCandidate(
                        key,
                        end.end_line,
                        end.end_column,
                        func.attr,
                    )
                )
            return
        symbol = f"{receiver}.{func.attr}"
        for rule in self.catalogue.exact.get(symbol, ()):
            if rule.match == "call":
                self.check_call(node, rule, symbol, False)
            elif rule.match == "reference":
                span = self.text.span_of(func)
                attr_span = Span(func.end_lineno or func.lineno, 0, span.end_line, span.end_column)
                attr_span = replace(attr_span, column=span.end_column - len(func.attr))
                at = Occurrence(symbol, "." + func.attr, attr_span, "reference", anchor=span)
                self.findings.add(rule, at)

    def check_call(self, node: ast.Call, rule: Rule, symbol: str, compat: bool) -> bool:
        """Judge one call; True when its fix keeps the whole call on tf.compat.v1, which
        leaves nothing for the symbol's other rules to change."""
        fix = self.policy.fix_for(rule, compat, symbol)
        refused = None
        check = rule.call_check(symbol)
        if fix is None and compat:
            if check is None or not check.compat_too:
                return False
            compat = False  # the compat function itself differs: judged as TF1's spelling is
        if check is not None:
            # Reported only when an argument it passes changes meaning; with `refuse`, always
            # reported but without a fix then.
            changed = changed_argument(node, check, self.scopes.function_evidence)
            target = fix.target_for(symbol) if fix is not None and fix.kind == "rename" else None
            edit = (
                converted_call(node, check.convert, target) if changed is None and target else None
            )
            if edit is not None:
                # The rename's target takes these arguments in its own spelling: one edit.
                why = "; ".join(text for _, text in edit.notes)
                self.add_call(node, node.func, rule, symbol, compat, None, why=why, call=edit)
            elif changed is None and check.refuse:
                self.add_call(node, node.func, rule, symbol, compat, None)
            elif changed is not None and check.refuse:
                self.add_call(node, changed.node, rule, symbol, compat, changed.why)
            elif changed is not None:
                self.add_call(node, changed.node, rule, symbol, compat, None, why=changed.why)
                return True
            return False
        if fix is not None and fix.kind == "arguments":
            return self.check_arguments(node, rule, fix, symbol, compat)
        if (
            fix is not None
            and fix.kind == "rename"
            and not compat
            and self.check_called_rename(
                node.func, rule, symbol, self.text.text_of(node.func), compat
            )
        ):
            return False
        if fix is not None and fix.kind == "transform":
            transform = TRANSFORMS[fix.transform or ""]
            verdict = transform.applies(node)
            if verdict is None:
                return False
            refused = verdict or None
            mapping = transform.maps.get(symbol)
            if mapping is not None and mapping.differs:
                if compat:
                    return False  # code on tf.compat.v1 already computes what TF1 did
                refused = mapping.differs
            if refused is None and mapping is not None:
                refused = not_literal(node, mapping)
                if refused is not None and compat:
                    return False
            if refused is None and mapping is not None and not compat:
                # The binding verifier, for the Keras/schedule/summary call maps too.
                refused = call_map_problem(node, mapping, self.policy.signatures())
            fallback = rule.fix_for("compat")
            if refused and transform.falls_back and fallback is not None and not compat:
                # The call keeps TF1 behaviour through the compat rename, and says why.
                self.add_call(node, node.func, rule, symbol, compat, None, refused, fallback)
                return False
        self.add_call(node, node.func, rule, symbol, compat, refused)
        return False

    def add_call(
        self,
        node: ast.Call,
        underline: ast.AST,
        rule: Rule,
        symbol: str,
        compat: bool,
        refused: str | None,
        why: str = "",
        override: Fix | None = None,
        call: CallEdit | None = None,
    ) -> None:
        """A finding on a call: `underline` is what the editor marks, the call is rewritten."""
        self.findings.add(
            rule,
            Occurrence(
                symbol,
                self.text.text_of(node.func),
                self.text.span_of(underline),
                "call",
                anchor=self.text.span_of(node),
            ),
            compat=compat,
            refused=refused,
            why=why,
            fix_override=override,
            call=call,
        )

    def check_called_rename(
        self, func: ast.expr, rule: Rule, symbol: str, written: str, compat: bool
    ) -> bool:
        """A renamed symbol that is called: its arguments move with it (one fix).

        False when the call model has nothing to add to the plain rename."""
        call = self.call_of.get(id(func))
        if call is None:
            return False
        fix = self.policy.fix_for(rule, compat, symbol)
        target = fix.target_for(symbol) if fix is not None and fix.kind == "rename" else None
        if fix is None or target is None or (compat and fix.level != "native"):
            return False
        # Code already on tf.compat.v1 moves to the native target with its arguments too.
        verdict = self.policy.plan(call, symbol, target, fix)
        fallback = rule.fix_for("compat")
        if verdict is not None and verdict.refused is not None and compat:
            return True  # no TF2 call means the same: code on tf.compat.v1 stays as it is
        if (
            verdict is not None
            and verdict.refused is not None
            and fix.level == "native"
            and fallback is not None
            and fallback.kind == "rename"
        ):
            # No TF2 call means the same: the compat fix keeps TF1 behaviour, and says why.
            self.add_call(
                call, func, rule, symbol, compat, None, why=verdict.refused, override=fallback
            )
            return True
        if verdict is None or (
            verdict.refused is None
            and verdict.edit is not None
            and verdict.edit.arguments is None
            and verdict.edit.target == target
        ):
            return False  # a plain rename: the reference finding does it
        if not verdict.needs_change:
            return False
        self.add_verdict(call, rule, symbol, written, verdict, compat)
        return True

    def add_verdict(
        self,
        node: ast.Call,
        rule: Rule,
        symbol: str,
        written: str,
        verdict: CallVerdict,
        compat: bool = False,
    ) -> None:
        """Findings for one call the call model rewrites (or refuses): one at the callee for
        the call as a whole, one at each changed argument; all share the one edit."""
        items = arguments_in_order(node)  # the verdict's argument indices count in source order
        edit = verdict.edit
        anchor = self.text.span_of(node)
        detail = [text for index, text in verdict.notes if index is None]
        per_argument = [(index, text) for index, text in verdict.notes if index is not None]
        renamed = edit is not None and edit.target is not None and edit.arguments is not None
        if verdict.refused:
            per_argument = []  # one finding says why the call has no fix
        if renamed or detail or verdict.refused or not per_argument:
            everything = (
                [text for _, text in verdict.notes] if renamed or verdict.refused else detail
            )
            self.findings.add(
                rule,
                Occurrence(symbol, written, self.text.span_of(node.func), "call", anchor=anchor),
                compat=compat,
                refused=verdict.refused,
                call=edit,
                why="; ".join(everything),
            )
        for index, text in per_argument:
            self.findings.add(
                self.policy.rule_for(rule, symbol, verdict.params[index]),
                Occurrence(symbol, written, self.text.span_of(items[index]), "call", anchor=anchor),
                compat=compat,
                refused=verdict.refused,
                call=edit,
                why=text,
            )

    def check_arguments(
        self, node: ast.Call, rule: Rule, fix: Fix, symbol: str, compat: bool
    ) -> bool:
        change = fix.arguments_for(symbol)
        if change is None or id(node) in self.planned:
            return False  # another arguments rule of this symbol judged the call already
        policy = self.policy
        tf1 = None if compat else policy.signatures().tf1(symbol)
        merged = policy.argument_change(symbol) if tf1 is not None else change
        check = merged.value_check() if merged is not None else None
        if check is not None and tf1 is not None:
            check = replace(check, v1=tf1.positional)  # the real TF1 order reads positions
        changed = changed_argument(node, check, self.scopes.function_evidence) if check else None
        if changed is not None:
            self.planned.add(id(node))
            param = _parameter_of(node, changed.node, check.v1 if check else ())
            owner = policy.rule_for(rule, symbol, param) if param else rule
            # A removed argument whose value changes results: keep the call on tf.compat.v1.
            keep = policy.keep_tf1(symbol)
            self.add_call(node, changed.node, owner, symbol, compat, None, changed.why, keep)
            return True
        if tf1 is not None:
            planned = policy.plan(node, symbol, _tf2_name(symbol))
            if planned is not None:
                self.planned.add(id(node))
                if planned.needs_change:
                    self.add_verdict(node, rule, symbol, self.text.text_of(node.func), planned)
                return planned.edit is not None and planned.edit.arguments is None
        offending = [
            keyword
            for keyword in node.keywords
            if keyword.arg is not None
            and (keyword.arg in change.rename or keyword.arg in change.remove)
        ]
        positional = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
        starred = len(positional) != len(node.args)
        kwargs = any(keyword.arg is None for keyword in node.keywords)
        stable = change.stable_positions()
        moved = list(change.v1[stable : len(node.args)]) if len(node.args) > stable else []
        if not offending and not moved:
            return False
        refused = None
        if moved and starred:
            refused = "positional order changed and *args hides which argument is which"
        elif moved and kwargs:
            refused = "positional order changed and **kwargs may already name the moved argument"
        elif moved and len(node.args) > len(change.v1):
            refused = "more positional arguments than the TF1 signature takes"
        first = node.args[len(node.args) - len(moved)] if moved else offending[0]
        self.add_call(node, first, rule, symbol, compat, refused)
        return False


def _parameter_of(call: ast.Call, argument: ast.AST, v1: Sequence[str]) -> str | None:
    """The TF1 parameter `argument` (one of the call's values) fills, if known."""
    for keyword in call.keywords:
        if keyword.value is argument:
            return keyword.arg
    for index, value in enumerate(call.args):
        if value is argument and index < len(v1):
            return v1[index]
    return None


def _tf2_name(symbol: str) -> str:
    return symbol if symbol.startswith("tensorflow.") else "tensorflow." + symbol
