"""A Session training loop rewritten as a `tf.function` training step (transforms/train_step.py)."""

from __future__ import annotations

import textwrap

import pytest

from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

NATIVE = Settings(level="native", select=("TF918",))


def _fixed(source: str, catalogue: Catalogue) -> str:
    outcome = fix_all(textwrap.dedent(source), catalogue, NATIVE, unsafe=True)
    assert outcome.error is None
    return outcome.source


SCRIPT = """\
    import tensorflow as tf

    images = tf.placeholder(tf.float32, shape=[None, 2], name="images")
    w = tf.Variable(tf.zeros([2, 1]))
    # the forward pass
    logits = tf.matmul(images, w)
    loss = tf.reduce_sum(logits)
    train_op = tf.train.RMSPropOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for batch in batches:
            {run}
        final = sess.run(w)
    print(final)
    """


def test_the_forward_pass_moves_under_the_tape_and_the_loop_calls_the_step(
    catalogue: Catalogue,
) -> None:
    fixed = _fixed(SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})"), catalogue)
    assert fixed == textwrap.dedent(
        """\
        import tensorflow as tf

        w = tf.Variable(tf.zeros([2, 1]))
        optimizer = tf.compat.v1.train.RMSPropOptimizer(0.01)


        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
        def train_step(images):
            with tf.GradientTape() as tape:
                # the forward pass
                logits = tf.matmul(images, w)
                loss = tf.reduce_sum(logits)
            variables = [w]
            gradients = tape.gradient(loss, variables)
            optimizer.apply_gradients(zip(gradients, variables))
            return loss


        for batch in batches:
            train_step(batch)
        final = w.numpy()
        print(final)
        """
    )


@pytest.mark.parametrize(
    "run",
    [
        "l, _ = sess.run([loss, train_op], {images: batch})",
        "_, l = sess.run([train_op, loss], feed_dict={images: batch})",
    ],
)
def test_the_fetched_loss_is_what_the_step_returns(catalogue: Catalogue, run: str) -> None:
    fixed = _fixed(SCRIPT.format(run=run), catalogue)
    assert "    l = train_step(batch).numpy()\n" in fixed


def test_an_optimizer_whose_keras_form_trains_alike_becomes_keras(catalogue: Catalogue) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})").replace(
        "RMSPropOptimizer(0.01)", "AdagradOptimizer(0.01)"
    )
    assert "optimizer = tf.keras.optimizers.Adagrad(0.01, epsilon=0.0)\n" in _fixed(
        source, catalogue
    )


def test_many_inputs_put_one_spec_a_line(catalogue: Catalogue) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch, labels: b, mask: m})")
    source = source.replace(
        "    w = tf.Variable",
        "    labels = tf.placeholder(tf.float32, [None, 1])\n"
        "    mask = tf.placeholder(tf.float32, [None, 1])\n"
        "    w = tf.Variable",
    ).replace("tf.reduce_sum(logits)", "tf.reduce_sum((logits - labels) * mask)")
    fixed = _fixed(source, catalogue)
    assert (
        "@tf.function(\n    input_signature=[\n        tf.TensorSpec([None, 2], tf.float32),\n"
        in fixed
    )
    assert "def train_step(images, labels, mask):" in fixed
    assert "    train_step(batch, b, m)\n" in fixed


def test_an_optimizer_bound_to_a_name_keeps_its_name(catalogue: Catalogue) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})").replace(
        "train_op = tf.train.RMSPropOptimizer(0.01).minimize(loss)",
        "# TF1's defaults\n    opt = tf.train.AdamOptimizer()\n    train_op = opt.minimize(loss)",
    )
    fixed = _fixed(source, catalogue)
    assert (
        "# TF1's defaults\nopt = tf.keras.optimizers.Adam(epsilon=1e-08)\n\n\n@tf.function" in fixed
    )
    assert "    opt.apply_gradients(zip(gradients, variables))\n" in fixed
    assert "optimizer =" not in fixed


def test_other_statements_and_comments_in_the_range_stay_where_they_were(
    catalogue: Catalogue,
) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})").replace(
        "    train_op = tf.train.RMSPropOptimizer(0.01).minimize(loss)\n",
        "    with open(path) as handle:\n"
        "        batches = handle.read()\n"
        "    # one optimizer for the whole model\n"
        "    train_op = tf.train.RMSPropOptimizer(0.01).minimize(loss)\n",
    )
    fixed = _fixed(source, catalogue)
    assert (
        "with open(path) as handle:\n    batches = handle.read()\n"
        "# one optimizer for the whole model\n"
        "optimizer = tf.compat.v1.train.RMSPropOptimizer(0.01)\n"
    ) in fixed
    assert "for batch in batches:\n    train_step(batch)\n" in fixed


