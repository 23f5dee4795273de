"""Step 3 of the call model: the emitted call bound against the target's signature for the
target version. A rewrite that would not bind is refused, never offered. Also the binding
checks detection asks outside a plan: a `CallMap` transform's call, and a TF1 call that binds
to no signature TensorFlow ever gave its function."""

from __future__ import annotations

import ast
from functools import lru_cache

from tf2_lsp.analysis.call_model.arguments import arguments_in_order
from tf2_lsp.analysis.call_model.bind import BoundCall
from tf2_lsp.analysis.call_model.carry import Carried
from tf2_lsp.analysis.call_model.parameters import Rewrite
from tf2_lsp.analysis.call_model.stars import STARS_PASSED, Reach, star_refusal
from tf2_lsp.analysis.call_model.verdict import (
    UNCHANGED,
    CallVerdict,
    display,
    renamed_only,
    same_name,
)
from tf2_lsp.catalogue.signatures import TF, Signatures
from tf2_lsp.model import CallEdit
from tf2_lsp.transforms.base import has_star
from tf2_lsp.transforms.call_map import CallMap, arrange


def verified(
    rewrite: Rewrite, bound: BoundCall, carried: Carried, star: Reach | None
) -> CallVerdict:
    """The verdict on the carried call: its edit when it binds to the target (nothing when
    nothing changed), else the refusal that says why not."""
    edits, notes, params = carried.edits, list(carried.notes), bound.params
    keywords = [e.keyword for e in edits if e.keyword is not None]
    positional = sum(1 for e in edits if e.keyword is None and not bound.arguments[e.source].star)
    # What *args/**kwargs fill is unknown: they may supply any required parameter.
    required = set() if bound.has_stars else required_parameters(rewrite, bound)
    problem = rewrite.goal.bind(positional, keywords, required)
    if problem is not None:
        # Also for a call left as written: `f(x, 1, keepdims=True)` where TF1's third slot
        # was `keep_dims` passes `keepdims` twice in TF2.
        return CallVerdict(
            None,
            refused=f"the rewritten call would not bind to `{display(rewrite.target)}`: {problem}",
            notes=tuple(notes),
            params=params,
        )
    renamed = rewrite.target != same_name(rewrite.symbol)
    as_written = all(
        e.keyword is None or e.keyword == bound.arguments[e.source].keyword for e in edits
    )
    if not notes and as_written and len(edits) == len(bound.arguments):
        if star == "loud":
            return star_refusal(params)  # nothing of ours to change; the stars may still raise
        return renamed_only(rewrite.symbol, rewrite.target) if renamed else UNCHANGED
    if star == "loud":
        notes.append((None, STARS_PASSED))
    edit = CallEdit(rewrite.target if renamed else None, tuple(edits), tuple(notes))
    return CallVerdict(edit, notes=tuple(notes), params=params)


def required_parameters(rewrite: Rewrite, bound: BoundCall) -> set[str]:
    """The target's required parameters the emitted call must fill: those new in TF2, and
    those TF1 required too when the TF1 call was complete. TF1 functions with deprecated
    pairs declared both names optional and checked in the body; a TF1 call that leaves a
    required argument out (unfinished code) is not held to more in TF2 than in TF1."""
    tf1 = rewrite.tf1
    complete = (
        tf1.bind(
            sum(1 for argument in bound.arguments if argument.positional),
            [argument.param for argument in bound.arguments if not argument.positional],
        )
        is None
    )
    sources = {new: old for old, (new, _) in rewrite.mapping.items() if new is not None}
    required = set()
    for param in rewrite.goal.params:
        if param.default is not None or param.kind in ("V", "W"):
            continue
        old = sources.get(param.name)
        tf1_param = tf1.param(old) if old is not None else None
        if old is None or (complete and tf1_param is not None and tf1_param.default is None):
            required.add(param.name)
    return required


