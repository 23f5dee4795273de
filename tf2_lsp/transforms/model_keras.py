"""A TF1 model function made of `tf.layers` calls -> a Keras layer with its sublayers created
once (the native form of the TF guide's "map TF1 models to TF2"): no tf_keras needed.

    def tower(x):
        with tf.variable_scope("tower"):
            h = tf.layers.dense(x, 4, name="hidden")
            return tf.layers.dense(h, 2)

becomes

    class Tower(tf.keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(name="tower", **kwargs)
            self.hidden = tf.keras.layers.Dense(4, name="hidden")
            self.dense = tf.keras.layers.Dense(2, name="dense")

        def call(self, x):
            h = self.hidden(x)
            return self.dense(h)


    tower = Tower()

The layer takes the variable scope's name and each sublayer the name TF1 gave it (its own
`name=`, else TF1's default: `dense`, `dense_1`, ... in the order they are created), so a
variable's Keras path (`tower/hidden/kernel`) is its TF1 checkpoint key. Only a function whose
body is one literal `variable_scope` holding straight-line `tf.layers` calls qualifies
(`refusal` says why another does not): a layer built in a loop or a branch, or from a value
known only at call time, has no single sublayer to create in `__init__`. Batch normalization
is a sublayer too, called in the mode TF1 ran it in (transforms/model_batch_norm.py). A weight
penalty (`kernel_regularizer`) is passed to the sublayer, whose `losses` hold it, only when the
module's readers of TF1's `REGULARIZATION_LOSSES` move with it (transforms/penalty_reader.py).
"""

from __future__ import annotations

import ast
import keyword
from collections.abc import Callable, Sequence
from dataclasses import replace as with_fields
from typing import TYPE_CHECKING

from tf2_lsp.transforms import model_batch_norm, model_scopes
from tf2_lsp.transforms.base import FixError, Names, Transform, never
from tf2_lsp.transforms.keras import KERAS_LAYERS
from tf2_lsp.transforms.layout import aligned_statement
from tf2_lsp.transforms.model_shim import class_name
from tf2_lsp.transforms.model_shim import refusal as shim_refusal
from tf2_lsp.transforms.model_variables import creates_variables

if TYPE_CHECKING:
    import libcst as cst

_LAYER = "tensorflow.keras.layers.Layer"
_SCOPE = "tensorflow.variable_scope"
_TF1_LAYERS = "tensorflow.layers."
_VARIABLES = frozenset({_SCOPE, "tensorflow.get_variable", "tensorflow.Variable"})
# The layers whose Keras class computes what the TF1 function did, with no call-time mode.
SUBLAYERS = {
    symbol: mapping
    for symbol, mapping in KERAS_LAYERS.items()
    if symbol.rsplit(".", 1)[1] in {"dense", "conv2d", "max_pooling2d", "flatten"}
}
# Batch normalization, called in TF1's mode (transforms/model_batch_norm.py); `fused=False`,
# the only `fused` it takes, is what Keras computes anyway.
SUBLAYERS[model_batch_norm.BATCH_NORM] = with_fields(
    KERAS_LAYERS[model_batch_norm.BATCH_NORM], drop=("fused",)
)
# TF1 arguments that keep a layer out of the native form: variable-scope reuse has no
# counterpart on a Keras sublayer, and Keras divides an activity penalty by the batch size.
_REFUSED_ARGUMENTS = frozenset({"activity_regularizer", "reuse", "_reuse"})
# Penalties on the layer's own weights: TF1 put them in `REGULARIZATION_LOSSES`, a Keras
# sublayer keeps them in its `losses`. They move only with the code that reads them.
PENALTIES = frozenset({"kernel_regularizer", "bias_regularizer"})
# A Keras 3 layer keeps a constraint on its Keras variable, which only Keras optimizers apply;
# TF1 set it on the TensorFlow variable, where TF1's optimizers (`tf.compat.v1` ones in TF2
# code too) apply it after each step (TF 2.21: a Keras `Dense` kernel trained by
# `tf.compat.v1.train.RMSPropOptimizer` left its clipping range at the first step).
CONSTRAINTS = frozenset(
    {
        "kernel_constraint",
        "bias_constraint",
        "depthwise_constraint",
        "pointwise_constraint",
        "beta_constraint",
        "gamma_constraint",
    }
)
# Attributes a Keras layer has already: a sublayer is stored under another name.
_LAYER_ATTRIBUTES = frozenset(
    {
        "build",
        "call",
        "dtype",
        "input",
        "losses",
        "name",
        "output",
        "trainable",
        "variables",
        "weights",
    }
)

