"""A Session training loop: the `tf.function` step it can become (TF918), or what holds it back
(analysis/program/train_loop.py)."""

from __future__ import annotations

import textwrap

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings

NATIVE = Settings(level="native")

LOOP = textwrap.dedent(
    """\
    import tensorflow as tf

    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.get_variable("w", [3, 1])
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(10):
            sess.run(train_op, feed_dict={x: batch})
    """
)


def _loop(source: str, catalogue: Catalogue, settings: Settings = NATIVE) -> Finding | None:
    found = [f for f in detect(source, catalogue, settings).findings if f.code == "TF918"]
    assert len(found) <= 1
    return found[0] if found else None


def test_a_self_contained_loop_is_offered_the_training_step(catalogue: Catalogue) -> None:
    finding = _loop(LOOP, catalogue)
    assert finding is not None and finding.fix is not None
    assert finding.fix.safety == "unsafe" and finding.refused is None
    assert finding.span.line == 6  # the train op
    assert (finding.anchor.line, finding.anchor.end_line) == (3, 10)


def test_the_compat_level_leaves_the_loop_alone(catalogue: Catalogue) -> None:
    assert _loop(LOOP, catalogue, Settings(level="compat")) is None


def test_code_without_a_train_op_run_by_a_session_is_not_reported(catalogue: Catalogue) -> None:
    without_session = LOOP.split("with tf.Session()")[0]
    assert _loop(without_session, catalogue) is None


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (
            (
                "sess.run(train_op, feed_dict={x: batch})",
                "sess.run(train_op, feed_dict={x: batch})\n"
                "        print(sess.run(loss, feed_dict={x: batch}, options=opts))",
            ),
            "reads the graph other than by running the train op",
        ),
        (
            (
                ".minimize(loss)",
                ".minimize(loss, global_step=tf.train.get_or_create_global_step())",
            ),
            "the global step `tf.train.get_or_create_global_step()` is not a variable created"
            " before `minimize`",
        ),
        (
            ("w = tf.get_variable", "tf.add_to_collection('extra', x)\nw = tf.get_variable"),
            "the module also uses `tensorflow.add_to_collection`",
        ),
        (
            (
                "loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))",
                "h = tf.layers.dense(x, 4)\nloss = tf.reduce_mean(h)",
            ),
            "the forward pass calls `tf.layers.dense`",
        ),
        (
            (
                "train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)",
                "opt = tf.train.GradientDescentOptimizer(0.1)\ntrain_op = opt.minimize(loss)\n"
                "slots = opt.get_slot_names()",
            ),
            "the optimizer is used beyond `minimize`",
        ),
        (
            ("tf.reduce_mean(tf.square(tf.matmul(x, w)))", "tf.reduce_mean(model(x, w))"),
            "the forward pass calls `model`",
        ),
        (
            ("tf.train.GradientDescentOptimizer(0.1)", "make_optimizer()"),
            "optimizer built in this module",
        ),
        (
            (
                "import tensorflow as tf\n",
                "import tensorflow as tf\n\ndef train_step():\n    pass\n",
            ),
            "already binds `train_step`",
        ),
        (
            (
                "    sess.run(tf.global_variables_initializer())\n",
                "    sess.run(tf.global_variables_initializer())\n"
                "    other = sess.run(x, feed_dict={x: batch})\n",
            ),
            "reads the graph other than by running the train op",
        ),
        (
            ("train_op = ", "probs = tf.nn.softmax(x)\ntrain_op = "),
            "`probs` is computed from the inputs or the variables but neither for the loss",
        ),
        (
            ("sess.run(train_op, feed_dict={x: batch})", "sess.run(train_op, feed_dict=feeds)"),
            "reads the graph other than by running the train op",
        ),
    ],
)
def test_a_loop_that_is_not_self_contained_says_what_holds_it_back(
    catalogue: Catalogue, edit: tuple[str, str], why: str
) -> None:
    old, new = edit
    assert old in LOOP
    finding = _loop(LOOP.replace(old, new), catalogue)
    assert finding is not None and finding.fix is None
    assert finding.refused is not None and why in finding.refused, finding.refused
    assert why in finding.message


