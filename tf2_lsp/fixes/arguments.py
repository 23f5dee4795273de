"""`arguments` fixes: TF1 keywords renamed, positional arguments passed by keyword, arguments
dropped, as the rule's `arguments` table says. One plan serves both writers: libcst
(`rewrite_arguments`) and the text splices (`splice`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from tf2_lsp.catalogue.rules import ArgChange
from tf2_lsp.transforms.base import FixError
from tf2_lsp.transforms.values import keyword_arg, with_args


@dataclass(frozen=True, slots=True)
class ArgumentPlan:
    """What an `arguments` fix does to one call, decided once for both rewriters."""

    to_keyword: dict[int, str]  # positional index -> the TF2 keyword it is passed as
    renamed: dict[str, str]  # keyword -> its TF2 name
    removed: frozenset[str]  # TF1 parameters dropped (by keyword or by position)
    dropped_positions: frozenset[int]


def plan_arguments(
    change: ArgChange, positional: int, keywords: Sequence[str | None]
) -> ArgumentPlan:
    """Raises FixError where the rewrite would change what the call means."""
    common = change.stable_positions()
    to_keyword: dict[int, str] = {}
    dropped: set[int] = set()
    filled: list[str] = []  # parameters still passed positionally (a keyword must not repeat them)
    for index in range(positional):
        if index >= common:
            if index >= len(change.v1):
                raise FixError("more positional arguments than the TF1 signature takes")
            name = change.v1[index]
            if name in change.remove:
                dropped.add(index)
            else:
                to_keyword[index] = change.rename.get(name, name)
        elif index < len(change.v1):
            filled.append(change.rename.get(change.v1[index], change.v1[index]))
    passed = [k for k in keywords if k is not None]
    renamed = {k: change.rename[k] for k in passed if k in change.rename}
    removed = {k for k in passed if k in change.remove}
    removed.update(change.v1[i] for i in dropped)
    names = [*to_keyword.values(), *(renamed.get(k, k) for k in passed if k not in change.remove)]
    if len({*names, *filled}) != len(names) + len(filled):
        raise FixError("the renamed keyword is already passed")
    if change.v2:
        unknown = [n for n in names if n not in change.v2]
        if unknown:
            raise FixError(f"TF2 has no parameter `{unknown[0]}`")
    return ArgumentPlan(to_keyword, renamed, frozenset(removed), frozenset(dropped))


def rewrite_arguments(call: cst.Call, change: ArgChange) -> cst.Call:
    positional = sum(1 for arg in call.args if not arg.star and arg.keyword is None)
    plan = plan_arguments(
        change,
        positional,
        [
            arg.keyword.value if arg.keyword else None
            for arg in call.args
            if not arg.star and arg.keyword is not None
        ],
    )
    args: list[cst.Arg] = []
    position = 0
    for arg in call.args:
        if arg.star:
            args.append(arg)
            continue
        if arg.keyword is None:
            index, position = position, position + 1
            if index in plan.dropped_positions:
                continue
            if index in plan.to_keyword:
                arg = keyword_arg(plan.to_keyword[index], arg.value, arg)
            args.append(arg)
            continue
        name = arg.keyword.value
        if name in plan.removed:
            continue
        if name in plan.renamed:
            arg = arg.with_changes(keyword=cst.Name(plan.renamed[name]))
        args.append(arg)
    return with_args(call, args)
