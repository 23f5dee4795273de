"""Node positions in characters, and how dotted names are written."""

from __future__ import annotations

import ast

import pytest

from tests.analysis.support import TF, findings
from tf2_lsp.analysis.nodes import SourceText, attribute_chain, chain_attrs
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.text import Span


@pytest.mark.parametrize(
    ("prefix", "column"),
    [
        ("", 1),
        ("s = '你好世界'; ", 13),  # CJK: 3 UTF-8 bytes, 1 character each
        ("s = '😀'; ", 10),  # astral plane: 4 UTF-8 bytes, 2 UTF-16 units, 1 character
        ("s = 'é\t'; ", 11),
        ("x = 1;\t", 8),
    ],
)
def test_columns_count_characters_after_non_ascii_text(
    prefix: str, column: int, catalogue: Catalogue
) -> None:
    source = TF + prefix + "tf.Session()  # 注释 😀\n"
    [finding] = findings(source, catalogue)
    assert (finding.span.line, finding.span.column + 1) == (2, column)
    assert finding.span.end_column - finding.span.column == len("tf.Session")
    line = source.splitlines()[1]
    assert line[finding.span.column : finding.span.end_column] == "tf.Session"


def test_attribute_chain_of_dotted_names() -> None:
    chain = attribute_chain(expression("tf.contrib.slim"))
    assert chain is not None
    assert isinstance(chain[0], ast.Name) and chain[0].id == "tf"
    assert chain_attrs(chain) == ["contrib", "slim"]
    called = attribute_chain(expression("f().g"))
    assert called is not None and isinstance(called[0], ast.Call)
    assert chain_attrs(called) == ["g"]
    assert attribute_chain(expression("f()")) is None


def test_text_of_spells_dotted_names_and_shortens_multi_line_code() -> None:
    source = "x = tf . contrib.slim\ny = f(a,\n      b)\n"
    text = SourceText(source)
    tree = ast.parse(source)
    dotted = tree.body[0].value  # type: ignore[attr-defined]
    call = tree.body[1].value  # type: ignore[attr-defined]
    assert text.text_of(dotted) == "tf.contrib.slim"
    assert text.text_of(call) == "f(a, ..."
    assert text.span_of(call) == Span(2, 4, 3, 8)


def expression(code: str) -> ast.expr:
    return ast.parse(code, mode="eval").body
