"""Batch normalization in the native form of model mapping (transforms/model_keras.py):
`tf.layers.batch_normalization(h, training=is_training)` -> a Keras `BatchNormalization`
sublayer called in the mode TF1 ran it in.

TF1 put the updates of `moving_mean` and `moving_variance` into the `UPDATE_OPS` collection,
for the training code to run; a Keras layer applies them itself when it is called with
`training=True`. The two compute the same statistics (measured on TF 2.21: the same values after
the same batches, eager and `tf.function`) except where TF1 ran its fused kernel, which TF1's
layer picks for a 4-D or 5-D input unless `fused=False`: that kernel updates the moving
variance with the batch variance corrected by n/(n-1), Keras 3's layer with the plain one. So
a batch normalization qualifies only where TF1 provably did not fuse: `fused=False`, an axis
the kernel does not take, or an input whose rank is known not to be 4 or 5 (a `flatten`, a
`dense` on it).

The mode: a literal `training=True`/`False` is passed as it is, an omitted one as TF1's
default `training=False` (Keras would otherwise take the caller's mode). A value known before
the call (a parameter of the function) may be a Python bool or a tensor, as in TF1; Keras 3's
layer takes only a Python bool inside `tf.function`, so the call chooses the mode as TF1's
layer did: with `tf.keras.ops.cond`, which picks the branch at once for a bool (or a constant)
and builds both in a graph for a tensor:

    h = tf.keras.ops.cond(
        is_training,
        lambda: self.batch_normalization(h, training=True),
        lambda: self.batch_normalization(h, training=False),
    )

(`tf.cond` would build both branches for a bool too: a Keras functional model, whose layer is
built in the first branch, then fails in the second.) `tf.keras.ops` is Keras 3's, so for an
older target (TF 2.15 and before) such a function keeps the shim form.

Keras 3 takes only tensors by position, so callers must pass that parameter by keyword; a
caller in the module that passes it by position keeps the function as it is.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import FixError, Names

if TYPE_CHECKING:
    import libcst as cst

BATCH_NORM = "tensorflow.layers.batch_normalization"
# The name the form that chooses the mode when the layer runs writes (Keras 3's).
COND = "tensorflow.keras.ops.cond"
EMITS = (COND,)

# Canonical TensorFlow name of an expression, or None.
Resolve = Callable[[ast.expr], "str | None"]

_RENORM = "batch renormalization is not proven to compute TF1's statistics in Keras"
_PENALTY = "its penalty went to TF1's collections, which a Keras sublayer never fills"
# TF1 arguments with no proven counterpart on a Keras sublayer, and why.
_REFUSED = {
    "renorm": _RENORM,
    "renorm_clipping": _RENORM,
    "renorm_momentum": _RENORM,
    "virtual_batch_size": "Keras's `BatchNormalization` has no virtual batches",
    "adjustment": "Keras's `BatchNormalization` has no adjustment function",
    "beta_regularizer": _PENALTY,
    "gamma_regularizer": _PENALTY,
}
# The axes TF1's fused kernel takes (1 or 3 of a 4-D input, 1 or 4 of a 5-D one).
_FUSABLE_AXES = frozenset({-4, -3, -1, 1, 3, 4})
# The rank of a `tf.layers` call's output: a number, or "input" (the rank of its input).
_RANKS: dict[str, int | str] = {
    "tensorflow.layers.flatten": 2,
    "tensorflow.layers.conv2d": 4,
    "tensorflow.layers.max_pooling2d": 4,
    "tensorflow.layers.dense": "input",
    BATCH_NORM: "input",
}
_FUSED_VARIANCE = (
    "TF1's fused kernel updates `moving_variance` with the batch variance corrected by"
    " n/(n-1), where Keras's `BatchNormalization` takes the plain one"
)


def problems(
    statements: Sequence[ast.stmt], function: ast.FunctionDef, resolve: Resolve
) -> dict[int, str]:
    """Why each batch normalization among the straight-line `statements` of `function` keeps
    the function out of the native form, by the id of its call (absent: it qualifies)."""
    parameters = _parameters(function)
    stored = {
        n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    ranks: dict[str, int | None] = {}
    found: dict[int, str] = {}
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Call) and resolve(node.func) == BATCH_NORM:
                problem = _problem(node, ranks, resolve, parameters, stored)
                if problem:
                    found[id(node)] = problem
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    ranks[target.id] = _rank(statement.value, ranks, resolve)
    return found


def _problem(
    call: ast.Call,
    ranks: dict[str, int | None],
    resolve: Resolve,
    parameters: list[str],
    stored: set[str],
) -> str | None:
    keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
    if len(call.args) > 1:
        return "`batch_normalization` takes its arguments by keyword here"
    for name in sorted(keywords):
        if name in _REFUSED:
            return f"`{name}=`: {_REFUSED[name]}"
    if "trainable" in keywords and not _is_literal(keywords["trainable"], True):
        return (
            "`trainable=False` puts a Keras `BatchNormalization` in inference mode, where TF1"
            " still normalized by the batch and updated the statistics"
        )
    axis = keywords.get("axis")
    axis_value = _integer(axis) if axis is not None else -1
    if axis_value is None:
        return "`axis` is not one integer written in the call"
    training = keywords.get("training")
    inputs = call.args[0] if call.args else keywords.get("inputs")
    if training is not None and not _known_mode(training, parameters, stored):
        return "its `training` value is computed inside the function"
    if (
        training is not None
        and not (_is_literal(training, True) or _is_literal(training, False))
        and inputs is not None
        and any(isinstance(n, ast.Call) for n in ast.walk(inputs))
    ):
        # The mode is chosen when the layer runs: each branch would run the input's calls.
        return (
            "its input is a call and its mode is chosen when the layer runs: name the input first"
        )
    fused = keywords.get("fused")
    if fused is not None and not _is_literal(fused, None):
        if _is_literal(fused, False):
            return None
        return f"`fused=` other than `False`: {_FUSED_VARIANCE}"
    if axis_value not in _FUSABLE_AXES:
        return None  # TF1 never fused on this axis
    rank = _rank(inputs, ranks, resolve) if inputs is not None else None
    if rank is None:
        return (
            "its input's rank is not known here (TF1 fused a 4-D or 5-D one, and"
            f" {_FUSED_VARIANCE}): write `fused=False` if the input is neither"
        )
    if rank in (4, 5):
        return f"its input is {rank}-D, which TF1 fused, and {_FUSED_VARIANCE}"
    return None


def _known_mode(value: ast.expr, parameters: list[str], stored: set[str]) -> bool:
    """A literal bool, an unchanged parameter, or a value from outside the function."""
    if _is_literal(value, True) or _is_literal(value, False):
        return True
    if isinstance(value, ast.Name) and value.id in parameters:
        return value.id not in stored
    used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
    return not used & (stored | set(parameters))


def _rank(value: ast.expr, ranks: dict[str, int | None], resolve: Resolve) -> int | None:
    if isinstance(value, ast.Name):
        return ranks.get(value.id)
    if not isinstance(value, ast.Call):
        return None
    rank = _RANKS.get(resolve(value.func) or "")
    if rank != "input":
        return rank if isinstance(rank, int) else None
    inputs = value.args[0] if value.args else None
    for keyword in value.keywords:
        if keyword.arg == "inputs":
            inputs = keyword.value
    return _rank(inputs, ranks, resolve) if inputs is not None else None


def _integer(value: ast.expr) -> int | None:
    sign = 1
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub):
        sign, value = -1, value.operand
    if isinstance(value, ast.Constant) and type(value.value) is int:
        return sign * value.value
    return None


def _is_literal(value: ast.expr, constant: bool | None) -> bool:
    return isinstance(value, ast.Constant) and value.value is constant


def _parameters(function: ast.FunctionDef) -> list[str]:
    args = function.args
    return [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]


def training_parameters(function: ast.FunctionDef, resolve: Resolve) -> list[str]:
    """The function's parameters that a batch normalization takes as its `training` value."""
    parameters = _parameters(function)
    found = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and resolve(node.func) == BATCH_NORM:
            for keyword in node.keywords:
                value = keyword.value
                if (
                    keyword.arg == "training"
                    and isinstance(value, ast.Name)
                    and value.id in parameters
                    and value.id not in found
                ):
                    found.append(value.id)
    return found


