"""Model functions: which top-level functions build a TF1 forward pass and nothing else, and
which form of the TF guide's model mapping each is offered.

Only the outermost ones (no other model function, and no shim layer, runs them) become layers:
the native form (TF934, Keras sublayers under TF1's names) where the function is made of
`tf.layers` calls and no graph code is left around it, else the shim form (TF938,
`track_tf1_style_variables`). Asked by `units.judge` at the native level.
"""

from __future__ import annotations

import ast
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from tf2_lsp.analysis.findings.collect import Findings, Occurrence
from tf2_lsp.analysis.names.resolve import canonical
from tf2_lsp.analysis.names.spelling import through_tensorflow
from tf2_lsp.analysis.nodes import SourceText
from tf2_lsp.analysis.program import filled_collections, penalty_readers
from tf2_lsp.analysis.program.graph_mode import ProgramFacts, decorated_ranges
from tf2_lsp.analysis.program.model_calls import ProjectCalls
from tf2_lsp.analysis.program.model_helpers import APART_STATE, apart_ranges
from tf2_lsp.catalogue.availability import version_tuple
from tf2_lsp.model import Finding
from tf2_lsp.text import Span
from tf2_lsp.transforms import model_batch_norm, model_keras, model_scopes, model_shim

MODEL_FUNCTION_RULE = "TF938"  # the shim form: any model function
MODEL_KERAS_RULE = "TF934"  # the native form: one made of `tf.layers` calls
PENALTY_READER_RULE = "TF935"  # a reader of REGULARIZATION_LOSSES, moved with TF934's layers
MODEL_RULES = frozenset({MODEL_FUNCTION_RULE, MODEL_KERAS_RULE, PENALTY_READER_RULE})
# In a TF934 fix's `to`: how many readers of its penalties are rewritten with it (TF935).
PENALTIES_MOVED = "__penalties_moved__"

# A forward pass written with TF1's variable model: what the model shim keeps working.
_MODEL_CODE = frozenset(
    {"tensorflow.variable_scope", "tensorflow.get_variable", "tensorflow.AUTO_REUSE"}
)
_LAYERS = "tensorflow.layers."
_SHIM_DECORATOR = "track_tf1_style_variables"
_KERAS3 = (2, 16)  # the first TensorFlow whose `tf.keras` is Keras 3
# Where TF1's batch normalization left its moving-statistics updates for the training code.
_UPDATE_OPS = "tensorflow.GraphKeys.UPDATE_OPS"
# Names that train or run a model rather than compute its forward pass.
_TRAINING = (
    "tensorflow.train.",
    "tensorflow.estimator.",
    "tensorflow.summary.",
    "tensorflow.GradientTape",
    "tensorflow.keras.optimizers.",
)


def shimmed_ranges(facts: ProgramFacts, body: Sequence[ast.stmt]) -> list[tuple[int, int]]:
    """Line ranges of functions decorated with `track_tf1_style_variables`, at any depth."""
    if not any(name.endswith(_SHIM_DECORATOR) for name, _ in facts.uses):
        return []  # walking the statements costs as much as detection itself: only when needed
    return decorated_ranges(body, frozenset({_SHIM_DECORATOR}))


