"""Step 2 of the call model: each bound TF1 argument carried onto the target function (kept,
renamed, converted, passed by keyword, or dropped when its value keeps TF1 behaviour); an
argument that cannot be carried keeps the call on `tf.compat.v1` or refuses the fix."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from tf2_lsp.analysis.call_model.arguments import (
    arguments_in_order,
    literal,
    same_value,
    short_source,
)
from tf2_lsp.analysis.call_model.bind import BoundArgument, BoundCall
from tf2_lsp.analysis.call_model.parameters import Rewrite
from tf2_lsp.analysis.call_model.stars import star_refusal
from tf2_lsp.analysis.call_model.verdict import CONVERSION_TEXT, CallVerdict, Note, display
from tf2_lsp.catalogue.rules import ArgChange
from tf2_lsp.catalogue.signatures import COMPAT, TF, Signature
from tf2_lsp.model import ArgumentEdit, CallEdit


@dataclass(frozen=True, slots=True)
class Carried:
    """The emitted call's arguments (one edit per argument not dropped) and what changed."""

    edits: tuple[ArgumentEdit, ...]
    notes: tuple[Note, ...]


def carry_arguments(rewrite: Rewrite, bound: BoundCall) -> Carried | CallVerdict:
    """Every argument of `bound` carried onto `rewrite.target`; a verdict when one cannot be
    (the call kept on tf.compat.v1, or the fix refused)."""
    carrier = _Carrier(rewrite, bound)
    for index, argument in enumerate(bound.arguments):
        stop = carrier.carry(index, argument)
        if stop is not None:
            return stop
    return Carried(tuple(carrier.edits), tuple(carrier.notes))


class _Carrier:
    """The walk over one call's arguments: the target's next positional slot, and whether
    the arguments from here on must go by keyword."""

    def __init__(self, rewrite: Rewrite, bound: BoundCall) -> None:
        self.rewrite = rewrite
        self.bound = bound
        self.tf1_slots = _tf1_slots(rewrite)
        self.edits: list[ArgumentEdit] = []
        self.notes: list[Note] = []
        self.by_keyword = False
        self.slot = 0  # next positional slot of the target

    def carry(self, index: int, argument: BoundArgument) -> CallVerdict | None:
        if argument.star:
            self.edits.append(ArgumentEdit(index, None))
            return None
        name = argument.param
        new, convert = self.rewrite.mapping.get(name, (None, None))
        if new is None and self.rewrite.tf1.param(name) is None:
            new = name  # into TF1's **kwargs: the target must take it (the verifier checks)
        if new is None:
            return self._without_counterpart(index, argument)
        if self._stays(argument, new, convert):
            self.slot += 1
            self.edits.append(ArgumentEdit(index, None))  # same slot, maybe a new name: no edit
            return None
        if argument.positional and self.bound.starred:
            # A positional argument passed by keyword from here on would shift what *args fill.
            return star_refusal(self.bound.params)
        self.by_keyword = self.by_keyword or argument.positional
        self.edits.append(ArgumentEdit(index, new, convert))
        note = _moved(index, argument, new, convert)
        if note is not None:
            self.notes.append((index, note))
        return None

    def _stays(self, argument: BoundArgument, new: str, convert: str | None) -> bool:
        """A positional argument that fills the same slot in the target (and, for a target
        TF1 had too, in TF1's reading of it)."""
        goal, slot, tf1_slots = self.rewrite.goal, self.slot, self.tf1_slots
        return (
            argument.positional
            and not self.by_keyword
            and convert is None
            and slot < len(goal.positional)
            and goal.positional[slot] == new
            and (tf1_slots is None or (slot < len(tf1_slots) and tf1_slots[slot] == new))
        )

    def _without_counterpart(self, index: int, argument: BoundArgument) -> CallVerdict | None:
        """A TF1 argument the target has no parameter for: dropped when that keeps TF1
        behaviour; else the call stays TF1's (`tf.compat.v1`) or the fix is refused."""
        name, value, change = argument.param, argument.value, self.rewrite.change
        keeps, why = keeps_tf1(self.rewrite.tf1, name, value, change)
        if not keeps and change is not None and _inert(name, self.bound, change):
            keeps, why = True, f"without `{change.inert_without[name]}` it has no effect"
        if keeps:
            self.notes.append((index, f"`{name}` was removed in TensorFlow 2; {why}: dropped"))
            # Later arguments go by keyword: read again as TF1 code (the next fix round,
            # a user's second run), a positional one would fill the dropped slot.
            self.by_keyword = True
            return None
        return _kept_on_compat(self.rewrite, index, argument, self.bound.params)