# Canonical TensorFlow name of an expression (`tf.compat.v1.layers.dense` ->
# `tensorflow.layers.dense`), or None when it is not one.
Resolve = Callable[[ast.expr], "str | None"]


def refusal(
    function: ast.FunctionDef,
    taken: set[str],
    resolve: Resolve,
    module_functions: frozenset[str] = frozenset(),
    penalties_move: bool = False,
) -> str | None:
    """Why `function` cannot take the native form, or None when it can; `module_functions`:
    the names of the module's top-level functions (one of them may create variables that a
    Keras layer would not own); `penalties_move`: the module's readers of TF1's
    `REGULARIZATION_LOSSES` are rewritten to read the layers' `losses`, so a weight penalty
    can move onto a sublayer."""
    shim = shim_refusal(function, taken)
    if shim is not None:
        return shim
    body = function.body
    if body and _is_docstring(body[0]):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.With) or len(body[0].items) != 1:
        return "its body is not one `variable_scope` block"
    scope = body[0].items[0].context_expr
    if not (
        isinstance(scope, ast.Call)
        and resolve(scope.func) == _SCOPE
        and scope.args
        and isinstance(scope.args[0], ast.Constant)
        and isinstance(scope.args[0].value, str)
        and scope.args[0].value.isidentifier()
        and all(k.arg == "reuse" for k in scope.keywords)
        and len(scope.args) == 1
    ):
        return "its variable scope has no literal name"
    statements, nested, problem = model_scopes.opened(body[0].body, resolve)
    if problem:
        return problem
    local = _local_names(function)
    calls = [
        n
        for n in ast.walk(body[0])
        if isinstance(n, ast.Call) and n is not scope and id(n) not in nested
    ]
    callees = {id(call.func) for call in calls}
    for node in ast.walk(body[0]):
        if isinstance(node, (ast.Name, ast.Attribute)) and id(node) not in callees:
            name = resolve(node)
            if name is not None and name.startswith(_TF1_LAYERS):
                return f"`{name.removeprefix('tensorflow.')}` is used otherwise than called"
    direct = {id(call) for call in _direct_calls(statements)}
    batch_norms = model_batch_norm.problems(statements, function, resolve)
    layers = 0
    for call in calls:
        name = resolve(call.func)
        root = call.func
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in module_functions and name is None:
            shown = ast.unparse(call.func)
            return f"it runs the module's `{shown}`, whose variables the layer would not own"
        if name in _VARIABLES:
            return "it also creates variables with `get_variable` or a nested variable scope"
        if name is not None and creates_variables(name):
            shown = name.removeprefix("tensorflow.")
            return f"`{shown}` creates variables that a Keras layer's `call` would not own"
        if name is None or not name.startswith(_TF1_LAYERS):
            continue
        if name not in SUBLAYERS:
            return f"`{name.removeprefix('tensorflow.')}` has no native sublayer form here"
        if id(call) not in direct:
            return "a layer is built inside a loop, a branch or a nested expression"
        problem = batch_norms.get(id(call)) or _argument_problem(call, local, penalties_move)
        if problem:
            return problem
        layers += 1
    return None if layers else "it builds no `tf.layers` layer"


def penalised(function: ast.FunctionDef) -> bool:
    """Whether a layer call of the function is given a weight penalty (`kernel_regularizer`)."""
    return any(
        isinstance(node, ast.Call) and any(k.arg in PENALTIES for k in node.keywords)
        for node in ast.walk(function)
    )


def _argument_problem(call: ast.Call, local: set[str], penalties_move: bool) -> str | None:
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return "*args/**kwargs hide a layer's arguments"
    refused = sorted(k.arg for k in call.keywords if k.arg in _REFUSED_ARGUMENTS)
    if refused:
        return f"`{refused[0]}` has no counterpart on a Keras sublayer"
    constraint = sorted(k.arg for k in call.keywords if k.arg in CONSTRAINTS)
    if constraint:
        return (
            f"`{constraint[0]}` would stay on the Keras variable, which only Keras optimizers"
            " constrain, where TF1's optimizers applied it to the TF1 variable after each step"
        )
    penalty = sorted(k.arg for k in call.keywords if k.arg in PENALTIES)
    if penalty and not penalties_move:
        return (
            f"`{penalty[0]}` puts its penalty in TF1's `REGULARIZATION_LOSSES`, where a Keras"
            " sublayer does not: the native form keeps it (in the layer's `losses`) only where"
            " this module reads that collection, with no other graph code left, and the"
            " readers move with it"
        )
    for keyword_ in call.keywords:
        if keyword_.arg == "name" and not (
            isinstance(keyword_.value, ast.Constant) and isinstance(keyword_.value.value, str)
        ):
            return "a layer's name is not a literal"
    # (A batch normalization's `training` is the mode it runs in: model_batch_norm judges it.)
    configured = [k.value for k in call.keywords if k.arg not in ("inputs", "training")]
    for value in [*call.args[1:], *configured]:
        used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
        if used & local:
            return "a layer is configured by a value known only when the function runs"
    return None


