"""Runs through the default Session made explicit (transforms/default_session.py)."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.transforms.default_session import explicit_runs, explicit_text


@pytest.mark.parametrize(
    ("source", "explicit"),
    [
        ("v = w.eval()", "v = sess.run(w)"),
        ("print(acc.eval(feed_dict={x: a}))", "print(sess.run(acc, feed_dict={x: a}))"),
        ("acc.eval({x: a})", "sess.run(acc, {x: a})"),
        ("train_op.run(feed_dict={x: a})", "sess.run(train_op, feed_dict={x: a})"),
        ("thread.run()", "thread.run()"),  # only the train op is run this way
        ("sess.eval()", "sess.eval()"),
        ("w.eval(\n    feed_dict={x: a},\n)", "sess.run(w, \n    feed_dict={x: a},\n)"),
    ],
)
def test_a_run_through_the_default_session_names_the_session(source: str, explicit: str) -> None:
    assert explicit_text(source, "sess", "train_op") == explicit
    copied = explicit_runs(ast.parse(source).body, "sess", "train_op")
    assert ast.unparse(copied[0]) == ast.unparse(ast.parse(explicit))


def test_the_copies_keep_their_positions_and_the_statements_are_not_changed() -> None:
    statements = ast.parse("for a in b:\n    print(loss.eval({x: a}))\n").body
    copied = explicit_runs(statements, "sess", "train_op")
    call = copied[0].body[0].value.args[0]  # type: ignore[attr-defined]
    assert ast.unparse(call) == "sess.run(loss, {x: a})"
    assert (call.lineno, call.col_offset, call.end_col_offset) == (2, 10, 27)
    assert "loss.eval" in ast.unparse(statements[0])
