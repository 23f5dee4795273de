"""Runs through the default Session written as runs of the loop's Session, for the
training-step rewrite (train_step.py) and its detection (analysis/program/train_loop.py).

Inside `with tf.Session() as sess:`, or after `sess = tf.InteractiveSession()`, the Session is
the default one, and TF1 code runs the graph through it without naming it: `w.eval()`,
`accuracy.eval(feed_dict={...})`, `train_op.run(feed_dict={...})`. These are `sess.run(w)`,
`sess.run(accuracy, feed_dict={...})` and `sess.run(train_op, feed_dict={...})`, which the
rewrite already knows; both sides read them so, detection on a copy of the statements (their
positions kept), the rewrite on the text. A Session that is not the default one keeps its
`w.eval()`, which TF1 could not run either.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Sequence


def explicit_runs(statements: Sequence[ast.stmt], session: str, train_op: str) -> list[ast.stmt]:
    """Copies of the statements with each run through the default Session made explicit."""
    rewriter = _Explicit(session, train_op)
    return [rewriter.visit(copy.deepcopy(statement)) for statement in statements]


def explicit_text(text: str, session: str, train_op: str) -> str:
    """`text` with each run through the default Session made explicit, the rest unchanged."""
    tree = ast.parse(text)
    lines = [line.encode() for line in text.split("\n")]
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _default_run(node, session, train_op)
    ]
    for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset), reverse=True):
        assert isinstance(call.func, ast.Attribute)
        receiver = call.func.value
        assert isinstance(receiver, ast.Name)
        line = lines[call.lineno - 1]
        # `w.eval(` -> `sess.run(w, ` (`sess.run(w` when nothing follows); the arguments and
        # the closing parenthesis stay where they were.
        opening = call.col_offset + line[call.col_offset :].index(b"(")
        given = bool(call.args or call.keywords)
        head = f"{session}.run({receiver.id}{', ' if given else ''}".encode()
        lines[call.lineno - 1] = line[: call.col_offset] + head + line[opening + 1 :]
    return "\n".join(line.decode() for line in lines)


def _default_run(node: ast.AST, session: str, train_op: str) -> bool:
    """`w.eval(...)` (any name but the Session's) or `train_op.run(...)`."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    receiver = node.func.value
    if not isinstance(receiver, ast.Name) or receiver.id == session:
        return False
    if node.func.attr == "eval":
        return True
    return node.func.attr == "run" and receiver.id == train_op


class _Explicit(ast.NodeTransformer):
    def __init__(self, session: str, train_op: str) -> None:
        self.session = session
        self.train_op = train_op

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if not _default_run(node, self.session, self.train_op):
            return node
        assert isinstance(node.func, ast.Attribute)
        receiver = node.func.value
        run = ast.Attribute(value=ast.Name(id=self.session, ctx=ast.Load()), attr="run")
        explicit = ast.Call(func=run, args=[receiver, *node.args], keywords=node.keywords)
        for part in (run, run.value, explicit):
            ast.copy_location(part, node)
        return explicit