def callers_problem(
    function: ast.FunctionDef, resolve: Resolve, module: Sequence[ast.stmt]
) -> str | None:
    """Why the module's own calls of `function` would break once it is a Keras 3 layer: one
    passes a mode parameter by position (Keras 3 takes only tensors so)."""
    passed = training_parameters(function, resolve)
    if not passed:
        return None
    positional = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    first = min((positional.index(p) for p in passed if p in positional), default=None)
    if first is None:
        return None
    for statement in module:
        for node in ast.walk(statement):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == function.name
            ):
                continue
            if len(node.args) > first or any(isinstance(a, ast.Starred) for a in node.args):
                name = positional[first]
                return (
                    f"the call on line {node.lineno} passes `{name}` by position, and a Keras 3"
                    f" layer takes only tensors so: pass it as `{name}=`"
                )
    return None


def keras2_problem(function: ast.FunctionDef, resolve: Resolve) -> str | None:
    """Why a target without Keras 3 cannot take this function's native form, if it cannot."""
    passed = training_parameters(function, resolve)
    if not passed:
        return None
    return (
        f"the mode `{passed[0]}` is chosen with `tf.keras.ops.cond`, which Keras 2 (TensorFlow"
        " 2.15 and before) does not have"
    )


def _has_batch_norm(function: ast.FunctionDef, resolve: Resolve) -> bool:
    return any(
        isinstance(node, ast.Call) and resolve(node.func) == BATCH_NORM
        for node in ast.walk(function)
    )


