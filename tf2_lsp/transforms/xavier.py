"""contrib's `xavier_initializer(uniform=True)`: exactly Glorot uniform.

TF1's normal variant scales by 1.3 before truncating; no TF2 initializer matches it, so only
`uniform=True` (the default) is fixed.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import STARRED, Names, Rewrite, Site, Transform, has_star, keyword

if TYPE_CHECKING:
    import libcst as cst


def applies(call: ast.Call) -> str | None:
    if has_star(call):
        return STARRED
    uniform = keyword(call, "uniform")
    value = uniform.value if uniform else (call.args[0] if call.args else None)
    if value is not None and not (isinstance(value, ast.Constant) and value.value is True):
        return "only `uniform=True` has an exact TF2 equivalent"
    return ""


def _glorot(target: str, keep_dtype: bool) -> Rewrite:
    def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
        from tf2_lsp.transforms.values import keyword_arg, renamed, take, the_call, with_args

        call = the_call(node)
        seed = take(call, "seed", 1)[0]
        dtype = take(call, "dtype", 2)[0]
        args = [keyword_arg("seed", seed.value)] if seed is not None else []
        if dtype is not None and keep_dtype:
            args.append(keyword_arg("dtype", dtype.value))
        return with_args(renamed(call, names, target).with_changes(args=[]), args)

    return rewrite


_COMPAT = "tensorflow.compat.v1.glorot_uniform_initializer"
_KERAS = "tensorflow.keras.initializers.GlorotUniform"

TRANSFORMS = (
    Transform("xavier_initializer", applies, (_COMPAT,), _glorot(_COMPAT, keep_dtype=True)),
    Transform("xavier_to_keras", applies, (_KERAS,), _glorot(_KERAS, keep_dtype=False)),
)
