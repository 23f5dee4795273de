"""Which rules a use of a name matches: references, imports and code patterns.

The walker hands over each use as it meets it; a reference is matched by its longest dotted
prefix that has rules (`tf.contrib.layers.xavier_initializer` before `tf.contrib.layers.*`).
A dotted name under TensorFlow that no rule explains must exist in the target version
(`matching.coverage`). Calls are CallMatcher's (`matching.call_rules`).
"""

from __future__ import annotations

import ast

from tf2_lsp.analysis.findings.collect import Findings, Occurrence
from tf2_lsp.analysis.matching import float_dimension
from tf2_lsp.analysis.matching.call_rules import CallMatcher
from tf2_lsp.analysis.names import coverage
from tf2_lsp.analysis.names.resolve import canonical, canonical_for_rules, is_tf2_namespace
from tf2_lsp.analysis.names.scopes import Scopes
from tf2_lsp.analysis.nodes import SourceText, attribute_chain, callee_name, chain_attrs
from tf2_lsp.analysis.program import graph_mode
from tf2_lsp.catalogue.api import Api
from tf2_lsp.catalogue.rules import Catalogue, Rule
from tf2_lsp.model import Binding, Finding
from tf2_lsp.transforms import dimension, tf1_class_test, type_comparison
from tf2_lsp.transforms.registry import transform_target

KERAS_OPTIMIZER = "tensorflow.keras.optimizers.Optimizer"
# The rule's key for a subclass of it written against the Keras 2 API (a pattern, not a name).
KERAS2_OPTIMIZER_SUBCLASS = "tensorflow.keras.optimizers.Optimizer.__keras2_subclass__"
# Methods only the Keras 2 (`optimizer_v2`) base class calls: a subclass defining one of them
# was written for it.
KERAS2_OPTIMIZER_METHODS = frozenset(
    {
        "get_updates",
        "_create_slots",
        "_prepare_local",
        "_resource_apply_dense",
        "_resource_apply_sparse",
        "_resource_apply_sparse_duplicate_indices",
        "_apply_dense",
        "_apply_sparse",
    }
)


