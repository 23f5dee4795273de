"""One pass over a module's `ast`: scopes and bindings, in the order Python runs them.

The walker owns the parts and drives them; each answers one question:
`Scopes` (what a name means here), `Matcher` and `CallMatcher` (which rules a use matches),
`FixPolicy` (which fix a finding gets), `Findings` (the findings, with their messages).
Function bodies are walked after the scope that defines them ends, as they run later.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence

from tf2_lsp.analysis.dispatch import Handler, handler_table
from tf2_lsp.analysis.findings.collect import Findings
from tf2_lsp.analysis.findings.policy import FixPolicy
from tf2_lsp.analysis.matching import float_dimension
from tf2_lsp.analysis.matching.call_rules import CallMatcher
from tf2_lsp.analysis.matching.references import Matcher
from tf2_lsp.analysis.names import receivers
from tf2_lsp.analysis.names.resolve import (
    COMPAT_V1,
    NOT_TF,
    Binding,
    Scope,
    canonical,
    function_locals,
    import_bindings,
    imported_paths,
    target_names,
)
from tf2_lsp.analysis.names.scopes import A_FUNCTION, Scopes
from tf2_lsp.analysis.nodes import SourceText, attribute_chain, callee_name, chain_attrs
from tf2_lsp.analysis.program import graph_mode
from tf2_lsp.catalogue.api import api_for
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.settings import Settings
from tf2_lsp.transforms import tf1_class_test


class ModuleWalker:
    """Walks one module; `module_scope` resumes from a previous walk's (re-analysis)."""

    def __init__(
        self,
        source: str,
        catalogue: Catalogue,
        settings: Settings,
        receiver_hints: Mapping[tuple[int, int], str],
        module_scope: Scope | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.settings = settings
        self.text = SourceText(source)
        self.scopes = Scopes(module_scope)
        self.policy = FixPolicy(catalogue, settings)
        self.findings = Findings(self.policy, self.scopes)
        self.facts = graph_mode.ProgramFacts()  # for the whole-program checks (TF801, TF810)
        self.calls = CallMatcher(
            catalogue,
            self.scopes,
            self.text,
            self.policy,
            self.findings,
            self.facts,
            receiver_hints,
        )
        self.matcher = Matcher(
            catalogue,
            self.scopes,
            self.text,
            self.findings,
            self.calls,
            self.facts,
            api_for(settings.target_version),
        )
        self.too_deep: list[int] = []  # first lines of statements nested too deeply to walk
        self.deferred: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, Scope]] = []
        self.imports_end = 0
        self.first_import = 0
        self.first_tf_import: ast.stmt | None = None

    # -- traversal -----------------------------------------------------------------------------

    def run(self, tree: ast.Module, note_imports: bool = True) -> None:
        if note_imports:
            self.note_import_block(tree.body)
        self.visit_body(tree.body)
        while self.deferred:
            function, scope = self.deferred.pop(0)
            saved = self.scopes.current
            self.scopes.current = scope
            self.visit_body(function.body)
            self.scopes.current = saved

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
        findings = self.findings
        for statement in body:
            saved = findings.statement
            first = statement.lineno
            # Only these have decorators: asking every statement with `getattr(..., None)`
            # raised and caught an AttributeError for each of the others.
            if type(statement) in _DECORATED:
                decorators = statement.decorator_list  # type: ignore[attr-defined]
                if decorators:
                    first = min(first, *(d.lineno for d in decorators))
            findings.statement = (first, statement.end_lineno or statement.lineno)
            try:
                _HANDLERS[type(statement)](self, statement)
            except RecursionError:
                # Caught by the innermost statement around the too-deep expression: only it
                # goes unanalysed.
                self.too_deep.append(statement.lineno)
            findings.statement = saved

    def visit(self, node: ast.AST) -> None:
        # The hottest handlers (statements, calls, assignments, expressions, attributes, tuples,
        # binary operations) dispatch as this does, inline: one Python call less per node.
        # With the call facts' gate (`ProgramFacts.note_call`) and `function_locals` passing
        # over statements that bind nothing: walking tensorpack's TF files took 360M
        # instructions where it took 458M (callgrind, parsing excluded).
        _HANDLERS[type(node)](self, node)

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

    # The commonest nodes without a question of their own, each visited as `visit_children`
    # would (fields in order; a statement in a list through `visit_body`), without reading
    # `_fields` and testing each value: 150k generic visits over 669 real files before. A small
    # gain (detecting tensorpack's 131 files: 2,835M -> 2,821M instructions, about 2% of the
    # walk's), and fewer frames per level of a deeply nested expression.

    def skip(self, node: ast.AST) -> None:
        return None

    def visit_value(self, node: ast.Expr | ast.Return | ast.Starred | ast.Await) -> None:
        value = node.value
        if value is not None:
            _HANDLERS[type(value)](self, value)

    def visit_elements(self, node: ast.Tuple | ast.List | ast.Set) -> None:
        for element in node.elts:
            _HANDLERS[type(element)](self, element)

    def visit_bin_op(self, node: ast.BinOp) -> None:
        _HANDLERS[type(node.left)](self, node.left)
        _HANDLERS[type(node.right)](self, node.right)

    def visit_unary_op(self, node: ast.UnaryOp) -> None:
        self.visit(node.operand)

    def visit_bool_op(self, node: ast.BoolOp) -> None:
        for value in node.values:
            self.visit(value)

    def visit_subscript(self, node: ast.Subscript) -> None:
        self.visit(node.value)
        self.visit(node.slice)

    def visit_slice(self, node: ast.Slice) -> None:
        for part in (node.lower, node.upper, node.step):
            if part is not None:
                self.visit(part)

    def visit_if(self, node: ast.If | ast.While) -> None:
        self.visit(node.test)
        self.visit_body(node.body)
        # An `elif` (an `if` alone in the `else`, at the same column) is a clause of this
        # statement, not a statement: its test keeps this statement's lines, which a fix
        # parses whole (`elif ...:` alone does not parse).
        while (
            len(node.orelse) == 1
            and isinstance(node.orelse[0], ast.If)
            and node.orelse[0].col_offset == node.col_offset
        ):
            node = node.orelse[0]
            self.visit(node.test)
            self.visit_body(node.body)
        self.visit_body(node.orelse)

    def visit_if_exp(self, node: ast.IfExp) -> None:
        self.visit(node.test)
        self.visit(node.body)
        self.visit(node.orelse)

    def visit_dict(self, node: ast.Dict) -> None:
        for key in node.keys:
            if key is not None:
                self.visit(key)
        for value in node.values:
            self.visit(value)

    def visit_raise(self, node: ast.Raise) -> None:
        if node.exc is not None:
            self.visit(node.exc)
        if node.cause is not None:
            self.visit(node.cause)

    def visit_assert(self, node: ast.Assert) -> None:
        self.visit(node.test)
        if node.msg is not None:
            self.visit(node.msg)

    def visit_name(self, node: ast.Name) -> None:
        # Only a name bound to TensorFlow has anything to match: most are locals, parameters
        # or builtins, passed over here without a call into the matcher. (With the one-target
        # test in `visit_assign`: walking tensorpack's TF files, 375.1M -> 368.0M instructions.)
        binding = self.scopes.current.lookup(node.id)
        if binding is not None and binding.qualified is not None:
            self.matcher.check_name(node)

    # -- binding statements --------------------------------------------------------------------

    def visit_global(self, node: ast.Global | ast.Nonlocal) -> None:
        if isinstance(node, ast.Global):
            self.scopes.current.explicit_global.update(node.names)

    def visit_import(self, node: ast.Import | ast.ImportFrom) -> None:
        scopes = self.scopes
        paths = imported_paths(node)
        for local, qualified, module in import_bindings(node):
            if qualified is None:
                scopes.bind(local, Binding(None, imported=paths.get(local), foreign=True))
                continue
            at_module = scopes.current is scopes.module
            if self.first_tf_import is None and at_module:
                self.first_tf_import = node
            if qualified == COMPAT_V1 and at_module:
                graph_mode.note_compat_import(self.findings, self.text.span_of(node), local)
            self.facts.note(canonical(qualified)[0], node.lineno, scopes.at_import_time())
            cover = self.matcher.check_import(node, local, qualified, module)
            scopes.bind(local, Binding(qualified, covered=bool(cover), cover=cover))

    def visit_assign(self, node: ast.Assign) -> None:
        targets = node.targets
        # (One target is the common case: tested without a generator.)
        if (type(targets[0]) is ast.Name and len(targets) == 1) or all(
            isinstance(target, ast.Name) for target in targets
        ):
            self.matcher.note_alias_value(node.value)  # its uses are judged through the alias
        _HANDLERS[type(node.value)](self, node.value)
        alias = self.alias_of(node.value)
        if isinstance(node.value, ast.Call) and self.is_tf2_variable(node.value):
            for target in node.targets:
                self.facts.note_variable(target, node.value, self.findings.statement)
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.scopes.bind(target.id, alias)
            else:
                self.visit(target)
                for name in target_names(target):
                    self.scopes.bind(name, NOT_TF)

    def visit_ann_assign(self, node: ast.AnnAssign) -> None:
        self.visit(node.annotation)
        if node.value is not None:
            if isinstance(node.target, ast.Name):
                self.matcher.note_alias_value(node.value)
            self.visit(node.value)
        if isinstance(node.target, ast.Name):
            self.scopes.bind(node.target.id, self.alias_of(node.value) if node.value else NOT_TF)
        else:
            self.visit(node.target)

    def visit_aug_assign(self, node: ast.AugAssign) -> None:
        self.visit(node.target)
        self.visit(node.value)

    def visit_named_expr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self.scopes.bind(node.target.id, self.alias_of(node.value))

    def visit_for(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        for name in target_names(node.target):
            self.scopes.bind(name, NOT_TF)
        self.visit(node.target)
        self.visit_body(node.body)
        self.visit_body(node.orelse)

    def visit_with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is None:
                continue
            if isinstance(item.optional_vars, ast.Name):
                self.scopes.bind(item.optional_vars.id, self.alias_of(item.context_expr))
            else:
                self.visit(item.optional_vars)
                for name in target_names(item.optional_vars):
                    self.scopes.bind(name, NOT_TF)
        self.visit_body(node.body)

    def visit_except(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self.scopes.bind(node.name, NOT_TF)
        self.visit_body(node.body)

    def visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.visit_arguments(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        self.scopes.bind(node.name, A_FUNCTION)
        scope = Scope("function", self.scopes.current)
        for name in function_locals(node):
            scope.names[name] = NOT_TF
        for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
            if arg.annotation is not None:
                # `ds: tf.data.Dataset` types the parameter for method rules.
                qualified = self.scopes.qualified_name(arg.annotation)
                value_type = receivers.returned_type(canonical(qualified)[0]) if qualified else None
                if value_type is not None:
                    scope.names[arg.arg] = Binding(None, value_type=value_type)
        self.deferred.append((node, scope))

    def visit_arguments(self, args: ast.arguments) -> None:
        # In the order Python evaluates them, list by list: most functions have no defaults
        # and no annotations, and building one tuple of each kind cost more than the visits.
        for default in args.defaults:
            self.visit(default)
        for optional in args.kw_defaults:
            if optional is not None:
                self.visit(optional)
        for group in (args.posonlyargs, args.args, args.kwonlyargs):
            for arg in group:
                if arg.annotation is not None:
                    self.visit(arg.annotation)
        for star in (args.vararg, args.kwarg):
            if star is not None and star.annotation is not None:
                self.visit(star.annotation)

    def visit_class(self, node: ast.ClassDef) -> None:
        self.matcher.note_class_bases(node)
        for expression in (*node.decorator_list, *node.bases, *node.keywords):
            self.visit(expression)
        self.matcher.check_class(node)
        saved = self.scopes.current
        self.scopes.current = Scope("class", saved)
        self.visit_body(node.body)
        self.scopes.current = saved
        self.scopes.bind(node.name, NOT_TF)

    def visit_lambda(self, node: ast.Lambda) -> None:
        self.visit_arguments(node.args)
        saved = self.scopes.current
        self.scopes.current = Scope("function", saved)
        for name in function_locals(node):
            self.scopes.current.names[name] = NOT_TF
        self.visit(node.body)
        self.scopes.current = saved

    def visit_comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> None:
        scopes = self.scopes
        saved = scopes.current
        for position, generator in enumerate(node.generators):
            # The first iterable is evaluated in the enclosing scope.
            self.visit(generator.iter)
            if position == 0:
                scopes.current = Scope("comprehension", saved)
            for name in target_names(generator.target):
                scopes.bind(name, NOT_TF)
            for condition in generator.ifs:
                self.visit(condition)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        scopes.current = saved

    def alias_of(self, value: ast.expr | None) -> Binding:
        """What assigning `value` to a name makes it: a TF alias, a typed value, or neither."""
        if value is None:
            return NOT_TF
        chain = attribute_chain(value)
        if chain is not None:
            base = chain[0]
            binding = self.scopes.current.lookup(base.id) if isinstance(base, ast.Name) else None
            if binding is not None and binding.qualified is not None:
                qualified = ".".join([binding.qualified, *chain_attrs(chain)])
                covered = binding.covered or self.policy.renames_module(qualified)
                cover = binding.cover if len(chain) == 1 else ()  # `L = cl`: `L` is `cl`
                return Binding(qualified, covered=covered, cover=cover)
            if binding is not None and binding.value_type is not None and len(chain) == 1:
                return binding
            return NOT_TF
        value_type = self.scopes.type_of(value)
        return Binding(None, value_type=value_type) if value_type else NOT_TF

    # -- uses: handed to the matchers ----------------------------------------------------------

    def visit_attribute(self, node: ast.Attribute) -> None:
        self.matcher.check_attribute(node)
        base = node.value
        while isinstance(base, ast.Attribute):
            base = base.value
        if isinstance(base, ast.Name):
            self.matcher.check_chain(node, base)
        else:
            _HANDLERS[type(base)](self, base)

    def is_tf2_variable(self, call: ast.Call) -> bool:
        """`tf.Variable(...)`, TF2's class (not `tf.compat.v1.Variable`)."""
        return self.scopes.qualified_name(call.func) == "tensorflow.Variable"

    def visit_call(self, node: ast.Call) -> None:
        # The callee's last name, read once: the type and shape checks answer for a few names
        # only, and most calls reach neither.
        callee = callee_name(node)
        self.facts.note_call(node, callee)
        self.calls.note_call(node)
        handlers = _HANDLERS
        handlers[type(node.func)](self, node.func)
        for argument in node.args:
            handlers[type(argument)](self, argument)
        for keyword in node.keywords:
            handlers[type(keyword.value)](self, keyword.value)
        self.calls.check(node)
        if callee in tf1_class_test.TYPE_TESTS:
            self.matcher.check_type_test(node)
        elif callee in float_dimension.CALLEES:
            self.matcher.check_float_dimension(node)

    def visit_compare(self, node: ast.Compare) -> None:
        self.visit_children(node)
        self.matcher.check_compare(node)


# Handlers by node type (analysis/dispatch.py explains why unbound).
_HANDLERS: dict[type, Handler] = handler_table(ModuleWalker)


_DECORATED = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _only_imports(statement: ast.stmt) -> bool:
    for child in ast.walk(statement):
        if isinstance(child, ast.stmt) and not isinstance(
            child, ast.Import | ast.ImportFrom | ast.Try | ast.If | ast.Pass
        ):
            return False
    return True