def _tf1_slots(rewrite: Rewrite) -> tuple[str, ...] | None:
    """A target that TF1 had too, with another positional order (`tf.math.argmin` took `name`
    third): its slots as TF1 read them, through TF1's own deprecated pairs (`input_tensor` is
    `input`). A positional argument stays only in a slot both readings agree on, or the next
    check would read the rewritten call as TF1 code and move it again. None for other targets."""
    target = rewrite.target
    as_tf1 = (
        rewrite.sigs.tf1(target) if target.startswith(TF) and target != rewrite.symbol else None
    )
    if as_tf1 is None:
        return None
    pairs = rewrite.sigs.aliases(target)
    return tuple(pairs.get(name, name) for name in as_tf1.positional)


def _moved(index: int, argument: BoundArgument, new: str, convert: str | None) -> str | None:
    """The note on an argument passed otherwise than TF1's call passed it."""
    name = argument.param
    if convert is not None:
        return f"`{name}` became `{new}` ({CONVERSION_TEXT[convert]})"
    if argument.positional:
        return f"the argument in position {index + 1} (`{name}`) is passed as `{new}=`"
    if new != name:
        return f"`{name}=` is `{new}=` in TensorFlow 2"
    return None


def _kept_on_compat(
    rewrite: Rewrite, index: int, argument: BoundArgument, params: tuple[str, ...]
) -> CallVerdict:
    """At the native level too: TF2 has no form of this call, and leaving the argument in
    place raises (a TypeError) where TF1 ran. So `tf.compat.v1.<same>`, if it exists."""
    name, value = argument.param, argument.value
    fallback = COMPAT + rewrite.short
    if rewrite.target != fallback and rewrite.sigs.target(fallback) is not None:
        note = (
            f"`{name}={short_source(value)}` has no TensorFlow 2 counterpart; "
            f"`{display(fallback)}` keeps TF1 behaviour"
        )
        return CallVerdict(
            CallEdit(fallback, None, ((index, note),)), notes=((index, note),), params=params
        )
    return CallVerdict(
        None,
        refused=f"`{name}={short_source(value)}` has no TensorFlow 2 counterpart and "
        "changes results",
        notes=((index, f"`{name}` was removed in TensorFlow 2 and this value matters"),),
        params=params,
    )


def _inert(name: str, bound: BoundCall, change: ArgChange) -> bool:
    """`name` does nothing in this call: the parameter it needs is not passed (or is None)."""
    needed = change.inert_without.get(name)
    if needed is None:
        return False
    given = bound.given(needed)
    return not given or (isinstance(given[0], ast.Constant) and given[0].value is None)


def keeps_tf1(
    tf1: Signature, name: str, value: ast.expr, change: ArgChange | None
) -> tuple[bool, str]:
    """Whether dropping `name=value` keeps TF1 behaviour, and why."""
    is_literal, constant = literal(value)
    if not is_literal:
        return False, ""
    if change is not None and name in change.keep:
        # The rule knows which values TF2 shares; even TF1's default may not be one of them
        # (`tf.cond(strict=False)`: TF2's cond is always strict).
        if any(same_value(constant, ast.literal_eval(v)) for v in change.keep[name]):
            return True, f"TensorFlow 2 behaves as TF1 did with `{short_source(value)}`"
        return False, ""
    param = tf1.param(name)
    if param is not None and same_value(constant, param.literal_default()):
        return True, f"`{short_source(value)}` is its TF1 default"
    return False, ""


def converted_call(call: ast.Call, convert: Mapping[str, str], target: str) -> CallEdit | None:
    """The call renamed to `target` with the keywords of `convert` (TF1 parameter ->
    "new_name:conversion") rewritten into the target's own (`num_gpus=2` -> `devices=[...]`);
    None when the call passes none of them. `conditions.changed_argument` has already
    refused the values a conversion cannot write."""
    items = arguments_in_order(call)
    edits: list[ArgumentEdit] = []
    notes: list[Note] = []
    for index, item in enumerate(items):
        name = item.arg if isinstance(item, ast.keyword) else None
        spec = convert.get(name) if name is not None else None
        if spec is None:
            edits.append(ArgumentEdit(index, name))  # as written (`**kw` too)
            continue
        new, how = spec.split(":")
        if how == "same":
            edits.append(ArgumentEdit(index, new))
            notes.append((index, f"`{name}=` is `{new}=` there"))
            continue
        edits.append(ArgumentEdit(index, new, how))
        notes.append((index, f"`{name}` became `{new}` ({CONVERSION_TEXT[how]})"))
    if not notes:
        return None
    return CallEdit(target, tuple(edits), tuple(notes))