def test_a_session_bound_to_a_name_goes_with_its_close(catalogue: Catalogue) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})")
    source = source.replace(
        "    with tf.Session() as sess:\n", "    sess = tf.Session()\n    # train\n"
    ).replace("    final = sess.run(w)\n", "    final = sess.run(w)\n    sess.close()\n")
    source = source.replace("\n        ", "\n    ")
    assert "    sess.close()\n    print(final)\n" in source
    assert _fixed(source, catalogue) == textwrap.dedent(
        """\
        import tensorflow as tf

        w = tf.Variable(tf.zeros([2, 1]))
        optimizer = tf.compat.v1.train.RMSPropOptimizer(0.01)


        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
        def train_step(images):
            with tf.GradientTape() as tape:
                # the forward pass
                logits = tf.matmul(images, w)
                loss = tf.reduce_sum(logits)
            variables = [w]
            gradients = tape.gradient(loss, variables)
            optimizer.apply_gradients(zip(gradients, variables))
            return loss


        # train
        for batch in batches:
            train_step(batch)
        final = w.numpy()
        print(final)
        """
    )


def test_a_named_session_in_a_function_keeps_the_function_s_indentation(
    catalogue: Catalogue,
) -> None:
    source = """\
    import tensorflow as tf


    def fit(xs, steps):
        x = tf.placeholder(tf.float32, [None, 3])
        w = tf.get_variable("w", [3, 1])
        loss = tf.reduce_mean(tf.matmul(x, w))
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        sess = tf.compat.v1.InteractiveSession()
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            sess.run(train_op, feed_dict={x: xs})
        sess.close()
        return w
    """
    fixed = _fixed(source, catalogue)
    assert "Session" not in fixed and "close()" not in fixed
    assert "    for _ in range(steps):\n        train_step(xs)\n    return w\n" in fixed
    assert "    def train_step(x):\n" in fixed


def test_a_session_opened_before_the_graph_goes_and_its_reads_become_values(
    catalogue: Catalogue,
) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})")
    source = source.replace("    with tf.Session() as sess:\n", "").replace("\n        ", "\n    ")
    source = source.replace(
        "    import tensorflow as tf\n\n",
        "    import tensorflow as tf\n\n    sess = tf.Session()\n",
    )
    source = source.replace("final = sess.run(w)", "final = float(sess.run(w)[0, 0]) + 1")
    fixed = _fixed(source, catalogue)
    assert "Session" not in fixed and "sess" not in fixed, fixed
    assert fixed.startswith("import tensorflow as tf\n\nw = tf.Variable(tf.zeros([2, 1]))\n")
    assert "for batch in batches:\n    train_step(batch)\nfinal = float(w.numpy()[0, 0]) + 1\n" in (
        fixed
    )


def test_a_read_spanning_lines_becomes_one_value(catalogue: Catalogue) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})").replace(
        "        final = sess.run(w)\n",
        "        final = max(sess.run(\n            w\n        ))\n",
    )
    fixed = _fixed(source, catalogue)
    assert (
        "for batch in batches:\n    train_step(batch)\nfinal = max(w.numpy())\nprint(final)\n"
        in (fixed)
    )


@pytest.mark.parametrize("where", ["before the Session", "in its block"])
def test_an_initializer_bound_to_a_name_goes_with_its_run(catalogue: Catalogue, where: str) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})")
    source = source.replace(
        "        sess.run(tf.global_variables_initializer())\n", "        sess.run(init)\n"
    )
    if where == "before the Session":
        source = source.replace(
            "    with tf.Session()",
            "    init = tf.global_variables_initializer()\n    with tf.Session()",
        )
    else:
        source = source.replace(
            "        sess.run(init)\n",
            "        init = tf.global_variables_initializer()\n        sess.run(init)\n",
        )
    fixed = _fixed(source, catalogue)
    assert "init" not in fixed, fixed
    assert "    return loss\n\n\nfor batch in batches:\n    train_step(batch)\n" in fixed