def within(line: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(first <= line <= last for first, last in ranges)


# The model functions' names -> why each must stay a function, for what callers in the
# project's other modules do with it (`analysis.callers`); asked only for functions that
# would otherwise become layers.
CallersCheck = Callable[[Sequence[str]], Mapping[str, str]]


def model_function_ranges(
    facts: ProgramFacts, body: Sequence[ast.stmt], is_state: Callable[[str], bool]
) -> list[tuple[int, int]]:
    """The line ranges of the module's top-level functions that only build a TF1 model."""
    uses = sorted((line, name) for name, line in facts.uses)
    lines = [line for line, _ in uses]
    return [
        (f.lineno, f.end_lineno or f.lineno)
        for f in body
        if isinstance(f, ast.FunctionDef) and _builds_model_only(f, uses, lines, is_state)
    ]


def report_model_functions(
    findings: Findings,
    facts: ProgramFacts,
    text: SourceText,
    body: Sequence[ast.stmt],
    graph_state: Sequence[tuple[int, str]],
    is_state: Callable[[str], bool],
    shimmed: list[tuple[int, int]],
    callers: CallersCheck | None = None,
    readers: filled_collections.ReadersCheck | None = None,
) -> None:
    """Top-level functions that build a TF1 model and nothing else: each can become a Keras
    layer, with its sublayers when it is made of `tf.layers` calls (transforms/model_keras.py),
    else one whose `call` keeps the body (transforms/model_shim.py). `graph_state`: the
    module's uses of TF1 graph state (line, name); `is_state`: whether a name is such state;
    `shimmed`: the line ranges `shimmed_ranges` found; `callers`: why functions must stay
    functions for their callers in other modules (None: not asked); `readers`: the reads of
    TF1 collections in the program's other modules (None: not asked)."""
    rule = findings.catalogue.by_code.get(MODEL_FUNCTION_RULE)
    keras_rule = findings.catalogue.by_code.get(MODEL_KERAS_RULE)
    functions = [s for s in body if isinstance(s, ast.FunctionDef)]
    if rule is None or not functions:
        return
    taken = set(findings.scopes.module.names)
    defined = frozenset(function.name for function in functions)
    uses = sorted((line, name) for name, line in facts.uses)
    lines = [line for line, _ in uses]
    models = [f for f in functions if _builds_model_only(f, uses, lines, is_state)]
    layers = [s for s in body if _overlaps(s, shimmed)]
    scopes = findings.scopes

    def resolve(node: ast.expr) -> str | None:
        qualified = scopes.qualified_name(node)
        return None if qualified is None else canonical(qualified)[0]

    # What a model body may call that runs the module's own code: its functions, and the
    # names it binds to other callables (`conv = functools.partial(tf.layers.conv2d, ...)`,
    # a lambda), whose variables a native layer would not own either. An alias of a
    # TensorFlow name (`dense = tf.layers.dense`) is judged as that name.
    defined |= _bound_names(body, resolve)
    outermost = _outermost(models, functions, layers)
    ranges = [(f.lineno, f.end_lineno or f.lineno) for f in models]
    apart = apart_ranges(body, models)  # graph code there cannot call the model functions
    found = penalty_readers.readers(body, resolve) if penalty_readers.may_read(graph_state) else []
    moving = _penalties_move(found, graph_state, ranges, outermost, body, taken, resolve, defined)
    updates_read = [line for line, name in graph_state if name == _UPDATE_OPS]
    # Where the functions are called, and whether TF1 gave each call its own variables (the
    # project's other modules only when their callers are asked about).
    path = findings.policy.settings.file if callers is not None else ""
    named = {f.name: f for f in functions}
    calls = ProjectCalls(body, named, resolve, path, [f.name for f in outermost], text.index.lines)
    keras2 = version_tuple(findings.policy.settings.target_version) < _KERAS3

    def decide(moving: bool) -> tuple[str | None, Mapping[str, str], list[str | None]]:
        """With the penalty readers moved or not: why graph code keeps the functions, why
        callers do, and why each outermost function cannot take the native form."""
        # Either layer needs TF2 code around it: graph state outside the model functions (a
        # Session, placeholders, collections) keeps the functions as they are, with the
        # reason; the readers of the penalties that move with them are not left behind.
        left = [
            name
            for line, name in graph_state
            if not within(line, ranges)
            and not (name in APART_STATE and within(line, apart))
            and not (moving and penalty_readers.moves_with(found, line, name))
        ]
        # The shim keeps TF1 code running inside a TF2 object; called from graph code it
        # loses TF1's variable reuse (measured on real projects: `reuse=True` scopes finding
        # nothing, one instance shared by calls meant to make separate weights).
        shown = spelled_blocker(left[0], scopes.tf_alias()) if left else ""
        graph_left = (
            f"the module still runs TF1 graph code (`{shown}`) outside its model functions,"
            " and a layer called from graph code loses TF1's variable reuse; move that code"
            " to TF2 first"
            if left
            else None
        )
        # A layer called from another module's graph code loses TF1's variable reuse as much
        # as one called from this module's: the callers elsewhere in the project decide too.
        elsewhere: Mapping[str, str] = {}
        not_native: Mapping[str, str] = {}
        candidates = [f.name for f in outermost if model_shim.refusal(f, taken) is None]
        if graph_left is None and candidates:
            elsewhere = _handed_on(body, frozenset(candidates))
            rest = [name for name in candidates if name not in elsewhere]
            if callers is not None and rest:
                elsewhere = {**elsewhere, **callers(rest)}
            rest = [name for name in candidates if name not in elsewhere]
            elsewhere = {**elsewhere, **calls.refusals(rest)}
            # A reader anywhere in the program of a collection the layer no longer fills.
            reading = [f for f in outermost if f.name in candidates and f.name not in elsewhere]
            if readers is not None and reading:
                foreign = {n: b.imported for n, b in scopes.module.names.items() if b.foreign}
                stays, not_native = filled_collections.lost_elsewhere(
                    readers, reading, functions, scopes.tf_alias(), foreign
                )
                elsewhere = {**elsewhere, **stays}
        refusals = [
            not_native.get(function.name)
            or model_keras.refusal(function, taken, resolve, defined, moving)
            or model_batch_norm.callers_problem(function, resolve, body)
            or (model_batch_norm.keras2_problem(function, resolve) if keras2 else None)
            or (model_scopes.keras2_problem(function, resolve) if keras2 else None)
            or (None if keras2 else calls.keras3_problem(function.name))
            if keras_rule is not None
            and graph_left is None
            and elsewhere.get(function.name) is None
            else None
            for function in outermost
        ]
        return graph_left, elsewhere, refusals

    graph_left, elsewhere, refusals = decide(moving)
    if moving and (graph_left or elsewhere or any(refusals)):
        # The readers move only if every model function becomes a layer that holds its
        # penalties: else they stay, and keep the functions as they are.
        moving = False
        graph_left, elsewhere, refusals = decide(moving)
    for function, keras_refused in zip(outermost, refusals, strict=True):
        called_from = elsewhere.get(function.name)
        native = (
            keras_rule is not None
            and graph_left is None
            and called_from is None
            and keras_refused is None
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
        whole = Span(first, 0, span.end_line, span.end_column)
        at = Occurrence(chosen.symbols[0], function.name, shown, "program", anchor=whole)
        blocked = graph_left
        if blocked and updates_read and "batch_normalization" in body_text:
            blocked = _updates_reader(updates_read[0], scopes.tf_alias())
        refused = (
            None
            if native
            else blocked or called_from or model_shim.refusal(function, taken, body_text)
        )
        why = model_batch_norm.note(function, resolve) if native else ""
        shared = calls.note(function.name) if refused is None else ""
        why = f"{why}; {shared}" if why and shared else why or shared
        if keras_refused and (
            "batch_normalization" in body_text or model_scopes.has_nested(function, resolve)
        ):
            # Said for batch normalization and nested scopes, whose refusals a user can act on.
            why = f"not the Keras sublayer form (TF934): {keras_refused}"
        statistics = model_batch_norm.shim_note(function, resolve) if refused is None else ""
        if statistics and not native:
            why = f"{why}; {statistics}" if why else statistics
        fix = findings.policy.fix_for(chosen, False, chosen.symbols[0]) if native else None
        if moving and fix is not None:
            # The readers of its penalties move with it: the fix says how many (fixed_together).
            fix = replace(fix, to={PENALTIES_MOVED: str(len(found))})
        findings.add(chosen, at, refused=refused, why=why, fix_override=fix)
    if moving:
        _report_readers(findings, text, body, found, [f.name for f in outermost])


def fixed_together(finding: Finding, every: Sequence[Finding]) -> list[Finding] | None:
    """The findings whose fixes are one rewrite with `finding`'s (itself included): the model
    functions whose penalties move onto their layers (TF934) and the readers rewritten to read
    those layers (TF935). Either alone would break the program or silently drop the penalty,
    so None when a part is missing from `every` (not selected, or already failed)."""
    if finding.fix is None or finding.code not in (MODEL_KERAS_RULE, PENALTY_READER_RULE):
        return [finding]
    if finding.code == MODEL_KERAS_RULE and PENALTIES_MOVED not in finding.fix.to:
        return [finding]
    models = [
        f
        for f in every
        if f.code == MODEL_KERAS_RULE and f.fix is not None and PENALTIES_MOVED in f.fix.to
    ]
    readers = [f for f in every if f.code == PENALTY_READER_RULE and f.fix is not None]
    expected = {count for f in models if f.fix for count in (f.fix.to[PENALTIES_MOVED],)}
    layers = {name for f in readers if f.fix for name in " ".join(f.fix.to.values()).split()}
    whole = expected == {str(len(readers))} and layers == {f.written for f in models}
    return [*models, *readers] if whole else None


def _penalties_move(
    found: Sequence[penalty_readers.Reader],
    graph_state: Sequence[tuple[int, str]],
    ranges: Sequence[tuple[int, int]],
    outermost: Sequence[ast.FunctionDef],
    body: Sequence[ast.stmt],
    taken: set[str],
    resolve: Callable[[ast.expr], str | None],
    defined: frozenset[str],
) -> bool:
    """Whether the penalties of the module's model functions move onto their Keras layers,
    with the readers of `REGULARIZATION_LOSSES` rewritten to read them there: every reader
    can be, it is the only graph code outside the model functions, every outermost model
    function takes the native form, one of them has a penalty, and nothing else adds one."""
    if not found or any(reader.refused for reader in found):
        return False
    if any(
        not within(line, list(ranges)) and not penalty_readers.moves_with(found, line, name)
        for line, name in graph_state
    ):
        return False
    if not any(model_keras.penalised(f) for f in outermost):
        return False
    if any(model_keras.refusal(f, taken, resolve, defined, True) for f in outermost):
        return False
    moved = [(f.lineno, f.end_lineno or f.lineno) for f in outermost]
    return penalty_readers.other_penalties(body, moved) is None


_UNTRAINED = (
    "inside this traced function TF1 added the penalties of the layers built outside it to"
    " the loss without differentiating them; the layers' `losses` read here are trained, so"
    " the training steps differ from TF1's"
)


def _report_readers(
    findings: Findings,
    text: SourceText,
    body: Sequence[ast.stmt],
    found: Sequence[penalty_readers.Reader],
    layers: list[str],
) -> None:
    """Each reader rewritten to read the layers' `losses` (TF935), in place of its own
    finding's compat rename."""
    rule = findings.catalogue.by_code.get(PENALTY_READER_RULE)
    if rule is None:
        return
    untrained = {id(r.call) for r in penalty_readers.untrained(body, found, layers)}
    for reader in found:
        span = text.span_of(reader.call)
        findings.found[:] = [f for f in findings.found if not _inside(f.span, span)]
        fix = findings.policy.fix_for(rule, False, reader.symbol)
        if fix is None:
            return
        fix = replace(fix, to={reader.symbol: " ".join(layers)})
        at = Occurrence(reader.symbol, text.text_of(reader.call.func), span, "call", anchor=span)
        findings.statement = _statement_of(body, reader.call)
        why = _UNTRAINED if id(reader.call) in untrained else ""
        findings.add(rule, at, fix_override=fix, why=why)


def _statement_of(body: Sequence[ast.stmt], node: ast.AST) -> tuple[int, int]:
    """The lines of the innermost statement holding `node`, as the walker gives a finding."""
    holding = [
        s
        for s in (n for t in body for n in ast.walk(t))
        if isinstance(s, ast.stmt) and any(n is node for n in ast.walk(s))
    ]
    inner = min(reversed(holding), key=lambda s: (s.end_lineno or s.lineno) - s.lineno)
    return inner.lineno, inner.end_lineno or inner.lineno


def _inside(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)


def _updates_reader(line: int, alias: str) -> str:
    spelled = spelled_blocker(_UPDATE_OPS, alias)
    return (
        f"the module still reads `{spelled}` (line {line}), where TF1's batch normalization left"
        " its moving-statistics updates for the training code to run; a Keras layer adds"
        " nothing there (it updates them itself when called with `training=True`), so that"
        " training code must move to TF2 first"
    )


def _handed_on(body: Sequence[ast.stmt], names: frozenset[str]) -> dict[str, str]:
    """Why each of the model functions `names` that this module hands on (into a container,
    as an argument, under another name) must stay a function: whoever receives it calls it
    where it cannot be followed, from TF1 graph code as likely as not."""
    called = {
        id(node.func)
        for statement in body
        for node in ast.walk(statement)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    reasons: dict[str, str] = {}
    for statement in body:
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Name)
                and node.id in names
                and isinstance(node.ctx, ast.Load)
                and id(node) not in called
                and node.id not in reasons
            ):
                reasons[node.id] = (
                    f"line {node.lineno} hands it on (a container, an argument, another name),"
                    " where its calls cannot be followed, and a layer called from TF1 graph code"
                    " loses TF1's variable reuse"
                )
    return reasons


def _builds_model_only(
    function: ast.FunctionDef,
    uses: list[tuple[int, str]],
    lines: list[int],
    is_state: Callable[[str], bool],
) -> bool:
    last = function.end_lineno or function.lineno
    start, end = bisect_left(lines, function.lineno), bisect_right(lines, last)
    inside = {name for _, name in uses[start:end]}
    if not any(is_model_code(name) for name in inside):
        return False
    # A function that also runs or trains the model is not a forward pass alone.
    return not any(
        (is_state(name) and not is_model_code(name)) or name.startswith(_TRAINING)
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


def _bound_names(body: Sequence[ast.stmt], resolve: Callable[[ast.expr], str | None]) -> set[str]:
    """Names a module statement binds to a value that is no TensorFlow name, and names it
    imports from modules other than TensorFlow's and the pure ones (numpy, math, ...): the
    project's helpers (`from layers_lib import conv_block`) may create variables."""
    bound: set[str] = set()
    for statement in body:
        if isinstance(statement, ast.Import):
            bound.update(
                alias.asname or alias.name.split(".")[0]
                for alias in statement.names
                if not _trusted_module(alias.name)
            )
            continue
        if isinstance(statement, ast.ImportFrom):
            if statement.level or not _trusted_module(statement.module or ""):
                bound.update(alias.asname or alias.name for alias in statement.names)
            continue
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        if resolve(value) is None:
            bound.update(t.id for t in targets if isinstance(t, ast.Name))
    return bound


# Modules whose functions compute values and create no TF1 variable.
_PURE_MODULES = frozenset(
    {"numpy", "math", "functools", "itertools", "operator", "collections", "six", "typing"}
)


def _trusted_module(module: str) -> bool:
    """TensorFlow's own modules (judged by their names) and the pure ones."""
    top = module.split(".")[0]
    return top in ("tensorflow", "tf_slim", "__future__") or top in _PURE_MODULES


def _called(node: ast.AST, names: set[str]) -> set[str]:
    return {
        call.func.id
        for call in ast.walk(node)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in names
    }


def is_model_code(name: str) -> bool:
    return name in _MODEL_CODE or name.startswith(_LAYERS)


def spelled_blocker(blocker: str, alias: str) -> str:
    """A use of TF1 graph state as TF2 code spells it: all but `tf.Graph` live on in
    tf.compat.v1."""
    if blocker != "tensorflow.Graph":
        blocker = "tensorflow.compat.v1." + blocker.removeprefix("tensorflow.")
    return through_tensorflow(blocker, alias)
