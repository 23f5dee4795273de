"""When softmax cross-entropy needs `tf.stop_gradient` on its labels
(transforms/softmax_xent.py); the rewrite is run by the TF961 rule examples."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.transforms.softmax_xent import applies


def _call(source: str) -> ast.Call:
    node = ast.parse(source, mode="eval").body
    assert isinstance(node, ast.Call)
    return node


def test_tf1_call_applies() -> None:
    assert applies(_call("f(labels=y, logits=z)")) == ""


@pytest.mark.parametrize(
    "source",
    ["f(labels=tf.stop_gradient(y), logits=z)", "f(labels=stop_gradient(y), logits=z)", "f(y, z)"],
)
def test_already_tf2_is_not_reported(source: str) -> None:
    assert applies(_call(source)) is None


def test_dim_is_still_renamed_when_labels_stop_gradients() -> None:
    assert applies(_call("f(labels=tf.stop_gradient(y), logits=z, dim=1)")) == ""


@pytest.mark.parametrize("source", ["f(logits=z)", "f(**kw)"])
def test_refused(source: str) -> None:
    assert applies(_call(source))
