"""TF1 functions TF2 keeps only as variable methods -> those methods
(transforms/to_method.py)."""

from __future__ import annotations

import ast

import pytest

from tests.fixes.test_apply import TF, check
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.transforms.to_method import function_to_method_applies

METHODS = [
    ("u = tf.assign_sub(v, 1.0)", "u = v.assign_sub(1.0)"),
    ("u = tf.assign_add(step, value=1)", "u = step.assign_add(1)"),
    ("u = tf.assign(ref=w, value=w0, name='reset')", "u = w.assign(w0, name='reset')"),
    ("u = tf.compat.v1.assign_sub(v, 2)", "u = v.assign_sub(2)"),
]


@pytest.mark.parametrize(("before", "after"), METHODS)
def test_native_level_calls_the_method(before: str, after: str, catalogue: Catalogue) -> None:
    check(TF + before + "\n", TF + after + "\n", catalogue, level="native")


KEPT_ON_COMPAT = [
    "u = tf.assign(v, x, validate_shape=False)",
    "u = tf.assign_add(v, 1, True)",
    "u = tf.assign_sub(self.v, 1)",
    "u = tf.assign(*args)",
]


@pytest.mark.parametrize("before", KEPT_ON_COMPAT)
def test_calls_the_method_cannot_take_keep_the_compat_function(
    before: str, catalogue: Catalogue
) -> None:
    after = before.replace("tf.", "tf.compat.v1.", 1)
    check(TF + before + "\n", TF + after + "\n", catalogue, level="native")


def test_compat_level_renames_the_function(catalogue: Catalogue) -> None:
    check(
        TF + "u = tf.assign_sub(v, 1.0)\n", TF + "u = tf.compat.v1.assign_sub(v, 1.0)\n", catalogue
    )


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        ("tf.assign(v, 1)", ""),
        ("tf.assign(v, 1, use_locking=True)", "`use_locking=`"),
        ("tf.assign(v)", "no value"),
        ("tf.assign(value=1, ref=a.b)", "plain name"),
        ("tf.assign(v, **kw)", "*args/**kwargs"),
    ],
)
def test_applies_says_why_not(call: str, reason: str) -> None:
    node = ast.parse(call, mode="eval").body
    assert isinstance(node, ast.Call)
    verdict = function_to_method_applies(node)
    assert verdict is not None and reason in verdict and (verdict == "") == (reason == "")
