"""When `tf.summary.FileWriter` maps onto `create_file_writer` (transforms/file_writer.py);
the rewrite is run by the TF924 rule examples."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.transforms.file_writer import applies


def _call(source: str) -> ast.Call:
    node = ast.parse(source, mode="eval").body
    assert isinstance(node, ast.Call)
    return node


def test_logdir_only_applies() -> None:
    assert applies(_call("f(d, flush_secs=10)")) == ""


@pytest.mark.parametrize("source", ["f(d, g)", "f(d, graph=g)", "f(d, session=s)", "f(*a)"])
def test_graph_or_session_is_refused(source: str) -> None:
    assert applies(_call(source))
