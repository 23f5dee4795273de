"""How a training loop uses its Session (analysis/program/session_uses.py)."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.analysis.program.session_uses import (
    LoopGraph,
    default_session_read,
    escape,
    reads_only,
    run_detail,
    run_kind,
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


def test_a_read_through_the_default_session_is_named() -> None:
    assert default_session_read(_statement("print(w.eval())")) == "w.eval()"
    assert default_session_read(_statement("print(sess.run(w))")) is None


GRAPH = LoopGraph(
    session="sess",
    train_op="train_op",
    loss="loss",
    inputs=frozenset({"x"}),
    tensors=frozenset({"loss", "acc"}),
    initializers=frozenset({"init"}),
    variables=frozenset({"w", "b"}),
)


@pytest.mark.parametrize(
    ("source", "only"),
    [
        ("print(sess.run(w))", True),
        ("total = sess.run(w) + sess.run(b)", True),
        ("print(sess.run([w, b]))", True),
        ("print(sess.run((w, b)))", True),
        ("print(sess.run({'w': w, 'b': b}))", True),
        ("print(sess.run(loss))", False),  # `loss` is a tensor of the graph
        ("print(sess.run(norm))", False),  # not a variable: TF1 computed it again each run
        ("print(sess.run([w, loss]))", False),
        ("print(sess.run({key: w}))", False),  # a key TF1 gives back as it was
        ("print(sess.run(w, {x: a}))", False),  # fed: not a plain read
        ("print(sess.run(w), sess.graph)", False),
        ("print(w)", False),  # no read at all
        ("print(sess.run(acc, {x: a}))", True),  # an evaluation of the forward pass
        ("print(sess.run([loss, acc], feed_dict={x: a}), w)", True),
        ("print(sess.run([loss, w], feed_dict={x: a}))", False),  # a variable among them
        ("print(sess.run(acc, {x: a}), loss)", False),  # a tensor used outside the run
        ("print(sess.run(acc, {x: loss}))", False),  # a tensor fed
        ("print(sess.run({'a': acc}, {x: a}))", False),
    ],
)
def test_reads_of_variables_within_expressions(source: str, only: bool) -> None:
    assert reads_only(_statement(source), GRAPH) is only


def _qualify(node: ast.expr) -> str | None:
    text = ast.unparse(node)
    return "tensorflow." + text.removeprefix("tf.") if text.startswith("tf.") else None


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("sess.run(tf.global_variables_initializer())", "init"),
        ("sess.run(init)", "init"),
        ("sess.run(train_op, feed_dict={x: a})", "train"),
        ("sess.run([train_op, loss], {x: a})", "train"),
        ("_, l = sess.run([train_op, loss], feed_dict={x: a})", "train"),
        ("l, _, a = sess.run([loss, train_op, acc], feed_dict={x: a})", "train"),
        ("_, l, v = sess.run([train_op, loss, w], feed_dict={x: a})", None),  # a variable
        ("l, a = sess.run([loss, acc], feed_dict={x: a})", None),  # an evaluation
        ("_, l = sess.run([train_op, loss], feed_dict={x: a, y: b})", None),  # another feed
        ("v = sess.run(w)", "read"),
        ("v, c = sess.run([w, b])", "read"),
        ("values = sess.run({'w': w})", "read"),
        ("return sess.run((w, b))", "read"),
        ("v = sess.run(loss)", None),
        ("out = sess.run([train_op, loss], feed_dict={x: a})", None),  # not unpacked
    ],
)
def test_what_each_run_of_the_session_does(source: str, kind: str | None) -> None:
    statement = ast.parse(f"def f():\n    {source}").body[0]
    assert isinstance(statement, ast.FunctionDef)
    assert run_kind(statement.body[0], GRAPH, _qualify) == kind


@pytest.mark.parametrize(
    ("source", "said"),
    [
        (
            "_, l, v = sess.run([train_op, loss, w], feed_dict={x: a})",
            ": `w` is fetched with the train op, and TF1 does not say whether it is read before"
            " or after the update",
        ),
        (
            "l, a = sess.run([loss, acc], feed_dict={x: a, y: b})",
            ": it evaluates `loss`, `acc` with other feeds than the training step's arguments"
            " (`x`)",
        ),
        ("l, a = sess.run([loss, acc], feed_dict={x: a})", ""),  # an evaluation it takes
        ("print(sess.graph)", ""),
    ],
)
def test_a_run_the_step_cannot_take_says_what_it_does(source: str, said: str) -> None:
    detail = run_detail(_statement(source), GRAPH)
    assert detail.startswith(said) and bool(detail) == bool(said), detail
