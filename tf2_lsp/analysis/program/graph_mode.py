"""Graph-mode programs: does this module build and run TF1 graphs, and where does the opt-out go?

TF2 turns eager execution, resource variables and control flow v2 on at import. A TF1 program
that builds a graph and runs it (sessions, placeholders, `tf.gradients` outside `tf.function`,
initializers, collections, queue runners, `self.test_session()` in tests) needs
`tf.compat.v1.disable_v2_behavior()` before it builds anything (`disable_eager_execution()`
alone leaves resource variables on, and real models' tests fail with it).

The call changes TensorFlow's mode for the whole process, so where it goes matters:

* a test module (by its file name: `test_*.py`, `*_test.py`, `conftest.py`, a file in
  `tests/`; or by its contents: unittest/`tf.test.TestCase` classes, also through base classes
  imported from the project's other files (`program.project_classes`), pytest `test_*`
  functions): at module level right after the imports, since test runners import the module
  and never run `__main__`. A test module that builds no graph itself but imports a graph-mode
  library of its project gets it too, even when it never imports TensorFlow (the import is
  added): module level serves pytest and `python -m unittest` alike, where a `conftest.py`
  would serve pytest only;
* a script (`if __name__ == "__main__":`): as the first statement of that block, so that a
  library that merely has such a block does not flip the mode for everyone who imports it. When
  the module builds graph pieces at import time (a module-level placeholder), the block runs
  too late, and the call goes after the imports;
* a library module: no edit. An information finding says that its entry points must do it.

The walker (tf2_lsp.analysis.walker) collects the facts while it walks; this module only judges
them.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Literal

from tf2_lsp.analysis.findings.collect import Findings, Occurrence
from tf2_lsp.analysis.program import reference_uses
from tf2_lsp.analysis.program.project_classes import (
    derives_from_test_case,
    project_imports,
)
from tf2_lsp.text import Span
from tf2_lsp.transforms.program_opt_out import DISABLE_V2

if TYPE_CHECKING:
    from tf2_lsp.analysis.nodes import SourceText

SCRIPT_RULE = "TF801"
LIBRARY_RULE = "TF810"
COMPAT_FILE_RULE = "TF812"

# Readers of the variable collections: eager code gets an empty list (a weight decay summed
# over `tf.trainable_variables()` silently becomes 0), and so does a `tf.function` whose trace
# creates no variable (a model built before the step, or any trace after the first): unlike
# a loss reader, which each trace refills, they need graph mode inside a function too.
_VARIABLE_READERS = (
    "tensorflow.trainable_variables",
    "tensorflow.global_variables",
    "tensorflow.all_variables",
    "tensorflow.local_variables",
    "tensorflow.model_variables",
    "tensorflow.moving_average_variables",
)
# Canonical names (compat.v1 stripped) whose use means "this code builds or runs a TF1 graph".
GRAPH_SIGNALS = frozenset(
    {
        "tensorflow.placeholder",
        "tensorflow.placeholder_with_default",
        "tensorflow.sparse_placeholder",
        "tensorflow.gradients",
        "tensorflow.global_variables_initializer",
        "tensorflow.initialize_all_variables",
        "tensorflow.local_variables_initializer",
        "tensorflow.initialize_local_variables",
        "tensorflow.variables_initializer",
        "tensorflow.initialize_variables",
        "tensorflow.tables_initializer",
        "tensorflow.get_collection",
        # Readers of the LOSSES and REGULARIZATION_LOSSES collections: eager code gets none
        # (TF 2.21: `get_regularization_loss()` is 0.0, `get_total_loss()` raises).
        "tensorflow.losses.get_losses",
        "tensorflow.losses.get_total_loss",
        "tensorflow.losses.get_regularization_loss",
        "tensorflow.losses.get_regularization_losses",
        *_VARIABLE_READERS,
        "tensorflow.get_collection_ref",
        "tensorflow.add_to_collection",
        "tensorflow.add_to_collections",
        "tensorflow.get_default_graph",
        "tensorflow.reset_default_graph",
        "tensorflow.train.Saver",
        "tensorflow.train.start_queue_runners",
        "tensorflow.train.add_queue_runner",
        "tensorflow.train.QueueRunner",
        "tensorflow.train.MonitoredTrainingSession",
        "tensorflow.train.MonitoredSession",
        "tensorflow.train.SingularMonitoredSession",
    }
)
# A session alone works under eager execution; running one (`sess.run(y)`) needs graph tensors.
SESSIONS = frozenset({"tensorflow.Session", "tensorflow.InteractiveSession"})
# `tf.gradients` is fine inside `tf.function`; everywhere else it needs a graph. So is a
# reader of the loss collections: in a `tf.function` it reads what that trace added.
_NEEDS_OUTSIDE_FUNCTION = frozenset(
    {
        "tensorflow.gradients",
        "tensorflow.losses.get_losses",
        "tensorflow.losses.get_total_loss",
        "tensorflow.losses.get_regularization_loss",
        "tensorflow.losses.get_regularization_losses",
    }
)
DISABLES_V2_NAME = "tensorflow.disable_v2_behavior"
DISABLES_V2 = frozenset({DISABLES_V2_NAME})
# The note on a `tf.compat.v1.disable_v2_behavior()` left in code at the native level.
DISABLE_V2_LEFT_RULE = "TF813"
DISABLE_V2_LEFT = "tensorflow.compat.v1.disable_v2_behavior.__left__"
# tf.test.TestCase's graph-session helpers: `with self.test_session() as sess: sess.run(y)`.
TEST_SESSION_METHODS = frozenset({"test_session", "session", "cached_session"})
_ALWAYS_GRAPH_METHODS = frozenset({"test_session"})

# Keras objects (layers, optimizers, schedules, regularizers): TF2 objects that TF1 graph code
# does not treat as TF1 did (tf2_lsp.analysis.program.units).
KERAS_OBJECT_MODULES = (
    "tensorflow.keras.layers.",
    "tensorflow.keras.optimizers.",
    "tensorflow.keras.regularizers.",
)

ModuleKind = Literal["test", "script", "library"]


@dataclass(slots=True)
class ProgramFacts:
    """What the walker saw that bears on graph mode."""

    # (canonical name, line, reached at import time: module or class body)
    signals: list[tuple[str, int, bool]] = field(default_factory=list)
    session_methods: set[str] = field(default_factory=set)
    run_calls: bool = False  # some `<x>.run(...)` call
    disables_v2: bool = False

    sessions: list[tuple[str, int, bool]] = field(default_factory=list)
    # For the native level's program units (tf2_lsp.analysis.program.units): each canonical name
    # used and its line, and the Keras objects the module creates.
    uses: list[tuple[str, int]] = field(default_factory=list)
    keras_objects: list[tuple[str, ast.expr]] = field(default_factory=list)
    # `v = tf.Variable(...)`: (target as written, the call, its statement's lines)
    variables: list[tuple[str, ast.Call, tuple[int, int]]] = field(default_factory=list)
    fed: set[str] = field(default_factory=set)  # keys of feed dicts, as written (`v`, `self.v`)
    # Expressions (as written) used in a way only TF1's reference variable supports, each with
    # the first such use (tf2_lsp.analysis.program.reference_uses).
    reference_uses: dict[str, str] = field(default_factory=dict)
    fetch_groups: list[list[str]] = field(default_factory=list)  # `sess.run([op, v])`

    def note_variable(self, target: ast.expr, call: ast.Call, statement: tuple[int, int]) -> None:
        if isinstance(target, (ast.Name, ast.Attribute)):
            self.variables.append((ast.unparse(target), call, statement))

    def note_call(self, call: ast.Call, name: str | None) -> None:
        """What `call` tells of feeds and reference variables; `name`: its callee's last name
        (`run` for `sess.run`). Asked of every call (42k over 669 real files), of which few
        pass a feed dict or name a callee that `reference_uses` answers for: those are told by
        the callee's name and the keywords first."""
        if name in reference_uses.CALLEES:
            self.note_reference_uses(call)
        if call.keywords or name == "run":
            self.note_feeds(call)

    def note_reference_uses(self, call: ast.Call) -> None:
        for written, why in reference_uses.uses_of(call):
            self.reference_uses.setdefault(written, why)
        group = reference_uses.fetch_group(call)
        if group:
            self.fetch_groups.append(group)

    def note_feeds(self, call: ast.Call) -> None:
        """The keys of a feed dict: `feed_dict={...}`, or the second argument of `.run`."""
        feeds = [k.value for k in call.keywords if k.arg == "feed_dict"]
        if isinstance(call.func, ast.Attribute) and call.func.attr == "run" and len(call.args) > 1:
            feeds.append(call.args[1])
        for feed in feeds:
            if isinstance(feed, ast.Dict):
                self.fed.update(ast.unparse(key) for key in feed.keys if key is not None)

    def note(self, name: str, line: int, import_time: bool, node: ast.expr | None = None) -> None:
        self.uses.append((name, line))
        if node is not None and name.startswith(KERAS_OBJECT_MODULES):
            self.keras_objects.append((name, node))
        if name in GRAPH_SIGNALS:
            self.signals.append((name, line, import_time))
        elif name in SESSIONS:
            self.sessions.append((name, line, import_time))
        elif name in DISABLES_V2:
            self.disables_v2 = True

    def note_method_call(self, receiver: ast.expr, method: str) -> None:
        if method == "run":
            self.run_calls = True
        elif (
            method in TEST_SESSION_METHODS
            and isinstance(receiver, ast.Name)
            and receiver.id == "self"
        ):
            self.session_methods.add(method)


