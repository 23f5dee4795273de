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
keep their compat fix and say which use blocks the native form. In a module without it, where
the result goes decides the rest:

* a TF1 optimizer becomes a Keras one only when every use of it is a TF2 training step's
  (`apply_gradients` in eager code or `tf.function`, Keras `compile`, a checkpoint); one used
  through TF1's own API (`opt.minimize(loss)`), returned or handed to other code keeps compat;
* a decay used as a value is called at the step TF1 read (`schedule(step)`,
  transforms/schedule_call.py); one given only to optimizers that become Keras ones becomes the
  schedule object, and the finding names the step it stops reading; one feeding an optimizer
  that keeps its TF1 form, or whose rate leaves the module, keeps compat. Keras objects
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
from collections.abc import Sequence
from dataclasses import replace

from tf2_lsp.analysis.findings.collect import Findings, Occurrence
from tf2_lsp.analysis.names.resolve import canonical
from tf2_lsp.analysis.nodes import SourceText
from tf2_lsp.analysis.program import train_loop
from tf2_lsp.analysis.program.filled_collections import ReadersCheck
from tf2_lsp.analysis.program.graph_mode import (
    SESSIONS,
    ProgramFacts,
    graph_signals,
)
from tf2_lsp.analysis.program.model_functions import (
    CallersCheck,
    report_model_functions,
    shimmed_ranges,
    spelled_blocker,
    within,
)
from tf2_lsp.analysis.program.result_uses import ResultUses, callee
from tf2_lsp.catalogue.availability import version_tuple
from tf2_lsp.catalogue.rules import Fix
from tf2_lsp.model import Finding
from tf2_lsp.text import Span
from tf2_lsp.transforms.keras import OPTIMIZER_TRANSFORM, SCHEDULE_TRANSFORM
from tf2_lsp.transforms.schedule_call import AT_STEP_TRANSFORM

KERAS_IN_GRAPH_RULE = "TF939"
TRAIN_LOOP_RULE = "TF918"
KERAS3 = (2, 16)

# The native transforms that put a Keras object where a TF1 one was.
KERAS_OBJECT_TRANSFORMS = frozenset(
    {"keras_layer", OPTIMIZER_TRANSFORM, SCHEDULE_TRANSFORM, "l1_to_keras", "l2_to_keras"}
)
_RESULT_MATTERS = frozenset({SCHEDULE_TRANSFORM, OPTIMIZER_TRANSFORM})

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


# Base classes and helpers in the Keras modules: using them creates no Keras object.
_NOT_OBJECTS = frozenset(
    {"Layer", "InputSpec", "Optimizer", "LearningRateSchedule", "Regularizer", "Wrapper"}
)


# A use of TF1 graph state: (first line, canonical name such as tensorflow.Session).
Blocker = tuple[int, str]


def blockers(
    facts: ProgramFacts, body: Sequence[ast.stmt], shimmed: list[tuple[int, int]] | None = None
) -> list[Blocker]:
    """Every use of TF1 graph state in this module (or these statements of it), in line order;
    `shimmed`: the ranges of `shimmed_ranges`, when the caller has them. Every use, not each
    name's first: a model function that opens the module's first `variable_scope` hid the
    graph code that opened the next one around its call (a class building the model)."""
    return sorted(set(state_uses(facts, body, shimmed)))


def state_uses(
    facts: ProgramFacts, body: Sequence[ast.stmt], shimmed: list[tuple[int, int]] | None = None
) -> list[Blocker]:
    """Every use of TF1 graph state, not only each name's first."""
    module = ast.Module(body=list(body), type_ignores=[])
    uses = [(name, line) for name, line, _ in graph_signals(facts, module) if line]
    uses += [(name, line) for name, line, _ in facts.sessions]
    uses += [(name, line) for name, line in facts.uses if is_state(name)]
    # TF1 model code run by a TF2 object (the model shim) is not graph code.
    shimmed = shimmed_ranges(facts, body) if shimmed is None else shimmed
    return sorted((line, name) for name, line in uses if not within(line, shimmed))


def is_state(name: str) -> bool:
    """Whether using `name` (canonical, such as tensorflow.Session) uses TF1 graph state."""
    return name in SESSIONS or name in _TF1_STATE or name.startswith(_STATE_PREFIXES)


