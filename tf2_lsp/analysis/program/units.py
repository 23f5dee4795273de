"""Program units: a Keras object means what the TF1 code meant only inside TF2 code.

The native level turns TF1 layers, optimizers, learning-rate decays and regularizers into Keras
objects. That keeps a program's meaning only where the code around them is TF2 too. In a module
that still builds TF1 graphs (sessions, placeholders, collections, `variable_scope` reuse, the
global step), each such rewrite changes what the program computes, silently:

* a Keras layer ignores `variable_scope` reuse (a function called for two towers creates two
  sets of weights) and names its variables afresh (TF1 checkpoints no longer load);
* its regularization penalties never reach `REGULARIZATION_LOSSES`, and batch normalisation's
  moving statistics are not updated through `UPDATE_OPS`;
* a Keras 3 optimizer (TF >= 2.16) has no graph-mode `minimize`, and a schedule is an object,
  not the tensor TF1's decay returned.

So the unit of a native rewrite is the module: while it holds TF1 graph state, these findings
keep their compat fix and say which use blocks the native form. A decay whose value is used
as a number keeps its compat form anywhere (a schedule would need `schedule(step)` there).
An optimizer used through TF1's own API (`opt.minimize(loss)`) keeps it too. Keras objects
already in such a module (written by hand, or by an earlier `--unsafe` run) are reported (TF939)
from TF 2.16 on, where they fail or behave differently.

A function that only builds a TF1 model is its own unit: the model shim (TF938,
transforms/model_shim.py) makes it a layer that runs the body as TF1 did, and code inside such
a layer (`track_tf1_style_variables`) is not graph code for the rest of the module.

The walker records the names (`graph_mode.ProgramFacts`); this module judges them
after the walk, for a full analysis and for the statements an incremental one walks again.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence

from tf2_lsp.analysis.findings.collect import Findings
from tf2_lsp.analysis.names.resolve import canonical
from tf2_lsp.analysis.names.spelling import through_tensorflow
from tf2_lsp.analysis.nodes import SourceText
from tf2_lsp.analysis.program.graph_mode import (
    SESSIONS,
    ProgramFacts,
    decorated_ranges,
    graph_signals,
)
from tf2_lsp.catalogue.availability import version_tuple
from tf2_lsp.model import Finding
from tf2_lsp.text import Span
from tf2_lsp.transforms import model_keras, model_shim

KERAS_IN_GRAPH_RULE = "TF939"
MODEL_FUNCTION_RULE = "TF938"  # the shim form: any model function
MODEL_KERAS_RULE = "TF934"  # the native form: one made of `tf.layers` calls
MODEL_RULES = frozenset({MODEL_FUNCTION_RULE, MODEL_KERAS_RULE})
KERAS3 = (2, 16)

# The native transforms that put a Keras object where a TF1 one was.
KERAS_OBJECT_TRANSFORMS = frozenset(
    {"keras_layer", "keras_optimizer", "lr_schedule", "l1_to_keras", "l2_to_keras"}
)
SCHEDULE_TRANSFORM = "lr_schedule"
_RESULT_MATTERS = frozenset({SCHEDULE_TRANSFORM, "keras_optimizer"})
# TF1 optimizer methods a Keras optimizer lacks or gives another meaning (`minimize` wants a
# callable loss and a var_list); `apply_gradients` differs only when given the global step.
_TF1_OPTIMIZER_METHODS = frozenset({"minimize", "compute_gradients", "get_slot", "get_slot_names"})

# TF1 state a Keras object does not take part in (canonical names, compat.v1 stripped), beyond
# the graph signals that make a module a graph-mode program.
_TF1_STATE = frozenset(
    {
        "tensorflow.Graph",
        "tensorflow.variable_scope",
        "tensorflow.get_variable",
        "tensorflow.get_local_variable",
        "tensorflow.get_variable_scope",
        "tensorflow.trainable_variables",
        "tensorflow.global_variables",
        "tensorflow.GraphKeys",
        "tensorflow.train.get_global_step",
        "tensorflow.train.get_or_create_global_step",
        "tensorflow.train.create_global_step",
        "tensorflow.train.global_step",
        "tensorflow.losses.get_regularization_loss",
        "tensorflow.losses.get_regularization_losses",
        "tensorflow.losses.get_total_loss",
    }
)
_STATE_PREFIXES = ("tensorflow.GraphKeys.",)

# A forward pass written with TF1's variable model: what the model shim keeps working.
_MODEL_CODE = frozenset(
    {"tensorflow.variable_scope", "tensorflow.get_variable", "tensorflow.AUTO_REUSE"}
)
_LAYERS = "tensorflow.layers."
_SHIM_DECORATOR = "track_tf1_style_variables"
# Names that train or run a model rather than compute its forward pass.
_TRAINING = ("tensorflow.train.", "tensorflow.estimator.", "tensorflow.summary.")

# Base classes and helpers in the Keras modules: using them creates no Keras object.
_NOT_OBJECTS = frozenset(
    {"Layer", "InputSpec", "Optimizer", "LearningRateSchedule", "Regularizer", "Wrapper"}
)
# A call that builds an optimizer, TF1 or Keras: where a decayed rate may go as it is.
_OPTIMIZER = re.compile(
    r"(?:Optimizer|SGD|Adam|AdamW|Adamax|Nadam|RMSprop|Adagrad|Adadelta|Ftrl|Lion)$"
)


# A use of TF1 graph state: (first line, canonical name such as tensorflow.Session).
Blocker = tuple[int, str]


def blockers(
    facts: ProgramFacts, body: Sequence[ast.stmt], shimmed: list[tuple[int, int]] | None = None
) -> list[Blocker]:
    """The TF1 graph state this module (or these statements of it) uses, in line order;
    `shimmed`: the ranges of `shimmed_ranges`, when the caller has them."""
    module = ast.Module(body=list(body), type_ignores=[])
    uses = [(name, line) for name, line, _ in graph_signals(facts, module) if line]
    uses += [(name, line) for name, line, _ in facts.sessions]
    uses += [(name, line) for name, line in facts.uses if _is_state(name)]
    # TF1 model code run by a TF2 object (the model shim) is not graph code.
    shimmed = shimmed_ranges(facts, body) if shimmed is None else shimmed
    first: dict[str, int] = {}
    for name, line in uses:
        if not _within(line, shimmed):
            first[name] = min(line, first.get(name, line))
    return sorted((line, name) for name, line in first.items())


def shimmed_ranges(facts: ProgramFacts, body: Sequence[ast.stmt]) -> list[tuple[int, int]]:
    """Line ranges of functions decorated with `track_tf1_style_variables`, at any depth."""
    if not any(name.endswith(_SHIM_DECORATOR) for name, _ in facts.uses):
        return []  # walking the statements costs as much as detection itself: only when needed
    return decorated_ranges(body, frozenset({_SHIM_DECORATOR}))


def _within(line: int, ranges: list[tuple[int, int]]) -> bool:
    return any(first <= line <= last for first, last in ranges)


def _is_state(name: str) -> bool:
    return name in SESSIONS or name in _TF1_STATE or name.startswith(_STATE_PREFIXES)


def judge(
    findings: Findings,
    facts: ProgramFacts,
    text: SourceText,
    body: Sequence[ast.stmt],
    inherited: Sequence[Blocker] = (),
) -> list[Blocker]:
    """Keep compat forms where the unit still runs TF1 graphs; report Keras objects there.

    `inherited`: the blockers of the module's statements not walked this time (incremental
    re-analysis). Returns this walk's own blockers.
    """
    shimmed = shimmed_ranges(facts, body)
    own = blockers(facts, body, shimmed)
    every = sorted({*own, *inherited})
    policy = findings.policy
    first = every[0][1] if every else None  # messages name it, without a line that may move
    alias = findings.scopes.tf_alias()
    if policy.level == "native":
        uses = _ResultUses(body, text) if _follows_results(findings.found) else None
        for index, finding in enumerate(findings.found):
            if not _native_keras(finding):
                continue
            why = ""
            if _within(finding.span.line, shimmed):
                why = (
                    "it runs in a `track_tf1_style_variables` layer, which keeps TF1 model code"
                    " as it is; replace the body by Keras sublayers as a whole"
                )
            elif first is not None:
                why = (
                    f"this module still runs TF1 graph code (`{_spelled(first, alias)}`),"
                    " where a Keras object would change results; move the module to TF2 (eager"
                    " code, `tf.function`, Keras `fit`) for the native form"
                )
            elif uses is not None and _is_schedule(finding) and uses.used_as_value(finding):
                why = (
                    "the decayed rate is also used as a value, and a Keras schedule is an"
                    " object (called as `schedule(step)`)"
                )
            elif uses is not None and (method := uses.tf1_optimizer_method(finding)):
                why = (
                    f"the optimizer is used through TF1's `{method}`, which a Keras optimizer"
                    " does not have or treats otherwise; move the training step to"
                    " `tf.GradientTape` and `apply_gradients` first"
                )
            if why:
                findings.found[index] = _kept_compat(findings, finding, why)
    if first is not None and version_tuple(policy.settings.target_version) >= KERAS3:
        _report_keras_objects(findings, facts, text, first, alias)
    if policy.level == "native":
        _report_model_functions(findings, facts, text, body, every)
    return own


def _report_model_functions(
    findings: Findings,
    facts: ProgramFacts,
    text: SourceText,
    body: Sequence[ast.stmt],
    graph_state: Sequence[Blocker],
) -> None:
    """Top-level functions that build a TF1 model and nothing else: each can become a Keras
    layer, with its sublayers when it is made of `tf.layers` calls (transforms/model_keras.py),
    else one whose `call` keeps the body (transforms/model_shim.py)."""
    rule = findings.catalogue.by_code.get(MODEL_FUNCTION_RULE)
    keras_rule = findings.catalogue.by_code.get(MODEL_KERAS_RULE)
    functions = [s for s in body if isinstance(s, ast.FunctionDef)]
    if rule is None or not functions:
        return
    taken = set(findings.scopes.module.names)
    uses = sorted((line, name) for name, line in facts.uses)
    lines = [line for line, _ in uses]
    models = [f for f in functions if _builds_model_only(f, uses, lines)]
    shimmed = shimmed_ranges(facts, body)
    layers = [s for s in body if _overlaps(s, shimmed)]
    scopes = findings.scopes

    def resolve(node: ast.expr) -> str | None:
        qualified = scopes.qualified_name(node)
        return None if qualified is None else canonical(qualified)[0]

    # Keras 3 sublayers need TF2 code around them: graph state outside the model functions
    # (a Session, placeholders) keeps the shim form, which tf_keras runs in graph mode too.
    ranges = [(f.lineno, f.end_lineno or f.lineno) for f in models]
    graph_left = any(not _within(line, ranges) for line, _ in graph_state)
    for function in _outermost(models, functions, layers):
        native = (
            keras_rule is not None
            and not graph_left
            and model_keras.refusal(function, taken, resolve) is None
        )
        last = function.end_lineno or function.lineno
        first = min([function.lineno, *(d.lineno for d in function.decorator_list)])
        span = text.span_of(function)
        name_column = text.index.line_text(function.lineno).find(function.name)
        shown = Span(function.lineno, max(name_column, 0), function.lineno,
                     max(name_column, 0) + len(function.name))  # fmt: skip
        findings.statement = (first, last)
        body_text = "\n".join(text.index.line_text(n) for n in range(first, last + 1))
        chosen = keras_rule if native and keras_rule is not None else rule
        findings.add(
            chosen, chosen.symbols[0], function.name, shown,
            Span(first, 0, span.end_line, span.end_column), "program", False,
            refused=None if native else model_shim.refusal(function, taken, body_text),
        )  # fmt: skip


def _builds_model_only(
    function: ast.FunctionDef, uses: list[tuple[int, str]], lines: list[int]
) -> bool:
    last = function.end_lineno or function.lineno
    start, end = bisect_left(lines, function.lineno), bisect_right(lines, last)
    inside = {name for _, name in uses[start:end]}
    if not any(_is_model_code(name) for name in inside):
        return False
    # A function that also runs or trains the model is not a forward pass alone.
    return not any(
        (_is_state(name) and not _is_model_code(name)) or name.startswith(_TRAINING)
        for name in inside
    )


def _overlaps(statement: ast.stmt, ranges: list[tuple[int, int]]) -> bool:
    last = statement.end_lineno or statement.lineno
    return isinstance(statement, ast.ClassDef) and any(
        first <= last and statement.lineno <= end for first, end in ranges
    )


def _outermost(
    models: list[ast.FunctionDef],
    functions: list[ast.FunctionDef],
    layers: Sequence[ast.stmt] = (),
) -> list[ast.FunctionDef]:
    """The model functions that no other model function, and no shim layer's `call`, runs
    (directly or through the module's other functions).

    A model function run inside another one stays a function: its `get_variable` calls then
    land in the outer layer's variable store, under the outer call's scopes, as in TF1. Made
    a layer of its own, its variables would belong to that second object (BERT's
    `transformer_model` calling `attention_layer` 12 times lost 72 of its 192 variables from
    its own `variables`, and so from checkpoints and training). A shim layer (`layers`),
    written by an earlier fix round or by hand, is an outer model too.
    """
    names = {function.name for function in functions}
    calls = {function.name: _called(function, names) for function in functions}
    nested: set[str] = set()
    for outer in [*models, *layers]:
        own = getattr(outer, "name", "")
        waiting = list(calls[own] if isinstance(outer, ast.FunctionDef) else _called(outer, names))
        while waiting:
            name = waiting.pop()
            if name != own and name not in nested:
                nested.add(name)
                waiting.extend(calls[name])
    return [function for function in models if function.name not in nested]


def _called(node: ast.AST, names: set[str]) -> set[str]:
    return {
        call.func.id
        for call in ast.walk(node)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in names
    }


def _is_model_code(name: str) -> bool:
    return name in _MODEL_CODE or name.startswith(_LAYERS)


def _spelled(blocker: str, alias: str) -> str:
    """A blocker as TF2 code spells it: every one but `tf.Graph` lives on in tf.compat.v1."""
    if blocker != "tensorflow.Graph":
        blocker = "tensorflow.compat.v1." + blocker.removeprefix("tensorflow.")
    return through_tensorflow(blocker, alias)


def _native_keras(finding: Finding) -> bool:
    fix = finding.fix
    return (
        fix is not None
        and fix.level == "native"
        and fix.kind == "transform"
        and fix.transform in KERAS_OBJECT_TRANSFORMS
    )


def _is_schedule(finding: Finding) -> bool:
    return finding.fix is not None and finding.fix.transform == SCHEDULE_TRANSFORM


def _follows_results(found: list[Finding]) -> bool:
    """Some finding's rewrite depends on where its result goes (a schedule, an optimizer)."""
    return any(
        _native_keras(f) and f.fix is not None and f.fix.transform in _RESULT_MATTERS for f in found
    )


def _kept_compat(findings: Findings, finding: Finding, why: str) -> Finding:
    """The same finding with the rule's compat fix (or, on compat.v1 code, none) and `why`."""
    rule, symbol = finding.rule, finding.symbol or ""
    policy = findings.policy
    compat_fix = policy.fix_at(rule, "compat", symbol)
    findings.statement = finding.statement
    before = len(findings.found)
    if finding.compat or compat_fix is None:
        kept = findings.add(
            rule, symbol, finding.written, finding.span, finding.anchor, finding.anchor_kind,
            finding.compat, refused=f"the native form waits: {why}",
        )  # fmt: skip
    else:
        kept = findings.add(
            rule, symbol, finding.written, finding.span, finding.anchor, finding.anchor_kind,
            finding.compat, fix_override=compat_fix, why=why,
        )  # fmt: skip
    del findings.found[before:]  # `add` appends; the caller puts it in the finding's place
    return kept or finding


def _report_keras_objects(
    findings: Findings, facts: ProgramFacts, text: SourceText, first: str, alias: str
) -> None:
    rule = findings.catalogue.by_code.get(KERAS_IN_GRAPH_RULE)
    if rule is None:
        return
    blocker = _spelled(first, alias)
    for name, node in facts.keras_objects:
        last = name.rsplit(".", 1)[-1]
        if last in _NOT_OBJECTS or not (last[:1].isupper() or ".regularizers." in name):
            continue  # a base class, or a module (`tf.keras.optimizers.schedules`)
        span = text.span_of(node)
        written = text.text_of(node)
        why = f"{_kind(name)} (the module uses `{blocker}`)"
        findings.add(rule, name, written, span, span, "reference", False, why=why)


def _kind(name: str) -> str:
    if ".schedules." in name:
        return "a learning-rate schedule is an object, not the tensor TF1's decay returned"
    if ".optimizers." in name:
        return "a Keras 3 optimizer has no graph-mode `minimize` and TF1's defaults differ"
    if ".regularizers." in name:
        return "its penalty never reaches `REGULARIZATION_LOSSES`"
    return (
        "a Keras layer ignores `variable_scope` reuse, names its variables afresh and keeps"
        " its penalties and batch-norm updates out of the TF1 collections"
    )


class _ResultUses:
    """Where the result of a call goes: the expressions that use it, in its own scope.

    Parents are mapped per top-level statement, and only for the statements asked about:
    mapping a whole module costs as much as detecting it."""

    def __init__(self, body: Sequence[ast.stmt], text: SourceText) -> None:
        self.body = body
        self.text = text
        self.starts = [statement.lineno for statement in body]
        self.parents: dict[int, ast.AST] = {}
        self.mapped: set[int] = set()

    def _map(self, nodes: Sequence[ast.AST]) -> None:
        for top in nodes:
            if id(top) in self.mapped:
                continue
            self.mapped.add(id(top))
            for parent in ast.walk(top):
                for child in ast.iter_child_nodes(parent):
                    self.parents[id(child)] = parent

    def _call_at(self, finding: Finding) -> ast.Call | None:
        index = bisect_right(self.starts, finding.anchor.line) - 1
        if index < 0:
            return None
        statement = self.body[index]
        self._map([statement])
        anchor = finding.anchor
        for node in ast.walk(statement):
            # `f(a).minimize(b)` starts where `f(a)` does: the end tells them apart.
            if (
                isinstance(node, ast.Call)
                and node.lineno == anchor.line
                and node.end_lineno == anchor.end_line
                and self.text.span_of(node) == anchor
            ):
                return node
        return None

    def uses(self, finding: Finding) -> list[ast.expr] | None:
        """The nodes that hold the finding's call result where it is used: the call itself
        when it is used in place, the loads of the one name it is assigned to otherwise;
        None when the result goes somewhere this cannot follow (several targets, attributes)."""
        call = self._call_at(finding)
        if call is None:
            return []
        parent = self.parents.get(id(call))
        if not isinstance(parent, ast.Assign):
            return [call]
        if len(parent.targets) != 1 or not isinstance(parent.targets[0], ast.Name):
            return None
        name = parent.targets[0].id
        scope = self._scope_of(parent)
        nodes: Sequence[ast.AST] = [scope] if scope is not None else self.body
        self._map(self.body if scope is None else [])
        return [
            node
            for node in _walk(nodes)
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
        ]

    def used_as_value(self, finding: Finding) -> bool:
        """A decayed rate is used other than as an optimizer's rate."""
        uses = self.uses(finding)
        return uses is None or not all(self._optimizer_rate(node) for node in uses)

    def tf1_optimizer_method(self, finding: Finding) -> str | None:
        """A method of TF1's optimizer API called on the optimizer (`opt.minimize(loss)`)."""
        for node in self.uses(finding) or []:
            parent = self.parents.get(id(node))
            if not isinstance(parent, ast.Attribute):
                continue
            if parent.attr in _TF1_OPTIMIZER_METHODS:
                return parent.attr
            call = self.parents.get(id(parent))
            if (
                parent.attr == "apply_gradients"
                and isinstance(call, ast.Call)
                and (len(call.args) > 1 or any(k.arg == "global_step" for k in call.keywords))
            ):
                return "apply_gradients(..., global_step)"
        return None

    def _optimizer_rate(self, node: ast.expr) -> bool:
        """`node` is the learning rate given to an optimizer's constructor."""
        parent = self.parents.get(id(node))
        if isinstance(parent, ast.keyword):
            keyword = parent
            parent = self.parents.get(id(parent))
            if keyword.arg != "learning_rate":
                return False
        elif not (isinstance(parent, ast.Call) and parent.args and parent.args[0] is node):
            return False
        if not isinstance(parent, ast.Call):
            return False
        callee = parent.func
        written = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
        return bool(_OPTIMIZER.search(written))

    def _scope_of(self, node: ast.AST) -> ast.AST | None:
        parent = self.parents.get(id(node))
        while parent is not None and not isinstance(
            parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        ):
            parent = self.parents.get(id(parent))
        return parent


def _walk(nodes: Sequence[ast.AST]) -> Iterator[ast.AST]:
    for node in nodes:
        yield from ast.walk(node)
