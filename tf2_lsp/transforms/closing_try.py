"""A Session's `try: ... finally: sess.close()` without the close, for the training-step
rewrite (train_step.py).

`sess = tf.Session()` followed by `try:` and a `finally:` (or an `except` ending in `raise`)
that closes it is TF1's way to close a Session that has no `with`. The rewrite removes the
Session, so the close goes, and so does the `try` when that was all it was for: its body (and
its `else`) then run at the `try`'s own indentation, as they ran before. A `try` that does more
(an `except` that handles the error, other statements in `finally`) stays, without the close.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from tf2_lsp.transforms.base import FixError


def without_closing_try(text: str, opens_session: Callable[[ast.stmt], bool]) -> str:
    """The statements `text` holds, each `try` that closes the Session rewritten."""
    tree = ast.parse(text)
    session = session_name(tree.body, opens_session)
    if session is None:
        return text
    lines = text.split("\n")
    tries = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Try)
        and any(is_close(s, session) for clause in _clauses(node) for s in clause)
    ]
    done: list[range] = []
    for node in sorted(tries, key=lambda n: n.lineno, reverse=True):
        span = range(node.lineno, (node.end_lineno or node.lineno) + 1)
        if any(span.start in other for other in done):
            continue  # inside a `try` already rewritten
        lines[span.start - 1 : span.stop - 1] = _rewritten(node, lines, session)
        done.append(span)
    return "\n".join(lines)


def session_name(body: list[ast.stmt], opens_session: Callable[[ast.stmt], bool]) -> str | None:
    for statement in body:
        if opens_session(statement) and isinstance(statement, ast.Assign):
            target = statement.targets[0]
            return target.id if isinstance(target, ast.Name) else None
        if opens_session(statement) and isinstance(statement, ast.With):
            found = session_name(statement.body, opens_session)
            bound = statement.items[0].optional_vars
            return found or (bound.id if isinstance(bound, ast.Name) else None)
    return None


def _clauses(node: ast.Try) -> list[list[ast.stmt]]:
    return [node.finalbody, *(handler.body for handler in node.handlers)]


def _rewritten(node: ast.Try, lines: list[str], session: str) -> list[str]:
    """The lines of a `try` that closes the Session, without the close."""
    handlers = [h for h in node.handlers if not _only_reraises(h, session)]
    rest = [s for s in node.finalbody if not is_close(s, session)]
    if not handlers and node.orelse and rest:
        handlers = node.handlers  # `else` needs an `except` while a `finally` stays
    if not handlers and not rest:  # the `try` was there for the close only
        kept = _dedented(_lines_of(node.body, lines, node.lineno + 1), node, node.body)
        if node.orelse:
            kept += _dedented(_lines_of(node.orelse, lines, None), node, node.orelse)
        return kept
    out: list[str] = []
    number = node.lineno
    last = node.end_lineno or node.lineno
    skipped = {n for h in node.handlers if h not in handlers for n in _span(h)}
    if not rest and node.finalbody:
        skipped |= set(range(_header_line(node.finalbody, lines), last + 1))
    closes = [s for body in _clauses(node) for s in body if is_close(s, session)]
    for number in range(node.lineno, last + 1):
        if number in skipped:
            continue
        close = next((s for s in closes if s.lineno <= number <= _end(s)), None)
        if close is None:
            out.append(lines[number - 1])
        elif number == close.lineno and _alone(close, node):
            out.append(" " * close.col_offset + "pass")  # the clause keeps a statement
    return out


def _only_reraises(handler: ast.ExceptHandler, session: str) -> bool:
    """`except ...: sess.close(); raise`: the handler is there for the close only."""
    rest = [s for s in handler.body if not is_close(s, session)]
    closes = len(rest) < len(handler.body)
    return closes and len(rest) == 1 and isinstance(rest[0], ast.Raise) and rest[0].exc is None


def _alone(close: ast.stmt, node: ast.Try) -> bool:
    """Whether the close is the only statement of its clause."""
    return any(body == [close] for body in _clauses(node))


def _lines_of(body: list[ast.stmt], lines: list[str], start: int | None) -> list[str]:
    """A clause's lines: from `start` (default: the line after its header) to its end."""
    first = start if start is not None else _header_line(body, lines) + 1
    return lines[first - 1 : _end(body[-1])]


def _header_line(body: list[ast.stmt], lines: list[str]) -> int:
    """The line of the `else:` or `finally:` a clause's statements follow."""
    number = body[0].lineno - 1
    while number > 0 and not lines[number - 1].lstrip().startswith(("else", "finally")):
        number -= 1
    return number


def _dedented(chunk: list[str], node: ast.Try, body: list[ast.stmt]) -> list[str]:
    """A clause's lines at the `try`'s indentation."""
    extra = body[0].col_offset - node.col_offset
    indent = " " * body[0].col_offset
    out = []
    for line in chunk:
        if line.strip() and not line.startswith(indent):
            # A string spanning lines, written further left: dedenting would change it.
            raise FixError("a line of the `try` is not indented as its body")
        out.append(line[extra:] if line.strip() else line)
    return out


def _span(node: ast.stmt | ast.ExceptHandler) -> range:
    return range(node.lineno, _end(node) + 1)


def _end(node: ast.stmt | ast.ExceptHandler) -> int:
    return node.end_lineno or node.lineno


def is_close(statement: ast.stmt, session: str) -> bool:
    """`sess.close()`, a statement of its own."""
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and not statement.value.args
        and not statement.value.keywords
        and isinstance(statement.value.func, ast.Attribute)
        and statement.value.func.attr == "close"
        and isinstance(statement.value.func.value, ast.Name)
        and statement.value.func.value.id == session
    )