def judge(
    findings: Findings,
    facts: ProgramFacts,
    text: SourceText,
    body: Sequence[ast.stmt],
    inherited: Sequence[Blocker] = (),
    callers: CallersCheck | None = None,
    readers: ReadersCheck | None = None,
) -> list[Blocker]:
    """Keep compat forms where the unit still runs TF1 graphs; report Keras objects there.

    `inherited`: the blockers of the module's statements not walked this time (incremental
    re-analysis); `callers`: what the project's other modules do with its model functions;
    `readers`: which TF1 collections the program's other modules read.
    Returns this walk's own blockers.
    """
    shimmed = shimmed_ranges(facts, body)
    own = blockers(facts, body, shimmed)
    every = sorted({*own, *inherited})
    policy = findings.policy
    first = every[0][1] if every else None  # messages name it, without a line that may move
    alias = findings.scopes.tf_alias()
    if policy.level == "native":
        uses = ResultUses(body, text) if _follows_results(findings.found) else None
        # Optimizers first: a decay's form depends on whether the optimizer it feeds moves.
        order = sorted(range(len(findings.found)), key=lambda i: _is_schedule(findings.found[i]))
        for index in order:
            finding = findings.found[index]
            if not _native_keras(finding):
                continue
            if uses is not None and first is None and not within(finding.span.line, shimmed):
                if _is_schedule(finding):
                    findings.found[index] = _schedule_form(findings, finding, uses)
                    continue
                if _is_optimizer(finding) and (moved := _optimizer_form(findings, finding, uses)):
                    findings.found[index] = moved
                    continue
            why = ""
            if within(finding.span.line, shimmed):
                why = (
                    "it runs in a `track_tf1_style_variables` layer, which keeps TF1 model code"
                    " as it is; replace the body by Keras sublayers as a whole"
                )
            elif first is not None:
                why = (
                    f"this module still runs TF1 graph code (`{spelled_blocker(first, alias)}`),"
                    " where a Keras object would change results; move the module to TF2 (eager"
                    " code, `tf.function`, Keras `fit`) for the native form"
                )
            if why:
                findings.found[index] = _kept_compat(findings, finding, why)
    if first is not None and version_tuple(policy.settings.target_version) >= KERAS3:
        _report_keras_objects(findings, facts, text, first, alias)
    if policy.level == "native":
        report_model_functions(
            findings, facts, text, body, every, is_state, shimmed, callers, readers
        )
        _report_train_loop(findings, facts, text, body)
    return own


def _report_train_loop(
    findings: Findings,
    facts: ProgramFacts,
    text: SourceText,
    body: Sequence[ast.stmt],
) -> None:
    """A Session loop that runs a train op: the training step it can become (TF918), or why
    it cannot (train_loop.py)."""
    rule = findings.catalogue.by_code.get(TRAIN_LOOP_RULE)
    if rule is None or not facts.run_calls:
        return
    taken = set(findings.scopes.module.names)
    uses = state_uses(facts, body)
    loop = train_loop.find_in_module(body, findings.scopes.qualified_name, uses, taken)
    if loop is None:
        return
    marked = loop.marked.value if isinstance(loop.marked, ast.Assign) else loop.marked
    shown = text.span_of(marked)
    end = len(text.index.line_text(loop.last))
    findings.statement = (loop.first, loop.last)
    at = Occurrence(
        rule.symbols[0], text.text_of(marked), shown, "program", Span(loop.first, 0, loop.last, end)
    )
    findings.add(rule, at, refused=loop.refused)


def _schedule_form(findings: Findings, finding: Finding, uses: ResultUses) -> Finding:
    """A decay in TF2 code: called at its step where its rate is a value; the schedule object
    where it only feeds optimizers that become Keras ones (which count their own steps); the
    compat form where an optimizer it feeds keeps TF1's (which calls it without a step)."""
    step = uses.step_argument(finding)
    found = uses.uses(finding)
    if not found:
        where = "is not used in this module" if found == [] else "goes where it cannot be followed"
        why = (
            f"its rate {where}, and where it goes decides the TF2 form: a schedule object for"
            " an optimizer, `schedule(step)` for a value"
        )
        return _kept_compat(findings, finding, why)
    if uses.used_as_value(finding) and uses.optimizers_fed(finding):
        why = (
            "its rate is used both as a value and as an optimizer's rate, which need two TF2"
            " forms (`schedule(step)`, the schedule object)"
        )
        value = uses.value_use(finding)
        if isinstance(value, ast.Name):
            # TF 2.21: in eager code the tf.compat.v1 decays return a function of no arguments.
            why += (
                f"; where this line runs eagerly its compat form returns a function, so the"
                f" value use on line {value.lineno} reads `{value.id}()`"
            )
        return _kept_compat(findings, finding, why)
    if uses.used_as_value(finding):
        if step is None:
            return _kept_compat(
                findings, finding, "its rate is used as a value and the step is hidden"
            )
        at_step = replace(_native_fix(finding), transform=AT_STEP_TRANSFORM)
        why = (
            f"its rate is used as a value: the schedule is called at `{step}`, as TF1 read it;"
            " eager code computes the rate where this line runs"
        )
        return _renoted(findings, finding, why, at_step)
    moving = {f.anchor for f in findings.found if _is_optimizer(f) and _native_keras(f)}
    if any(
        callee(call).endswith("Optimizer") and uses.text.span_of(call) not in moving
        for call in uses.optimizers_fed(finding)
    ):
        why = (
            "the optimizer it feeds keeps its TF1 form, which calls a TF1 decay for its rate;"
            " both move together"
        )
        return _kept_compat(findings, finding, why)
    shown = f"`{step}`" if step is not None else "the step the call passed"
    why = (
        f"the schedule is evaluated at the optimizer's own step count (`iterations`), not at"
        f" {shown}: the same rate only while {shown} counts this optimizer's updates from 0"
    )
    return _renoted(findings, finding, why, None)


