"""The runs of a Session training loop rewritten as calls of its step (transforms/session_runs.py);
the whole rewrite is tested through `tf2-lsp fix` in test_train_step.py."""

from __future__ import annotations

import ast

from tf2_lsp.transforms.session_runs import keyed_feeds


def test_a_feed_dict_given_by_name_is_keyed_by_the_step_s_parameter_names() -> None:
    source = (
        "test = {x: tx, y: ty}\n"
        "for a, b in batches:\n"
        "    feed = {y: b,\n"
        "            x: a}; other = {x: 1}\n"
        "    sess.run(train_op, feed_dict=feed)\n"
        "print(sess.run(loss, test))\n"
    )
    keyed = keyed_feeds(source, ["x", "y"], "sess")
    assert keyed == source.replace("{x: tx, y: ty}", '{"x": tx, "y": ty}').replace(
        "{y: b,\n            x: a}", '{"y": b,\n            "x": a}'
    )
    ast.parse(keyed)  # `other`, not a feed of the Session, keeps its key


def test_text_without_feed_dicts_given_by_name_is_unchanged() -> None:
    source = "sess.run(train_op, feed_dict={x: a, y: b})\n"
    assert keyed_feeds(source, ["x", "y"], "sess") == source
