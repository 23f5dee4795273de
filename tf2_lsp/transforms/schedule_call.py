"""A TF1 learning-rate decay used as a value -> the Keras schedule called at the same step.

`tf.train.exponential_decay(0.1, step, 100, 0.5)` returned the rate at `step`, a tensor the
code could put in `tf.minimum` or a summary. Its schedule object is no such tensor (the object
form, `keras.LR_SCHEDULES`, is for a decay given straight to an optimizer); called at the step
the decay was given, `ExponentialDecay(0.1, 100, 0.5)(step)`, it is. The program unit chooses
this form (`analysis.program.units`); the rules name `lr_schedule`, its object form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import FixError, Names, Site, Transform
from tf2_lsp.transforms.call_map import refusing, remap_call
from tf2_lsp.transforms.keras import LR_SCHEDULES, SCHEDULE_TRANSFORM

if TYPE_CHECKING:
    import libcst as cst

AT_STEP_TRANSFORM = "lr_schedule_at_step"


def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
    import libcst as cst

    from tf2_lsp.transforms.values import the_call

    mapping = LR_SCHEDULES.get(site.symbol)
    if mapping is None:
        raise FixError(f"no Keras schedule for {site.symbol}")
    call = the_call(node)
    step = _argument(call, mapping.v1, mapping.drop[0])
    if step is None:
        raise FixError(f"the call passes no `{mapping.drop[0]}` to call the schedule at")
    schedule, _, _ = remap_call(call, mapping, names)
    return cst.Call(func=schedule, args=[cst.Arg(step)])


def _argument(call: cst.Call, v1: tuple[str, ...], name: str) -> cst.BaseExpression | None:
    """The value the TF1 call gives parameter `name` (by position or keyword)."""
    position = 0
    for arg in call.args:
        if arg.keyword is not None:
            if arg.keyword.value == name:
                return arg.value
        elif not arg.star:
            if position < len(v1) and v1[position] == name:
                return arg.value
            position += 1
    return None


TRANSFORMS = (
    Transform(
        AT_STEP_TRANSFORM,
        refusing(frozenset(), "Keras schedule"),
        tuple(sorted({m.target for m in LR_SCHEDULES.values()})),
        rewrite,
        maps=LR_SCHEDULES,
        variant_of=SCHEDULE_TRANSFORM,
    ),
)
