"""The call model: a TF1 call bound to its TF1 signature, mapped onto its target, verified.

`plan_call` binds every argument of a TF1 call to the parameter it fills in TF1 (positional
arguments by position, keywords by name), then carries each onto the target function:

* same name in the target: kept (by keyword once the positional order differs);
* a TF1 deprecated argument pair (`dim` -> `axis`, from the signature data), a rename in the
  rule's `arguments` table, or, for a renamed function, the parameter in the same position
  with the same required-ness (`dirname` -> `path`): renamed;
* a `convert` entry of the rule (`keep_prob` -> `rate = 1 - keep_prob`): converted;
* no counterpart: dropped only when its value provably keeps TF1 behaviour (the TF1 default,
  or a value the rule's `keep` table lists); otherwise the call keeps TF1 behaviour through
  `tf.compat.v1.<same name>` (at both levels: TF2 has no form of that call), or the fix is
  refused with the reason when there is no such function.

The emitted call is then bound against the target's signature for the target version (the
binding verifier). A fix that would not bind is never offered. Everything here is `ast` and
the signature data: this runs during detection, on the keystroke path.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from tf2_lsp.analysis.names.spelling import through_tensorflow
from tf2_lsp.catalogue.rules import ArgChange
from tf2_lsp.catalogue.signatures import COMPAT, TF, Signature, Signatures
from tf2_lsp.model import ArgumentEdit, CallEdit
from tf2_lsp.transforms.base import has_star
from tf2_lsp.transforms.call_map import CallMap, arrange

Note = tuple[int | None, str]


@dataclass(frozen=True, slots=True)
class CallVerdict:
    """What the call model says about one call.

    `edit` is the verified rewrite (None when refused or when nothing changes), `refused` why
    there is no rewrite, `notes` what changed, per argument (source index) or for the call.
    """

    edit: CallEdit | None
    refused: str | None = None
    notes: tuple[Note, ...] = ()
    params: tuple[str, ...] = ()  # the TF1 parameter each argument of the call fills

    @property
    def needs_change(self) -> bool:
        return self.edit is not None or self.refused is not None


UNCHANGED = CallVerdict(None)


def arguments_in_order(call: ast.Call) -> list[ast.expr | ast.keyword]:
    """The call's arguments in source order (positional arguments always come first unless
    a `*args` follows a keyword, which only star-aware code paths accept)."""
    items: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    items.sort(key=lambda node: (node.lineno, node.col_offset))
    return items


def literal(node: ast.expr) -> tuple[bool, object]:
    """(True, value) for a literal argument (`True`, `-1`, `[1, 2]`), else (False, None)."""
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def same_value(a: object, b: object) -> bool:
    """Equal and of the same type (`True` is not `1`, `1` is not `1.0` for a keep list)."""
    return type(a) is type(b) and a == b


def _source(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except (ValueError, RecursionError):  # pragma: no cover - ast.unparse of parsed code
        return "..."
    return text if len(text) <= 40 else text[:37] + "..."


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
    short = symbol.removeprefix(TF)
    same_object = target == COMPAT + short
    if tf1 is None:
        return None
    goal = sigs.target(target)
    if goal is None:
        return None
    if same_object:
        return UNCHANGED  # the TF1 function itself: every valid TF1 call binds to it
    if goal is tf1 or goal == tf1:
        # The same signature under a new name (tf.log -> tf.math.log): the call binds to the
        # target exactly as it bound to TF1, *args/**kwargs included.
        return _renamed_only(symbol, target)
    mapping = parameter_map(tf1, goal, symbol, target, sigs, change)
    star = _star_reach(call, tf1, goal, mapping) if has_star(call) else None
    if star == "silent":
        return _star_refusal()
    items = arguments_in_order(call)
    bound: list[tuple[str, ast.expr, bool]] = []  # (TF1 parameter, value, was positional)
    passed: set[int] = set()  # the *args/**kwargs among them
    after_star = False
    for index, item in enumerate(items):
        if isinstance(item, ast.Starred) or (isinstance(item, ast.keyword) and item.arg is None):
            # Passed on as written; `_star_reach` vouched that whatever it fills means the
            # same in TF2 or raises there.
            passed.add(index)
            after_star = after_star or isinstance(item, ast.Starred)
            bound.append(("", item.value, False))
        elif isinstance(item, ast.keyword):
            assert item.arg is not None
            if tf1.param(item.arg) is None and not tf1.var_keyword:
                return CallVerdict(None, refused=f"TF1 `{short}` has no parameter `{item.arg}`")
            bound.append((item.arg, item.value, False))
        elif after_star:
            return _star_refusal()  # `f(a, *rest, b)`: no one knows which slot `b` fills
        else:
            if index >= len(tf1.positional):
                return CallVerdict(
                    None, refused=f"more positional arguments than TF1 `{short}` takes"
                )
            bound.append((tf1.positional[index], item, True))
    params = tuple(name for name, _, _ in bound)
    # A target that TF1 had too, with another positional order (`tf.math.argmin` took `name`
    # third): a positional argument stays only in a slot both readings agree on, or the next
    # check would read the rewritten call as TF1 code and move it again.
    as_tf1 = sigs.tf1(target) if target.startswith(TF) and target != symbol else None
    # Its slots as TF1 read them, through TF1's own deprecated pairs (`input_tensor` is `input`).
    tf1_slots: tuple[str, ...] = ()
    if as_tf1 is not None:
        pairs = sigs.aliases(target)
        tf1_slots = tuple(pairs.get(name, name) for name in as_tf1.positional)
    edits: list[ArgumentEdit] = []
    notes: list[Note] = []
    by_keyword = False
    slot = 0  # next positional slot of the target
    for index, (name, value, positional) in enumerate(bound):
        if index in passed:
            edits.append(ArgumentEdit(index, None))
            continue
        new, convert = mapping.get(name, (None, None))
        if new is None and tf1.param(name) is None:
            new = name  # into TF1's **kwargs: the target must take it (the verifier checks)
        if new is None:
            keeps, why = _keeps_tf1(tf1, name, value, change)
            if not keeps and _inert(name, bound, change):
                keeps, why = True, f"without `{change.inert_without[name]}` it has no effect"  # type: ignore[union-attr]
            if keeps:
                notes.append((index, f"`{name}` was removed in TensorFlow 2; {why}: dropped"))
                # Later arguments go by keyword: read again as TF1 code (the next fix round,
                # a user's second run), a positional one would fill the dropped slot.
                by_keyword = True
                continue
            fallback = COMPAT + short
            # At the native level too: TF2 has no form of this call, and leaving the argument
            # in place raises (a TypeError) where TF1 ran.
            if target != fallback and sigs.target(fallback) is not None:
                return CallVerdict(
                    CallEdit(fallback, None, ((index, _kept_note(name, value, fallback)),)),
                    notes=((index, _kept_note(name, value, fallback)),),
                    params=params,
                )
            return CallVerdict(
                None,
                refused=f"`{name}={_source(value)}` has no TensorFlow 2 counterpart and "
                "changes results",
                notes=((index, f"`{name}` was removed in TensorFlow 2 and this value matters"),),
                params=params,
            )
        stays = (
            positional
            and not by_keyword
            and convert is None
            and slot < len(goal.positional)
            and goal.positional[slot] == new
            and (as_tf1 is None or (slot < len(tf1_slots) and tf1_slots[slot] == new))
        )
        if stays:
            slot += 1
            edits.append(ArgumentEdit(index, None))  # same slot, maybe a new name: no edit
            continue
        if positional and after_star:
            # A positional argument passed by keyword from here on would shift what *args fill.
            return _star_refusal(params)
        by_keyword = by_keyword or positional
        edits.append(ArgumentEdit(index, new, convert))
        if convert is not None:
            notes.append((index, f"`{name}` became `{new}` ({_CONVERSION_TEXT[convert]})"))
        elif positional:
            notes.append(
                (index, f"the argument in position {index + 1} (`{name}`) is passed as `{new}=`")
            )
        elif new != name:
            notes.append((index, f"`{name}=` is `{new}=` in TensorFlow 2"))
    renamed = target != _same_name(symbol)
    keywords = [e.keyword for e in edits if e.keyword is not None]
    positional_count = sum(1 for e in edits if e.keyword is None and e.source not in passed)
    # What *args/**kwargs fill is unknown: they may supply any required parameter.
    required = set() if passed else _required(tf1, goal, mapping, bound)
    problem = goal.bind(positional_count, keywords, required)
    if problem is not None:
        # Also for a call left as written: `f(x, 1, keepdims=True)` where TF1's third slot
        # was `keep_dims` passes `keepdims` twice in TF2.
        return CallVerdict(
            None,
            refused=f"the rewritten call would not bind to `{_display(target)}`: {problem}",
            notes=tuple(notes),
            params=params,
        )
    unchanged_args = all(e.keyword is None or e.keyword == _bound_keyword(bound, e) for e in edits)
    if not notes and unchanged_args and len(edits) == len(bound):
        if star == "loud":
            return _star_refusal(params)  # nothing of ours to change; the stars may still raise
        return _renamed_only(symbol, target) if renamed else UNCHANGED
    if star == "loud":
        notes.append((None, _STARS_PASSED))
    edit = CallEdit(target if renamed else None, tuple(edits), tuple(notes))
    return CallVerdict(edit, notes=tuple(notes), params=params)


def _required(
    tf1: Signature,
    goal: Signature,
    mapping: Mapping[str, tuple[str | None, str | None]],
    bound: list[tuple[str, ast.expr, bool]],
) -> set[str]:
    """The target's required parameters the emitted call must fill: those new in TF2, and
    those TF1 required too when the TF1 call was complete. TF1 functions with deprecated
    pairs declared both names optional and checked in the body; a TF1 call that leaves a
    required argument out (unfinished code) is not held to more in TF2 than in TF1."""
    complete = (
        tf1.bind(
            sum(1 for _, _, positional in bound if positional),
            [name for name, _, positional in bound if not positional],
        )
        is None
    )
    sources = {new: old for old, (new, _) in mapping.items() if new is not None}
    required = set()
    for param in goal.params:
        if param.default is not None or param.kind in ("V", "W"):
            continue
        old = sources.get(param.name)
        tf1_param = tf1.param(old) if old is not None else None
        if old is None or (complete and tf1_param is not None and tf1_param.default is None):
            required.add(param.name)
    return required


_STARS_PASSED = (
    "*args/**kwargs are passed on as written: a TF1-only parameter they name or fill raises "
    "in TensorFlow 2"
)


def _star_refusal(params: tuple[str, ...] = ()) -> CallVerdict:
    return CallVerdict(
        None,
        refused="the signature changed and *args/**kwargs hide which parameter each "
        "value fills; map them by hand",
        notes=((None, "*args/**kwargs passed to a function whose signature changed"),),
        params=params,
    )


def _star_reach(
    call: ast.Call,
    tf1: Signature,
    goal: Signature,
    mapping: Mapping[str, tuple[str | None, str | None]],
) -> str:
    """What the call's *args/**kwargs may fill in TF2, given what they fill in TF1:

    "same" when every parameter they can reach means the same; "loud" when some may land
    where TF2 raises a TypeError (a TF1-only slot or keyword) but none on a parameter of
    another meaning; "silent" when one may (a slot whose parameter changed, a name TF2 gives
    another meaning, a converted value): only then are the explicit arguments untouchable.
    """
    loud = False
    starred = [i for i, a in enumerate(call.args) if isinstance(a, ast.Starred)]
    if starred:
        for index in range(starred[0], len(tf1.positional)):
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
    if any(k.arg is None for k in call.keywords):
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


def merge_changes(changes: list[ArgChange]) -> ArgChange:
    """Several rules' tables for one function as one (the first rule wins a conflict)."""
    rename: dict[str, str] = {}
    keep: dict[str, tuple[str, ...]] = {}
    default_differs: dict[str, str] = {}
    inert_without: dict[str, str] = {}
    convert: dict[str, str] = {}
    remove: list[str] = []
    for change in reversed(changes):
        rename.update(change.rename)
        inert_without.update(change.inert_without)
        convert.update(change.convert)
        default_differs.update(change.default_differs)
        for name, values in change.keep.items():
            keep[name] = (*keep.get(name, ()), *values)
        remove.extend(r for r in change.remove if r not in remove)
    first = changes[0]
    return ArgChange(
        rename=rename,
        remove=tuple(remove),
        v1=first.v1,
        v2=first.v2,
        keep=keep,
        default_differs=default_differs,
        convert=convert,
        inert_without=inert_without,
    )


