"""contrib's `l1_regularizer(scale)` / `l2_regularizer(scale)`.

compat level writes TF1's exact penalty as a plain callable, `lambda w: s * tf.nn.l2_loss(w)`,
which `tf.compat.v1.get_variable` accepts where Keras 3 regularizers raise (measured on TF 2.21
graph mode: "Invalid dtype: float32_ref"). native level writes the Keras regularizer; Keras'
`l2` penalises `s * sum(w**2)`, TF1's `s * sum(w**2) / 2`, hence the factor 0.5.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import FixError, Names, Rewrite, Site, Transform, always

if TYPE_CHECKING:
    import libcst as cst


def _penalty_lambda(penalty: Callable[[Names], str]) -> Rewrite:
    """`l2_regularizer(s)` -> `lambda w: s * tf.nn.l2_loss(w)`."""

    def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
        import libcst as cst

        from tf2_lsp.transforms.values import operand, take, the_call

        scale = take(the_call(node), "scale", 0)[0]
        if scale is None:
            raise FixError("no scale argument")
        body = cst.parse_expression(penalty(names))
        return cst.Lambda(
            params=cst.Parameters(params=[cst.Param(name=cst.Name("w"))]),
            body=cst.BinaryOperation(
                left=operand(scale.value), operator=cst.Multiply(), right=body
            ),
        )

    return rewrite


def _keras(target: str, factor: str | None) -> Rewrite:
    """`l2_regularizer(s)` -> `tf.keras.regularizers.l2(0.5 * s)`."""

    def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
        import libcst as cst

        from tf2_lsp.transforms.values import renamed, scaled, take, the_call

        call = the_call(node)
        scale = take(call, "scale", 0)[0]
        if scale is None:
            raise FixError("no scale argument")
        value = scaled(factor, scale.value) if factor else scale.value
        return renamed(call, names, target).with_changes(args=[cst.Arg(value=value)])

    return rewrite


TRANSFORMS = (
    Transform(
        "l2_regularizer",
        always,
        ("tensorflow.nn.l2_loss",),
        _penalty_lambda(lambda names: f"{names.name('tensorflow.nn.l2_loss')}(w)"),
    ),
    Transform(
        "l1_regularizer",
        always,
        ("tensorflow.reduce_sum", "tensorflow.abs"),
        _penalty_lambda(
            lambda names: (
                f"{names.name('tensorflow.reduce_sum')}({names.name('tensorflow.abs')}(w))"
            )
        ),
    ),
    Transform(
        "l2_to_keras",
        always,
        ("tensorflow.keras.regularizers.l2",),
        _keras("tensorflow.keras.regularizers.l2", "0.5"),
    ),
    Transform(
        "l1_to_keras",
        always,
        ("tensorflow.keras.regularizers.l1",),
        _keras("tensorflow.keras.regularizers.l1", None),
    ),
)
