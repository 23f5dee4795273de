"""Exact arithmetic on written numbers, and the two `1 - x` writers agree
(transforms/numbers.py, values.one_minus, positions.one_minus_text)."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from tf2_lsp.transforms import numbers
from tf2_lsp.transforms.positions import one_minus_text
from tf2_lsp.transforms.values import one_minus, scaled


@pytest.mark.parametrize(
    ("literal", "result"),
    [("0.9", "0.1"), ("1", "0.0"), ("0.8_5", "0.15"), ("1e-1", "0.9"), ("0x10", None)],
)
def test_one_minus(literal: str, result: str | None) -> None:
    assert numbers.one_minus(literal) == result


def test_times() -> None:
    assert numbers.times("0.5", "0.1") == "0.05"
    assert numbers.times("0.5", "0b1") is None


@pytest.mark.parametrize(
    "value", ["0.9", "1", "0x10", "keep", "cfg.keep", "f(x)", "x[0]", "a + b", "-0.1", "'s'"]
)
def test_libcst_and_text_writers_agree(value: str) -> None:
    written = cst.Module([]).code_for_node(one_minus(cst.parse_expression(value)))
    node = ast.parse(f"({value})", mode="eval").body
    assert one_minus_text(node, value) == written


def test_scaled_keeps_expressions_and_computes_literals() -> None:
    code = cst.Module([]).code_for_node
    assert code(scaled("0.5", cst.parse_expression("0.1"))) == "0.05"
    assert code(scaled("0.5", cst.parse_expression("a + b"))) == "0.5 * (a + b)"