_CONVERSION_TEXT = {
    "one_minus": "= 1 - the TF1 value",
    "gpu_devices": "the count written as that many GPU device names",
}


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
        notes.append((index, f"`{name}` became `{new}` ({_CONVERSION_TEXT[how]})"))
    if not notes:
        return None
    return CallEdit(target, tuple(edits), tuple(notes))


def _bound_keyword(bound: list[tuple[str, ast.expr, bool]], edit: ArgumentEdit) -> str | None:
    name, _, positional = bound[edit.source]
    return None if positional else name


def _renamed_only(symbol: str, target: str) -> CallVerdict:
    if target == _same_name(symbol):
        return UNCHANGED
    return CallVerdict(CallEdit(target, None))


def _same_name(symbol: str) -> str:
    return symbol if symbol.startswith(TF) else TF + symbol


def _display(qualified: str) -> str:
    """The call model knows no file, so its notes write TensorFlow as `tf`."""
    return through_tensorflow(qualified, "tf")


def _kept_note(name: str, value: ast.expr, fallback: str) -> str:
    return (
        f"`{name}={_source(value)}` has no TensorFlow 2 counterpart; "
        f"`{_display(fallback)}` keeps TF1 behaviour"
    )


def _inert(name: str, bound: list[tuple[str, ast.expr, bool]], change: ArgChange | None) -> bool:
    """`name` does nothing in this call: the parameter it needs is not passed (or is None)."""
    needed = change.inert_without.get(name) if change is not None else None
    if needed is None:
        return False
    given = [value for param, value, _ in bound if param == needed]
    return not given or (isinstance(given[0], ast.Constant) and given[0].value is None)


