"""Which target parameter each TF1 parameter becomes, from the signature data and the rule's
`arguments` tables; and the two signatures of one rewrite with that map between them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tf2_lsp.catalogue.rules import ArgChange
from tf2_lsp.catalogue.signatures import TF, Signature, Signatures

# TF1 parameter -> (target parameter or None if removed, value conversion or None).
ParameterMap = Mapping[str, tuple[str | None, str | None]]
Mapped = dict[str, tuple[str | None, str | None]]
# Keyed by the rule's ArgChange identity; the value holds it too, so the id stays its own.
_MAPS: dict[tuple[str, str, str, int], tuple[ArgChange | None, Mapped]] = {}


@dataclass(frozen=True, slots=True)
class Rewrite:
    """One call's rewrite as the signature data sees it: TF1 `symbol` onto `target`."""

    symbol: str  # qualified TF1 name
    target: str  # qualified target name
    tf1: Signature
    goal: Signature  # the target's signature in the target version
    mapping: ParameterMap
    change: ArgChange | None  # the rule's `arguments` table, if any
    sigs: Signatures

    @property
    def short(self) -> str:
        """The TF1 name without `tensorflow.`."""
        return self.symbol.removeprefix(TF)


def parameter_map(
    tf1: Signature,
    goal: Signature,
    symbol: str,
    target: str,
    sigs: Signatures,
    change: ArgChange | None,
) -> ParameterMap:
    """TF1 parameter -> (target parameter or None if removed, value conversion or None)."""
    key = (sigs.version, symbol, target, id(change))
    found = _MAPS.get(key)
    if found is not None and found[0] is change:
        return found[1]
    targets = set(goal.names)
    aliases = sigs.aliases(symbol)
    mapping: Mapped = {}
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
    _by_related_name(mapping, tf1, goal, aliases)
    _MAPS[key] = (change, mapping)
    return mapping


def _claimed(mapping: Mapped, aliases: Mapping[str, str]) -> set[str]:
    return {new for new, _ in mapping.values() if new is not None} | set(aliases.values())


def _by_position(
    mapping: Mapped, tf1: Signature, goal: Signature, aliases: Mapping[str, str]
) -> None:
    """A renamed function's parameter in the same position, equally required, that no other
    TF1 parameter claims (`gfile.IsDirectory(dirname)` -> `io.gfile.isdir(path)`)."""
    claimed = _claimed(mapping, aliases)
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


def _by_related_name(
    mapping: Mapped, tf1: Signature, goal: Signature, aliases: Mapping[str, str]
) -> None:
    """An optional TF1 parameter still unmapped, onto the one optional target parameter whose
    name is related to its own (`output_dtype` -> `dtype`)."""
    claimed = _claimed(mapping, aliases)
    for name in tf1.names:
        old = tf1.param(name)
        if mapping.get(name, (None, None))[0] is not None or old is None or old.default is None:
            continue
        related = [
            q for q in goal.names if q not in claimed and q not in tf1.names and _related(name, q)
        ]
        new = goal.param(related[0]) if len(related) == 1 else None
        if new is not None and new.default is not None:
            mapping[name] = (related[0], None)
            claimed.add(related[0])


def _related(a: str, b: str) -> bool:
    """One name's words contain the other's (`output_dtype` and `dtype`)."""
    words_a, words_b = set(a.split("_")), set(b.split("_"))
    return words_a < words_b or words_b < words_a


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
