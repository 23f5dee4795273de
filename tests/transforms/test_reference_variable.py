"""`tf.Variable(...)` -> `tf.compat.v1.Variable(..., use_resource=False)`
(transforms/reference_variable.py): the text splice and the libcst rewrite write the same."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings
from tf2_lsp.transforms.base import Site
from tf2_lsp.transforms.reference_variable import TARGET, rewrite, splice

TF = "import tensorflow as tf\n"
USE = "y = v._ref()\n"


class Spelled:
    def name(self, qualified: str) -> str:
        return qualified.replace("tensorflow.", "tf.", 1)


SITE = Site("tensorflow.Variable.__reference__", TARGET)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("tf.Variable(2.0)", "tf.compat.v1.Variable(2.0, use_resource=False)"),
        ("tf.Variable(2.0, name='v')", "tf.compat.v1.Variable(2.0, name='v', use_resource=False)"),
        (
            "tf.Variable(initial_value=2.0)",
            "tf.compat.v1.Variable(initial_value=2.0, use_resource=False)",
        ),
        ("tf.Variable(2.0, use_resource=False)", "tf.compat.v1.Variable(2.0, use_resource=False)"),
        (
            "tf.Variable(\n    2.0,\n)",
            "tf.compat.v1.Variable(\n    2.0,\n    use_resource=False,\n)",
        ),
        ("tf.Variable(2.0,)", "tf.compat.v1.Variable(2.0, use_resource=False,)"),
    ],
)
def test_splice_and_rewrite_agree(call: str, expected: str) -> None:
    rewritten = rewrite(cst.parse_expression(call), SITE, Spelled())
    assert cst.Module([]).code_for_node(rewritten) == expected
    spliced = splice(ast.parse(f"({call}\n)", mode="eval").body, call, SITE, Spelled())
    if spliced is None:  # a layout the splice leaves to libcst
        assert call.rstrip(")").rstrip().endswith(",")
        return
    text = call
    for start, end, new in sorted(spliced, reverse=True):
        text = text[:start] + new + text[end:]
    assert text == expected


def test_a_comment_before_the_parenthesis_stays_a_comment(catalogue: Catalogue) -> None:
    source = TF + "v = tf.Variable(2.0  # initial\n)\n" + USE
    fixed = fix_all(source, catalogue, Settings()).source
    assert "# initial" in fixed and "use_resource=False" in fixed
    assert fixed.count("use_resource") == 1
    compile(fixed, "<fixed>", "exec")
