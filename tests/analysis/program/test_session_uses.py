"""How a training loop uses its Session (analysis/program/session_uses.py)."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.analysis.program.session_uses import (
    default_session_read,
    escape,
    is_close,
    reads_only,
)


def _statement(source: str) -> ast.stmt:
    return ast.parse(source).body[0]


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("return sess", "the Session is returned (line 1)"),
        ("return w, (sess, 1)", "the Session is returned (line 1)"),
        ("yield sess", "the Session is yielded (line 1)"),
        ("self.sess = sess", "the Session is stored in `self.sess` (line 1)"),
        ("cache['s'] = [sess]", "the Session is stored in `cache['s']` (line 1)"),
        ("evaluate(model, sess)", "the Session is passed to `evaluate` (line 1)"),
        ("log.info('x', session=sess)", "the Session is passed to `log.info` (line 1)"),
        ("ok = sess is None", "the Session is used as a value (`sess is None`, line 1)"),
        ("with sess:\n    pass", "the Session is used as a value (`sess`, line 1)"),
    ],
)
def test_each_way_the_session_leaves_the_unit_is_said(source: str, said: str) -> None:
    found = escape(_statement(source), "sess")
    assert found is not None and found.startswith(said), found


@pytest.mark.parametrize(
    "source",
    ["sess.run(train_op, feed_dict={x: a})", "v = sess.run(w)", "sess.close()", "other(session)"],
)
def test_calling_the_session_s_methods_does_not_let_it_escape(source: str) -> None:
    assert escape(_statement(source), "sess") is None


def test_only_a_bare_close_of_this_session_is_a_close() -> None:
    assert is_close(_statement("sess.close()"), "sess")
    assert not is_close(_statement("other.close()"), "sess")
    assert not is_close(_statement("done = sess.close()"), "sess")
    assert not is_close(_statement("sess.close(1)"), "sess")


def test_a_read_through_the_default_session_is_named() -> None:
    assert default_session_read(_statement("print(w.eval())")) == "w.eval()"
    assert default_session_read(_statement("print(sess.run(w))")) is None


@pytest.mark.parametrize(
    ("source", "only"),
    [
        ("print(sess.run(w))", True),
        ("total = sess.run(w) + sess.run(b)", True),
        ("print(sess.run(loss))", False),  # `loss` is a tensor of the graph
        ("print(sess.run(w, {x: a}))", False),  # fed: not a plain read
        ("print(sess.run([w, b]))", False),
        ("print(sess.run(w), sess.graph)", False),
        ("print(w)", False),  # no read at all
    ],
)
def test_reads_of_variables_within_expressions(source: str, only: bool) -> None:
    assert reads_only(_statement(source), "sess", {"loss", "x", "train_op"}) is only