def test_an_optimizer_bound_to_a_name_before_minimize_is_part_of_the_loop(
    catalogue: Catalogue,
) -> None:
    source = LOOP.replace(
        "train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)",
        "opt = tf.train.GradientDescentOptimizer(0.1)\ntrain_op = opt.minimize(loss)",
    ).replace('w = tf.get_variable("w", [3, 1])\n', "")
    source = source.replace(
        "x = tf.placeholder", 'w = tf.get_variable("w", [3, 1])\nx = tf.placeholder'
    )
    finding = _loop(source, catalogue)
    assert finding is not None and finding.fix is not None, finding
    assert finding.anchor.line == 4  # the placeholder; the optimizer comes after it


MAIN = textwrap.dedent(
    """\
    import tensorflow as tf


    def main(xs):
        x = tf.placeholder(tf.float32, [None, 3])
        w = tf.get_variable("w", [3, 1])
        loss = tf.reduce_mean(tf.matmul(x, w))
        train_op = tf.train.AdamOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train_op, feed_dict={x: xs})
            return sess.run(w)
    """
)


def test_a_loop_in_a_function_is_its_own_unit(catalogue: Catalogue) -> None:
    finding = _loop(MAIN, catalogue)
    assert finding is not None and finding.fix is not None
    assert (finding.anchor.line, finding.anchor.end_line) == (5, 12)


def test_a_loop_in_a_function_waits_for_graph_code_elsewhere_in_the_module(
    catalogue: Catalogue,
) -> None:
    source = MAIN + "\n\ndef evaluate():\n    return tf.placeholder(tf.float32)\n"
    finding = _loop(source, catalogue)
    assert finding is not None and finding.fix is None
    assert finding.refused is not None and "outside `main`" in finding.refused


def test_the_rewritten_training_function_is_not_offered_the_layer_form(
    catalogue: Catalogue,
) -> None:
    from tf2_lsp.engine import fix_all

    fixed = fix_all(MAIN, catalogue, NATIVE, unsafe=True).source
    assert "    def train_step(x):" in fixed and "return w.numpy()" in fixed
    assert "keras.layers.Layer" not in fixed  # TF938 is for forward passes, not training
    # Nothing graph-mode is left, so nothing switches TF1 behaviour back on.
    assert "disable_v2_behavior" not in fixed


def test_an_edit_inside_the_loop_is_judged_against_the_whole_module(
    catalogue: Catalogue,
) -> None:
    from tf2_lsp.analysis.incremental import reanalyse

    before = MAIN + "\n\ndef evaluate():\n    return tf.placeholder(tf.float32)\n"
    edited = before.replace("sess.run(train_op, feed_dict={x: xs})", "sess.run(train_op, {x: xs})")
    previous = detect(before, catalogue, NATIVE)
    assert reanalyse(previous, before, edited, catalogue, NATIVE) is None


NAMED = textwrap.dedent(
    """\
    import tensorflow as tf


    def train(xs, holder):
        x = tf.placeholder(tf.float32, [None, 3])
        w = tf.get_variable("w", [3, 1])
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        for _ in range(10):
            sess.run(train_op, feed_dict={x: xs})
        trained = sess.run(w)
        sess.close()
        return trained
    """
)


@pytest.mark.parametrize(
    "opened", ["tf.Session()", "tf.compat.v1.Session()", "tf.InteractiveSession()"]
)
def test_a_session_bound_to_a_name_is_offered_the_training_step(
    catalogue: Catalogue, opened: str
) -> None:
    finding = _loop(NAMED.replace("tf.Session()", opened), catalogue)
    assert finding is not None and finding.fix is not None, finding
    # From the first placeholder to `sess.close()`, the last use of the Session.
    assert (finding.anchor.line, finding.anchor.end_line) == (5, 14)