def _optimizer_form(findings: Findings, finding: Finding, uses: ResultUses) -> Finding | None:
    """A TF1 optimizer in TF2 code: the compat form unless every use of it is a TF2 training
    step's (`apply_gradients` in eager code or `tf.function`, Keras `compile`). None: native."""
    method = uses.tf1_optimizer_method(finding)
    if method is not None:
        why = (
            f"the optimizer is used through TF1's `{method}`, which a Keras optimizer"
            " does not have or treats otherwise; move the training step to"
            " `tf.GradientTape` and `apply_gradients` first"
        )
        return _kept_compat(findings, finding, why)
    rate = _variable_rate(findings, uses, finding)
    if rate is not None:
        why = (
            f"its learning rate `{rate}` is a variable, which TF1 read at each step (a rate"
            " changed by `assign` took effect) and a Keras 3 optimizer does not take"
        )
        return _kept_compat(findings, finding, why)
    elsewhere = uses.outside_training(finding)
    if elsewhere is not None:
        why = (
            f"the optimizer is used where a TF1 one may be expected ({elsewhere}); a Keras"
            " optimizer only means the same in a TF2 training step (`apply_gradients` in eager"
            " code or `tf.function`, Keras `compile`)"
        )
        return _kept_compat(findings, finding, why)
    return None


# A learning rate made by one of these is a variable: TF1 reads it at each step, Keras 3's
# optimizers reject it (TF 2.21: "`learning_rate` should be float, ... or a callable").
_VARIABLE_MAKERS = frozenset({"tensorflow.Variable", "tensorflow.get_variable"})


def _variable_rate(findings: Findings, uses: ResultUses, finding: Finding) -> str | None:
    """The optimizer call's learning rate as written, when it is a variable: made in place,
    or the name of one the module's top level makes."""
    rate = uses.argument_of(finding, "learning_rate")
    if rate is None:
        return None

    def makes_variable(value: ast.expr) -> bool:
        if not isinstance(value, ast.Call):
            return False
        qualified = findings.scopes.qualified_name(value.func)
        return qualified is not None and canonical(qualified)[0] in _VARIABLE_MAKERS

    if makes_variable(rate):
        return ast.unparse(rate)
    if isinstance(rate, ast.Name) and any(
        isinstance(statement, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == rate.id for t in statement.targets)
        and makes_variable(statement.value)
        for statement in uses.body
    ):
        return rate.id
    return None


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


def _is_optimizer(finding: Finding) -> bool:
    return finding.fix is not None and finding.fix.transform == OPTIMIZER_TRANSFORM


def _native_fix(finding: Finding) -> Fix:
    assert finding.fix is not None  # judged findings have their native fix
    return finding.fix


def _renoted(findings: Findings, finding: Finding, why: str, fix: Fix | None) -> Finding:
    """The same finding with the native `fix` (default: its own) and `why` in its message."""
    findings.statement = finding.statement
    before = len(findings.found)
    at = Occurrence(
        finding.symbol or "", finding.written, finding.span, finding.anchor_kind, finding.anchor
    )
    kept = findings.add(
        finding.rule, at, compat=finding.compat, why=why, fix_override=fix or finding.fix
    )
    del findings.found[before:]  # `add` appends; the caller puts it in the finding's place
    return kept or finding


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
    at = Occurrence(
        symbol, finding.written, finding.span, finding.anchor_kind, anchor=finding.anchor
    )
    if finding.compat or compat_fix is None:
        kept = findings.add(
            rule, at, compat=finding.compat, refused=f"the native form waits: {why}"
        )
    else:
        kept = findings.add(rule, at, compat=finding.compat, fix_override=compat_fix, why=why)
    del findings.found[before:]  # `add` appends; the caller puts it in the finding's place
    return kept or finding


def _report_keras_objects(
    findings: Findings, facts: ProgramFacts, text: SourceText, first: str, alias: str
) -> None:
    rule = findings.catalogue.by_code.get(KERAS_IN_GRAPH_RULE)
    if rule is None:
        return
    blocker = spelled_blocker(first, alias)
    for name, node in facts.keras_objects:
        last = name.rsplit(".", 1)[-1]
        if last in _NOT_OBJECTS or not (last[:1].isupper() or ".regularizers." in name):
            continue  # a base class, or a module (`tf.keras.optimizers.schedules`)
        span = text.span_of(node)
        written = text.text_of(node)
        why = f"{_kind(name)} (the module uses `{blocker}`)"
        findings.add(rule, Occurrence(name, written, span, "reference"), why=why)


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
