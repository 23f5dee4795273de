"""A TF1 model function -> a Keras layer whose `call` keeps the body (transforms/model_shim.py)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from tf2_lsp.fixes.imports import Renderer
from tf2_lsp.transforms.model_shim import class_name, refusal, replace

TF = {"tf": "tensorflow"}


def _replace(source: str) -> tuple[str, list[str]]:
    renderer = Renderer(dict(TF), {"tf"})
    return replace(textwrap.dedent(source), renderer), renderer.new_imports


def test_the_function_becomes_a_layer_and_an_instance_under_its_name() -> None:
    new, imports = _replace(
        '''\
        def tower(x, units=4):
            """The shared tower."""
            s = """
        kept as written
        """
            with tf.variable_scope("tower"):  # a comment
                return tf.layers.dense(x, units)
        '''
    )
    assert new == textwrap.dedent(
        '''\
        class Tower(tf.keras.layers.Layer):
            @tf.compat.v1.keras.utils.track_tf1_style_variables
            def call(self, x, units=4):
                """The shared tower."""
                s = """
        kept as written
        """
                with tf.variable_scope("tower"):  # a comment
                    return tf.layers.dense(x, units)


        tower = Tower()
        '''
    )
    assert imports == []
    ast.parse(new)


def test_comments_above_the_function_stay_above_the_class() -> None:
    new, _ = _replace("# The model.\ndef net(x):\n    return tf.get_variable('w', [1]) * x\n")
    assert new.startswith("# The model.\nclass Net(tf.keras.layers.Layer):\n")


def test_names_come_through_the_files_imports() -> None:
    renderer = Renderer({"tf1": "tensorflow.compat.v1", "tf2": "tensorflow"}, {"tf1", "tf2"})
    new = replace("def net(x):\n    return x\n", renderer)
    assert "class Net(tf2.keras.layers.Layer):" in new
    assert "@tf1.keras.utils.track_tf1_style_variables" in new


@pytest.mark.parametrize(
    ("function", "name"),
    [("tower", "Tower"), ("conv_tower_fn", "ConvTowerFn"), ("_private", "Private")],
)
def test_class_names(function: str, name: str) -> None:
    assert class_name(function) == name


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("@cache\ndef net(x):\n    return x\n", "decorated"),
        ("def net():\n    return 1\n", "inputs as its first argument"),
        ("def net(x, /):\n    return x\n", "inputs as its first argument"),
        ("def net(x):\n    yield x\n", "generator"),
        ("def net(x):\n    return x\nclass Net:\n    pass\n", "`Net` is taken"),
    ],
)
def test_functions_that_cannot_become_a_layer_say_why(source: str, reason: str) -> None:
    tree = ast.parse(source)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    taken = {getattr(s, "name", "") for s in tree.body}
    found = refusal(function, taken)
    assert found is not None and reason in found


def test_a_plain_model_function_is_accepted() -> None:
    function = ast.parse("def net(x, training=False):\n    return x\n").body[0]
    assert isinstance(function, ast.FunctionDef)
    assert refusal(function, {"net"}) is None