def test_at_module_level_the_loop_ends_at_the_last_use_of_the_session(
    catalogue: Catalogue,
) -> None:
    source = LOOP.replace("with tf.Session() as sess:\n", "sess = tf.Session()\n").replace(
        "\n    ", "\n"
    )
    finding = _loop(source + "print('done')\n", catalogue)
    assert finding is not None and finding.fix is not None, finding
    assert (finding.anchor.line, finding.anchor.end_line) == (3, 10)


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (
            ("    sess.close()\n    return trained\n", "    return sess\n"),
            "the Session is returned (line 14)",
        ),
        (
            ("    return trained\n", "    return trained, sess\n"),
            "the Session is returned (line 15)",
        ),
        (
            ("    sess.close()\n", "    holder.sess = sess\n"),
            "the Session is stored in `holder.sess` (line 14)",
        ),
        (
            ("    sess.close()\n", "    session = sess\n"),
            "the Session is stored in `session` (line 14)",
        ),
        (
            ("    sess.close()\n", "    report(session=sess)\n"),
            "the Session is passed to `report` (line 14)",
        ),
        (
            ("    return trained\n", "    final = sess.run(w)\n    return trained\n"),
            "the Session is used on line 15, after `sess.close()` (line 14)",
        ),
        (
            ("    sess.close()\n", "    sess.close()\n    other = tf.Session()\n"),
            "opens more than one Session (lines 9, 15)",
        ),
        (
            (
                "    for _ in",
                "    if xs is None:\n        other = tf.Session()\n    for _ in",
            ),
            "opens more than one Session (lines 9, 12)",
        ),
        (
            ("    trained = sess.run(w)\n", "    trained = w.eval()\n"),
            "`w.eval()` (line 13) reads the graph through the default Session",
        ),
        (
            ("tf.Session()", "tf.Session(config=tf.ConfigProto())"),
            "the Session is opened with arguments (`tf.Session(config=tf.ConfigProto())`)",
        ),
        (
            ("    sess.close()\n", "    if xs is not None:\n        sess.close()\n"),
            "the Session is closed inside a block (line 15)",
        ),
        (
            (
                "    sess.close()\n",
                "    def evaluate():\n        return sess.run(w)\n",
            ),
            "the Session or the graph is used in `evaluate` (line 14)",
        ),
        (
            (
                "    trained = sess.run(w)\n",
                "    trained = sess.run(w)\n    print(sess.run({'l': loss}, feed_dict={x: xs}))\n",
            ),
            "reads the graph other than by running the train op",
        ),
    ],
)
def test_a_named_session_that_escapes_the_unit_keeps_the_loop_and_says_where(
    catalogue: Catalogue, edit: tuple[str, str], why: str
) -> None:
    old, new = edit
    assert old in NAMED
    finding = _loop(NAMED.replace(old, new), catalogue)
    assert finding is not None and finding.fix is None
    assert finding.refused is not None and why in finding.refused, finding.refused
    assert why in finding.message


def test_a_module_level_session_used_by_an_earlier_function_keeps_the_loop(
    catalogue: Catalogue,
) -> None:
    source = LOOP.replace("with tf.Session() as sess:\n", "sess = tf.Session()\n").replace(
        "\n    ", "\n"
    )
    source = source.replace("x = tf.placeholder", "def close():\n    sess.close()\n\n\nx = tf.pl")
    finding = _loop(source.replace("tf.pl(", "tf.placeholder("), catalogue)
    assert finding is not None and finding.refused is not None
    assert "`sess` is used outside the training loop (line 3)" in finding.refused


@pytest.mark.parametrize(
    "run",
    [
        "    trained = w.eval()\n",
        "    print(loss.eval(feed_dict={x: batch}), w.eval())\n",
        "    train_op.run(feed_dict={x: batch})\n",
    ],
)
def test_runs_through_the_default_session_are_runs_of_the_loop(
    catalogue: Catalogue, run: str
) -> None:
    # The `with` block's Session is the default one: `w.eval()` is `sess.run(w)`.
    finding = _loop(LOOP + run, catalogue)
    assert finding is not None and finding.fix is not None, finding


@pytest.mark.parametrize(
    ("opened", "why"),
    [
        ("tf.InteractiveSession()", None),
        (
            "tf.Session()",  # not the default Session: TF1 could not run `w.eval()` either
            "`w.eval()` (line 13) reads the graph through the default Session",
        ),
    ],
)
def test_only_the_default_session_runs_what_is_not_given_a_session(
    catalogue: Catalogue, opened: str, why: str | None
) -> None:
    source = NAMED.replace("tf.Session()", opened).replace("sess.run(w)", "w.eval()")
    finding = _loop(source, catalogue)
    assert finding is not None and (finding.refused is None) == (why is None), finding
    assert why is None or (finding.refused is not None and why in finding.refused)


def test_a_session_opened_before_the_graph_is_part_of_the_loop(catalogue: Catalogue) -> None:
    source = NAMED.replace("    sess = tf.Session()\n", "").replace(
        "    x = tf.placeholder", "    sess = tf.Session()\n    x = tf.placeholder"
    )
    finding = _loop(source, catalogue)
    assert finding is not None and finding.fix is not None, finding
    assert (finding.anchor.line, finding.anchor.end_line) == (5, 14)


