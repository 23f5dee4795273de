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
And Keras objects already in such a module (written by hand, or by an earlier `--unsafe` run)
are reported (TF939) from TF 2.16 on, where they fail or behave differently.

The walker records the names (tf2_lsp.analysis.program.ProgramFacts); this module judges them
after the walk, for a full analysis and for the statements an incremental one walks again.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence

from tf2_lsp.analysis.findings import Findings
from tf2_lsp.analysis.nodes import SourceText
from tf2_lsp.analysis.program import SESSIONS, ProgramFacts, graph_signals
from tf2_lsp.analysis.spelling import through_tensorflow
from tf2_lsp.catalogue.availability import version_tuple
from tf2_lsp.model import Finding

KERAS_IN_GRAPH_RULE = "TF939"
KERAS3 = (2, 16)

# The native transforms that put a Keras object where a TF1 one was.
KERAS_OBJECT_TRANSFORMS = frozenset(
    {"keras_layer", "keras_optimizer", "lr_schedule", "l1_to_keras", "l2_to_keras"}
)
SCHEDULE_TRANSFORM = "lr_schedule"

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
# A call that builds an optimizer, TF1 or Keras: where a decayed rate may go as it is.
_OPTIMIZER = re.compile(
    r"(?:Optimizer|SGD|Adam|AdamW|Adamax|Nadam|RMSprop|Adagrad|Adadelta|Ftrl|Lion)$"
)


# A use of TF1 graph state: (first line, canonical name such as tensorflow.Session).
Blocker = tuple[int, str]


def blockers(facts: ProgramFacts, body: Sequence[ast.stmt]) -> list[Blocker]:
    """The TF1 graph state this module (or these statements of it) uses, in line order."""
    module = ast.Module(body=list(body), type_ignores=[])
    found = {name: line for name, line, _ in graph_signals(facts, module) if line}
    for name, line, _ in facts.sessions:
        found.setdefault(name, line)
    for name, line in facts.first_use.items():
        if name in SESSIONS or name in _TF1_STATE or name.startswith(_STATE_PREFIXES):
            found.setdefault(name, line)
    return sorted((line, name) for name, line in found.items())


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
    own = blockers(facts, body)
    every = sorted({*own, *inherited})
    policy = findings.policy
    first = every[0][1] if every else None  # messages name it, without a line that may move
    alias = findings.scopes.tf_alias()
    if policy.level == "native":
        uses = _ValueUses(body, text) if _has_schedule(findings.found) else None
        for index, finding in enumerate(findings.found):
            if not _native_keras(finding):
                continue
            why = ""
            if first is not None:
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
            if why:
                findings.found[index] = _kept_compat(findings, finding, why)
    if first is not None and version_tuple(policy.settings.target_version) >= KERAS3:
        _report_keras_objects(findings, facts, text, first, alias)
    return own


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


def _has_schedule(found: list[Finding]) -> bool:
    return any(_native_keras(f) and _is_schedule(f) for f in found)


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


class _ValueUses:
    """Where the result of a decay call goes: straight into optimizers, or used as a value."""

    def __init__(self, body: Sequence[ast.stmt], text: SourceText) -> None:
        self.body: Sequence[ast.AST] = body
        self.parents: dict[int, ast.AST] = {}
        self.calls: dict[tuple[int, int], ast.Call] = {}
        for parent in _walk(body):
            for child in ast.iter_child_nodes(parent):
                self.parents[id(child)] = parent
            if isinstance(parent, ast.Call):
                span = text.span_of(parent)
                self.calls[(span.line, span.column)] = parent

    def used_as_value(self, finding: Finding) -> bool:
        """The decayed rate is used other than as an optimizer's rate."""
        call = self.calls.get((finding.anchor.line, finding.anchor.column))
        if call is None:
            return False
        parent = self.parents.get(id(call))
        if self._optimizer_rate(call):
            return False
        if not (
            isinstance(parent, ast.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0], ast.Name)
        ):
            return True
        name = parent.targets[0].id
        scope = self._scope_of(parent)
        for node in _walk([scope] if scope is not None else self.body):
            if (
                isinstance(node, ast.Name)
                and node.id == name
                and isinstance(node.ctx, ast.Load)
                and not self._optimizer_rate(node)
            ):
                return True
        return False

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
