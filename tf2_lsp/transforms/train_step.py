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
  ...)` becomes `l = train_step(...).numpy()`, session_fetches.py), and a read of variables
  keeps its structure (`v = sess.run([w, b])` becomes `v = [w.numpy(), b.numpy()]`).
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from typing import TypeGuard

from tf2_lsp.transforms.base import FixError, Names, Transform, never, not_literal
from tf2_lsp.transforms.closing_try import without_closing_try
from tf2_lsp.transforms.keras import KERAS_OPTIMIZERS
from tf2_lsp.transforms.session_fetches import (
    fetched,
    numpy_text,
    run_arguments,
    step_outputs,
    step_values,
    train_targets,
)

STEP_NAME = "train_step"
OPTIMIZER_NAME = "optimizer"
_FUNCTION = "tensorflow.function"
_TAPE = "tensorflow.GradientTape"
_SPEC = "tensorflow.TensorSpec"
_VARIABLE_CALLS = ("get_variable", "Variable")
_LINE_LENGTH = 88
_SESSIONS = ("Session", "InteractiveSession")
_INITIALIZERS = ("global_variables_initializer", "initialize_all_variables")
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
    lines = text.split("\n")
    body = tree.body
    placeholders = [s for s in body if _called(s, ("placeholder",))]
    inputs = [_target(s) for s in placeholders]
    train = next((s for s in body if _minimize(s) is not None), None)
    opened = next((s for s in body if _opens_session(s)), None)
    if train is None or opened is None or not inputs:
        raise FixError("not a Session training loop")
    minimize = _minimize(train)
    assert minimize is not None and isinstance(minimize.func, ast.Attribute)
    loss = ast.unparse(minimize.args[0])
    forward = _forward(body, set(inputs), train)
    variables = [
        _target(s) for s in body if s.lineno < train.lineno and _called(s, _VARIABLE_CALLS)
    ]
    train_op = _target(train)
    if isinstance(opened, ast.With):
        session = opened.items[0].optional_vars
    else:
        assert isinstance(opened, ast.Assign)
        session = opened.targets[0]
    if not isinstance(session, ast.Name):
        raise FixError("the Session has no name")
    outputs = step_outputs(body, session.id, train_op, loss)
    initializers = {
        _target(node) for top in body for node in ast.walk(top) if _called(node, _INITIALIZERS)
    }
    fetches = _Fetches(session.id, train_op, inputs, outputs, frozenset(initializers))
    # Each statement with the comments and blank lines before it: comments move with it.
    chunks: dict[int, list[str]] = {}
    previous_end = 0
    for statement in body:
        end = statement.end_lineno or statement.lineno
        chunks[id(statement)] = lines[previous_end:end]
        previous_end = end
    moved = "\n".join("\n".join(chunks[id(s)]).strip("\n") for s in forward)
    receiver = minimize.func.value
    held = next(
        (
            s
            for s in reversed(body)
            if s.lineno < train.lineno
            and isinstance(receiver, ast.Name)
            and _target(s) == receiver.id
        ),
        None,
    )  # `opt = tf.train.AdamOptimizer(...)`, then `opt.minimize(loss)`
    name = receiver.id if held is not None and isinstance(receiver, ast.Name) else OPTIMIZER_NAME
    out: list[str] = []
    for statement in body:
        chunk = chunks[id(statement)]
        if statement in placeholders or statement in forward:
            continue
        if _called(statement, _INITIALIZERS):
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
            out.extend(_step(placeholders, moved, variables, loss, outputs, name, names))
            out.extend([""] * blank)
            if opened.lineno > train.lineno:
                continue
            # The Session was opened first (`sess = tf.InteractiveSession()` at the top): its
            # runs are the statements after the train op.
            rest = body[body.index(train) + 1 :]
            first = (train.end_lineno or train.lineno) + 1
            if rest:
                out.extend(_loop(rest, first, 0, lines, fetches))
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
                out.extend(_loop(block, first, depth, lines, fetches))
            break
        out.extend(chunk)
    return _at_most_blank_lines(out, blank)


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
) -> list[str]:
    specs = [_spec(s, names) for s in placeholders]
    parameters = ", ".join(_target(s) for s in placeholders)
    decorator = f"@{names.name(_FUNCTION)}(input_signature=[{', '.join(specs)}])"
    if len(decorator) > _LINE_LENGTH:  # one spec a line, as a formatter would write it
        listed = "".join(f"        {spec},\n" for spec in specs)
        decorator = f"@{names.name(_FUNCTION)}(\n    input_signature=[\n{listed}    ]\n)"
    return [
        decorator,
        f"def {STEP_NAME}({parameters}):",
        f"    with {names.name(_TAPE)}() as tape:",
        textwrap.indent(body, " " * 8),
        f"    variables = [{', '.join(variables)}]",
        f"    gradients = tape.gradient({loss}, variables)",
        f"    {optimizer}.apply_gradients(zip(gradients, variables))",
        f"    return {', '.join(outputs)}",
    ]


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
    written = _source(call, lines)
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
        return compat + written[len(_source(func, lines)) :]
    parsed = cst.parse_expression(written)
    assert isinstance(parsed, cst.Call)
    new_call, _, _ = remap_call(parsed, mapping, names)
    return str(cst.Module(body=[]).code_for_node(new_call))


@dataclass(frozen=True, slots=True)
class _Fetches:
    """What the loop's runs of the Session are rewritten from: the Session's name, the train
    op, the fed placeholders in the step's order, the values the step returns, the names the
    initializer is bound to."""

    session: str
    train_op: str
    inputs: list[str]
    outputs: list[str]
    initializers: frozenset[str]


def _loop(
    block: list[ast.stmt], first: int, depth: int, lines: list[str], fetches: _Fetches
) -> list[str]:
    """The statements run while the Session is open (lines `first` to the block's end), at
    the Session's own indentation (`depth` columns less), each use of the Session rewritten."""
    replaced: dict[int, tuple[int, str]] = {}
    for statement in (node for top in block for node in ast.walk(top)):
        if not isinstance(statement, (ast.Expr, ast.Assign, ast.Return)):
            continue
        new = _run_statement(statement, fetches, lines)
        if new is not None:
            replaced[statement.lineno] = (statement.end_lineno or statement.lineno, new)
    for statement in block:
        if _called(statement, _INITIALIZERS):
            replaced[statement.lineno] = (statement.end_lineno or statement.lineno, "")
    within = {n for start, (last, _) in replaced.items() for n in range(start, last + 1)}
    reads = [
        node
        for top in block
        for node in ast.walk(top)
        if _variable_read(node, fetches.session) and node.lineno not in within
    ]
    lines, dropped = _reads_spliced(lines, reads)
    out: list[str] = []
    number = first
    end = block[-1].end_lineno or block[-1].lineno
    while number <= end:
        if number in replaced:
            last, new = replaced[number]
            line = lines[number - 1]
            own = line[: len(line) - len(line.lstrip())]
            if new:
                out.append(own[depth:] + new)
            number = last + 1
            continue
        line = lines[number - 1]
        if number not in dropped:
            out.append(line[depth:] if line[:depth].strip() == "" else line)
        number += 1
    return out


def _variable_read(node: ast.AST, session: str) -> TypeGuard[ast.Call]:
    """`sess.run(w)`, `sess.run([w, b])`, `sess.run({"w": w})`: names fetched, nothing fed."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "run"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == session
        and len(node.args) == 1
        and not node.keywords
        and fetched(node.args[0]) is not None
    )


def _reads_spliced(lines: list[str], reads: list[ast.Call]) -> tuple[list[str], set[int]]:
    """The lines with each `sess.run(w)` inside an expression written `w.numpy()` (a list,
    tuple or dict of them likewise), and the numbers of the lines a read spanning lines left
    empty (dropped)."""
    edited = [line.encode() for line in lines]
    dropped: set[int] = set()
    for read in sorted(reads, key=lambda r: (r.lineno, r.col_offset), reverse=True):
        first, last = read.lineno, read.end_lineno or read.lineno
        new = numpy_text(read.args[0], lambda node: _source(node, lines)).encode()
        edited[first - 1] = (
            edited[first - 1][: read.col_offset] + new + edited[last - 1][read.end_col_offset :]
        )
        dropped.update(range(first + 1, last + 1))
    return [line.decode() for line in edited], dropped


def _run_statement(
    statement: ast.Expr | ast.Assign | ast.Return, fetches: _Fetches, lines: list[str]
) -> str | None:
    """A statement that runs or closes the Session, rewritten ("" drops it); None: not one,
    or a read inside an expression (`_reads_spliced`)."""
    run = statement.value
    if isinstance(statement, ast.Expr) and _initializer_run(statement.value, fetches.initializers):
        return ""  # `tf.global_variables_initializer().run()`: variables start initialised
    if not (
        isinstance(run, ast.Call)
        and isinstance(run.func, ast.Attribute)
        and run.func.attr in ("run", "close")
        and isinstance(run.func.value, ast.Name)
        and run.func.value.id == fetches.session
    ):
        return None
    if run.func.attr == "close":
        if not isinstance(statement, ast.Expr):
            raise FixError("the value of `close()` is used")
        return ""  # the step needs no Session to close
    fetch, feeds = run_arguments(run)
    if fetch is None:
        raise FixError("a run of the Session with other arguments")
    if feeds is None:
        if isinstance(statement, ast.Expr):
            return ""  # the initializer
        return None  # a read of variables, spliced as any other
    pairs = zip(feeds.keys, feeds.values, strict=True)
    fed = {ast.unparse(key): _source(value, lines) for key, value in pairs if key}
    call = f"{STEP_NAME}({', '.join(fed[name] for name in fetches.inputs)})"
    if isinstance(statement, ast.Expr):
        return call
    if isinstance(statement, ast.Return):
        raise FixError("a training run is returned")
    targets = train_targets(statement, fetches.train_op)
    values = step_values(targets, fetches.outputs) if targets else None
    if targets is None or values is None:
        raise FixError("the run's fetches are not the step's values")
    written = ", ".join(_source(target, lines) for target, _ in targets)
    return f"{written} = {values.format(call=call)}"


def _initializer_run(value: ast.expr, initializers: frozenset[str]) -> bool:
    """`tf.global_variables_initializer().run()`, `init.run()`."""
    if not isinstance(value, ast.Call) or value.args or value.keywords:
        return False
    if not isinstance(value.func, ast.Attribute) or value.func.attr != "run":
        return False
    receiver = value.func.value
    if isinstance(receiver, ast.Name):
        return receiver.id in initializers
    return _calls(receiver, _INITIALIZERS)


def _forward(body: list[ast.stmt], inputs: set[str], train: ast.stmt) -> list[ast.stmt]:
    """The statements before the train op computed from the inputs or the variables (which
    stay where they are), as detection found them."""
    known = set(inputs)
    forward = []
    for statement in body:
        if statement.lineno >= train.lineno or _called(statement, ("placeholder",)):
            continue
        if _called(statement, _VARIABLE_CALLS):
            known.add(_target(statement))  # detection refused one built from the inputs
            continue
        used = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
        if used & known and (target := _target(statement)):
            forward.append(statement)
            known.add(target)
    return forward


def _called(statement: ast.AST, last: tuple[str, ...]) -> bool:
    """`name = <call of a function named last>(...)`."""
    return isinstance(statement, ast.Assign) and _calls(statement.value, last)


def _calls(value: ast.expr, last: tuple[str, ...]) -> bool:
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in last


def _minimize(statement: ast.stmt) -> ast.Call | None:
    if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
        func = statement.value.func
        if isinstance(func, ast.Attribute) and func.attr == "minimize":
            return statement.value
    return None


def _target(statement: ast.AST) -> str:
    if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
        return statement.targets[0].id
    return ""


def _source(node: ast.expr | ast.stmt, lines: list[str]) -> str:
    """A node's text as written (its lines, from its column to its end column)."""
    first, last = node.lineno, node.end_lineno or node.lineno
    column, end = node.col_offset, node.end_col_offset
    if first == last:
        return lines[first - 1].encode()[column:end].decode()
    chunk = [lines[first - 1].encode()[column:].decode(), *lines[first : last - 1]]
    chunk.append(lines[last - 1].encode()[:end].decode())
    return "\n".join(chunk)


TRANSFORMS = (
    Transform(
        "session_train_step",
        never,
        (_FUNCTION, _TAPE, _SPEC, *sorted({m.target for m in KERAS_OPTIMIZERS.values()})),
        replace=replace,
    ),
)
