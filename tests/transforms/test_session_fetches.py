"""What one `sess.run(...)` fetches, and what a training step returns for it
(transforms/session_fetches.py)."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.transforms.session_fetches import (
    bindings,
    evaluation_outputs,
    evaluation_runs,
    evaluation_value,
    feed_dicts,
    fetched,
    numpy_text,
    step_outputs,
    step_values,
    train_targets,
)


def _expression(source: str) -> ast.expr:
    return ast.parse(source, mode="eval").body


@pytest.mark.parametrize(
    ("fetch", "names"),
    [
        ("w", ["w"]),
        ("[w, b]", ["w", "b"]),
        ("(w, b)", ["w", "b"]),
        ("{'w': w, 'b': b}", ["w", "b"]),
        ("{key: w}", None),  # a key of any other kind
        ("[w, b[0]]", None),
        ("[]", None),
        ("w + b", None),
    ],
)
def test_a_fetch_is_a_structure_of_names(fetch: str, names: list[str] | None) -> None:
    found = fetched(_expression(fetch))
    assert (None if found is None else [n.id for n in found]) == names


@pytest.mark.parametrize(
    ("source", "pairs"),
    [
        ("_, l = sess.run([train_op, loss], {x: a})", [("l", "loss")]),
        ("l, _ = sess.run((loss, train_op), {x: a})", [("l", "loss")]),
        ("_, l, a = sess.run([train_op, loss, acc], {x: a})", [("l", "loss"), ("a", "acc")]),
        ("l, a = sess.run([loss, acc], {x: a})", None),  # no train op
        ("_, l = sess.run([train_op, train_op], {x: a})", None),
        ("out = sess.run([train_op, loss], {x: a})", None),  # not unpacked
        ("_, *rest = sess.run([train_op, loss, acc], {x: a})", None),
        ("_, l = sess.run({'t': train_op, 'l': loss}, {x: a})", None),
    ],
)
def test_the_targets_of_a_train_run(source: str, pairs: list[tuple[str, str]] | None) -> None:
    found = train_targets(ast.parse(source).body[0], "train_op")
    assert (None if found is None else [(ast.unparse(t), n) for t, n in found]) == pairs


def test_the_step_returns_what_the_loop_fetches_with_the_train_op_in_first_order() -> None:
    loop = ast.parse(
        "for _ in r:\n"
        "    sess.run(train_op, {x: a})\n"
        "    _, a = sess.run([train_op, acc], {x: a})\n"
        "    l, _, a = sess.run([loss, train_op, acc], {x: a})\n"
        "    v = other.run([train_op, norm], {x: a})\n"
    ).body
    assert step_outputs(loop, "sess", "train_op", "loss") == ["acc", "loss"]
    assert step_outputs(loop[:0], "sess", "train_op", "loss") == ["loss"]


@pytest.mark.parametrize(
    ("names", "outputs", "written"),
    [
        (["loss"], ["loss"], "train_step(a).numpy()"),
        (["loss", "acc"], ["loss", "acc"], "[value.numpy() for value in train_step(a)]"),
        (["acc"], ["loss", "acc"], "train_step(a)[1].numpy()"),
        (["acc", "loss"], ["loss", "acc"], None),  # another order: refused by detection
    ],
)
def test_how_a_run_s_targets_take_the_step_s_values(
    names: list[str], outputs: list[str], written: str | None
) -> None:
    pairs: list[tuple[ast.expr, str]] = [(ast.Name(id=n), n) for n in names]
    values = step_values(pairs, outputs)
    assert (None if values is None else values.format(call="train_step(a)")) == written


@pytest.mark.parametrize(
    ("fetch", "written"),
    [
        ("w", "w.numpy()"),
        ("[w, b]", "[w.numpy(), b.numpy()]"),
        ("(w, b)", "(w.numpy(), b.numpy())"),
        ("(w,)", "(w.numpy(),)"),
        ("{'w': w, \"b\": b}", "{'w': w.numpy(), \"b\": b.numpy()}"),
    ],
)
def test_a_read_keeps_the_structure_tf1_gave_back(fetch: str, written: str) -> None:
    assert (
        numpy_text(_expression(fetch), lambda node: fetch[node.col_offset : node.end_col_offset])
        == written
    )


def test_runs_are_taken_in_source_order_however_deep_they_sit() -> None:
    # `ast.walk` visits the shallow run first: the step's values must not depend on it.
    loop = ast.parse(
        "for _ in r:\n"
        "    if ok:\n"
        "        _, l, a = sess.run([train_op, loss, acc], {x: b})\n"
        "        print(sess.run([loss, acc], {x: b}))\n"
        "    _, a = sess.run([train_op, acc], {x: b})\n"
        "    a = sess.run(acc, {x: b})\n"
    ).body
    assert step_outputs(loop, "sess", "train_op", "loss") == ["loss", "acc"]
    runs = evaluation_runs(loop, "sess", "train_op")
    assert [(run.lineno, run.col_offset) for run in runs] == [(4, 14), (6, 8)]
    assert evaluation_outputs(runs) == ["loss", "acc"]


@pytest.mark.parametrize(
    ("run", "outputs", "written"),
    [
        ("sess.run(acc, {x: b})", ["acc"], "evaluate(b).numpy()"),
        ("sess.run(acc, {x: b})", ["loss", "acc"], "evaluate(b)[1].numpy()"),
        (
            "sess.run([loss, acc], {x: b})",
            ["loss", "acc"],
            "[value.numpy() for value in evaluate(b)]",
        ),
        (
            "sess.run((loss, acc), {x: b})",
            ["loss", "acc"],
            "tuple(value.numpy() for value in evaluate(b))",
        ),
        ("sess.run([acc], {x: b})", ["acc"], "[evaluate(b).numpy()]"),
        ("sess.run([acc, loss], {x: b})", ["loss", "acc"], None),
    ],
)
def test_an_evaluation_keeps_the_structure_tf1_gave_back(
    run: str, outputs: list[str], written: str | None
) -> None:
    call = _expression(run)
    assert isinstance(call, ast.Call)
    value = evaluation_value(call, outputs)
    assert (None if value is None else value.format(call="evaluate(b)")) == written


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("feed = {x: a, y: b}\nsess.run(train_op, feed_dict=feed)", {"feed"}),
        ("feed = {x: a, y: b}\nsess.run(train_op, feed)\nsess.run(loss, feed)", {"feed"}),
        ("feed = {x: a}\nsess.run(train_op, feed_dict=feed)", set()),  # not every input
        ("feed = {x: a, y: b}\nsess.run(train_op, feed)\nprint(feed)", set()),  # used otherwise
        ("feed = {x: a, y: b}\nsess.run(train_op, feed)\nfeed = {x: c, y: d}", set()),
        ("feed = {x: a, y: b}\nother.run(train_op, feed)", set()),  # not this Session's
        ("def feed():\n    pass\nfeed = {x: a, y: b}\nsess.run(train_op, feed)", set()),
    ],
)
def test_a_feed_dict_given_by_name_is_built_once_for_the_runs(source: str, found: set[str]) -> None:
    assert feed_dicts(ast.parse(source).body, "sess", ["x", "y"]) == found


@pytest.mark.parametrize(
    ("source", "count"),
    [
        ("train_step = opt.minimize(loss)", 1),
        ("train_step = a\ndel train_step", 2),
        ("def train_step():\n    pass", 1),
        ("from steps import train_step", 1),
        ("import train_step.more", 1),
        ("f = lambda train_step: 0", 1),
        ("print(train_step)", 0),
    ],
)
def test_every_way_a_name_is_bound_is_counted(source: str, count: int) -> None:
    assert bindings(ast.walk(ast.parse(source)), "train_step") == count
