"""When `xavier_initializer` has an exact TF2 equivalent (transforms/xavier.py); the rewrites
are run by the TF403 rule examples."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.transforms.xavier import applies


def _call(source: str) -> ast.Call:
    node = ast.parse(source, mode="eval").body
    assert isinstance(node, ast.Call)
    return node


@pytest.mark.parametrize("source", ["f()", "f(True)", "f(uniform=True, seed=1)"])
def test_uniform_applies(source: str) -> None:
    assert applies(_call(source)) == ""


@pytest.mark.parametrize("source", ["f(False)", "f(uniform=u)", "f(*a)"])
def test_normal_or_unknown_is_refused(source: str) -> None:
    assert applies(_call(source))
