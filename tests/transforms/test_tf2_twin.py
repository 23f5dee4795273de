"""TF1's `_v2` transition functions -> the plain TF2 name at native level
(transforms/tf2_twin.py)."""

from __future__ import annotations

import pytest

from tests.analysis.matching.test_conditions import fixed, messages


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "xent = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=z)",
            "xent = tf.nn.softmax_cross_entropy_with_logits(y, z)",
        ),
        (
            "xent = tf.nn.softmax_cross_entropy_with_logits_v2(logits=z, labels=y, dim=-1)",
            "xent = tf.nn.softmax_cross_entropy_with_logits(y, z, axis=-1)",
        ),
        (
            "loss = tf.nn.ctc_loss_v2(labels, logits, ll, gl)",
            "loss = tf.nn.ctc_loss(labels, logits, label_length=ll, logit_length=gl)",
        ),
    ],
)
def test_v2_transition_names_get_their_tf2_name_at_native_level(before: str, after: str) -> None:
    # fixed() also runs the fix again: the TF2 form must not be read as the TF1 function of
    # the same name (no stop_gradient added, no sequence_length dropped).
    assert fixed(before, level="native") == after
    (message,) = messages(before, "native")
    assert "compat.v1" not in message


def test_tf2_twin_no_op() -> None:
    body = "xent = tf.nn.softmax_cross_entropy_with_logits(y, z)"
    assert fixed(body, level="native") == body