def graph_signals(facts: ProgramFacts, tree: ast.Module) -> list[tuple[str, int, bool]]:
    """The signals that really need graph mode (`tf.gradients` in a `tf.function` does not)."""
    signals = facts.signals + (facts.sessions if facts.run_calls else [])
    if any(name in _NEEDS_OUTSIDE_FUNCTION for name, _, _ in signals):
        traced = _traced_ranges(tree)
        signals = [
            s
            for s in signals
            if s[0] not in _NEEDS_OUTSIDE_FUNCTION
            or not any(first <= s[1] <= last for first, last in traced)
        ]
    uses_test_sessions = bool(facts.session_methods & _ALWAYS_GRAPH_METHODS) or (
        bool(facts.session_methods) and facts.run_calls
    )
    if uses_test_sessions:
        signals = [*signals, ("self.test_session", 0, False)]
    return signals


def is_test_file(path: str) -> bool:
    """A file test runners collect by its name: `test_*.py`, `*_test.py`, `conftest.py`, or
    a Python file in a `tests`/`test` directory (or one level below it: `tests/unit/`; the
    directories further up are the machine's, not the project's)."""
    parts = PurePath(path.replace("\\", "/")).parts
    if not parts:
        return False
    name = parts[-1]
    stem = name.removesuffix(".py")
    if stem != name and (stem.startswith("test_") or stem.endswith("_test") or stem == "conftest"):
        return True
    return stem != name and any(part in ("tests", "test") for part in parts[-3:-1])