def _local_names(function: ast.FunctionDef) -> set[str]:
    args = function.args
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _direct_calls(statements: list[ast.stmt]) -> list[ast.Call]:
    """Calls that run exactly once per call of the function, in order: the value of a
    top-level assignment, return or expression statement, or an argument of such a call."""
    found: list[ast.Call] = []

    def visit(value: ast.expr) -> None:
        if isinstance(value, ast.Call):
            for argument in [*value.args, *(k.value for k in value.keywords)]:
                visit(argument)
            found.append(value)
        elif isinstance(value, (ast.BinOp, ast.Tuple, ast.List)):
            for child in ast.iter_child_nodes(value):
                if isinstance(child, ast.expr):
                    visit(child)

    for statement in statements:
        simple = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr, ast.Return)
        if isinstance(statement, simple) and statement.value is not None:
            visit(statement.value)
    return found


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def replace(text: str, names: Names) -> str:
    """The function definition in `text` as a Keras layer with its sublayers, and the
    instance that takes the function's name."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from tf2_lsp.transforms.call_map import remap_call
    from tf2_lsp.transforms.values import keyword_arg

    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    module = wrapper.module
    positions = wrapper.resolve(PositionProvider)
    (function,) = module.body
    if not isinstance(function, cst.FunctionDef) or not isinstance(
        function.body, cst.IndentedBlock
    ):
        raise FixError("not a function definition")
    statements = list(function.body.body)
    docstring = statements[:1] if _cst_docstring(statements[0]) else []
    block = statements[len(docstring) :]
    if len(block) != 1 or not isinstance(block[0], cst.With):
        raise FixError("the body is not one `variable_scope` block")
    scope_call = block[0].items[0].item
    if not (
        isinstance(scope_call, cst.Call)
        and isinstance(scope_call.args[0].value, cst.SimpleString)
        and isinstance(block[0].body, cst.IndentedBlock)
    ):
        raise FixError("the variable scope has no literal name")
    scope_name = scope_call.args[0].value.evaluated_value
    if not isinstance(scope_name, str):
        raise FixError("the variable scope has no literal name")
    spellings = _layer_spellings(names)
    alias = names.name("tensorflow")
    scope_spellings = {f"{alias}.variable_scope", f"{alias}.compat.v1.variable_scope"}
    created: list[cst.BaseStatement] = []
    # Per nested scope (model_scopes.py): TF1 numbered unnamed layers within each scope.
    counts: dict[tuple[tuple[str, ...], str], int] = {}
    used: set[tuple[tuple[str, ...], str]] = set()
    attributes: set[str] = set()
    path: list[str] = []

    def nested_scope(node: cst.With) -> cst.SimpleString | None:
        item = node.items[0].item if len(node.items) == 1 else None
        if isinstance(item, cst.Call) and _dotted(item.func) in scope_spellings and item.args:
            value = item.args[0].value
            if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
                return value
        return None

    class Sublayers(cst.CSTTransformer):
        def visit_With(self, node: cst.With) -> bool:
            name = nested_scope(node)
            if name is not None:
                path.append(str(name.evaluated_value))
            return True

        def leave_With(self, original: cst.With, updated: cst.With) -> cst.BaseStatement:
            name = nested_scope(original)
            if name is None:
                return updated
            path.pop()
            scope = cst.Call(
                func=cst.parse_expression(names.name(model_scopes.NAME_SCOPE)),
                args=[cst.Arg(name)],
            )
            return updated.with_changes(items=[updated.items[0].with_changes(item=scope)])

        def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
            symbol = spellings.get(_dotted(updated.func))
            if symbol is None:
                return updated
            mapping = SUBLAYERS[symbol]
            constructor, inputs, at_call = remap_call(updated, mapping, names)
            if inputs is None:
                raise FixError("no input tensor to call the layer on")
            name = _literal_name(updated)
            where = tuple(path)
            if name is None:  # TF1's default: the function's name, numbered within the scope
                base = symbol.rsplit(".", 1)[1]
                count = counts.get((where, base), 0)
                name = base if not count else f"{base}_{count}"
                counts[where, base] = count + 1
                constructor = constructor.with_changes(
                    args=[
                        *_with_comma(constructor.args),
                        keyword_arg("name", cst.SimpleString(f'"{name}"')),
                    ]
                )
            if (where, name) in used:
                raise FixError(f"two layers are named `{name}`")
            used.add((where, name))
            attribute = _attribute("_".join([*where, name]))
            if attribute in attributes:
                raise FixError(f"two sublayers would be stored as `self.{attribute}`")
            attributes.add(attribute)
            target = cst.AssignTarget(cst.Attribute(cst.Name("self"), cst.Name(attribute)))
            statement = cst.SimpleStatementLine([cst.Assign(targets=[target], value=constructor)])
            place = positions[original]
            stood = text.split("\n")[place.start.line - 1 : place.end.line]
            created.append(aligned_statement(statement, stood, module.default_indent * 2))
            if symbol == model_batch_norm.BATCH_NORM:
                return model_batch_norm.sublayer_call(attribute, inputs, at_call, names)
            return cst.Call(
                func=cst.parse_expression(f"self.{attribute}"),
                args=[inputs.with_changes(comma=cst.MaybeSentinel.DEFAULT), *at_call],
            )

    body = [s.visit(Sublayers()) for s in block[0].body.body]
    if not created:
        raise FixError("no `tf.layers` call to turn into a sublayer")
    layer_class = class_name(function.name.value)
    init = cst.parse_statement(
        f'def __init__(self, **kwargs):\n    super().__init__(name="{scope_name}", **kwargs)\n'
    )
    assert isinstance(init, cst.FunctionDef) and isinstance(init.body, cst.IndentedBlock)
    init = init.with_changes(body=init.body.with_changes(body=[*init.body.body, *created]))
    params = function.params
    call = function.with_changes(
        name=cst.Name("call"),
        params=params.with_changes(params=[cst.Param(cst.Name("self")), *params.params]),
        body=function.body.with_changes(body=[*docstring, *body]),
        leading_lines=[cst.EmptyLine(indent=False)],
    )
    layer = cst.ClassDef(
        name=cst.Name(layer_class),
        bases=[cst.Arg(cst.parse_expression(names.name(_LAYER)))],
        body=cst.IndentedBlock([init, call]),
        leading_lines=function.leading_lines,
    )
    blank = cst.EmptyLine()
    instance = cst.parse_statement(f"{function.name.value} = {layer_class}()\n").with_changes(
        leading_lines=[blank, blank]
    )
    return module.with_changes(body=[layer, instance]).code


def _layer_spellings(names: Names) -> dict[str, str]:
    """How the file may write each sublayer's TF1 function: `tf.layers.dense` or
    `tf.compat.v1.layers.dense` (an earlier compat round), through its TensorFlow alias."""
    alias = names.name("tensorflow")
    spellings: dict[str, str] = {}
    for symbol in SUBLAYERS:
        short = symbol.removeprefix("tensorflow.")
        spellings[f"{alias}.{short}"] = symbol
        spellings[f"{alias}.compat.v1.{short}"] = symbol
    return spellings


def _dotted(node: cst.BaseExpression) -> str:
    import libcst as cst

    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _literal_name(call: cst.Call) -> str | None:
    import libcst as cst

    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "name":
            value = arg.value
            if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
                return value.evaluated_value
            raise FixError("a layer's name is not a literal")
    return None


def _attribute(name: str) -> str:
    attribute = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    if not attribute.isidentifier() or keyword.iskeyword(attribute):
        attribute = "layer_" + attribute
    if attribute in _LAYER_ATTRIBUTES or attribute.startswith("_"):
        attribute += "_layer"
    return attribute


def _with_comma(args: Sequence[cst.Arg]) -> list[cst.Arg]:
    import libcst as cst

    listed = list(args)
    if listed and listed[-1].comma is cst.MaybeSentinel.DEFAULT:
        listed[-1] = listed[-1].with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
    return listed


def _cst_docstring(statement: cst.BaseStatement) -> bool:
    import libcst as cst

    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


TRANSFORMS = (
    Transform(
        "tf1_model_keras",
        never,
        (
            _LAYER,
            *sorted({m.target for m in SUBLAYERS.values()}),
            *model_batch_norm.EMITS,
            model_scopes.NAME_SCOPE,
        ),
        replace=replace,
    ),
)