def _called_name(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else ""


def _chain(node: ast.Attribute) -> list[ast.expr]:
    chain = attribute_chain(node)
    assert chain is not None  # an attribute's chain always has a base
    return chain


class Matcher:
    def __init__(
        self,
        catalogue: Catalogue,
        scopes: Scopes,
        text: SourceText,
        findings: Findings,
        calls: CallMatcher,
        facts: graph_mode.ProgramFacts,
        api: Api | None,
    ) -> None:
        self.catalogue = catalogue
        self.scopes = scopes
        self.text = text
        self.findings = findings
        self.calls = calls
        self.facts = facts
        self.api = api  # the target version's names; None: not known, nothing is checked
        self.alias_values: set[int] = set()  # id() of values bound as a plain alias (`m = tf.x`)
        self.class_bases: set[int] = set()  # id() of the base classes of class statements

    def note_alias_value(self, value: ast.expr) -> None:
        """`train = tf.train`: the value's uses are judged through the alias, not here."""
        self.alias_values.add(id(value))

    def note_class_bases(self, node: ast.ClassDef) -> None:
        """`class Init(tf.initializers.random_normal)`: its bases are subclassed, not passed."""
        self.class_bases.update(id(base) for base in node.bases)

    # -- references ----------------------------------------------------------------------------

    def check_name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Load):
            return
        binding = self.scopes.current.lookup(node.id)
        if binding is None or binding.qualified is None:
            return
        self.check_covered_use(node, binding)
        self.check_module_value(node, binding.qualified, binding.covered, node.id)
        self.check_reference(node, binding.qualified, binding.covered, node.id)

    def check_chain(self, node: ast.Attribute, base: ast.Name) -> None:
        """A dotted name `base.a.b` (`node` is all of it)."""
        binding = self.scopes.current.lookup(base.id)
        if binding is None:
            return
        if binding.imported and binding.imported.startswith("tf_slim"):
            self.check_slim(_chain(node), binding.imported)
            return
        if binding.qualified is None:
            return
        # Built only now: most dotted names (`self.x.y`) have a base that means nothing here.
        chain = _chain(node)
        self.check_covered_use(base, binding)
        names = [binding.qualified, *chain_attrs(chain)]
        self.check_module_value(node, ".".join(names), binding.covered)
        # Longest matching prefix wins: `tf.contrib.layers.xavier_initializer` before
        # the `tf.contrib.layers.*` prefix rule.
        for length in range(len(chain), 0, -1):
            qualified = ".".join(names[:length])
            if self.check_reference(chain[length - 1], qualified, binding.covered):
                return
        if not binding.covered and isinstance(node.ctx, ast.Load):
            self.check_coverage(chain, names)

    def check_covered_use(self, node: ast.Name, binding: Binding) -> None:
        """A use of a name whose binding statement is fixed (`InteractiveSession()` after
        `from tensorflow import InteractiveSession`): reported too, with the same fix, so
        every line that fails in TF2 is listed; applying it once fixes them all."""
        span = self.text.span_of(node)
        for finding in binding.cover:
            self.findings.add_use(finding, span)

    def check_slim(self, chain: list[ast.expr], imported: str) -> None:
        """`slim.layers.l2_regularizer` / `L.xavier_initializer` under `from tf_slim import
        layers as L`: `tf_slim.layers` lacks what the package's top level exports."""
        dotted = [*imported.split("."), *chain_attrs(chain)]
        index = coverage.slim_layers_miss(dotted)
        position = index - imported.count(".") if index is not None else 0
        if index is None or position <= 0:
            # `from tf_slim.layers import x` reads the `tf_slim.layers` package, which has
            # every name; only the attribute `tf_slim.layers` is the short module.
            return
        node = chain[position]
        symbol = ".".join(dotted[: index + 1])
        for rule in self.catalogue.lookup(symbol):
            span = self.text.span_of(node)
            self.findings.add(rule, Occurrence(symbol, self.text.text_of(node), span, "reference"))

    def check_coverage(self, chain: list[ast.expr], names: list[str]) -> None:
        """An attribute chain under a TensorFlow alias that no rule explains must exist."""
        if self.api is None:
            return
        missing = coverage.missing_prefix(".".join(names), self.api)
        if missing is None:
            return
        index = missing.parts - (names[0].count(".") + 1)
        if index <= 0:
            return  # the alias itself names nothing: reported at its import
        node = chain[index]
        span = self.text.span_of(node)
        self.findings.add_unknown(self.text.text_of(node), span, missing)

    def check_module_value(
        self, node: ast.expr, qualified: str, covered: bool, written: str | None = None
    ) -> None:
        """A module used as a value (`dir(tf.train)`, `f(tf.losses)`): `value` rules judge it.

        Only a whole expression reaches here, never the base of a longer attribute chain; a
        called name and a plain alias (`train = tf.train`, whose uses are judged) are left out.
        """
        if covered or self.calls.is_callee(node) or id(node) in self.alias_values:
            return
        name, compat = canonical(qualified)
        if compat or is_tf2_namespace(qualified):
            return
        span = self.text.span_of(node)
        for rule in self.catalogue.exact.get(name, ()):
            if rule.match == "value":
                if written is None:
                    written = self.text.text_of(node)
                self.findings.add(rule, Occurrence(name, written, span, "reference"), compat=compat)

    def check_reference(
        self, node: ast.expr, qualified: str, covered: bool, written: str | None = None
    ) -> bool:
        """Report the rules of `qualified`; True when it has rules (shorter prefixes of the
        same dotted name are then not asked). `written`: how the file writes `node`, read
        from the text only when a rule matched (most prefixes of a dotted name have none)."""
        if is_tf2_namespace(qualified):
            return False
        name, compat = canonical_for_rules(qualified)
        self.facts.note(name, node.lineno, self.scopes.at_import_time(), node)
        matched = tuple(rule for rule in self.catalogue.lookup(name) if rule.match != "value")
        if not matched:
            return False
        if not compat and self.calls.calls_tf2_form(node, name):
            return True  # a call already written for TF2's function of this name
        if written is None:
            written = self.text.text_of(node)
        policy = self.findings.policy
        gone = compat and any(policy.compat_target_gone(rule, name) for rule in matched)
        if gone and not covered and self.check_legacy_keras(node, name, written, matched):
            return True
        if compat and self.api is not None and not covered and not gone:
            # compat.v1 code that a rule calls fine may still be gone from the target's
            # compat.v1 (tf.compat.v1.estimator from 2.16).
            missing = coverage.missing_prefix(qualified, self.api)
            if missing is not None:
                self.findings.add_unknown(written, self.text.span_of(node), missing)
                return True
        # A symbol with rules of its own (say, a call rule) is never reported through a
        # shorter prefix rule of its module.
        rules = [rule for rule in matched if rule.match == "reference"]
        if covered:
            # The alias was reported (and renamed) where it was imported or assigned; a member
            # with a rule of its own (renamed or missing in the renamed module) is still judged.
            exact = [r for r in self.catalogue.exact.get(name, ()) if r.match == "reference"]
            if exact and not compat and isinstance(node, ast.Attribute):
                span = self.text.span_of(node)
                for rule in exact:
                    self.findings.add(
                        rule, Occurrence(name, written, span, "reference"), compat=compat
                    )
            return True
        if not rules:
            # Call rules judge calls; a bare reference (`cls = tf.train.AdamOptimizer`) to
            # the same symbol is still a TF1 use, fixable by the rule's rename if it has one.
            if not self.calls.is_callee(node) and not compat:
                span = self.text.span_of(node)
                for rule in matched:
                    if rule.match == "call" and rule.removed:
                        at = Occurrence(name, written, span, "reference")
                        self.findings.add(rule, at, compat=compat, rename_only=True)
                        break
                else:
                    self.check_function_value(node, name, written, matched)
            return True
        span = self.text.span_of(node)
        for rule in rules:
            if not self.calls.check_called_rename(node, rule, name, written, compat):
                self.findings.add(rule, Occurrence(name, written, span, "reference"), compat=compat)
        return True

    def check_function_value(
        self, node: ast.expr, name: str, written: str, matched: tuple[Rule, ...]
    ) -> None:
        """A TF1 function whose signature changed, passed as a value (`reduce(tf.reduce_sum,
        x, reduction_indices=[1])`): whoever calls it passes TF1's arguments, out of our sight,
        so it keeps its TF1 form, `tf.compat.v1.<same>`. A plain alias (`f = tf.reduce_sum`)
        is not a value here: its calls are judged through it."""
        subclassed = id(node) in self.class_bases
        if id(node) in self.alias_values:
            return
        if name.rpartition(".")[2][:1].isupper() and not subclassed:
            return  # a class as a value (`isinstance(v, tf.Variable)`) means TF2's class
        rule = next(
            (
                r
                for r in matched
                if r.match == "call" and any(f.kind == "arguments" for f in r.fixes)
            ),
            None,
        )
        if rule is None:
            return
        policy = self.findings.policy
        sigs = policy.signatures()
        tf1, tf2 = sigs.tf1(name), sigs.target(name)
        if tf1 is None or tf2 is None or tf1 == tf2:
            return
        span = self.text.span_of(node)
        self.findings.add(
            rule,
            Occurrence(name, written, span, "reference"),
            why=(
                "subclassed: TF2's class of this name takes other arguments, and the subclass "
                "passes TF1's to it"
                if subclassed
                else "passed as a value, it is called with TF1's arguments where we cannot see them"
            ),
            fix_override=policy.keep_tf1(name),
        )

    def check_class(self, node: ast.ClassDef) -> None:
        """A subclass written against the Keras 2 optimizer API (`get_updates`,
        `_create_slots`, `_resource_apply_dense`) of `tf.keras.optimizers.Optimizer`, which is
        another class since TF 2.11: its base becomes the legacy optimizer it was written for."""
        methods = {
            statement.name
            for statement in node.body
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        if not methods & KERAS2_OPTIMIZER_METHODS:
            return
        for base in node.bases:
            qualified = self.scopes.qualified_name(base)
            if qualified is None or canonical(qualified)[0] != KERAS_OPTIMIZER:
                continue
            span = self.text.span_of(base)
            for rule in self.catalogue.exact.get(KERAS2_OPTIMIZER_SUBCLASS, ()):
                written = self.text.text_of(base)
                at = Occurrence(KERAS2_OPTIMIZER_SUBCLASS, written, span, "reference")
                self.findings.add(rule, at)

    def check_legacy_keras(
        self, node: ast.AST, name: str, written: str, matched: tuple[Rule, ...]
    ) -> bool:
        """Code on tf.compat.v1 that needs Keras 2 in the target TF (`tf.compat.v1.layers`):
        TF933 says so and names the native path; True when reported. At the native level a
        call whose rule has a native fix is reported by that rule instead, with the fix."""
        policy = self.findings.policy
        keras2 = [rule for rule in matched if policy.keras2_only(rule)]
        if not keras2:
            return False
        native = any(f.level == "native" for r in keras2 for f in r.fixes)
        if native and policy.level == "native" and self.calls.is_callee(node):
            return False  # the call's own finding carries the native rewrite
        span = self.text.span_of(node)
        self.findings.add_legacy_keras(name, written, span, self.native_keras_path(name, keras2))
        return True

    def native_keras_path(self, name: str, rules: list[Rule]) -> str | None:
        """What a native port writes for `name`: a rule's native target, else the Keras 3
        class of the same name when the target version has it."""
        for rule in rules:
            fix = next((f for f in rule.fixes if f.level == "native"), None)
            if fix is not None:
                target = fix.target_for(name) or transform_target(fix.transform, name)
                if target:
                    return target
        last = name.rpartition(".")[2]
        keras = f"keras.layers.{last}"
        if self.api is not None and last[:1].isupper() and keras in self.api.v2.names:
            return f"tensorflow.{keras}"
        return None

    # -- imports -------------------------------------------------------------------------------

    def check_import(
        self, node: ast.Import | ast.ImportFrom, local: str, qualified: str, module: str
    ) -> tuple[Finding, ...]:
        """Judge one TensorFlow name an import binds; the findings whose fix (a rename of the
        import) covers the name's uses, none if it has no such fix."""
        cover = self.check_import_rules(node, local, qualified, module)
        if not cover and self.api is not None:
            self.check_import_coverage(node, qualified, module)
        return cover

    def check_import_rules(
        self, node: ast.Import | ast.ImportFrom, local: str, qualified: str, module: str
    ) -> tuple[Finding, ...]:
        """Report a TensorFlow import that names a TF1-only module; the findings whose fix
        renames the import (and so covers the uses)."""
        if isinstance(node, ast.Import) and qualified == module.split(".", 1)[0]:
            return ()  # `import tensorflow.contrib.slim` binds `tensorflow`; uses are checked
        name, compat = canonical_for_rules(qualified)
        matched = self.catalogue.lookup(name)
        policy = self.findings.policy
        gone = compat and any(policy.compat_target_gone(rule, name) for rule in matched)
        if gone and self.check_legacy_keras(node, name, local, tuple(matched)):
            return ()
        rules = [r for r in matched if r.match in ("reference", "import")]
        # An imported symbol whose rules judge calls: the import itself takes the rename.
        rename_only = not rules and not compat
        if rename_only:
            rules = [r for r in matched if r.match == "call" and r.removed]
        if isinstance(node, ast.ImportFrom) and not rules and name.startswith("tensorflow.contrib"):
            rules = list(self.catalogue.lookup("tensorflow.contrib"))
        if not rules:
            return ()
        span = self.text.span_of(node)
        cover: list[Finding] = []
        for rule in rules:
            # Its target is shown as the import statement the fix writes.
            finding = self.findings.add(
                rule,
                Occurrence(name, local, span, "import"),
                compat=compat,
                rename_only=rename_only,
                import_local=local,
            )
            if finding is not None and finding.fix is not None and finding.fix.kind == "rename":
                cover.append(finding)
        return tuple(cover)

    def check_import_coverage(
        self, node: ast.Import | ast.ImportFrom, qualified: str, module: str
    ) -> None:
        """`import tensorflow.foo` / `from tensorflow.foo import bar`: both must exist."""
        assert self.api is not None
        name = module if isinstance(node, ast.Import) else qualified
        if self.catalogue.lookup(canonical(name)[0]):
            return  # a rule explains it
        missing = coverage.missing_prefix(name, self.api)
        if missing is not None:
            written = ".".join(name.split(".")[: missing.parts])
            self.findings.add_unknown(written, self.text.span_of(node), missing)

    # -- patterns ------------------------------------------------------------------------------

    def check_attribute(self, node: ast.Attribute) -> None:
        """Attribute patterns that need no TensorFlow name: `.value` of a shape's dimension,
        attributes of a value whose TensorFlow type is known."""
        if node.attr == "value" and self.scopes.in_tf_file():
            self.check_dimension_value(node)
        elif node.attr in self.catalogue.method_owners and not self.calls.is_callee(node):
            self.check_value_attribute(node)

    def check_dimension_value(self, node: ast.Attribute) -> None:
        """`x.shape[i].value` / `x.get_shape()[i].value`: TF2 shapes hold ints, not Dimensions."""
        if not dimension.is_dimension_value(node):
            return
        for rule in self.catalogue.exact.get(dimension.SYMBOL, ()):
            span = self.text.span_of(node)
            at = Occurrence(dimension.SYMBOL, self.text.text_of(node), span, "pattern")
            self.findings.add(rule, at)

    def check_compare(self, node: ast.Compare) -> None:
        """`type(x) == tf.Tensor`: an exact type test that TF2's eager tensors fail."""
        compared = type_comparison.exact_type_test(node)
        if compared is None or self.scopes.current.lookup("type") is not None:
            return  # `type` rebound in this file: not the builtin
        qualified = self.scopes.qualified_name(compared)
        if qualified is None or canonical(qualified)[0] not in type_comparison.TENSOR_TYPES:
            return
        symbol = type_comparison.EXACT_TYPE_SYMBOL
        for rule in self.catalogue.exact.get(symbol, ()):
            span = self.text.span_of(node)
            self.findings.add(rule, Occurrence(symbol, self.text.text_of(node), span, "pattern"))

    def check_type_test(self, node: ast.Call) -> None:
        """`isinstance(v, tf.data.Iterator)`: TF2's class of that name rejects the TF1 objects
        converted code still makes."""
        classes = tf1_class_test.tested_classes(node)
        if not classes or self.scopes.current.lookup(_called_name(node)) is not None:
            return  # not a type test, or `isinstance` rebound in this file
        qualified = [(klass, self.scopes.qualified_name(klass)) for klass in classes]
        named = [(klass, canonical(q)) for klass, q in qualified if q is not None]
        # `tf.compat.v1.data.Iterator` is TF1's class itself: tested beside TF2's, all is well.
        tf1 = {name for _, (name, compat) in named if compat}
        for klass, (name, compat) in named:
            if compat or name in tf1:
                continue
            symbol = name + tf1_class_test.SUFFIX
            for rule in self.catalogue.exact.get(symbol, ()):
                span = self.text.span_of(klass)
                at = Occurrence(symbol, self.text.text_of(klass), span, "pattern")
                self.findings.add(rule, at)

    def check_float_dimension(self, node: ast.Call) -> None:
        """`y.set_shape([n, m * 0.5])`: TF2 rejects a float dimension that TF1 took when whole."""
        if callee_name(node) not in float_dimension.CALLEES:
            return  # most calls: no name to resolve
        if not self.scopes.in_tf_file():
            return
        qualified = self.scopes.qualified_name(node.func)
        function = canonical(qualified)[0] if qualified else None
        for element in float_dimension.float_dimensions(node, function):
            for rule in self.catalogue.exact.get(float_dimension.SYMBOL, ()):
                span = self.text.span_of(element)
                at = Occurrence(float_dimension.SYMBOL, self.text.text_of(element), span, "pattern")
                self.findings.add(rule, at)

    def check_value_attribute(self, node: ast.Attribute) -> None:
        """`dataset.output_types` and kin: attributes of a TF value known by its type."""
        receiver = self.scopes.type_of(node.value)
        if receiver is None:
            return
        symbol = f"{receiver}.{node.attr}"
        for rule in self.catalogue.exact.get(symbol, ()):
            span = self.text.span_of(node)
            self.findings.add(rule, Occurrence(symbol, self.text.text_of(node), span, "pattern"))
