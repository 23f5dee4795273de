"""Step 1 of the call model: each argument of a TF1 call bound to the TF1 parameter it fills."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from tf2_lsp.analysis.call_model.arguments import arguments_in_order
from tf2_lsp.analysis.call_model.stars import star_refusal
from tf2_lsp.analysis.call_model.verdict import CallVerdict
from tf2_lsp.catalogue.signatures import Signature


@dataclass(frozen=True, slots=True)
class BoundArgument:
    param: str  # the TF1 parameter it fills; "" for *args/**kwargs
    value: ast.expr
    positional: bool
    star: bool = False  # *args or **kwargs: passed on as written

    @property
    def keyword(self) -> str | None:
        """The keyword the TF1 call passes it by; None when passed by position."""
        return None if self.positional else self.param


@dataclass(frozen=True, slots=True)
class BoundCall:
    """A TF1 call's arguments in source order, each bound to its TF1 parameter."""

    arguments: tuple[BoundArgument, ...]
    starred: bool  # a `*args` among them (a positional argument must then keep its slot)

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(argument.param for argument in self.arguments)

    @property
    def has_stars(self) -> bool:
        return any(argument.star for argument in self.arguments)

    def given(self, param: str) -> list[ast.expr]:
        """The values passed for TF1 parameter `param`."""
        return [argument.value for argument in self.arguments if argument.param == param]


def bind_tf1(call: ast.Call, tf1: Signature, short: str) -> BoundCall | CallVerdict:
    """The call bound to TF1 `short`'s signature, or the refusal when it does not bind (or
    when a `*args` hides which slot a later argument fills)."""
    bound: list[BoundArgument] = []
    starred = False
    for index, item in enumerate(arguments_in_order(call)):
        if isinstance(item, ast.Starred) or (isinstance(item, ast.keyword) and item.arg is None):
            # Passed on as written; `star_reach` vouched that whatever it fills means the
            # same in TF2 or raises there.
            starred = starred or isinstance(item, ast.Starred)
            bound.append(BoundArgument("", item.value, positional=False, star=True))
        elif isinstance(item, ast.keyword):
            assert item.arg is not None
            if tf1.param(item.arg) is None and not tf1.var_keyword:
                return CallVerdict(None, refused=f"TF1 `{short}` has no parameter `{item.arg}`")
            bound.append(BoundArgument(item.arg, item.value, positional=False))
        elif starred:
            return star_refusal()  # `f(a, *rest, b)`: no one knows which slot `b` fills
        elif index >= len(tf1.positional):
            return CallVerdict(None, refused=f"more positional arguments than TF1 `{short}` takes")
        else:
            bound.append(BoundArgument(tf1.positional[index], item, positional=True))
    return BoundCall(tuple(bound), starred)
