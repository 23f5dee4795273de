"""A self-contained Session training loop -> a `tf.function` training step with
`tf.GradientTape` (the TF guide's "Session.run to tf.function" pattern). Detection
(`analysis.program.train_loop`) has checked the shape; this rewrites its statements:

* the placeholders become the step's parameters, their dtype and shape its `input_signature`
  (a fed value is converted to the placeholder's dtype, as `feed_dict` did);
* the forward pass moves into the step, under the tape; the variables stay where they are;
* `opt.minimize(loss)` becomes the optimizer (the Keras one where it trains to the same
  weights, TF1's otherwise) and `apply_gradients` over the variables created before it, which
  are the ones TF1's `minimize` trained;
* in the Session's block (a `with` block, or from `sess = tf.Session()` to the last use of
  `sess`), now at the Session's own level: the Session, `sess.close()` (with the `try` that
  held it, closing_try.py) and the initializer (run in place, or bound to a name and run
  through it) go, `sess.run(train_op, feed_dict={x: a})` becomes `train_step(a)`, the values
  fetched with the train op are what the step returns (`_, l = sess.run([train_op, loss],
  ...)` becomes `l = train_step(...).numpy()`, session_fetches.py), a read of variables
  keeps its structure (`v = sess.run([w, b])` becomes `v = [w.numpy(), b.numpy()]`), and an
  evaluation (`sess.run(acc, feed_dict={x: a})`) calls `evaluate(a)`, the forward pass alone
  (session_runs.py).
"""

from __future__ import annotations

import ast
import textwrap

from tf2_lsp.transforms.base import FixError, Names, Transform, never, not_literal
from tf2_lsp.transforms.closing_try import session_name, without_closing_try
from tf2_lsp.transforms.default_session import explicit_text
from tf2_lsp.transforms.keras import KERAS_OPTIMIZERS
from tf2_lsp.transforms.session_fetches import (
    EVALUATE_NAME,
    STEP_NAME,
    evaluation_outputs,
    evaluation_runs,
    step_outputs,
)
from tf2_lsp.transforms.session_runs import (
    INITIALIZERS,
    Fetches,
    assigned_name,
    assigns_call,
    keyed_feeds,
    loop,
    source_text,
)

__all__ = ["EVALUATE_NAME", "OPTIMIZER_NAME", "STEP_NAME", "TRANSFORMS", "replace"]

OPTIMIZER_NAME = "optimizer"
_FUNCTION = "tensorflow.function"
_TAPE = "tensorflow.GradientTape"
_SPEC = "tensorflow.TensorSpec"
_VARIABLE_CALLS = ("get_variable", "Variable")
_LINE_LENGTH = 88
_SESSIONS = ("Session", "InteractiveSession")
_OPTIMIZER_REFUSED = ("accum_name", "linear_name", "use_own_namescope_for_non_slot_vars")


def replace(text: str, names: Names) -> str:
    """The statements in `text` (from the first placeholder to the end of the Session's
    block, at module level or in a function's body) as a training step and the loop that
    calls it."""
    first = text.split("\n", 1)[0]
    indent = first[: len(first) - len(first.lstrip())]
    if not indent:
        return _replace(text, names, blank=2)
    if any(line.strip() and not line.startswith(indent) for line in text.split("\n")):
        # A string spanning lines, written from column 0: re-indenting would change it.
        raise FixError("a line of the loop is not indented as the function's body")
    inner = "\n".join(line.removeprefix(indent) for line in text.split("\n"))
    rewritten = _replace(inner, names, blank=1)
    return "\n".join(indent + line if line.strip() else line for line in rewritten.split("\n"))


