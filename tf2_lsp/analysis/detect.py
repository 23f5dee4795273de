"""Source -> findings. Pure and fast: the stdlib `ast` plus our own name resolution.

This runs on every keystroke in the editor. Measured on a 5,400-line TF1 file (2 cores, Py 3.11):
`ast.parse` 0.10 s and one full walk 0.03 s, while libcst with qualified names costs ~1.8 s per
6k lines (docs/architecture.md). So detection never touches libcst; fixes do, on demand.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import cast

from tf2_lsp.analysis import coverage, program, receivers
from tf2_lsp.analysis.calls import CallVerdict, call_map_problem, merge_changes, plan_call
from tf2_lsp.analysis.conditions import FUNCTION_FACTORIES, Changed, changed_argument
from tf2_lsp.analysis.messages import import_statement, tidy
from tf2_lsp.analysis.resolve import (
    COMPAT_V1,
    NOT_TF,
    Binding,
    Scope,
    canonical,
    function_locals,
    import_bindings,
    imported_paths,
    is_tf2_namespace,
    target_names,
)
from tf2_lsp.analysis.suppress import suppressed_codes
from tf2_lsp.catalogue.api import api_for
from tf2_lsp.catalogue.availability import compat_target_gone, version_tuple
from tf2_lsp.catalogue.rules import ArgChange, Catalogue, Fix, Rule, Severity
from tf2_lsp.catalogue.signatures import Signatures, signatures_for
from tf2_lsp.model import AnchorKind, CallEdit, Detection, Finding, ReceiverCandidate
from tf2_lsp.settings import Settings
from tf2_lsp.text import LineIndex, Span
from tf2_lsp.transforms import dimension, type_comparison
from tf2_lsp.transforms.registry import TRANSFORMS, transform_target

_MENTIONS_TF = re.compile(r"\b(?:tensorflow|tf_slim)\b")
# A name bound by `def`: a function value (for arguments TF2 rejects as functions).
A_FUNCTION = Binding(None, value_type="builtins.function")
# Python's parser accepts expressions thousands of levels deep (left-recursive chains such as
# `a.f().f()...` or `a + a + ...` without limit); our walk recurses once or twice per level.
# Python frames live on the heap since 3.11, so a higher limit costs no C stack. Beyond it, the
# one statement that is too deep is skipped (Detection.too_deep), not the whole file.
RECURSION_LIMIT = 20_000


def _allow_deep_recursion() -> None:
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


def detect(
    source: str,
    catalogue: Catalogue,
    options: Settings | None = None,
    receiver_hints: Mapping[tuple[int, int], str] | None = None,
) -> Detection:
    """Findings for `source`; `receiver_hints` types receivers by position (from jedi)."""
    options = options or Settings()
    _allow_deep_recursion()
    try:
        tree = ast.parse(source)
        if not _MENTIONS_TF.search(source):
            # No import can name TensorFlow without the word: parsed only for syntax errors.
            return Detection([])
        walker = ModuleWalker(source, catalogue, options, receiver_hints or {})
        walker.run(tree)
    except SyntaxError as error:
        return Detection([], syntax_error=error)
    except ValueError as error:  # NUL bytes
        return Detection([], syntax_error=SyntaxError(str(error)))
    except (RecursionError, MemoryError):
        # Python's own parser gives up on pathologically nested code the same way.
        return Detection([], syntax_error=SyntaxError("code is nested too deeply to analyse"))
    program.check_program(walker, tree)
    return finish_detection(walker, tree.body)


def statement_layout(body: Sequence[ast.stmt]) -> list[tuple[int, int, bool]]:
    """(first line, last line, binds module names?) of each top-level statement.

    Only `def` and `class` statements are taken as binding nothing that matters: they bind
    their own name, never a TensorFlow alias, so editing inside them cannot change how the
    rest of the module resolves.
    """
    layout = []
    for statement in body:
        first = statement.lineno
        decorators = getattr(statement, "decorator_list", None)
        if decorators:
            first = min(first, *(d.lineno for d in decorators))
        inert = isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        layout.append((first, statement.end_lineno or statement.lineno, not inert))
    return layout


def finish_detection(walker: ModuleWalker, body: Sequence[ast.stmt]) -> Detection:
    options = walker.options
    findings = [f for f in walker.findings if options.wants(f.code)]
    findings = _drop_suppressed(findings, walker.index)
    findings.sort(key=lambda f: (f.span.line, f.span.column, f.code))
    module = walker.module_scope
    return Detection(
        findings=_dedupe(findings),
        candidates=walker.candidates,
        module_bindings={
            name: b.qualified for name, b in module.names.items() if b.qualified is not None
        },
        module_names=set(module.names),
        module_imports={
            name: b.imported for name, b in module.names.items() if b.imported is not None
        },
        imports_end=walker.imports_end,
        first_import=walker.first_import,
        layout=statement_layout(body),
        module_scope=module,
        too_deep=sorted(set(walker.too_deep)),
    )


def _drop_suppressed(findings: list[Finding], index: LineIndex) -> list[Finding]:
    kept = []
    for finding in findings:
        codes = suppressed_codes(index.line_text(finding.span.line))
        if codes is not None and (not codes or finding.code in codes):
            continue
        kept.append(finding)
    return kept


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, Span]] = set()
    unique = []
    for finding in findings:
        key = (finding.code, finding.span)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


Handler = Callable[[ast.AST], None]


class ModuleWalker:
    """One pass over the tree with a scope stack; function bodies run after their scope ends."""

    def __init__(
        self,
        source: str,
        catalogue: Catalogue,
        options: Settings,
        receiver_hints: Mapping[tuple[int, int], str],
    ) -> None:
        self.receiver_hints = receiver_hints
        self.candidates: list[ReceiverCandidate] = []
        self.too_deep: list[int] = []  # first lines of statements nested too deeply to walk
        self.catalogue = catalogue
        self.options = options
        self.index = LineIndex(source)
        self.findings: list[Finding] = []
        self.module_scope = Scope("module", None)
        self.scope = self.module_scope
        self.statement = (1, 1)
        self.deferred: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, Scope]] = []
        self.imports_end = 0
        self.first_import = 0
        self.target = version_tuple(options.target_version)
        self._signatures: Signatures | None = None
        self._changes: dict[str, ArgChange | None] = {}
        self.planned: set[int] = set()  # id() of calls the call model judged
        self.call_funcs: set[int] = set()  # id() of call targets: call rules judge those
        self.call_of: dict[int, ast.Call] = {}  # id() of a call target -> its call
        self.program = program.ProgramFacts()
        self.api = api_for(options.target_version)
        self.alias_values: set[int] = set()  # id() of values bound as a plain alias (`m = tf.x`)
        self.first_tf_import: ast.stmt | None = None
        self.importing: str | None = None  # the local name an import being judged binds
        self.handlers: dict[type, Handler] = {
            ast.Import: self.visit_import,  # type: ignore[dict-item]
            ast.ImportFrom: self.visit_import,  # type: ignore[dict-item]
            ast.Assign: self.visit_assign,  # type: ignore[dict-item]
            ast.AnnAssign: self.visit_ann_assign,  # type: ignore[dict-item]
            ast.AugAssign: self.visit_aug_assign,  # type: ignore[dict-item]
            ast.For: self.visit_for,  # type: ignore[dict-item]
            ast.AsyncFor: self.visit_for,  # type: ignore[dict-item]
            ast.With: self.visit_with,  # type: ignore[dict-item]
            ast.AsyncWith: self.visit_with,  # type: ignore[dict-item]
            ast.FunctionDef: self.visit_function,  # type: ignore[dict-item]
            ast.AsyncFunctionDef: self.visit_function,  # type: ignore[dict-item]
            ast.ClassDef: self.visit_class,  # type: ignore[dict-item]
            ast.Lambda: self.visit_lambda,  # type: ignore[dict-item]
            ast.ListComp: self.visit_comprehension,  # type: ignore[dict-item]
            ast.SetComp: self.visit_comprehension,  # type: ignore[dict-item]
            ast.GeneratorExp: self.visit_comprehension,  # type: ignore[dict-item]
            ast.DictComp: self.visit_comprehension,  # type: ignore[dict-item]
            ast.Name: self.visit_name,  # type: ignore[dict-item]
            ast.Attribute: self.visit_attribute,  # type: ignore[dict-item]
            ast.Call: self.visit_call,  # type: ignore[dict-item]
            ast.NamedExpr: self.visit_named_expr,  # type: ignore[dict-item]
            ast.Compare: self.visit_compare,  # type: ignore[dict-item]
            ast.ExceptHandler: self.visit_except,  # type: ignore[dict-item]
            ast.Global: self.visit_global,  # type: ignore[dict-item]
            ast.Nonlocal: self.visit_global,  # type: ignore[dict-item]
            ast.Constant: self.skip,
            ast.JoinedStr: self.visit_children,
        }

    # -- traversal -----------------------------------------------------------

    def run(self, tree: ast.Module, note_imports: bool = True) -> None:
        if note_imports:
            self.note_import_block(tree.body)
        self.visit_body(tree.body)
        while self.deferred:
            function, scope = self.deferred.pop(0)
            saved = self.scope
            self.scope = scope
            self.visit_body(function.body)
            self.scope = saved

    def note_import_block(self, body: Sequence[ast.stmt]) -> None:
        for statement in body:
            if isinstance(statement, (ast.Import, ast.ImportFrom)) or (
                isinstance(statement, (ast.Try, ast.If)) and _only_imports(statement)
            ):
                if not self.first_import:
                    self.first_import = statement.lineno
                self.imports_end = statement.end_lineno or statement.lineno
            elif _is_docstring(statement) or self.first_import == 0:
                continue
            else:
                break

    def visit_body(self, body: Iterable[ast.stmt]) -> None:
        for statement in body:
            saved = self.statement
            first = statement.lineno
            decorators = getattr(statement, "decorator_list", None)
            if decorators:
                first = min(first, *(d.lineno for d in decorators))
            self.statement = (first, statement.end_lineno or statement.lineno)
            try:
                self.visit(statement)
            except RecursionError:
                # Caught by the innermost statement around the too-deep expression: only it
                # goes unanalysed.
                self.too_deep.append(statement.lineno)
            self.statement = saved

    def visit(self, node: ast.AST) -> None:
        handler = self.handlers.get(type(node))
        if handler is not None:
            handler(node)
        elif isinstance(node, ast.stmt):
            self.visit_statement_children(node)
        else:
            self.visit_children(node)

    def visit_children(self, node: ast.AST) -> None:
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.stmt):
                        self.visit_body([item])
                    elif isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def visit_statement_children(self, node: ast.stmt) -> None:
        # Compound statements (if/while/try/match): their bodies are statements of their own.
        self.visit_children(node)

    def skip(self, node: ast.AST) -> None:
        return None

    # -- binding statements ----------------------------------------------------

    def bind(self, name: str, binding: Binding) -> None:
        if name in self.scope.explicit_global:
            # `global tf; import tensorflow as tf` in a function binds the module's `tf`.
            # Only a TensorFlow binding is carried over: function bodies run in no known
            # order, and `global tf; tf = reload(tf)` must not hide the module's import.
            if binding.qualified is not None:
                self.module_scope.names[name] = binding
            return
        self.scope.names[name] = binding

    def visit_global(self, node: ast.Global | ast.Nonlocal) -> None:
        if isinstance(node, ast.Global):
            self.scope.explicit_global.update(node.names)

    def visit_import(self, node: ast.Import | ast.ImportFrom) -> None:
        paths = imported_paths(node)
        for local, qualified, module in import_bindings(node):
            if qualified is None:
                self.bind(local, Binding(None, imported=paths.get(local)))
                continue
            if self.first_tf_import is None and self.scope is self.module_scope:
                self.first_tf_import = node
            if qualified == COMPAT_V1 and self.scope is self.module_scope:
                program.note_compat_import(self, node, local)
            self.program.note(canonical(qualified)[0], node.lineno, self.at_import_time())
            covered = self.check_import(node, local, qualified, module)
            if not covered and self.api is not None:
                self.check_import_coverage(node, qualified, module)
            self.bind(local, Binding(qualified, covered=covered))

    def visit_assign(self, node: ast.Assign) -> None:
        if all(isinstance(target, ast.Name) for target in node.targets):
            self.alias_values.add(id(node.value))  # its uses are judged through the alias
        self.visit(node.value)
        alias = self.alias_of(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.bind(target.id, alias)
            else:
                self.visit(target)
                for name in target_names(target):
                    self.bind(name, NOT_TF)

    def visit_ann_assign(self, node: ast.AnnAssign) -> None:
        self.visit(node.annotation)
        if node.value is not None:
            if isinstance(node.target, ast.Name):
                self.alias_values.add(id(node.value))
            self.visit(node.value)
        if isinstance(node.target, ast.Name):
            self.bind(node.target.id, self.alias_of(node.value) if node.value else NOT_TF)
        else:
            self.visit(node.target)

    def visit_aug_assign(self, node: ast.AugAssign) -> None:
        self.visit(node.target)
        self.visit(node.value)

    def visit_named_expr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self.bind(node.target.id, self.alias_of(node.value))

    def visit_for(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        for name in target_names(node.target):
            self.bind(name, NOT_TF)
        self.visit(node.target)
        self.visit_body(node.body)
        self.visit_body(node.orelse)

    def visit_with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is None:
                continue
            if isinstance(item.optional_vars, ast.Name):
                self.bind(item.optional_vars.id, self.alias_of(item.context_expr))
            else:
                self.visit(item.optional_vars)
                for name in target_names(item.optional_vars):
                    self.bind(name, NOT_TF)
        self.visit_body(node.body)

    def visit_except(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self.bind(node.name, NOT_TF)
        self.visit_body(node.body)

    def visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.visit_arguments(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        self.bind(node.name, A_FUNCTION)
        scope = Scope("function", self.scope)
        for name in function_locals(node):
            scope.names[name] = NOT_TF
        for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
            if arg.annotation is not None:
                # `ds: tf.data.Dataset` types the parameter for method rules.
                qualified = self.qualified_name(arg.annotation)
                value_type = receivers.returned_type(canonical(qualified)[0]) if qualified else None
                if value_type is not None:
                    scope.names[arg.arg] = Binding(None, value_type=value_type)
        self.deferred.append((node, scope))

    def visit_arguments(self, args: ast.arguments) -> None:
        for default in (*args.defaults, *args.kw_defaults):
            if default is not None:
                self.visit(default)
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None and arg.annotation is not None:
                self.visit(arg.annotation)

    def visit_class(self, node: ast.ClassDef) -> None:
        for expression in (*node.decorator_list, *node.bases, *node.keywords):
            self.visit(expression)
        saved = self.scope
        self.scope = Scope("class", saved)
        self.visit_body(node.body)
        self.scope = saved
        self.bind(node.name, NOT_TF)

    def visit_lambda(self, node: ast.Lambda) -> None:
        self.visit_arguments(node.args)
        saved = self.scope
        self.scope = Scope("function", saved)
        for name in function_locals(node):
            self.scope.names[name] = NOT_TF
        self.visit(node.body)
        self.scope = saved

    def visit_comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> None:
        saved = self.scope
        for position, generator in enumerate(node.generators):
            # The first iterable is evaluated in the enclosing scope.
            self.visit(generator.iter)
            if position == 0:
                self.scope = Scope("comprehension", saved)
            for name in target_names(generator.target):
                self.bind(name, NOT_TF)
            for condition in generator.ifs:
                self.visit(condition)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        self.scope = saved

    def alias_of(self, value: ast.expr | None) -> Binding:
        """What assigning `value` to a name makes it: a TF alias, a typed value, or neither."""
        if value is None:
            return NOT_TF
        chain = _chain(value)
        if chain is not None:
            base = chain[0]
            binding = self.scope.lookup(base.id) if isinstance(base, ast.Name) else None
            if binding is not None and binding.qualified is not None:
                qualified = ".".join([binding.qualified, *_attrs(chain)])
                return Binding(qualified, covered=binding.covered or self.renamed_module(qualified))
            if binding is not None and binding.value_type is not None and len(chain) == 1:
                return binding
            return NOT_TF
        value_type = self.type_of(value)
        return Binding(None, value_type=value_type) if value_type else NOT_TF

    def renamed_module(self, qualified: str) -> bool:
        """An alias of a module that a prefix rule renames (`slim = tf.contrib.slim`)."""
        name, _ = canonical(qualified)
        return any(
            rule.is_prefix_rule
            and (fix := rule.fix_for(self.options.level)) is not None
            and fix.kind == "rename"
            for rule in self.catalogue.lookup(name)
        )

    def type_of(self, value: ast.expr) -> str | None:
        if isinstance(value, ast.Name):
            binding = self.scope.lookup(value.id)
            return binding.value_type if binding else None
        if not isinstance(value, ast.Call):
            return None
        func = value.func
        qualified = self.qualified_name(func)
        if qualified is not None:
            return receivers.returned_type(canonical(qualified)[0])
        if isinstance(func, ast.Attribute):
            receiver = self.type_of(func.value)
            if receiver is not None:
                return receivers.method_result_type(receiver, func.attr)
        return None

    def qualified_name(self, node: ast.expr) -> str | None:
        chain = _chain(node)
        if chain is None or not isinstance(chain[0], ast.Name):
            return None
        binding = self.scope.lookup(chain[0].id)
        if binding is None or binding.qualified is None:
            return None
        return ".".join([binding.qualified, *_attrs(chain)])

    def callee_covered(self, node: ast.expr) -> bool:
        chain = _chain(node)
        if chain is None or not isinstance(chain[0], ast.Name):
            return False
        binding = self.scope.lookup(chain[0].id)
        return binding is not None and binding.covered

    # -- references ------------------------------------------------------------

    def visit_name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Load):
            return
        binding = self.scope.lookup(node.id)
        if binding is None or binding.qualified is None:
            return
        self.check_module_value(node, binding.qualified, binding.covered, node.id)
        self.check_reference(node, binding.qualified, binding.covered, node.id)

    def visit_attribute(self, node: ast.Attribute) -> None:
        if node.attr == "value" and self.in_tf_file():
            self.check_dimension_value(node)
        elif node.attr in self.catalogue.method_owners and id(node) not in self.call_funcs:
            self.check_value_attribute(node)
        chain = _chain(node)
        if chain is None:
            self.visit(node.value)
            return
        base = chain[0]
        if not isinstance(base, ast.Name):
            self.visit(base)
            return
        binding = self.scope.lookup(base.id)
        if binding is not None and binding.imported and binding.imported.startswith("tf_slim"):
            self.check_slim(chain, binding.imported)
            return
        if binding is None or binding.qualified is None:
            return
        names = [binding.qualified, *_attrs(chain)]
        self.check_module_value(node, ".".join(names), binding.covered, self.text_of(node))
        # Longest matching prefix wins: `tf.contrib.layers.xavier_initializer` before
        # the `tf.contrib.layers.*` prefix rule.
        for length in range(len(chain), 0, -1):
            qualified = ".".join(names[:length])
            written = self.text_of(chain[length - 1])
            if self.check_reference(chain[length - 1], qualified, binding.covered, written):
                return
        if not binding.covered and isinstance(node.ctx, ast.Load):
            self.check_coverage(chain, names)

    def check_slim(self, chain: list[ast.expr], imported: str) -> None:
        """`slim.layers.l2_regularizer` / `L.xavier_initializer` under `from tf_slim import
        layers as L`: `tf_slim.layers` lacks what the package's top level exports."""
        dotted = [*imported.split("."), *_attrs(chain)]
        index = coverage.slim_layers_miss(dotted)
        position = index - imported.count(".") if index is not None else 0
        if index is None or position <= 0:
            # `from tf_slim.layers import x` reads the `tf_slim.layers` package, which has
            # every name; only the attribute `tf_slim.layers` is the short module.
            return
        node = chain[position]
        symbol = ".".join(dotted[: index + 1])
        for rule in self.catalogue.lookup(symbol):
            span = self.span_of(node)
            self.add(rule, symbol, self.text_of(node), span, span, "reference", False)

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
        span = self.span_of(node)
        self.add_unknown(self.text_of(node), span, missing)

    def add_unknown(self, written: str, span: Span, missing: coverage.Missing) -> None:
        rule = self.catalogue.by_code.get(coverage.UNKNOWN_NAME_RULE)
        if rule is None:
            return
        message = f"`{written}` does not exist in TensorFlow {self.options.target_version}"
        if missing.compat_only:
            message += "; only its tf.compat.v1 form does"
        elif missing.suggestion:
            message += f"; did you mean `{self.display(missing.suggestion)}`?"
        severity = next((s for c, s in self.options.severity if c == rule.code), rule.severity)
        self.findings.append(
            Finding(
                rule=rule,
                message=message,
                severity=severity,
                symbol=None,
                written=written,
                span=span,
                anchor=span,
                anchor_kind="reference",
                statement=self.statement,
                fix=None,
            )
        )

    def check_module_value(
        self, node: ast.expr, qualified: str, covered: bool, written: str
    ) -> None:
        """A module used as a value (`dir(tf.train)`, `f(tf.losses)`): `value` rules judge it.

        Only a whole expression reaches here, never the base of a longer attribute chain; a
        called name and a plain alias (`train = tf.train`, whose uses are judged) are left out.
        """
        if covered or id(node) in self.call_funcs or id(node) in self.alias_values:
            return
        name, compat = canonical(qualified)
        if compat or is_tf2_namespace(qualified):
            return
        span = self.span_of(node)
        for rule in self.catalogue.exact.get(name, ()):
            if rule.match == "value":
                self.add(rule, name, written, span, span, "reference", compat)

    def check_reference(self, node: ast.expr, qualified: str, covered: bool, written: str) -> bool:
        if is_tf2_namespace(qualified):
            return False
        name, compat = _canonical(qualified)
        self.program.note(name, node.lineno, self.at_import_time())
        matched = tuple(rule for rule in self.catalogue.lookup(name) if rule.match != "value")
        if not matched:
            return False
        gone = compat and any(self.compat_target_gone(rule, name) for rule in matched)
        if compat and self.api is not None and not covered and not gone:
            # compat.v1 code that a rule calls fine may still be gone from the target's
            # compat.v1 (tf.compat.v1.estimator from 2.16).
            missing = coverage.missing_prefix(qualified, self.api)
            if missing is not None:
                self.add_unknown(written, self.span_of(node), missing)
                return True
        # A symbol with rules of its own (say, a call rule) is never reported through a
        # shorter prefix rule of its module.
        rules = [rule for rule in matched if rule.match == "reference"]
        if covered:
            # The alias was reported (and renamed) where it was imported or assigned; a member
            # with a rule of its own (renamed or missing in the renamed module) is still judged.
            exact = [r for r in self.catalogue.exact.get(name, ()) if r.match == "reference"]
            if exact and not compat and isinstance(node, ast.Attribute):
                span = self.span_of(node)
                for rule in exact:
                    self.add(rule, name, written, span, span, "reference", compat)
            return True
        if not rules:
            # Call rules judge calls; a bare reference (`cls = tf.train.AdamOptimizer`) to
            # the same symbol is still a TF1 use, fixable by the rule's rename if it has one.
            if id(node) not in self.call_funcs and not compat:
                span = self.span_of(node)
                for rule in matched:
                    if rule.match == "call" and rule.removed:
                        self.add(
                            rule, name, written, span, span, "reference", compat, rename_only=True
                        )
            return True
        span = self.span_of(node)
        for rule in rules:
            if not self.check_called_rename(node, rule, name, written, compat):
                self.add(rule, name, written, span, span, "reference", compat)
        return True

    def visit_call(self, node: ast.Call) -> None:
        self.call_funcs.add(id(node.func))
        self.call_of[id(node.func)] = node
        self.visit(node.func)
        for argument in node.args:
            self.visit(argument)
        for keyword in node.keywords:
            self.visit(keyword.value)
        qualified = self.qualified_name(node.func)
        if qualified is not None and not is_tf2_namespace(qualified):
            name, compat = _canonical(qualified)
            covered = self.callee_covered(node.func)
            for rule in self.catalogue.lookup(name):
                if rule.match != "call":
                    continue
                fix = self.fix_for(rule, compat, name)
                if fix is None and not compat:  # withheld for the target version: still a rename
                    fix = rule.fix_for(self.options.level)
                if covered and fix is not None and fix.kind == "rename":
                    continue  # the import's rename already fixes this call
                if self.check_call(node, rule, name, compat):
                    break
        elif isinstance(node.func, ast.Attribute):
            self.program.note_method_call(node.func.value, node.func.attr)
            self.check_method(node, node.func)

    def check_method(self, node: ast.Call, func: ast.Attribute) -> None:
        if func.attr not in self.catalogue.last_names:
            return
        receiver = self.type_of(func.value)
        key = (func.value.lineno, func.value.col_offset)
        if receiver is None:
            receiver = self.receiver_hints.get(key) or None  # "" records a miss
        if receiver is None:
            if func.attr in self.catalogue.method_owners and key not in self.receiver_hints:
                end = self.span_of(func.value)
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
                span = self.span_of(func)
                attr_span = Span(func.end_lineno or func.lineno, 0, span.end_line, span.end_column)
                attr_span = replace(attr_span, column=span.end_column - len(func.attr))
                self.add(rule, symbol, "." + func.attr, attr_span, span, "reference", False)

    def check_call(self, node: ast.Call, rule: Rule, symbol: str, compat: bool) -> bool:
        """Judge one call; True when its fix keeps the whole call on tf.compat.v1, which
        leaves nothing for the symbol's other rules to change."""
        fix = self.fix_for(rule, compat, symbol)
        refused = None
        if fix is None and compat:
            return False
        check = rule.call_check(symbol)
        if check is not None:
            # Reported only when an argument it passes changes meaning; with `refuse`, always
            # reported but without a fix then.
            changed = changed_argument(node, check, self.is_function)
            if changed is None and check.refuse:
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
            and self.check_called_rename(node.func, rule, symbol, self.text_of(node.func), compat)
        ):
            return False
        if fix is not None and fix.kind == "transform":
            transform = TRANSFORMS[fix.transform or ""]
            verdict = transform.applies(node)
            if verdict is None:
                return False
            refused = verdict or None
            mapping = transform.maps.get(symbol)
            if refused is None and mapping is not None and not compat:
                # The binding verifier, for the Keras/schedule/summary call maps too.
                refused = call_map_problem(node, mapping, self.signatures())
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
    ) -> None:
        """A finding on a call: `underline` is what the editor marks, the call is rewritten."""
        self.add(
            rule,
            symbol,
            self.text_of(node.func),
            self.span_of(underline),
            self.span_of(node),
            "call",
            compat,
            refused=refused,
            why=why,
            fix_override=override,
        )

    def is_function(self, node: ast.expr) -> bool:
        """A lambda, a name bound by `def`, or a call that returns a function."""
        if isinstance(node, ast.Lambda):
            return True
        if isinstance(node, ast.Name):
            binding = self.scope.lookup(node.id)
            return binding is not None and binding.value_type == A_FUNCTION.value_type
        if isinstance(node, ast.Call):
            qualified = self.qualified_name(node.func)
            return qualified is not None and canonical(qualified)[0] in FUNCTION_FACTORIES
        return False

    def keep_tf1_behaviour(
        self, node: ast.Call, rule: Rule, symbol: str, compat: bool, changed: Changed
    ) -> None:
        """A removed argument whose value changes results: keep the call on tf.compat.v1."""
        target = "tensorflow.compat.v1." + symbol.removeprefix("tensorflow.")
        fix = Fix(level="compat", safety="safe", kind="rename", to={symbol: target})
        self.add_call(node, changed.node, rule, symbol, compat, None, changed.why, fix)

    # -- the call model ----------------------------------------------------------

    def signatures(self) -> Signatures:
        if self._signatures is None:
            self._signatures = signatures_for(self.options.target_version)
        return self._signatures

    def plan(self, node: ast.Call, symbol: str, target: str, fix: Fix) -> CallVerdict | None:
        """The call model's verdict (tf2_lsp.analysis.calls); None where it has no data."""
        change = self.argument_change(symbol)
        return plan_call(node, symbol, target, change, self.options.level, self.signatures())

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

    def check_called_rename(
        self, func: ast.expr, rule: Rule, symbol: str, written: str, compat: bool
    ) -> bool:
        """A renamed symbol that is called: its arguments move with it (one fix).

        False when the call model has nothing to add to the plain rename."""
        call = self.call_of.get(id(func))
        if call is None or compat:
            return False
        fix = self.fix_for(rule, compat, symbol)
        target = fix.target_for(symbol) if fix is not None and fix.kind == "rename" else None
        if fix is None or target is None:
            return False
        verdict = self.plan(call, symbol, target, fix)
        if verdict is None or (
            verdict.refused is None
            and verdict.edit is not None
            and verdict.edit.arguments is None
            and verdict.edit.target == target
        ):
            return False  # a plain rename: the reference finding does it
        if not verdict.needs_change:
            return False
        self.add_verdict(call, rule, symbol, written, verdict)
        return True

    def add_verdict(
        self, node: ast.Call, rule: Rule, symbol: str, written: str, verdict: CallVerdict
    ) -> None:
        """Findings for one call the call model rewrites (or refuses): one at the callee for
        the call as a whole, one at each changed argument; all share the one edit."""
        items = [*node.args, *node.keywords]
        edit = verdict.edit
        anchor = self.span_of(node)
        detail = [text for index, text in verdict.notes if index is None]
        per_argument = [(index, text) for index, text in verdict.notes if index is not None]
        renamed = edit is not None and edit.target is not None and edit.arguments is not None
        if verdict.refused:
            per_argument = []  # one finding says why the call has no fix
        if renamed or detail or verdict.refused or not per_argument:
            everything = (
                [text for _, text in verdict.notes] if renamed or verdict.refused else detail
            )
            self.add(
                rule,
                symbol,
                written,
                self.span_of(node.func),
                anchor,
                "call",
                False,
                refused=verdict.refused,
                call=edit,
                why="; ".join(everything),
            )
        for index, text in per_argument:
            self.add(
                self.rule_for(rule, symbol, verdict.params[index]),
                symbol,
                written,
                self.span_of(items[index]),
                anchor,
                "call",
                False,
                refused=verdict.refused,
                call=edit,
                why=text,
            )

    def rule_for(self, rule: Rule, symbol: str, param: str) -> Rule:
        """The arguments rule whose table names `param`, so the code says what changed
        (generated rules split one function's renames and removals); else `rule`."""
        if rule.fix_for(self.options.level) is None:
            return rule
        for other in self.catalogue.lookup(symbol):
            fix = other.fix_for(self.options.level)
            change = fix.arguments_for(symbol) if fix is not None else None
            if change is not None and (
                param in change.rename
                or param in change.remove
                or param in change.keep
                or param in change.convert
            ):
                return other
        return rule

    def check_arguments(
        self, node: ast.Call, rule: Rule, fix: Fix, symbol: str, compat: bool
    ) -> bool:
        change = fix.arguments_for(symbol)
        if change is None or id(node) in self.planned:
            return False  # another arguments rule of this symbol judged the call already
        tf1 = None if compat else self.signatures().tf1(symbol)
        merged = self.argument_change(symbol) if tf1 is not None else change
        check = merged.value_check() if merged is not None else None
        if check is not None and tf1 is not None:
            check = replace(check, v1=tf1.positional)  # the real TF1 order reads positions
        changed = changed_argument(node, check, self.is_function) if check else None
        if changed is not None:
            self.planned.add(id(node))
            param = _parameter_of(node, changed.node, check.v1 if check else ())
            owner = self.rule_for(rule, symbol, param) if param else rule
            self.keep_tf1_behaviour(node, owner, symbol, compat, changed)
            return True
        if tf1 is not None:
            planned = self.plan(node, symbol, _tf2_name(symbol), fix)
            if planned is not None:
                self.planned.add(id(node))
                if planned.needs_change:
                    self.add_verdict(node, rule, symbol, self.text_of(node.func), planned)
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

    # -- imports, patterns -----------------------------------------------------

    def check_import(
        self, node: ast.Import | ast.ImportFrom, local: str, qualified: str, module: str
    ) -> bool:
        """Report a TensorFlow import that names a TF1-only module; True if its fix covers uses."""
        if isinstance(node, ast.Import) and qualified == module.split(".", 1)[0]:
            return False  # `import tensorflow.contrib.slim` binds `tensorflow`; uses are checked
        name, compat = _canonical(qualified)
        matched = self.catalogue.lookup(name)
        rules = [r for r in matched if r.match in ("reference", "import")]
        # An imported symbol whose rules judge calls: the import itself takes the rename.
        rename_only = not rules and not compat
        if rename_only:
            rules = [r for r in matched if r.match == "call" and r.removed]
        if isinstance(node, ast.ImportFrom) and not rules and name.startswith("tensorflow.contrib"):
            rules = list(self.catalogue.lookup("tensorflow.contrib"))
        if not rules:
            return False
        span = self.span_of(node)
        covered = False
        self.importing = local  # targets are shown as the import statement the fix writes
        for rule in rules:
            finding = self.add(
                rule, name, local, span, span, "import", compat, rename_only=rename_only
            )
            if finding is not None and finding.fix is not None and finding.fix.kind == "rename":
                covered = True
        self.importing = None
        return covered

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
            self.add_unknown(written, self.span_of(node), missing)

    def check_dimension_value(self, node: ast.Attribute) -> None:
        """`x.shape[i].value` / `x.get_shape()[i].value`: TF2 shapes hold ints, not Dimensions."""
        if not dimension.is_dimension_value(node):
            return
        for rule in self.catalogue.exact.get(dimension.SYMBOL, ()):
            span = self.span_of(node)
            self.add(rule, dimension.SYMBOL, self.text_of(node), span, span, "pattern", False)

    def visit_compare(self, node: ast.Compare) -> None:
        self.visit_children(node)
        compared = type_comparison.exact_type_test(node)
        if compared is None or self.scope.lookup("type") is not None:
            return  # `type` rebound in this file: not the builtin
        qualified = self.qualified_name(compared)
        if qualified is None or canonical(qualified)[0] not in type_comparison.TENSOR_TYPES:
            return
        symbol = type_comparison.EXACT_TYPE_SYMBOL
        for rule in self.catalogue.exact.get(symbol, ()):
            span = self.span_of(node)
            self.add(rule, symbol, self.text_of(node), span, span, "pattern", False)

    def check_value_attribute(self, node: ast.Attribute) -> None:
        """`dataset.output_types` and kin: attributes of a TF value known by its type."""
        receiver = self.type_of(node.value)
        if receiver is None:
            return
        symbol = f"{receiver}.{node.attr}"
        for rule in self.catalogue.exact.get(symbol, ()):
            span = self.span_of(node)
            self.add(rule, symbol, self.text_of(node), span, span, "pattern", False)

    def at_import_time(self) -> bool:
        """Code that runs when the module is imported: module level and class bodies."""
        return self.scope.kind in ("module", "class")

    def in_tf_file(self) -> bool:
        return any(b.qualified for b in self.module_scope.names.values()) or any(
            b.qualified for b in self.scope.names.values()
        )

    # -- findings ----------------------------------------------------------------

    def fix_for(self, rule: Rule, compat: bool, symbol: str) -> Fix | None:
        if compat:
            # Code already on tf.compat.v1 only has the idiomatic (native) rewrite left.
            if self.options.level != "native":
                return None
            return next((fix for fix in rule.fixes if fix.level == "native"), None)
        fix = rule.fix_for(self.options.level)
        if fix is not None and fix.level == "compat" and self.keras2_only(rule):
            return replace(fix, safety="unsafe")  # works with tf_keras + TF_USE_LEGACY_KERAS=1
        if fix is not None and fix.level == "compat" and self.compat_target_gone(rule, symbol):
            return None
        return fix

    def compat_target_gone(self, rule: Rule, symbol: str) -> bool:
        return compat_target_gone(rule, symbol, self.target)

    def keras2_only(self, rule: Rule) -> bool:
        """The compat target is a Keras 2 object and the target TF defaults to Keras 3."""
        return (
            "tf_keras" in rule.requires
            and bool(rule.since)
            and self.target >= version_tuple(rule.since)
        )

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
    ) -> Finding | None:
        gone = self.compat_target_gone(rule, symbol)
        if (
            compat
            and not gone
            and (
                self.options.level != "native"
                or not any(fix.level == "native" for fix in rule.fixes)
            )
        ):
            return None  # compat.v1 code that works; only the native level suggests more
        fix = fix_override or self.fix_for(rule, compat, symbol)
        if rename_only and (fix is None or fix.kind != "rename"):
            # A reference or import, not a call: only a rename of the name itself applies.
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
        severity: Severity = rule.severity
        for code, override in self.options.severity:
            if code == rule.code:
                severity = override
        # The target is named even where the fix is withheld (say, gone in the target version).
        shown_fix = fix or rule.fix_for(self.options.level)
        target = shown_fix.target_for(symbol) if shown_fix is not None else None
        if call is not None and call.target is not None:
            target = call.target  # the call model may keep TF1 behaviour through tf.compat.v1
        if target is not None:
            target = coverage.slim_target(target)
        # A transform has no `to` table; its message names what the rewrite writes.
        named = target or _transform_target(shown_fix, symbol)
        shown = self.display(named)
        if self.importing is not None and named:
            shown = import_statement(named, self.importing)
        message = rule.message.format(
            symbol=written, qualified=symbol, target=shown, why=why, tf=self.display("tensorflow")
        )
        if why and "{why}" not in rule.message:
            message += f": {why}"
            if fix_override is not None:
                message += f"; `{shown}` keeps TF1 behaviour"
        if compat:
            severity = "information"
            message = f"`{written}` runs through tf.compat.v1; the idiomatic TF2 form is available"
            if named:
                message += f": `{shown}`"
        if self.keras2_only(rule) and fix is not None and fix.level == "compat":
            severity = "error"  # the TF1 name fails in the target TF either way
            message += (
                f" (from TensorFlow {rule.since} the tf.compat.v1 form needs the tf_keras package"
                " and TF_USE_LEGACY_KERAS=1: unsafe fix)"
            )
        elif gone:
            severity = "error"
            message += (
                " (its tf.compat.v1 form no longer works in TensorFlow "
                + self.options.target_version
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
            safety = self.options.safety(rule.code, fix.safety)
            if safety != fix.safety:
                fix = replace(fix, safety=safety)  # extend-safe-fixes / extend-unsafe-fixes
        if call is not None and fix is not None and fix.kind == "arguments":
            # The call model drops only values that keep TF1 behaviour and renames only
            # parameters TF1 itself paired: the verified edit is safe whatever the rule says.
            fix = replace(fix, safety="safe")
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
        self.findings.append(finding)
        return finding

    def display(self, target: str | None) -> str:
        """A qualified target as this file spells it (`tf.math.log` under `import ... as tf`)."""
        if not target:
            return ""
        if target == "tensorflow" or target.startswith("tensorflow."):
            alias = next(
                (n for n, b in self.module_scope.names.items() if b.qualified == "tensorflow"),
                "tf",
            )
            return alias + target[len("tensorflow") :]
        return target

    def span_of(self, node: ast.AST) -> Span:
        line = node.lineno  # type: ignore[attr-defined]
        end_line = node.end_lineno or line  # type: ignore[attr-defined]
        return Span(
            line,
            self.index.char_column(line, node.col_offset),  # type: ignore[attr-defined]
            end_line,
            self.index.char_column(end_line, node.end_col_offset or 0),  # type: ignore[attr-defined]
        )

    def text_of(self, node: ast.AST) -> str:
        chain = _chain(node) if isinstance(node, ast.expr) else None
        if chain is not None and isinstance(chain[0], ast.Name):
            return ".".join([chain[0].id, *_attrs(chain)])
        span = self.span_of(node)
        if span.line == span.end_line:
            return self.index.line_text(span.line)[span.column : span.end_column]
        return self.index.line_text(span.line)[span.column :] + " ..."


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


def _transform_target(fix: Fix | None, symbol: str) -> str | None:
    """What a transform writes for `symbol` (each optimizer its own Keras class)."""
    if fix is None or fix.kind != "transform":
        return None
    return transform_target(fix.transform, symbol)


def _canonical(qualified: str) -> tuple[str, bool]:
    """`canonical`, except that contrib reached through compat.v1 counts as plain TF1 code:
    `tf.compat.v1.contrib` never existed, so it fails like `tf.contrib` and is fixed alike."""
    name, compat = canonical(qualified)
    if compat and (name == "tensorflow.contrib" or name.startswith("tensorflow.contrib.")):
        return name, False
    return name, compat


def _attrs(chain: list[ast.expr]) -> list[str]:
    return [cast(ast.Attribute, node).attr for node in chain[1:]]


def _chain(node: ast.AST) -> list[ast.expr] | None:
    """[base, attr1, attr2, ...] for an attribute chain `base.attr1.attr2`, else None."""
    parts: list[ast.expr] = []
    current: ast.AST = node
    while isinstance(current, ast.Attribute):
        parts.append(current)
        current = current.value
    if not isinstance(current, ast.expr):
        return None
    parts.append(current)
    parts.reverse()
    if len(parts) == 1 and not isinstance(current, ast.Name):
        return None
    return parts


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _only_imports(statement: ast.stmt) -> bool:
    for child in ast.walk(statement):
        if isinstance(child, ast.stmt) and not isinstance(
            child, ast.Import | ast.ImportFrom | ast.Try | ast.If | ast.Pass
        ):
            return False
    return True
