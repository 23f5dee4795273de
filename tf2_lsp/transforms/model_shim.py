"""A TF1 model function -> a Keras layer whose `call` runs the same body (the shim form of the
TF guide's "map TF1 models to TF2"): `def tower(x): ...` becomes

    class Tower(tf.keras.layers.Layer):
        @tf.compat.v1.keras.utils.track_tf1_style_variables
        def call(self, x): ...


    tower = Tower()

The decorator gives `variable_scope`, `get_variable` and `tf.compat.v1.layers` inside the body
TF1's meaning in eager code and in `tf.function`: variables are created on the first call and
reused on the next ones, under the names TF1 gave them (checkpoints keep their keys), and
regularization penalties land in the layer's `losses`. The instance takes the function's name,
so its callers stay as they are.
"""

from __future__ import annotations

import ast

from tf2_lsp.transforms.base import FixError, Names, Transform, never

_LAYER = "tensorflow.keras.layers.Layer"
_TRACK = "tensorflow.compat.v1.keras.utils.track_tf1_style_variables"


def class_name(function: str) -> str:
    """`tower_fn` -> `TowerFn`: the layer's class, named after the function."""
    return "".join(part[:1].upper() + part[1:] for part in function.split("_") if part) or "Model"


def refusal(function: ast.FunctionDef, taken: set[str], source: str | None = None) -> str | None:
    """Why `function` cannot become a layer this way, or None when it can. `source`: the
    function's text, when the caller has it (a body without the word needs no walk for
    `yield`: on the keystroke path the walk cost more than the rest of the check)."""
    if function.decorator_list:
        return "the function is decorated"
    if function.args.posonlyargs or not (function.args.args or function.args.vararg):
        return "a layer's `call` needs the inputs as its first argument"
    if (source is None or "yield" in source) and any(
        isinstance(node, (ast.Yield, ast.YieldFrom)) for node in ast.walk(function)
    ):
        return "the function is a generator"
    if class_name(function.name) in taken:
        return f"the name `{class_name(function.name)}` is taken in this module"
    return None


def replace(text: str, names: Names) -> str:
    """The function definition in `text` (a whole top-level statement) as the layer and the
    instance that takes its name."""
    import libcst as cst

    module = cst.parse_module(text)
    (function,) = module.body
    if not isinstance(function, cst.FunctionDef):
        raise FixError("not a function definition")
    params = function.params
    call = function.with_changes(
        name=cst.Name("call"),
        params=params.with_changes(params=[cst.Param(cst.Name("self")), *params.params]),
        decorators=[cst.Decorator(cst.parse_expression(names.name(_TRACK)))],
        leading_lines=[],
    )
    layer = cst.ClassDef(
        name=cst.Name(class_name(function.name.value)),
        bases=[cst.Arg(cst.parse_expression(names.name(_LAYER)))],
        body=cst.IndentedBlock([call]),
        leading_lines=function.leading_lines,
    )
    blank = cst.EmptyLine()
    instance = cst.parse_statement(
        f"{function.name.value} = {class_name(function.name.value)}()\n"
    ).with_changes(leading_lines=[blank, blank])
    return module.with_changes(body=[layer, instance]).code


TRANSFORMS = (
    Transform(
        "tf1_model_shim", never, (_LAYER, _TRACK), replace=replace, legacy_keras=frozenset({_TRACK})
    ),
)