def _replace(text: str, names: Names, blank: int) -> str:
    text = without_closing_try(text, _opens_session)
    tree = ast.parse(text)
    session_name = _session(tree.body)  # feeds given by name are keyed as the step's parameters
    train = next((s for s in tree.body if _minimize(s) is not None), None)
    opened = next((s for s in tree.body if _opens_session(s)), None)
    if session_name and train and opened and _is_default(opened):
        text = explicit_text(text, session_name, assigned_name(train))  # `w.eval()`: a run
        tree = ast.parse(text)
    fed = [assigned_name(s) for s in tree.body if assigns_call(s, ("placeholder",))]
    if session_name is not None:
        text = keyed_feeds(text, fed, session_name)
        tree = ast.parse(text)
    lines = text.split("\n")
    body = tree.body
    placeholders = [s for s in body if assigns_call(s, ("placeholder",))]
    inputs = [assigned_name(s) for s in placeholders]
    train = next((s for s in body if _minimize(s) is not None), None)
    opened = next((s for s in body if _opens_session(s)), None)
    if train is None or opened is None or not inputs:
        raise FixError("not a Session training loop")
    minimize = _minimize(train)
    assert minimize is not None and isinstance(minimize.func, ast.Attribute)
    loss = ast.unparse(minimize.args[0])
    forward = _forward(body, set(inputs), train)
    counter = next((k.value for k in minimize.keywords if k.arg == "global_step"), None)
    variables = [
        assigned_name(s)
        for s in body
        if s.lineno < train.lineno and assigns_call(s, _VARIABLE_CALLS) and _trainable(s)
    ]
    train_op = assigned_name(train)
    if isinstance(opened, ast.With):
        session = opened.items[0].optional_vars
    else:
        assert isinstance(opened, ast.Assign)
        session = opened.targets[0]
    if not isinstance(session, ast.Name):
        raise FixError("the Session has no name")
    outputs = step_outputs(body, session.id, train_op, loss)
    initializers = {
        assigned_name(node)
        for top in body
        for node in ast.walk(top)
        if assigns_call(node, INITIALIZERS)
    }
    evaluated = evaluation_outputs(evaluation_runs(body, session.id, train_op))
    fetches = Fetches(session.id, train_op, inputs, outputs, frozenset(initializers), evaluated)
    # Each statement with the comments and blank lines before it: comments move with it.
    chunks: dict[int, list[str]] = {}
    previous_end = 0
    for statement in body:
        end = statement.end_lineno or statement.lineno
        chunks[id(statement)] = lines[previous_end:end]
        previous_end = end

    def text_of(statements: list[ast.stmt]) -> str:
        return "\n".join(
            "\n".join(chunks[id(s)]).strip("\n") if id(s) in chunks else _lines_of(s, lines)
            for s in statements
        )

    later = _later(body, opened, train, [*inputs, *map(assigned_name, forward)], session.id)
    forward = [*forward, *later]
    moved = text_of(_needed(forward, [loss, *outputs]))
    receiver = minimize.func.value
    held = next(
        (
            s
            for s in reversed(body)
            if s.lineno < train.lineno
            and isinstance(receiver, ast.Name)
            and assigned_name(s) == receiver.id
        ),
        None,
    )  # `opt = tf.train.AdamOptimizer(...)`, then `opt.minimize(loss)`
    name = receiver.id if held is not None and isinstance(receiver, ast.Name) else OPTIMIZER_NAME
    out: list[str] = []
    for statement in body:
        chunk = chunks[id(statement)]
        if any(statement is s for s in [*placeholders, *forward]):
            continue
        if assigns_call(statement, INITIALIZERS):
            out.extend(_comments_before(chunk, statement))
            continue  # `init = tf.global_variables_initializer()`: variables start initialised
        if statement is held and isinstance(held, ast.Assign):
            optimizer = _optimizer(held.value, lines, names)
            out.extend([*_comments_before(chunk, held), f"{name} = {optimizer}"])
            continue
        if statement is train:
            out.extend(_comments_before(chunk, statement))
            if held is None:
                out.append(f"{name} = {_optimizer(receiver, lines, names)}")
            out.extend([""] * blank)
            step = _step(placeholders, moved, variables, loss, outputs, name, names, counter)
            out.extend(step)
            if evaluated:  # the forward pass alone, for the runs that evaluate it
                evaluation = text_of(_needed(forward, evaluated))
                out.extend(
                    ["", *[""] * blank, *_evaluation(placeholders, evaluation, evaluated, names)]
                )
            out.extend([""] * blank)
            if opened.lineno > train.lineno:
                continue
            # The Session was opened first (`sess = tf.InteractiveSession()` at the top): its
            # runs are the statements after the train op.
            rest = body[body.index(train) + 1 :]
            first = (train.end_lineno or train.lineno) + 1
            if rest:
                out.extend(loop(rest, first, 0, lines, fetches, later))
            break
        if statement is opened:
            out.extend(_comments_before(chunk, statement))
            if opened.lineno < train.lineno:
                continue  # the Session goes; its runs come after the train op
            if isinstance(opened, ast.With):
                block = opened.body
                first, depth = block[0].lineno, block[0].col_offset - opened.col_offset
            else:  # `sess = tf.Session()`: the statements after it, to the end of the range
                block = body[body.index(opened) + 1 :]
                first, depth = (opened.end_lineno or opened.lineno) + 1, 0
            if block:
                out.extend(loop(block, first, depth, lines, fetches, later))
            break
        out.extend(chunk)
    return _at_most_blank_lines(out, blank)


