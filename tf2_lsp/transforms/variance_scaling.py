"""contrib's variance-scaling initializers -> TensorFlow's own, with the arguments mapped.

`tf.contrib.layers.variance_scaling_initializer(factor, mode, uniform, seed, dtype)` drew from
U(-l, l) with l = sqrt(3 * factor / n), or from a normal truncated at two standard deviations
with stddev sqrt(1.3 * factor / n); `xavier_initializer(uniform, seed, dtype)` (and its
`_conv2d` twin) is the same with factor 1 and mode FAN_AVG. TensorFlow's VarianceScaling
(`tf.compat.v1.variance_scaling_initializer`, Keras's `VarianceScaling`) computes the same
n, the same uniform limit from `scale`, and a truncated normal of stddev
sqrt(scale) / 0.87962566103423978: `scale = factor * 1.3 * 0.87962566103423978 ** 2` gives
contrib's stddev. The compat form runs the same random ops, so a seed draws the same values
(checked on TensorFlow 2.21); Keras draws its own stream. Neither goes through tf_slim, which
only copies contrib's code. `tf.compat.v1.keras.initializers.VarianceScaling` is Keras 3's
class on TensorFlow 2.16+, hence the core name.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import (
    STARRED,
    Applies,
    FixError,
    Names,
    Rewrite,
    Site,
    Transform,
    has_star,
)

if TYPE_CHECKING:
    import libcst as cst

_TRUNCATION = "0.87962566103423978"  # stddev of a unit normal truncated at two stddevs
_MODES = {"FAN_IN": "fan_in", "FAN_OUT": "fan_out", "FAN_AVG": "fan_avg"}


@dataclass(frozen=True, slots=True)
class Contrib:
    """One contrib initializer factory: its parameters in order and its defaults."""

    params: tuple[str, ...]
    factor: float
    mode: str
    uniform: bool


VARIANCE_SCALING = Contrib(("factor", "mode", "uniform", "seed", "dtype"), 2.0, "FAN_IN", False)
XAVIER = Contrib(("uniform", "seed", "dtype"), 1.0, "FAN_AVG", True)


@dataclass(frozen=True, slots=True)
class Reading:
    """What a call asks for: the distribution, the mode and the factor's value if known."""

    uniform: bool
    mode: str
    factor_value: float | None  # the factor, when it is a number literal


def read(call: ast.Call, contrib: Contrib) -> Reading | str:
    """The call's reading, or why it has none (the reason a fix is refused)."""
    if has_star(call):
        return STARRED
    if len(call.args) > len(contrib.params):
        return "more positional arguments than the contrib function takes"
    bound: dict[str, ast.expr] = dict(zip(contrib.params, call.args, strict=False))
    for keyword in call.keywords:
        if keyword.arg not in contrib.params or keyword.arg in bound:
            return f"`{keyword.arg}` is not a parameter it takes once"
        bound[keyword.arg] = keyword.value
    uniform = _literal(bound.get("uniform"), contrib.uniform)
    if not isinstance(uniform, bool):
        return "`uniform` is not a literal True or False: the distribution is unknown"
    mode = _literal(bound.get("mode"), contrib.mode)
    if not isinstance(mode, str) or mode not in _MODES:
        return "`mode` is not a literal 'FAN_IN', 'FAN_OUT' or 'FAN_AVG'"
    value = _literal(bound.get("factor"), contrib.factor)
    number = (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    )
    return Reading(uniform, mode, number)


def _literal(node: ast.expr | None, default: object) -> object:
    if node is None:
        return default
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return node  # not a literal: the caller sees an `ast.expr`


def _applies(contrib: Contrib) -> Applies:
    def applies(call: ast.Call) -> str | None:
        reading = read(call, contrib)
        return reading if isinstance(reading, str) else ""

    return applies


# Keras's initializers whose distribution equals contrib's: (factor, mode) of a uniform draw.
_KERAS_NAMED = {
    (2.0, "FAN_IN"): "tensorflow.keras.initializers.HeUniform",
    (1.0, "FAN_IN"): "tensorflow.keras.initializers.LecunUniform",
    (1.0, "FAN_AVG"): "tensorflow.keras.initializers.GlorotUniform",
}
_COMPAT = "tensorflow.compat.v1.variance_scaling_initializer"
_COMPAT_GLOROT = "tensorflow.compat.v1.glorot_uniform_initializer"
_KERAS = "tensorflow.keras.initializers.VarianceScaling"


def target(reading: Reading, keras: bool) -> str:
    """The initializer written for `reading`: a named one where it is the same draw."""
    if not reading.uniform or reading.factor_value is None:
        return _KERAS if keras else _COMPAT
    named = (reading.factor_value, reading.mode)
    if keras:
        return _KERAS_NAMED.get(named, _KERAS)
    return _COMPAT_GLOROT if named == (1.0, "FAN_AVG") else _COMPAT


def _rewrite(contrib: Contrib, keras: bool) -> Rewrite:
    def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
        import libcst as cst

        from tf2_lsp.transforms.values import (
            keyword_arg,
            operand,
            renamed,
            take,
            the_call,
            with_args,
        )

        call = the_call(node)
        # Parenthesised: a call written over lines (`layers\n    .f()`) reads only inside them.
        parsed = ast.parse(f"({cst.Module([]).code_for_node(call)})", mode="eval").body
        reading = read(parsed, contrib) if isinstance(parsed, ast.Call) else "not a call"
        if isinstance(reading, str):
            raise FixError(reading)

        def given(name: str) -> cst.BaseExpression | None:
            arg = take(call, name, contrib.params.index(name))[0]
            return arg.value if arg is not None else None

        written = target(reading, keras)
        args: list[cst.Arg] = []
        if written in (_COMPAT, _KERAS):
            factor = given("factor") if "factor" in contrib.params else None
            scale = factor if factor is not None else cst.Float(repr(contrib.factor))
            if not reading.uniform:
                correction = cst.parse_expression(f"1.3 * {_TRUNCATION} ** 2")
                scale = (
                    correction
                    if factor is None and contrib.factor == 1.0
                    else cst.BinaryOperation(operand(scale), cst.Multiply(), correction)
                )
            distribution = "uniform" if reading.uniform else "truncated_normal"
            args = [
                keyword_arg("scale", scale),
                keyword_arg("mode", cst.SimpleString(repr(_MODES[reading.mode]))),
                keyword_arg("distribution", cst.SimpleString(repr(distribution))),
            ]
        # Keras initializers take the dtype when called: it stays with the variable.
        for name in ("seed",) if keras else ("seed", "dtype"):
            value = given(name)
            if value is not None:
                args.append(keyword_arg(name, value))
        return with_args(renamed(call, names, written).with_changes(args=[]), args)

    return rewrite


_EMITS = (_COMPAT, _COMPAT_GLOROT)
_KERAS_EMITS = (_KERAS, *_KERAS_NAMED.values())

TRANSFORMS = (
    Transform(
        "variance_scaling",
        _applies(VARIANCE_SCALING),
        _EMITS,
        _rewrite(VARIANCE_SCALING, keras=False),
    ),
    Transform(
        "variance_scaling_to_keras",
        _applies(VARIANCE_SCALING),
        _KERAS_EMITS,
        _rewrite(VARIANCE_SCALING, keras=True),
    ),
    Transform("xavier_initializer", _applies(XAVIER), _EMITS, _rewrite(XAVIER, keras=False)),
    Transform("xavier_to_keras", _applies(XAVIER), _KERAS_EMITS, _rewrite(XAVIER, keras=True)),
)
