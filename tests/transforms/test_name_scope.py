"""Which `tf.name_scope` calls TF2 cannot take, and which name TF2 is given
(transforms/name_scope.py); the rewrites themselves are run by the TF216 rule examples."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.transforms.name_scope import applies, chosen_name


def _call(source: str) -> ast.Call:
    node = ast.parse(source, mode="eval").body
    assert isinstance(node, ast.Call)
    return node


@pytest.mark.parametrize(
    ("source", "chosen"),
    [
        ("f(None, 'head', [x])", "default_name"),
        ("f(default_name='head')", "default_name"),
        ("f('block', 'head', [x])", "name"),
        ("f(f'b{i}', values=[x])", "name"),
        ("f(name, values=[x])", "name"),  # TF1 and TF2 both raise when it is None
        ("f(name, 'op', [x])", "either"),
        ("f(self.name, 'op')", "either"),
        ("f(scope(), 'op')", None),  # evaluated once: stays on tf.compat.v1
        ("f(None, values=[x])", None),  # TF1 had no name at all
        ("f(None)", None),
    ],
)
def test_reported_calls_and_the_name_tf2_gets(source: str, chosen: str | None) -> None:
    assert applies(_call(source)) == ""
    assert chosen_name(_call(source)) == chosen


@pytest.mark.parametrize("source", ["f('x')", "f(name)", "f(name='x')", "f(*a)", "f(n, **kw)"])
def test_valid_tf2_or_unreadable_calls_are_not_reported(source: str) -> None:
    assert applies(_call(source)) is None