def _keeps_tf1(
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
            return True, f"TensorFlow 2 behaves as TF1 did with `{_source(value)}`"
        return False, ""
    param = tf1.param(name)
    if param is not None and same_value(constant, param.literal_default()):
        return True, f"`{_source(value)}` is its TF1 default"
    return False, ""


Mapped = dict[str, tuple[str | None, str | None]]
# Keyed by the rule's ArgChange identity; the value holds it too, so the id stays its own.
_MAPS: dict[tuple[str, str, str, int], tuple[ArgChange | None, Mapped]] = {}


def parameter_map(
    tf1: Signature,
    goal: Signature,
    symbol: str,
    target: str,
    sigs: Signatures,
    change: ArgChange | None,
) -> Mapping[str, tuple[str | None, str | None]]:
    """TF1 parameter -> (target parameter or None if removed, value conversion or None)."""
    key = (sigs.version, symbol, target, id(change))
    found = _MAPS.get(key)
    if found is not None and found[0] is change:
        return found[1]
    targets = set(goal.names)
    aliases = sigs.aliases(symbol)
    mapping: dict[str, tuple[str | None, str | None]] = {}
    for name in tf1.names:
        conversion = change.convert.get(name) if change is not None else None
        if conversion is not None:
            new, how = conversion.split(":")
            mapping[name] = (new, how) if new in targets or goal.var_keyword else (None, None)
        elif name in targets:
            mapping[name] = (name, None)
        elif change is not None and change.rename.get(name) in targets:
            mapping[name] = (change.rename[name], None)
        elif aliases.get(name) in targets:
            mapping[name] = (aliases[name], None)
        else:
            mapping[name] = (None, None)
    _by_position(mapping, tf1, goal, aliases)
    _MAPS[key] = (change, mapping)
    return mapping


def _by_position(
    mapping: dict[str, tuple[str | None, str | None]],
    tf1: Signature,
    goal: Signature,
    aliases: Mapping[str, str],
) -> None:
    """A renamed function's parameter in the same position, equally required, that no other
    TF1 parameter claims (`gfile.IsDirectory(dirname)` -> `io.gfile.isdir(path)`)."""
    claimed = {new for new, _ in mapping.values() if new is not None} | set(aliases.values())
    for index, name in enumerate(tf1.positional):
        if mapping.get(name, (None, None))[0] is not None or name in aliases.values():
            continue
        if index >= len(goal.positional):
            continue
        candidate = goal.positional[index]
        old, new = tf1.param(name), goal.param(candidate)
        if candidate in claimed or candidate in tf1.names or old is None or new is None:
            continue
        if (old.default is None) != (new.default is None):
            continue
        if old.default is not None and old.default != new.default:
            continue
        mapping[name] = (candidate, None)
        claimed.add(candidate)
    for name in tf1.names:
        old = tf1.param(name)
        if mapping.get(name, (None, None))[0] is not None or old is None or old.default is None:
            continue
        related = [
            q for q in goal.names if q not in claimed and q not in tf1.names and _related(name, q)
        ]
        new = goal.param(related[0]) if len(related) == 1 else None
        if new is not None and new.default is not None:
            mapping[name] = (related[0], None)  # `output_dtype` -> `dtype`
            claimed.add(related[0])


def _related(a: str, b: str) -> bool:
    """One name's words contain the other's (`output_dtype` and `dtype`)."""
    words_a, words_b = set(a.split("_")), set(b.split("_"))
    return words_a < words_b or words_b < words_a


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
    return f"the rewritten call would not bind to `{_display(mapping.target)}`: {problem}"


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