def _session(body: list[ast.stmt]) -> str | None:
    return session_name(body, _opens_session)


def _is_default(opened: ast.stmt) -> bool:
    """A `with` block's Session or an InteractiveSession: the default Session."""
    if isinstance(opened, ast.With):
        return True
    call = opened.value if isinstance(opened, ast.Assign) else None
    func = call.func if isinstance(call, ast.Call) else None
    return getattr(func, "attr", getattr(func, "id", "")) == "InteractiveSession"


def _opens_session(statement: ast.stmt) -> bool:
    """`with tf.Session() as sess:` or `sess = tf.Session()` (any spelling of the module)."""
    if isinstance(statement, ast.With) and len(statement.items) == 1:
        call = statement.items[0].context_expr
    elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        call = statement.value
    else:
        return False
    if not isinstance(call, ast.Call):
        return False
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in _SESSIONS


def _comments_before(chunk: list[str], statement: ast.stmt) -> list[str]:
    """The lines of a statement's chunk before the statement itself."""
    own = (statement.end_lineno or statement.lineno) - statement.lineno + 1
    return chunk[: len(chunk) - own]


def _at_most_blank_lines(out: list[str], blank: int) -> str:
    kept: list[str] = []
    for line in out:
        if not line.strip() and len(kept) >= blank and not any(k.strip() for k in kept[-blank:]):
            continue
        kept.append(line)
    return "\n".join(kept).rstrip("\n") + "\n"


def _step(
    placeholders: list[ast.stmt],
    body: str,
    variables: list[str],
    loss: str,
    outputs: list[str],
    optimizer: str,
    names: Names,
    counter: ast.expr | None = None,
) -> list[str]:
    """The training step; `counter`, TF1's `global_step`, counts the steps after the update."""
    parameters = ", ".join(assigned_name(s) for s in placeholders)
    return [
        _decorator(placeholders, names),
        f"def {STEP_NAME}({parameters}):",
        f"    with {names.name(_TAPE)}() as tape:",
        textwrap.indent(body, " " * 8),
        f"    variables = [{', '.join(variables)}]",
        f"    gradients = tape.gradient({loss}, variables)",
        f"    {optimizer}.apply_gradients(zip(gradients, variables))",
        *([f"    {ast.unparse(counter)}.assign_add(1)"] if counter else []),
        f"    return {', '.join(outputs)}",
    ]


def _later(
    body: list[ast.stmt], opened: ast.stmt, train: ast.stmt, known: list[str], session: str
) -> list[ast.stmt]:
    """The statements after the train op that compute more tensors from the forward pass
    (`accuracy = ...` built after `minimize`), as detection found them: they move into the
    step or the evaluation, which fetch them."""
    candidates = [s for s in body if s.lineno > train.lineno and s is not opened]
    if isinstance(opened, ast.With) and opened.lineno > train.lineno:
        candidates += opened.body
    computed = set(known)
    later = []
    for statement in sorted(candidates, key=lambda s: s.lineno):
        used = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
        target = assigned_name(statement)
        single = isinstance(statement, ast.Assign) and len(statement.targets) == 1
        if single and target and used & computed and session not in used:
            later.append(statement)
            computed.add(target)
    return later


def _lines_of(statement: ast.stmt, lines: list[str]) -> str:
    """A statement inside a block, at column 0."""
    indent = " " * statement.col_offset
    own = lines[statement.lineno - 1 : statement.end_lineno or statement.lineno]
    if any(line.strip() and not line.startswith(indent) for line in own):
        raise FixError("a line of a moved statement is not indented as the statement")
    return "\n".join(line[statement.col_offset :] for line in own)


def _trainable(variable: ast.stmt) -> bool:
    """Whether TF1's `minimize` trained it: all variables but those made `trainable=False`."""
    assert isinstance(variable, ast.Assign) and isinstance(variable.value, ast.Call)
    flags = [k.value for k in variable.value.keywords if k.arg == "trainable"]
    return not any(isinstance(f, ast.Constant) and f.value is False for f in flags)


