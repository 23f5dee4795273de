"""A call's arguments as the call model reads them (`arguments`)."""

from __future__ import annotations

import ast

import pytest

from tests.analysis.call_model.support import call_of
from tf2_lsp.analysis.call_model.arguments import (
    arguments_in_order,
    literal,
    same_value,
    short_source,
)


def test_arguments_come_in_source_order_with_a_star_after_a_keyword_in_its_place() -> None:
    items = arguments_in_order(call_of("f(a, k=1, *rest, **kw)"))
    assert [ast.unparse(item) for item in items] == ["a", "k=1", "*rest", "**kw"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [("True", (True, True)), ("-1", (True, -1)), ("[1, 2]", (True, [1, 2])), ("x", (False, None))],
)
def test_only_literals_have_a_value(code: str, expected: tuple[bool, object]) -> None:
    assert literal(ast.parse(code, mode="eval").body) == expected


def test_a_value_is_the_same_only_with_the_same_type() -> None:
    assert same_value(1, 1)
    assert not same_value(True, 1)
    assert not same_value(1, 1.0)


def test_a_long_argument_is_quoted_cut_short() -> None:
    assert short_source(ast.parse("x + 1", mode="eval").body) == "x + 1"
    long = short_source(ast.parse("a" * 50, mode="eval").body)
    assert long == "a" * 37 + "..." and len(long) == 40
