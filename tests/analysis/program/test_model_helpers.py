"""Graph code that cannot call the model functions keeps none of them a function
(analysis/program/model_helpers.py); graph code that can still does."""

from __future__ import annotations

import ast
import textwrap

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.program.model_helpers import apart_ranges
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings

NATIVE = Settings(level="native")

MODEL = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x):
        with tf.variable_scope("tower"):
            n = shape_of(x)[-1]
            w = tf.get_variable("w", [n, 2])
            return tf.matmul(x, w)


    def shape_of(x):
        if x.shape.ndims is None:
            raise ValueError("no rank in scope %s" % tf.get_variable_scope().name)
        return x.shape.as_list()
    """
)


def _model(source: str, catalogue: Catalogue) -> Finding:
    (found,) = [f for f in detect(source, catalogue, NATIVE).findings if f.code == "TF938"]
    return found


def test_graph_state_read_by_a_helper_of_the_model_keeps_nothing_a_function(
    catalogue: Catalogue,
) -> None:
    # BERT's `assert_rank`: the scope's name read for an error message, from a function the
    # model calls, never one that calls the model.
    found = _model(MODEL, catalogue)
    assert found.fix is not None, found.message


@pytest.mark.parametrize(
    "caller",
    [
        # A function that runs the model in TF1 graph code, directly or through another.
        "def build(x):\n    with tf.Session() as session:\n        return session.run(tower(x))\n",
        "def build(x):\n    with tf.Session() as session:\n        return session.run(run(x))\n"
        "\n\ndef run(x):\n    return tower(x)\n",
        # A class whose method does (BERT's `BertModel`).
        "class Model(object):\n    def __init__(self, x):\n"
        "        with tf.variable_scope('bert'):\n            self.out = tower(x)\n",
        # Statements at the top level run on import: always callers.
        "with tf.variable_scope('model'):\n    unused = tf.get_variable('u', [1])\n",
    ],
)
def test_graph_code_that_can_run_the_model_keeps_it_a_function(
    catalogue: Catalogue, caller: str
) -> None:
    found = _model(MODEL + "\n\n" + caller, catalogue)
    assert found.fix is None
    assert "still runs TF1 graph code (`tf.compat.v1." in found.message


def test_apart_ranges_are_the_units_that_name_no_model_function() -> None:
    source = MODEL + textwrap.dedent(
        """\


        def caller(x):
            return tower(x)


        def indirect(x):
            return caller(x)


        class Apart(object):
            def f(self):
                return shape_of(1)
        """
    )
    body = ast.parse(source).body
    models = [s for s in body if isinstance(s, ast.FunctionDef) and s.name == "tower"]
    apart = apart_ranges(body, models)
    named = {
        s.name: (s.lineno, s.end_lineno)
        for s in body
        if isinstance(s, ast.stmt) and hasattr(s, "name")
    }
    assert sorted(apart) == sorted([named["shape_of"], named["Apart"]])


def test_graph_code_after_the_model_is_seen_even_when_the_model_used_the_same_names_first(
    catalogue: Catalogue,
) -> None:
    # Every use of graph state counts, not each name's first: here the model function opens
    # the module's first `variable_scope`, the class the next one, around its call.
    model = MODEL.split("\n\ndef shape_of")[0].replace("n = shape_of(x)[-1]", "n = 3")
    builder = "class Model(object):\n    def __init__(self, x):\n"
    builder += "        with tf.variable_scope('bert'):\n            self.out = tower(x)\n"
    assert _model(model, catalogue).fix is not None
    found = _model(model + "\n\n" + builder, catalogue)
    assert found.fix is None
    assert "still runs TF1 graph code (`tf.compat.v1.variable_scope`)" in found.message


def test_a_session_or_a_reader_of_the_models_variables_counts_wherever_it_is(
    catalogue: Catalogue,
) -> None:
    # Neither names the model, but a Session may run it and the list holds its variables.
    evaluate = "def evaluate():\n    with tf.Session() as session:\n"
    evaluate += "        return session.run(tf.global_variables())\n"
    found = _model(MODEL + "\n\n" + evaluate, catalogue)
    assert found.fix is None
    assert "still runs TF1 graph code (`tf.compat.v1." in found.message
