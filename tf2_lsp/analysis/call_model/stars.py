"""`*args` and `**kwargs` in a TF1 call: what they may fill in TF2, and the refusal when that
is a parameter of another meaning."""

from __future__ import annotations

import ast
from typing import Literal

from tf2_lsp.analysis.call_model.parameters import ParameterMap
from tf2_lsp.analysis.call_model.verdict import CallVerdict
from tf2_lsp.catalogue.signatures import Signature

Reach = Literal["same", "loud", "silent"]

STARS_PASSED = (
    "*args/**kwargs are passed on as written: a TF1-only parameter they name or fill raises "
    "in TensorFlow 2"
)


def star_refusal(params: tuple[str, ...] = ()) -> CallVerdict:
    return CallVerdict(
        None,
        refused="the signature changed and *args/**kwargs hide which parameter each "
        "value fills; map them by hand",
        notes=((None, "*args/**kwargs passed to a function whose signature changed"),),
        params=params,
    )


def star_reach(call: ast.Call, tf1: Signature, goal: Signature, mapping: ParameterMap) -> Reach:
    """What the call's *args/**kwargs may fill in TF2, given what they fill in TF1:

    "same" when every parameter they can reach means the same; "loud" when some may land
    where TF2 raises a TypeError (a TF1-only slot or keyword) but none on a parameter of
    another meaning; "silent" when one may (a slot whose parameter changed, a name TF2 gives
    another meaning, a converted value): only then are the explicit arguments untouchable.
    """
    starred = [i for i, a in enumerate(call.args) if isinstance(a, ast.Starred)]
    args = _args_reach(starred[0], tf1, goal, mapping) if starred else "same"
    if args == "silent":
        return "silent"
    kwargs = (
        _kwargs_reach(tf1, goal, mapping) if any(k.arg is None for k in call.keywords) else "same"
    )
    if kwargs == "silent":
        return "silent"
    return "loud" if "loud" in (args, kwargs) else "same"


def _args_reach(first: int, tf1: Signature, goal: Signature, mapping: ParameterMap) -> Reach:
    """What a `*args` at position `first` may fill: TF1's slots from there on."""
    loud = False
    for index in range(first, len(tf1.positional)):
        new, convert = mapping.get(tf1.positional[index], (None, None))
        if index < len(goal.positional):
            if convert is not None or goal.positional[index] != new:
                return "silent"
        elif goal.var_positional:
            return "silent"
        else:
            loud = True
    if tf1.var_positional and not goal.var_positional:
        loud = True
    return "loud" if loud else "same"


def _kwargs_reach(tf1: Signature, goal: Signature, mapping: ParameterMap) -> Reach:
    """What a `**kwargs` may fill: any TF1 parameter by its name."""
    loud = False
    for name in tf1.names:
        new, convert = mapping.get(name, (None, None))
        if goal.param(name) is not None:
            if (new, convert) != (name, None):
                return "silent"
        elif goal.var_keyword:
            return "silent"
        else:
            loud = True
    if tf1.var_keyword and not goal.var_keyword:
        loud = True
    return "loud" if loud else "same"