@pytest.mark.parametrize(
    ("read", "offered"),
    [
        ("print(sess.run(w))", True),
        ("if sess.run(w)[0] > 1:\n            break", True),
        ("print(sess.run(loss))", False),  # a tensor of the graph, not a variable
        ("print(sess.run(w), sess)", False),
    ],
)
def test_a_variable_read_inside_an_expression_is_part_of_the_loop(
    catalogue: Catalogue, read: str, offered: bool
) -> None:
    source = NAMED.replace(
        "        sess.run(train_op, feed_dict={x: xs})\n",
        f"        sess.run(train_op, feed_dict={{x: xs}})\n        {read}\n",
    )
    finding = _loop(source, catalogue)
    assert finding is not None and (finding.fix is not None) == offered, finding


def test_an_initializer_bound_to_a_name_is_run_through_it(catalogue: Catalogue) -> None:
    source = NAMED.replace(
        "    sess.run(tf.global_variables_initializer())\n",
        "    sess.run(init)\n",
    ).replace(
        "    sess = tf.Session()\n",
        "    init = tf.global_variables_initializer()\n    sess = tf.Session()\n",
    )
    finding = _loop(source, catalogue)
    assert finding is not None and finding.fix is not None, finding
    used_elsewhere = source.replace("    return trained\n", "    return trained, init\n")
    finding = _loop(used_elsewhere, catalogue)
    assert finding is not None and finding.refused is not None
    assert "`init` is used outside the training loop (line 16)" in finding.refused


def _closed_in(clauses: str) -> str:
    """NAMED with its runs in a `try` whose other clauses are `clauses`."""
    runs = (
        "        sess.run(tf.global_variables_initializer())\n"
        "        for _ in range(10):\n"
        "            sess.run(train_op, feed_dict={x: xs})\n"
        "        trained = sess.run(w)\n"
    )
    old = runs.replace("\n    ", "\n").removeprefix("    ") + "    sess.close()\n"
    assert old in NAMED
    return NAMED.replace(old, "    try:\n" + runs + textwrap.indent(clauses, "    "))


@pytest.mark.parametrize(
    "clauses",
    [
        "finally:\n    sess.close()\n",
        "except Exception:\n    sess.close()\n    raise\nfinally:\n    sess.close()\n",
        "except KeyboardInterrupt:\n    trained = None\nfinally:\n    sess.close()\n",
        "except ValueError:\n    raise\nelse:\n    print(trained)\nfinally:\n    sess.close()\n",
    ],
)
def test_a_session_closed_by_its_try_is_offered_the_training_step(
    catalogue: Catalogue, clauses: str
) -> None:
    source = _closed_in(clauses)
    finding = _loop(source, catalogue)
    assert finding is not None and finding.fix is not None, finding
    assert finding.anchor.end_line == source.count("\n") - 1  # the `try`, up to `return`


@pytest.mark.parametrize(
    ("clauses", "why"),
    [
        (  # a handler that closes and goes on: the Session is closed before it is used
            "except ValueError:\n    sess.close()\nprint(sess.run(w))\n",
            "the Session is used on line 17, after `sess.close()` (line 16)",
        ),
        ("finally:\n    if xs is None:\n        sess.close()\n", "closed inside a block (line 17)"),
    ],
)
def test_a_close_the_step_cannot_drop_keeps_the_loop(
    catalogue: Catalogue, clauses: str, why: str
) -> None:
    finding = _loop(_closed_in(clauses), catalogue)
    assert finding is not None and finding.refused is not None
    assert why in finding.refused, finding.refused


def test_a_close_in_a_try_inside_the_loop_keeps_the_loop(catalogue: Catalogue) -> None:
    old = "        sess.run(train_op, feed_dict={x: xs})\n"
    assert old in NAMED
    source = NAMED.replace(
        old,
        "        try:\n            sess.run(train_op, feed_dict={x: xs})\n"
        "        finally:\n            sess.close()\n",
    )
    finding = _loop(source, catalogue)
    assert finding is not None and finding.refused is not None
    assert "the Session is closed inside a block (line 15)" in finding.refused, finding.refused


FETCHES = LOOP.replace(
    "loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))\n",
    "pred = tf.matmul(x, w)\nloss = tf.reduce_mean(tf.square(pred))\n"
    "error = tf.reduce_mean(tf.abs(pred))\n",
)


