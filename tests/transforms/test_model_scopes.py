"""Variable scopes nested in a model function's own (transforms/model_scopes.py): each becomes
a Keras name scope, so the sublayers keep TF1's checkpoint keys (the rule example TF934 #2
proves the keys and outputs on TensorFlow); scopes a name scope cannot stand for keep the
shim form, saying why."""

from __future__ import annotations

import ast
import textwrap

import pytest

from tf2_lsp import engine
from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings
from tf2_lsp.transforms import model_scopes

NATIVE = Settings(level="native")

MODEL = textwrap.dedent(
    """\
    import tensorflow as tf


    def net(x):
        with tf.variable_scope("net"):
            h = tf.layers.dense(x, 4)
            with tf.variable_scope("block"):
                h = tf.layers.dense(h, 4)
                h = tf.layers.dense(h, 4)
            with tf.variable_scope("head"):
                h = tf.layers.dense(h, 3)
            return tf.layers.dense(h, 2)
    """
)


def _model(source: str, catalogue: Catalogue, settings: Settings = NATIVE) -> Finding:
    (found,) = [
        f for f in detect(source, catalogue, settings).findings if f.code in ("TF934", "TF938")
    ]
    return found


def test_layers_are_numbered_within_each_scope_as_tf1_numbered_them(
    catalogue: Catalogue,
) -> None:
    # TF1 (TensorFlow 2.21's compat.v1 layers): net/dense, net/block/dense, net/block/dense_1,
    # net/head/dense, net/dense_1: each scope counts its own.
    assert _model(MODEL, catalogue).code == "TF934"
    fixed = engine.fix_all(MODEL, catalogue, NATIVE, unsafe=True).source
    assert 'self.dense = tf.keras.layers.Dense(4, name="dense")' in fixed
    assert 'self.block_dense = tf.keras.layers.Dense(4, name="dense")' in fixed
    assert 'self.block_dense_1 = tf.keras.layers.Dense(4, name="dense_1")' in fixed
    assert 'self.head_dense = tf.keras.layers.Dense(3, name="dense")' in fixed
    assert 'self.dense_1 = tf.keras.layers.Dense(2, name="dense_1")' in fixed
    assert 'with tf.keras.name_scope("block"):' in fixed
    assert "variable_scope" not in fixed
    ast.parse(fixed)


@pytest.mark.parametrize(
    ("scope", "why"),
    [
        ('tf.variable_scope("block", reuse=True)', "takes more than a literal name"),
        ('tf.variable_scope("a/b")', "takes more than a literal name"),
        ('tf.variable_scope("block") as scope', "is bound to a name"),
    ],
)
def test_a_scope_a_name_scope_cannot_stand_for_keeps_the_shim_form(
    catalogue: Catalogue, scope: str, why: str
) -> None:
    source = MODEL.replace('tf.variable_scope("block")', scope, 1)
    found = _model(source, catalogue)
    assert found.code == "TF938" and found.fix is not None
    assert "the variable scope on line 7 " + why in found.message


def test_a_scope_named_afresh_at_each_call_is_no_sublayer_scope(catalogue: Catalogue) -> None:
    # `default_name` numbers the scope per call (`block`, `block_1`): neither form keeps that
    # (analysis/program/model_calls.py says why), and no name scope stands for it.
    source = MODEL.replace('tf.variable_scope("block")', "tf.variable_scope(None, 'block')", 1)
    assert _model(source, catalogue).code == "TF938"


def test_a_scope_opened_twice_keeps_the_shim_form(catalogue: Catalogue) -> None:
    # TF1 numbered afresh in the reopened scope and raised "Variable net/block/dense/kernel
    # already exists": no program to keep, so no layer is made of it.
    found = _model(MODEL.replace('"head"', '"block"'), catalogue)
    assert found.code == "TF938"
    assert "the variable scope `block` is opened twice" in found.message


def test_a_keras_2_target_keeps_nested_scopes_in_the_shim_form(catalogue: Catalogue) -> None:
    found = _model(MODEL, catalogue, Settings(level="native", target_version="2.15"))
    assert found.code == "TF938"
    assert "`tf.keras.name_scope`, which Keras 2" in found.message


def test_opened_lists_the_statements_in_the_order_they_run() -> None:
    body = ast.parse(textwrap.dedent(MODEL)).body[1]
    assert isinstance(body, ast.FunctionDef) and isinstance(body.body[0], ast.With)

    def resolve(node: ast.expr) -> str | None:
        return "tensorflow." + node.attr if isinstance(node, ast.Attribute) else None

    flat, scope_calls, problem = model_scopes.opened(body.body[0].body, resolve)
    assert problem is None and len(scope_calls) == 2
    assert [s.lineno for s in flat] == [6, 8, 9, 11, 12]