def module_kind(tree: ast.Module, path: str = "") -> tuple[ModuleKind, ast.If | None]:
    """What the module is, and its `if __name__ == "__main__":` block if it has one."""
    main = next((s for s in tree.body if isinstance(s, ast.If) and _is_main_test(s.test)), None)
    if path and is_test_file(path):
        return "test", main
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef) and any(_is_test_case(b) for b in statement.bases):
            return "test", main
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            statement.name.startswith("test_") or statement.name == "test"
        ):
            return "test", main
    if path and derives_from_test_case(tree, path, _is_test_case):
        return "test", main
    if main is not None:
        return "script", main
    return "library", None


@dataclass(frozen=True, slots=True)
class WalkedModule:
    """What the whole-program checks read of a finished walk (tf2_lsp.analysis.walker)."""

    facts: ProgramFacts
    findings: Findings  # where the checks add theirs
    text: SourceText
    first_tf_import: ast.stmt | None
    imports_end: int  # last line of the leading import block (0: none)
    path: str  # the file's ("" when unknown): test files are known by their names


def check_program(
    module: WalkedModule, tree: ast.Module, builds_graphs: Callable[[str], bool] | None = None
) -> None:
    """Add the whole-program findings (TF801 with its fix, or TF810) to `module.findings`.

    `builds_graphs(path)`: whether the project's module at `path` builds TF1 graphs (a test
    file that only drives such a library needs the opt-out as much as one that builds graphs).
    """
    facts = module.facts
    anchor = module.first_tf_import
    if facts.disables_v2 or not module.imports_end:
        return
    signals = graph_signals(facts, tree) if anchor is not None else []
    path = module.path
    if not signals and builds_graphs is not None and path:
        driven = drives_graph_library(tree, path, builds_graphs)
        if driven is not None:
            library, statement = driven
            signals = [(f"graph-mode library {library}", 0, False)]
            anchor = anchor or statement  # a test that never imports TensorFlow itself
    if not signals or anchor is None:
        return
    kind, main = module_kind(tree, path)
    span = module.text.span_of(anchor)
    findings = module.findings
    findings.statement = (module.imports_end, module.imports_end)
    if kind == "library":
        library_rule = module.findings.catalogue.by_code.get(LIBRARY_RULE)
        if library_rule is not None:
            findings.add(library_rule, Occurrence(DISABLE_V2, "", span, "program"))
        return
    # Where the call goes: a Span of zero width at the insertion line, indented as it must be.
    insert = Span(module.imports_end + 1, 0, module.imports_end + 1, 0)
    if kind == "script" and main is not None and not _runs_at_import(signals, main):
        first = main.body[0]
        if first.lineno > main.lineno:  # not `if __name__ == "__main__": main()` on one line
            column = module.text.index.char_column(first.lineno, first.col_offset)
            insert = Span(first.lineno, column, first.lineno, column)
    for rule in module.findings.catalogue.exact.get(DISABLE_V2, ()):
        if rule.code == SCRIPT_RULE:
            findings.add(rule, Occurrence(DISABLE_V2, "", span, "program", anchor=insert))