def shim_note(function: ast.FunctionDef, resolve: Resolve) -> str:
    """What the shim form's finding adds for a model with batch normalization ("" without
    one). The TF1 layer inside the shim runs its updates of the moving statistics at each
    training-mode call (eager code and `tf.function`, measured on TF 2.21), where TF1 only
    queued them: a program that never ran `UPDATE_OPS` kept its initial statistics, and its
    inference outputs after training differ from the layer's."""
    if not _has_batch_norm(function, resolve):
        return ""
    return (
        "its batch normalization updates `moving_mean` and `moving_variance` at each call in"
        " training mode, where TF1 only queued those updates in `UPDATE_OPS` for the training"
        " code to run: results after training differ where that code never ran them"
    )


def note(function: ast.FunctionDef, resolve: Resolve) -> str:
    """What the finding adds for a model with batch normalization ("" without one)."""
    if not _has_batch_norm(function, resolve):
        return ""
    passed = training_parameters(function, resolve)
    keyword = (
        f"; callers pass {', '.join(f'`{p}=`' for p in passed)} by keyword (a Python bool or"
        " a tensor)"
        if passed
        else ""
    )
    return (
        "its batch normalization updates `moving_mean` and `moving_variance` itself when"
        " called in training mode, where TF1 left those updates in `UPDATE_OPS` for the"
        f" training code to run; nothing is added to that collection any more{keyword}"
    )


def sublayer_call(
    layer: str, inputs: cst.Arg, at_call: list[cst.Arg], names: Names
) -> cst.BaseExpression:
    """The call of the sublayer `self.<layer>` in TF1's mode: `training=` as written, TF1's
    default `False` when omitted, or through `tf.keras.ops.cond` for a value that may be a
    tensor."""
    import libcst as cst

    from tf2_lsp.transforms.values import keyword_arg

    bare = inputs.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    training = [a for a in at_call if a.keyword is not None and a.keyword.value == "training"]
    if len(training) != len(at_call) or len(training) > 1:
        raise FixError("a batch normalization takes only its `training` value at call time")
    value = training[0].value if training else cst.Name("False")

    def call(mode: cst.BaseExpression) -> cst.Call:
        return cst.Call(
            func=cst.parse_expression(f"self.{layer}"),
            args=[
                bare.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                keyword_arg("training", mode),
            ],
        )

    if isinstance(value, cst.Name) and value.value in ("True", "False"):
        return call(value)
    code = cst.Module([]).code_for_node
    branches = [code(call(cst.Name(mode))) for mode in ("True", "False")]
    # libcst indents continuation lines by the enclosing block's indentation.
    inner = " " * 4
    return cst.parse_expression(
        f"{names.name(COND)}(\n{inner}{code(value)},\n"
        f"{inner}lambda: {branches[0]},\n{inner}lambda: {branches[1]},\n)"
    )