@pytest.mark.parametrize(
    "run",
    [
        "_, l, e = sess.run([train_op, loss, error], feed_dict={x: batch})",
        "e, _ = sess.run([error, train_op], feed_dict={x: batch})",
        "_, l, e = sess.run([train_op, loss, error], {x: batch})\n"
        "        _, e = sess.run([train_op, error], {x: batch})",
        # evaluation runs: the forward pass alone, with the weights as they are
        "sess.run(train_op, feed_dict={x: batch})\n"
        "        l, e = sess.run([loss, error], feed_dict={x: batch})",
        "sess.run(train_op, feed_dict={x: batch})\n        print(sess.run(error, {x: batch}))",
    ],
)
def test_values_fetched_with_or_without_the_train_op_are_offered_the_step(
    catalogue: Catalogue, run: str
) -> None:
    source = FETCHES.replace("sess.run(train_op, feed_dict={x: batch})", run)
    finding = _loop(source, catalogue)
    assert finding is not None and finding.fix is not None, finding


@pytest.mark.parametrize(
    ("run", "why"),
    [
        (
            "_, l, v = sess.run([train_op, loss, w], feed_dict={x: batch})",
            "`w` is fetched with the train op, and TF1 does not say whether it is read before"
            " or after the update",
        ),
        (
            "_, l = sess.run([train_op, loss], feed_dict={x: batch})\n"
            "        l, e = sess.run([loss, error], feed_dict={x: batch})\n"
            "        e, l = sess.run((error, loss), feed_dict={x: batch})",
            "the evaluation runs fetch their values in different orders (line 14; the"
            " evaluation returns `loss`, `error`)",
        ),
        (
            "sess.run(train_op, feed_dict={x: batch})\n"
            "        e = sess.run(error, feed_dict={x: batch, y: labels})",
            "it evaluates `error` with other feeds than the training step's arguments (`x`)",
        ),
        (
            "_, l, e = sess.run([train_op, loss, error], {x: batch})\n"
            "        _, e, l = sess.run([train_op, error, loss], {x: batch})",
            "the train runs fetch the step's values in different orders (line 13; the step"
            " returns `loss`, `error`)",
        ),
        (
            "out = sess.run([train_op, loss], feed_dict={x: batch})",
            "reads the graph other than by running the train op",
        ),
    ],
)
def test_a_fetch_the_step_cannot_return_keeps_the_loop_and_says_why(
    catalogue: Catalogue, run: str, why: str
) -> None:
    source = FETCHES.replace("sess.run(train_op, feed_dict={x: batch})", run)
    finding = _loop(source, catalogue)
    assert finding is not None and finding.refused is not None
    assert why in finding.refused, finding.refused


@pytest.mark.parametrize(
    ("read", "offered"),
    [
        ("print(sess.run([w, w]))", True),
        ("values = sess.run({'w': w})", True),
        ("first, second = sess.run((w, w))", True),
        ("print(sess.run(size))", False),  # computed from `w`: TF1 computed it each run
    ],
)
def test_variables_read_together_are_part_of_the_loop(
    catalogue: Catalogue, read: str, offered: bool
) -> None:
    old = "        sess.run(train_op, feed_dict={x: batch})\n"
    assert old in LOOP
    source = LOOP.replace(
        "with tf.Session()", "size = tf.reduce_sum(w)\nwith tf.Session()"
    ).replace(old, f"{old}        {read}\n")
    finding = _loop(source, catalogue)
    assert finding is not None and (finding.fix is not None) == offered, finding


def test_a_tensor_computed_from_the_variables_for_the_loss_moves_with_the_forward_pass(
    catalogue: Catalogue,
) -> None:
    penalty = LOOP.replace(
        "loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))\n",
        "penalty = tf.nn.l2_loss(w)\nloss = tf.reduce_mean(tf.square(tf.matmul(x, w))) + penalty\n",
    )
    finding = _loop(penalty, catalogue)
    assert finding is not None and finding.fix is not None, finding
    unused = LOOP.replace("train_op = ", "norm = tf.norm(w)\ntrain_op = ")
    finding = _loop(unused, catalogue)
    assert finding is not None and finding.refused is not None
    assert "`norm` is computed from the inputs or the variables" in finding.refused


def test_a_train_op_called_train_step_gives_its_name_to_the_step(catalogue: Catalogue) -> None:
    source = LOOP.replace("train_op", "train_step")
    finding = _loop(source, catalogue)
    assert finding is not None and finding.fix is not None, finding
    bound_again = source + "train_step = None\n"
    finding = _loop(bound_again, catalogue)
    assert finding is not None and finding.refused is not None
    assert "already binds `train_step`" in finding.refused


