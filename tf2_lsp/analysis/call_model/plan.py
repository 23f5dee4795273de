"""`plan_call`: the call model's three steps (bind, carry, verify) on one TF1 call."""

from __future__ import annotations

import ast

from tf2_lsp.analysis.call_model.bind import bind_tf1
from tf2_lsp.analysis.call_model.carry import carry_arguments
from tf2_lsp.analysis.call_model.parameters import Rewrite, parameter_map
from tf2_lsp.analysis.call_model.stars import star_reach, star_refusal
from tf2_lsp.analysis.call_model.verdict import UNCHANGED, CallVerdict, renamed_only
from tf2_lsp.analysis.call_model.verify import verified
from tf2_lsp.catalogue.rules import ArgChange
from tf2_lsp.catalogue.signatures import COMPAT, TF, Signatures
from tf2_lsp.transforms.base import has_star


def plan_call(
    call: ast.Call,
    symbol: str,
    target: str,
    change: ArgChange | None,
    sigs: Signatures,
) -> CallVerdict | None:
    """The call model's verdict on `call` of TF1 `symbol` rewritten to `target` (qualified).

    None when the signature data does not cover `symbol` or `target` (contrib, non-TF
    targets): the caller falls back to what the rule says.
    """
    tf1 = sigs.tf1(symbol)
    if tf1 is None:
        return None
    goal = sigs.target(target)
    if goal is None:
        return None
    if target == COMPAT + symbol.removeprefix(TF):
        return UNCHANGED  # the TF1 function itself: every valid TF1 call binds to it
    if goal is tf1 or goal == tf1:
        # The same signature under a new name (tf.log -> tf.math.log): the call binds to the
        # target exactly as it bound to TF1, *args/**kwargs included.
        return renamed_only(symbol, target)
    mapping = parameter_map(tf1, goal, symbol, target, sigs, change)
    star = star_reach(call, tf1, goal, mapping) if has_star(call) else None
    if star == "silent":
        return star_refusal()
    rewrite = Rewrite(symbol, target, tf1, goal, mapping, change, sigs)
    bound = bind_tf1(call, tf1, rewrite.short)
    if isinstance(bound, CallVerdict):
        return bound
    carried = carry_arguments(rewrite, bound)
    if isinstance(carried, CallVerdict):
        return carried
    return verified(rewrite, bound, carried, star)