def test_a_session_closed_in_finally_goes_with_its_try(catalogue: Catalogue) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})")
    source = source.replace(
        "    with tf.Session() as sess:\n", "    sess = tf.Session()\n    try:\n"
    ).replace(
        "        final = sess.run(w)\n",
        "        final = sess.run(w)\n    finally:\n        sess.close()\n",
    )
    fixed = _fixed(source, catalogue)
    assert "try" not in fixed and "sess" not in fixed, fixed
    assert fixed.endswith(
        "    return loss\n\n\nfor batch in batches:\n    train_step(batch)\nfinal = w.numpy()\n"
        "print(final)\n"
    )


def test_an_except_that_handles_the_error_keeps_the_try(catalogue: Catalogue) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})")
    source = source.replace(
        "    with tf.Session() as sess:\n", "    sess = tf.Session()\n    try:\n"
    ).replace(
        "        final = sess.run(w)\n",
        "        final = sess.run(w)\n    except KeyboardInterrupt:\n        final = None\n"
        "    finally:\n        sess.close()\n",
    )
    fixed = _fixed(source, catalogue)
    assert fixed.endswith(
        "try:\n    for batch in batches:\n        train_step(batch)\n    final = w.numpy()\n"
        "except KeyboardInterrupt:\n    final = None\nprint(final)\n"
    ), fixed


@pytest.mark.parametrize(
    ("runs", "returned", "called"),
    [
        (
            ["_, l, s = sess.run([train_op, loss, scale], feed_dict={images: batch})"],
            "    return loss, scale\n",
            ["    l, s = [value.numpy() for value in train_step(batch)]\n"],
        ),
        (
            [
                "l, _, s = sess.run([loss, train_op, scale], {images: batch})",
                "_, s = sess.run([train_op, scale], {images: batch})",
                "sess.run([train_op, loss], {images: batch})",
            ],
            "    return loss, scale\n",
            [
                "    l, s = [value.numpy() for value in train_step(batch)]\n",
                "    s = train_step(batch)[1].numpy()\n",
                "    train_step(batch)\n",
            ],
        ),
    ],
)
def test_values_fetched_with_the_train_op_are_what_the_step_returns(
    catalogue: Catalogue, runs: list[str], returned: str, called: list[str]
) -> None:
    source = SCRIPT.format(run="\n            ".join(runs)).replace(
        "    loss = tf.reduce_sum(logits)\n",
        "    loss = tf.reduce_sum(logits)\n    scale = tf.reduce_max(tf.abs(logits))\n",
    )
    fixed = _fixed(source, catalogue)
    assert "        scale = tf.reduce_max(tf.abs(logits))\n" in fixed  # under the tape
    assert returned in fixed
    for call in called:
        assert call in fixed, fixed


@pytest.mark.parametrize(
    ("read", "value"),
    [
        ("print(sess.run([w, v]))", "print([w.numpy(), v.numpy()])"),
        ("a, c = sess.run((w, v))", "a, c = (w.numpy(), v.numpy())"),
        ('params = sess.run({"w": w, "v": v})', 'params = {"w": w.numpy(), "v": v.numpy()}'),
    ],
)
def test_several_variables_read_in_one_run_keep_their_structure(
    catalogue: Catalogue, read: str, value: str
) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})")
    source = source.replace(
        "    w = tf.Variable(tf.zeros([2, 1]))\n",
        "    w = tf.Variable(tf.zeros([2, 1]))\n    v = tf.Variable(1.0)\n",
    ).replace("final = sess.run(w)", read)
    assert f"\n{value}\n" in _fixed(source, catalogue)


def test_a_tensor_computed_from_the_variables_is_computed_again_in_each_step(
    catalogue: Catalogue,
) -> None:
    # Left outside, it would be computed once, from the first values, and get no gradient.
    source = (
        SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})")
        .replace(
            "    # the forward pass\n",
            "    penalty = 0.1 * tf.nn.l2_loss(w)\n    # the forward pass\n",
        )
        .replace("tf.reduce_sum(logits)", "tf.reduce_sum(logits) + penalty")
    )
    fixed = _fixed(source, catalogue)
    assert (
        "    with tf.GradientTape() as tape:\n        penalty = 0.1 * tf.nn.l2_loss(w)\n" in fixed
    ), fixed


@pytest.mark.parametrize(
    "run", ["tf.global_variables_initializer().run()", "init.run()", "sess.run(init)"]
)
def test_an_initializer_run_by_the_default_session_goes(catalogue: Catalogue, run: str) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})")
    source = source.replace(
        "        sess.run(tf.global_variables_initializer())\n", f"        {run}\n"
    ).replace(
        "    with tf.Session()",
        "    init = tf.global_variables_initializer()\n    with tf.Session()",
    )
    fixed = _fixed(source, catalogue)
    assert "init" not in fixed and ".run(" not in fixed, fixed