@pytest.mark.parametrize(
    ("run", "offered"),
    [
        ("tf.global_variables_initializer().run()", True),
        ("init.run()", True),
        ("tf.global_variables_initializer().run(session=sess)", False),
    ],
)
def test_an_initializer_run_by_the_default_session_is_part_of_the_loop(
    catalogue: Catalogue, run: str, offered: bool
) -> None:
    old = "    sess.run(tf.global_variables_initializer())\n"
    assert old in LOOP
    source = LOOP.replace(old, f"    {run}\n").replace(
        "with tf.Session()", "init = tf.global_variables_initializer()\nwith tf.Session()"
    )
    finding = _loop(source, catalogue)
    assert finding is not None and (finding.fix is not None) == offered, finding


def test_an_evaluation_takes_a_name_of_its_own(catalogue: Catalogue) -> None:
    source = FETCHES.replace(
        "sess.run(train_op, feed_dict={x: batch})",
        "sess.run(train_op, feed_dict={x: batch})\n        e = sess.run(error, {x: batch})",
    )
    finding = _loop("def evaluate():\n    pass\n\n\n" + source, catalogue)
    assert finding is not None and finding.refused is not None
    assert "already binds `evaluate`, the name the evaluation takes" in finding.refused


@pytest.mark.parametrize(
    ("feed", "offered"),
    [
        ("feed = {x: batch}\n        sess.run(train_op, feed_dict=feed)", True),
        ("feed = {x: batch}\n        sess.run(train_op, feed)\n        print(feed)", False),
        ("feed = {x: loss}\n        sess.run(train_op, feed)", False),  # a tensor fed
        ("feed = make_feed(batch)\n        sess.run(train_op, feed)", False),
    ],
)
def test_a_feed_dict_given_by_name_is_part_of_the_loop(
    catalogue: Catalogue, feed: str, offered: bool
) -> None:
    source = LOOP.replace("sess.run(train_op, feed_dict={x: batch})", feed)
    finding = _loop(source, catalogue)
    assert finding is not None and (finding.fix is not None) == offered, finding
    if not offered:
        assert finding.refused is not None and "reads the graph" in finding.refused


def test_a_feed_dict_built_before_the_session_is_part_of_the_loop(catalogue: Catalogue) -> None:
    source = LOOP.replace("with tf.Session()", "feed = {x: data}\nwith tf.Session()").replace(
        "sess.run(train_op, feed_dict={x: batch})", "sess.run(train_op, feed_dict=feed)"
    )
    finding = _loop(source, catalogue)
    assert finding is not None and finding.fix is not None, finding


@pytest.mark.parametrize(
    ("minimize", "why"),
    [
        ("minimize(loss, global_step=step)", None),
        ("minimize(loss, global_step=other)", "the global step `other` is not a variable"),
        ("minimize(loss, var_list=[w])", "`minimize` is given `var_list`, which a training step"),
        ("minimize(loss, w)", "`minimize` is given more than the loss"),
    ],
)
def test_a_global_step_counted_by_minimize_is_part_of_the_loop(
    catalogue: Catalogue, minimize: str, why: str | None
) -> None:
    source = LOOP.replace("minimize(loss)", minimize).replace(
        "w = tf.get_variable",
        "step = tf.Variable(0, trainable=False)\nother = 0\nw = tf.get_variable",
    )
    finding = _loop(source, catalogue)
    assert finding is not None and (finding.refused is None) == (why is None), finding
    assert why is None or (finding.refused is not None and why in finding.refused)


@pytest.mark.parametrize(
    ("where", "built", "why"),
    [
        ("before the Session", "error = tf.reduce_mean(tf.abs(pred))", None),
        ("in its block", "    error = tf.reduce_mean(tf.abs(pred))", None),
        ("in its block", "    error = my_metric(pred)", "reads the graph other than by running"),
        ("after its block", "error = tf.reduce_mean(tf.abs(pred))", "is used outside the"),
    ],
)
def test_a_tensor_built_after_minimize_moves_into_what_fetches_it(
    catalogue: Catalogue, where: str, built: str, why: str | None
) -> None:
    source = FETCHES.replace("error = tf.reduce_mean(tf.abs(pred))\n", "")
    evaluation = "    print(sess.run(error, feed_dict={x: batch}))\n"
    if where == "before the Session":
        source = source.replace("with tf.Session()", f"{built}\nwith tf.Session()") + evaluation
    elif where == "in its block":
        source = source + f"{built}\n{evaluation}"
    else:
        source = source + evaluation + f"{built}\n"
    finding = _loop(source, catalogue)
    assert finding is not None and (finding.refused is None) == (why is None), finding
    assert why is None or (finding.refused is not None and why in finding.refused)