def drives_graph_library(
    tree: ast.Module, path: str, builds_graphs: Callable[[str], bool]
) -> tuple[str, ast.stmt] | None:
    """The graph-mode library of the project that the test module at `path` imports, and the
    import statement: test runners import the module, so its graph-mode opt-out must be its
    own even when only the library builds graphs (a `conftest.py` would serve pytest only;
    `python -m unittest` never reads it). None for a module that is no test."""
    if not is_test_file(path):
        # Elsewhere only a test case class makes a test (`python -m unittest pkg.checks` loads
        # it; pytest collects `test_*` functions only from files named as tests). Asked first:
        # whether an imported module builds graphs may take a detection of it, and most
        # modules with classes are no tests (over 669 real files, serial: detections of
        # imported modules 45 -> 10, parses 799 -> 753, drives_graph_library 0.27 -> 0.12 s).
        classes = [s for s in tree.body if isinstance(s, ast.ClassDef) and s.bases]
        if not classes:
            return None
        if not any(_is_test_case(b) for c in classes for b in c.bases) and not (
            derives_from_test_case(tree, path, _is_test_case)
        ):
            return None
    return next(((f, s) for f, s in project_imports(tree, path) if builds_graphs(f)), None)


def _runs_at_import(signals: list[tuple[str, int, bool]], main: ast.If) -> bool:
    """Graph code at module level outside the `__main__` block: it runs on import."""
    last = main.end_lineno or main.lineno
    return any(at_import and not main.lineno <= line <= last for _, line, at_import in signals)


# The decorators that trace a function into a graph of its own: `tf.function`, contrib's `defun`.
TRACED = frozenset({"function", "defun"})


def _traced_ranges(tree: ast.Module) -> list[tuple[int, int]]:
    """Line ranges of functions decorated with `tf.function` (or contrib's `defun`)."""
    return decorated_ranges(tree.body, TRACED)