def test_an_evaluation_run_calls_the_forward_pass_alone(catalogue: Catalogue) -> None:
    source = SCRIPT.format(
        run="sess.run(train_op, feed_dict={images: batch})\n"
        "            l, s = sess.run([loss, scale], {images: batch})"
    ).replace(
        "    loss = tf.reduce_sum(logits)\n",
        "    loss = tf.reduce_sum(logits)\n    # the largest logit\n"
        "    scale = tf.reduce_max(tf.abs(logits))\n",
    )
    source = source.replace("final = sess.run(w)", "final = sess.run(scale, {images: batch})")
    fixed = _fixed(source, catalogue)
    # The step computes what the loss needs; the evaluation what the runs fetch.
    assert "    return loss\n\n\n@tf.function(" in fixed
    assert "scale" not in fixed[: fixed.index("def evaluate")], fixed
    assert fixed.endswith(
        "def evaluate(images):\n"
        "    # the forward pass\n"
        "    logits = tf.matmul(images, w)\n"
        "    loss = tf.reduce_sum(logits)\n"
        "    # the largest logit\n"
        "    scale = tf.reduce_max(tf.abs(logits))\n"
        "    return loss, scale\n\n\n"
        "for batch in batches:\n"
        "    train_step(batch)\n"
        "    l, s = [value.numpy() for value in evaluate(batch)]\n"
        "final = evaluate(batch)[1].numpy()\n"
        "print(final)\n"
    ), fixed


def test_a_feed_dict_given_by_name_becomes_keyword_arguments(catalogue: Catalogue) -> None:
    source = SCRIPT.format(
        run="feed = {images: batch}\n            sess.run(train_op, feed_dict=feed)"
    ).replace("final = sess.run(w)", "final = sess.run(loss, feed)")
    fixed = _fixed(source, catalogue)
    assert (
        'for batch in batches:\n    feed = {"images": batch}\n    train_step(**feed)\n'
        "final = evaluate(**feed).numpy()\n"
    ) in fixed, fixed


def test_the_global_step_counts_each_step_and_is_not_trained(catalogue: Catalogue) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})").replace(
        "    w = tf.Variable(tf.zeros([2, 1]))\n",
        "    w = tf.Variable(tf.zeros([2, 1]))\n"
        "    step = tf.Variable(0, trainable=False)\n"
        "    scale = tf.Variable(2.0, trainable=False)\n",
    )
    source = source.replace("minimize(loss)", "minimize(loss, global_step=step)")
    source = source.replace("tf.reduce_sum(logits)", "tf.reduce_sum(logits) * scale")
    fixed = _fixed(source, catalogue)
    assert (
        "    variables = [w]\n"
        "    gradients = tape.gradient(loss, variables)\n"
        "    optimizer.apply_gradients(zip(gradients, variables))\n"
        "    step.assign_add(1)\n"
        "    return loss\n"
    ) in fixed, fixed


def test_a_tensor_built_in_the_block_moves_into_the_evaluation(catalogue: Catalogue) -> None:
    source = SCRIPT.format(run="sess.run(train_op, feed_dict={images: batch})").replace(
        "        final = sess.run(w)\n",
        "        largest = tf.reduce_max(logits)\n"
        "        final = sess.run(largest, feed_dict={images: batch})\n",
    )
    fixed = _fixed(source, catalogue)
    assert (
        "def evaluate(images):\n"
        "    # the forward pass\n"
        "    logits = tf.matmul(images, w)\n"
        "    largest = tf.reduce_max(logits)\n"
        "    return largest\n"
    ) in fixed, fixed
    assert fixed.endswith(
        "for batch in batches:\n    train_step(batch)\nfinal = evaluate(batch).numpy()\n"
        "print(final)\n"
    ), fixed


def test_runs_through_the_default_session_become_calls_and_values(catalogue: Catalogue) -> None:
    source = SCRIPT.format(run="train_op.run(feed_dict={images: batch})").replace(
        "final = sess.run(w)", "final = (w.eval(), loss.eval({images: batch}))"
    )
    fixed = _fixed(source, catalogue)
    assert fixed.endswith(
        "for batch in batches:\n    train_step(batch)\n"
        "final = (w.numpy(), evaluate(batch).numpy())\nprint(final)\n"
    ), fixed