def _evaluation(
    placeholders: list[ast.stmt], body: str, evaluated: list[str], names: Names
) -> list[str]:
    """`evaluate(x, y)`: the forward pass's values the loop fetches without training."""
    return [
        _decorator(placeholders, names),
        f"def {EVALUATE_NAME}({', '.join(assigned_name(s) for s in placeholders)}):",
        textwrap.indent(body, " " * 4),
        f"    return {', '.join(evaluated)}",
    ]


def _decorator(placeholders: list[ast.stmt], names: Names) -> str:
    """`@tf.function(input_signature=[...])`, the placeholders' specs."""
    specs = [_spec(s, names) for s in placeholders]
    decorator = f"@{names.name(_FUNCTION)}(input_signature=[{', '.join(specs)}])"
    if len(decorator) > _LINE_LENGTH:  # one spec a line, as a formatter would write it
        listed = "".join(f"        {spec},\n" for spec in specs)
        decorator = f"@{names.name(_FUNCTION)}(\n    input_signature=[\n{listed}    ]\n)"
    return decorator


def _needed(forward: list[ast.stmt], wanted: list[str]) -> list[ast.stmt]:
    """The statements of the forward pass that compute the `wanted` names, in order."""
    by_name = {assigned_name(s): s for s in forward}
    needed: set[str] = set()
    todo = list(wanted)
    while todo:
        name = todo.pop()
        if name in needed or name not in by_name:
            continue
        needed.add(name)
        todo.extend(n.id for n in ast.walk(by_name[name]) if isinstance(n, ast.Name))
    return [s for s in forward if assigned_name(s) in needed]


def _spec(placeholder: ast.stmt, names: Names) -> str:
    """`tf.placeholder(tf.float32, [None, 3])` -> `tf.TensorSpec([None, 3], tf.float32)`."""
    assert isinstance(placeholder, ast.Assign) and isinstance(placeholder.value, ast.Call)
    call = placeholder.value
    given = dict(zip(("dtype", "shape", "name"), call.args, strict=False))
    given.update({k.arg: k.value for k in call.keywords if k.arg})
    if "dtype" not in given:
        raise FixError("a placeholder without a dtype")
    shape = ast.unparse(given["shape"]) if "shape" in given else "None"
    return f"{names.name(_SPEC)}({shape}, {ast.unparse(given['dtype'])})"


def _optimizer(call: ast.expr, lines: list[str], names: Names) -> str:
    """The Keras optimizer where its mapping holds for this call, else TF1's, as written."""
    import libcst as cst

    from tf2_lsp.transforms.call_map import remap_call

    if not isinstance(call, ast.Call):
        raise FixError("the optimizer is not built in place")
    written = source_text(call, lines)
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    mapping = KERAS_OPTIMIZERS.get(f"tensorflow.train.{last}")
    keeps_tf1 = (
        mapping is None
        or bool(mapping.differs)
        or not_literal(call, mapping) is not None
        or any(k.arg in _OPTIMIZER_REFUSED or k.arg is None for k in call.keywords)
        or any(isinstance(a, ast.Starred) for a in call.args)
    )
    if keeps_tf1 or mapping is None:
        # TF1's optimizer works in eager code and in `tf.function` as well.
        compat = names.name(f"tensorflow.compat.v1.train.{last}")
        return compat + written[len(source_text(func, lines)) :]
    parsed = cst.parse_expression(written)
    assert isinstance(parsed, cst.Call)
    new_call, _, _ = remap_call(parsed, mapping, names)
    return str(cst.Module(body=[]).code_for_node(new_call))


def _forward(body: list[ast.stmt], inputs: set[str], train: ast.stmt) -> list[ast.stmt]:
    """The statements before the train op computed from the inputs or the variables (which
    stay where they are), as detection found them."""
    known = set(inputs)
    forward = []
    for statement in body:
        if statement.lineno >= train.lineno or assigns_call(statement, ("placeholder",)):
            continue
        if assigns_call(statement, _VARIABLE_CALLS):
            known.add(assigned_name(statement))  # detection refused one built from the inputs
            continue
        used = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
        if used & known and (target := assigned_name(statement)):
            forward.append(statement)
            known.add(target)
    return forward


def _minimize(statement: ast.stmt) -> ast.Call | None:
    if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
        func = statement.value.func
        if isinstance(func, ast.Attribute) and func.attr == "minimize":
            return statement.value
    return None


TRANSFORMS = (
    Transform(
        "session_train_step",
        never,
        (_FUNCTION, _TAPE, _SPEC, *sorted({m.target for m in KERAS_OPTIMIZERS.values()})),
        replace=replace,
    ),
)