def decorated_ranges(body: Sequence[ast.stmt], names: frozenset[str]) -> list[tuple[int, int]]:
    """Line ranges of the functions and methods decorated with one of `names` (the last part
    of the decorator's dotted name)."""
    ranges: list[tuple[int, int]] = []
    stack: list[ast.stmt] = list(body)
    while stack:
        statement = stack.pop()
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            _decorator_name(d) in names for d in statement.decorator_list
        ):
            ranges.append((statement.lineno, statement.end_lineno or statement.lineno))
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(statement, name, None)
            if isinstance(block, list):
                stack.extend(block)
        for handler in getattr(statement, "handlers", ()):
            stack.extend(handler.body)
    return ranges


def _decorator_name(decorator: ast.expr) -> str:
    if isinstance(decorator, ast.Call):
        decorator = decorator.func
    if isinstance(decorator, ast.Attribute):
        return decorator.attr
    return decorator.id if isinstance(decorator, ast.Name) else ""


def _is_main_test(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.comparators) != 1:
        return False
    sides = (test.left, test.comparators[0])
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )


def _is_test_case(base: ast.expr) -> bool:
    """`tf.test.TestCase`, `unittest.TestCase`, `absltest.TestCase`, `parameterized.TestCase`..."""
    name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
    return isinstance(name, str) and name.endswith("TestCase")


def note_compat_import(findings: Findings, span: Span, local: str) -> None:
    """`import tensorflow.compat.v1 as tf` at `span`: the file speaks TF1 (TF812, information)."""
    rule = findings.catalogue.by_code.get(COMPAT_FILE_RULE)
    if rule is None or any(f.rule is rule for f in findings.found):
        return
    findings.add(rule, Occurrence("tensorflow.compat.v1", local, span, "program"))


FED_VARIABLE_RULE = "TF814"
FED_VARIABLE = "tensorflow.Variable.__fed__"  # the rule's key: a pattern, not a name


REFERENCE_VARIABLE_RULE = "TF815"
REFERENCE_VARIABLE = "tensorflow.Variable.__reference__"  # the rule's key: a pattern


def check_reference_variables(module: WalkedModule) -> None:
    """`v = tf.Variable(...)` that the program uses as TF1's reference variable: TF2's class
    makes a resource variable even after `disable_v2_behavior()`, and `tf.compat.v1.Variable`
    makes TF1's. Fed through a feed dict (`sess.run(y, {v: 5.0})`: uninitialized value) is
    TF814; the other uses that behave otherwise on a resource variable, measured on TF 2.21
    (`program.reference_uses`), are TF815."""
    facts = module.facts
    if not facts.variables:
        return
    uses = dict(facts.reference_uses)
    targets = {target for target, _, _ in facts.variables}
    for written, why in [
        *reference_uses.initial_values_read(facts.variables),
        *reference_uses.fetched_with_updates(facts.fetch_groups, targets),
    ]:
        uses.setdefault(written, why)
    catalogue = module.findings.catalogue
    fed = {key: f"`{key}` is fed through a feed dict" for key in facts.fed}
    checks = (
        (catalogue.by_code.get(FED_VARIABLE_RULE), FED_VARIABLE, _reason_for(fed)),
        (catalogue.by_code.get(REFERENCE_VARIABLE_RULE), REFERENCE_VARIABLE, _reason_for(uses)),
    )
    findings = module.findings
    for target, call, statement in facts.variables:
        for rule, key, reasons in checks:
            reason = reasons(target)
            if rule is None or reason is None:
                continue
            span, anchor = module.text.span_of(call.func), module.text.span_of(call)
            saved, findings.statement = findings.statement, statement
            at = Occurrence(key, module.text.text_of(call.func), span, "call", anchor=anchor)
            findings.add(rule, at, why=reason)
            findings.statement = saved
            break  # one finding, one fix, per variable


def _reason_for(reasons: dict[str, str]) -> Callable[[str], str | None]:
    """The reason a variable bound to `target` (as written) is used as a reference variable:
    `v` by `v`, `self.v` by any `<x>.v` (another method reads it through `self` or an
    instance)."""
    by_attribute = {u.rpartition(".")[2]: why for u, why in reasons.items() if "." in u}

    def reason(target: str) -> str | None:
        if target in reasons:
            return reasons[target]
        return by_attribute.get(target.rpartition(".")[2]) if "." in target else None

    return reason
