"""What a transform is: when it applies (`ast`), what it emits, and how it rewrites the code.

Detection imports every transform module on the keystroke path, so nothing here or in a
transform module imports libcst at module level: `import libcst` costs ~200 ms (measured with
`python -X importtime`: libcst 158-238 ms against 80-127 ms for all of `tf2_lsp.analysis.detect`),
and each `check` worker process would pay it. A rewrite imports libcst inside its function, so
libcst loads on the planner's first rewrite. A function-level import is thread-safe (the import
system locks each module), which `importlib.util.LazyLoader` is not on Python 3.11.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import libcst as cst


class FixError(Exception):
    """A fix cannot be applied to this code; the finding stays, with this reason."""


class Names(Protocol):
    """Spells a qualified name through the file's imports (`fixes.imports.Renderer`)."""

    def name(self, qualified: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Site:
    """What a rewrite knows of its finding: the matched TF1 symbol and the rule's own target
    for it (`to`, for the transforms whose target is rule data)."""

    symbol: str
    target: str | None


# (start, end, replacement): character offsets into the text the finding's anchor covers.
Splice = tuple[int, int, str]

# `applies(call)` -> None: nothing to report; "": report with a fix; "reason": report, no fix.
Applies = Callable[[ast.Call], str | None]
# The libcst rewrite of the node the finding is anchored at (a call, an attribute, a comparison).
Rewrite = Callable[["cst.BaseExpression", Site, Names], "cst.BaseExpression"]
# The same edit as text splices at `ast` positions, where that is lossless; None: use libcst.
Splicer = Callable[[ast.expr, str, Site, Names], list[Splice] | None]


@dataclass(frozen=True, slots=True)
class CallMap:
    """How one TF1 call maps onto a TF2 callable, argument by argument.

    Positional arguments are named by `v1` (the TF1 order), then dropped (`drop`), renamed
    (`rename`) or scaled (`scale`, a numeric factor); they stay positional only while they line
    up with `v2` (the target's positional order). `pin` adds TF1 defaults the target does not
    share (as source text) when the call leaves them out. For Keras layers, `inputs` names the
    TF1 argument that becomes the layer's call argument and `call` the ones passed at call time.
    """

    target: str
    v1: tuple[str, ...]
    v2: tuple[str, ...]
    rename: tuple[tuple[str, str], ...] = ()
    drop: tuple[str, ...] = ()
    pin: tuple[tuple[str, str], ...] = ()
    scale: tuple[tuple[str, int], ...] = ()
    inputs: str | None = None
    call: tuple[str, ...] = ()
    # Written by position whatever the TF1 call did (the TF2 form TF1's function rejected).
    positional: tuple[str, ...] = ()
    # Why the target computes something else whatever the arguments (measured on TensorFlow):
    # the call keeps its compat form at native level, with this reason.
    differs: str = ""
    # (parameter, why): the target computes the same only while this argument is a number
    # written in the call (a rate that changes over time changes what the update does).
    literal: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Transform:
    name: str
    applies: Applies
    emits: tuple[str, ...]  # every qualified name the rewrite can write (verified against TF)
    rewrite: Rewrite | None = None
    splice: Splicer | None = None
    # A program-level transform inserts one statement at the finding's anchor instead,
    statement: Callable[[Names], str] | None = None
    # or rewrites the whole statements the anchor covers (their text in, the new text out).
    replace: Callable[[str, Names], str] | None = None
    # Emitted names that exist from TF 2.16 only with tf_keras and TF_USE_LEGACY_KERAS=1.
    legacy_keras: frozenset[str] = frozenset()
    # Symbol -> how its call maps onto its own TF2 callable (each optimizer onto its Keras
    # class): messages and hovers name the matched symbol's own target.
    maps: Mapping[str, CallMap] = field(default_factory=dict)
    # The only symbols the rewrite knows (its own table's keys), in order; empty: any symbol.
    # A rule using this transform may leave its `symbols` out: these are its symbols then.
    symbols: tuple[str, ...] = ()

    @property
    def handles(self) -> tuple[str, ...]:
        """The symbols this transform can rewrite, in order; empty when it rewrites any."""
        return tuple(dict.fromkeys((*self.symbols, *self.maps)))

    # At native level, a call the transform refuses gets the rule's compat rename instead.
    falls_back: bool = False
    # Another transform's form of the same rewrite, chosen by the program unit (a decay used
    # as a value is called at its step): the rules name the other one, whose symbols it takes.
    variant_of: str = ""

    @property
    def targets(self) -> dict[str, str]:
        return {symbol: mapping.target for symbol, mapping in self.maps.items()}

    def target_for(self, symbol: str) -> str | None:
        """The callable this transform writes for `symbol`, if it writes one."""
        if symbol in self.maps:
            return self.maps[symbol].target
        return self.emits[0] if self.emits and not self.maps else None


STARRED = "*args/**kwargs hide the arguments to convert"


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == name), None)


def argument(call: ast.Call, v1: tuple[str, ...], name: str) -> ast.expr | None:
    """The value `call` gives parameter `name` of a TF1 signature `v1` (by keyword or
    position); None when it leaves it out."""
    for keyword_arg in call.keywords:
        if keyword_arg.arg == name:
            return keyword_arg.value
    index = v1.index(name) if name in v1 else len(call.args)
    return call.args[index] if index < len(call.args) else None


def not_literal(call: ast.Call, mapping: CallMap) -> str | None:
    """Why the call's mapping does not hold for it: a `literal` parameter given a value that
    is not a number written in the call."""
    for name, why in mapping.literal:
        value = argument(call, mapping.v1, name)
        if isinstance(value, ast.UnaryOp) and isinstance(value.op, (ast.USub, ast.UAdd)):
            value = value.operand
        number = isinstance(value, ast.Constant) and type(value.value) in (int, float)
        if value is not None and not number:
            return why
    return None


def has_star(call: ast.Call) -> bool:
    # Loops, not `any` over generators: asked of most calls with rules (21k over 669 real
    # files), where the generators cost twice the test.
    for argument in call.args:
        if type(argument) is ast.Starred:
            return True
    for keyword in call.keywords:  # noqa: SIM110 - see above
        if keyword.arg is None:
            return True
    return False


def always(call: ast.Call) -> str | None:
    """Applies to every call whose arguments can be read."""
    return "" if not has_star(call) else STARRED


def never(call: ast.Call) -> str | None:
    """For transforms that detection reports elsewhere (a pattern, the program)."""
    return None