def call_map_problem(call: ast.Call, mapping: CallMap, sigs: Signatures) -> str | None:
    """Why the call a `CallMap` transform writes (`tf.train.AdamOptimizer(...)` ->
    `tf.keras.optimizers.Adam(...)`) would not bind to the target's signature; None if it
    binds or the data does not know the target. It arranges the arguments as the rewrite does
    (`transforms.call_map.arrange`), without the rewrite's refusals."""
    goal = sigs.target(mapping.target)
    if goal is None or has_star(call):
        return None
    named: list[tuple[str, bool]] = []
    for index, item in enumerate(arguments_in_order(call)):
        if isinstance(item, ast.keyword):
            named.append((item.arg or "", False))
        elif index < len(mapping.v1):
            named.append((mapping.v1[index], True))
        else:
            return None  # the rewrite refuses it itself
    placed, pins = arrange(mapping, named)
    positional = placed.count("")
    keywords = [*(place for place in placed if place), *pins]
    problem = goal.bind(positional, keywords, required=())
    if problem is None:
        return None
    return f"the rewritten call would not bind to `{display(mapping.target)}`: {problem}"


def binding_problem(
    call: ast.Call, symbol: str, versions: tuple[Signatures, ...], required: bool = True
) -> str | None:
    """Why `call` of `symbol` (`tensorflow.X`, canonical) binds to none of the signatures
    TensorFlow gave `X`: TF1's (`tf.compat.v1.X`) nor TF2's, in any measured version; None
    when one binds, the data knows none, or `*args`/`**kwargs` hide what is passed.

    Such a call raises TypeError whichever TensorFlow runs it: a bug in the code, not in the
    migration. Keras names are left out: the data holds the target's Keras, not TF1's.
    `required=False` asks only whether what is passed fits (a required argument may be left
    out).
    """
    short = symbol.removeprefix(TF)
    if short.startswith("keras.") or has_star(call):
        return None
    keywords = tuple(k.arg for k in call.keywords if k.arg is not None)
    return _binding_problem(symbol, len(call.args), keywords, versions, required)


@lru_cache(maxsize=8192)
def _binding_problem(
    symbol: str,
    positional: int,
    keywords: tuple[str, ...],
    versions: tuple[Signatures, ...],
    required: bool,
) -> str | None:
    # Cached: a module calls the same functions the same way many times over.
    # A class may take keywords its `__init__` does not list (`tf.Variable`'s metaclass hands
    # them to variable creators): only its positions and required arguments are judged.
    is_class = symbol.rpartition(".")[2][:1].isupper()
    problem = None
    for sigs in versions:
        for signature in (sigs.tf1(symbol), sigs.target(symbol)):
            if signature is None:
                continue
            passed = [k for k in keywords if signature.param(k)] if is_class else keywords
            why = signature.bind(positional, passed, None if required else ())
            if why is None:
                return None
            problem = problem or why
    return problem


def written_for_tf2(call: ast.Call, symbol: str, versions: tuple[Signatures, ...]) -> bool:
    """True when `call` of `symbol` binds TF2's function of that name and not TF1's: code
    already migrated (`tf.summary.scalar("loss", x, step=n)`), which a rule for the TF1
    function must leave alone. A call both bind is taken as TF1's, as everything else is.
    `versions` has the target's signatures first; a version whose data lacks the TF2 function
    (TF 2.15's TensorBoard summaries) borrows it from another."""
    if has_star(call):
        return False
    keywords = tuple(k.arg for k in call.keywords if k.arg is not None)
    return _written_for_tf2(symbol, len(call.args), keywords, versions)


@lru_cache(maxsize=8192)
def _written_for_tf2(
    symbol: str, positional: int, keywords: tuple[str, ...], versions: tuple[Signatures, ...]
) -> bool:
    # Cached as `_binding_problem` is: asked of every call of a name with rules (12k calls
    # over 669 real files), with few distinct shapes.
    tf1 = versions[0].tf1(symbol)
    tf2 = next((s for s in (v.target(symbol) for v in versions) if s is not None), None)
    if tf1 is None or tf2 is None or tf1 == tf2:
        return False
    fits_tf2 = tf2.bind(positional, keywords, ()) is None
    return fits_tf2 and tf1.bind(positional, keywords, ()) is not None
