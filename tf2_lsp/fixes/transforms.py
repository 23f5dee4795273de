"""Registry of the fixes that need code: what each one matches and which names it can emit.

Only `ast` here: detection consults `applies` on the keystroke path. The libcst rewrites with
the same names live in `rewrites.py` and load only when a fix is applied.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

# `applies(call)` -> None: nothing to report; "": report with a fix; "reason": report, no fix.
Applies = Callable[[ast.Call], str | None]


@dataclass(frozen=True, slots=True)
class Transform:
    name: str
    applies: Applies
    emits: tuple[str, ...]  # every qualified name the rewrite can write (verified against TF)


def _keyword(call: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == name), None)


def _has_star(call: ast.Call) -> bool:
    return any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    )


def _dropout_applies(call: ast.Call) -> str | None:
    keep = _keyword(call, "keep_prob")
    positional_keep = len(call.args) >= 2 and not isinstance(call.args[1], ast.Starred)
    if keep is None and not positional_keep:
        return None
    if _keyword(call, "rate") is not None:
        return "both keep_prob and rate are passed"
    if any(isinstance(a, ast.Starred) for a in call.args):
        return "*args hides which argument is keep_prob"
    return ""


def _always(call: ast.Call) -> str | None:
    return "" if not _has_star(call) else "*args/**kwargs hide the arguments to convert"


def _xavier_applies(call: ast.Call) -> str | None:
    if _has_star(call):
        return "*args/**kwargs hide the arguments to convert"
    uniform = _keyword(call, "uniform")
    value = uniform.value if uniform else (call.args[0] if call.args else None)
    if value is not None and not (isinstance(value, ast.Constant) and value.value is True):
        # TF1's normal variant scales by 1.3 before truncating; no TF2 initializer matches it.
        return "only `uniform=True` has an exact TF2 equivalent"
    return ""


def _cast_applies(call: ast.Call) -> str | None:
    if _has_star(call) or not (call.args or _keyword(call, "x")):
        return "*args/**kwargs hide the arguments to convert"
    return ""


def _program_applies(call: ast.Call) -> str | None:
    return None


TRANSFORMS: dict[str, Transform] = {
    t.name: t
    for t in (
        Transform("dropout_keep_prob", _dropout_applies, ()),
        Transform("l2_regularizer", _always, ("tensorflow.keras.regularizers.l2",)),
        Transform("l1_regularizer", _always, ("tensorflow.keras.regularizers.l1",)),
        Transform(
            "xavier_initializer",
            _xavier_applies,
            (
"tensorflow.compat.v1.glorot_uniform_initializer",),
        ),
        Transform(
            "xavier_to_keras",
            _xavier_applies,
            ("tensorflow.keras.initializers.GlorotUniform",),
        ),
        Transform(
            "cast_to",
            _cast_applies,
            (
                "tensorflow.cast",
                "tensorflow.float32",
                "tensorflow.float64",
                "tensorflow.int32",
                "tensorflow.int64",
                "tensorflow.bfloat16",
                "tensorflow.complex64",
                "tensorflow.complex128",
            ),
        ),
        Transform("dimension_value", _always, ("tensorflow.compat.v1.dimension_value",)),
        Transform("disable_v2_behavior", _program_applies,
                  ("tensorflow.compat.v1.disable_v2_behavior",)),
        Transform("method_to_function", _always, ()),  # its targets are the rule's `to` table
        Transform("absl_app_run", _always, ("absl.app.run",)),
    )
}

# `tf.to_float(x)` -> `tf.cast(x, tf.float32)`: the dtype each converter casts to.
CAST_DTYPES = {
    "tensorflow.to_float": "tensorflow.float32",
    "tensorflow.to_double": "tensorflow.float64",
    "tensorflow.to_int32": "tensorflow.int32",
    "tensorflow.to_int64": "tensorflow.int64",
    "tensorflow.to_bfloat16": "tensorflow.bfloat16",
    "tensorflow.to_complex64": "tensorflow.complex64",
    "tensorflow.to_complex128": "tensorflow.complex128",
}
