"""What a rule is (`Rule` and its parts, as `rules/*.toml` describe them) and the
`Catalogue` that finds the rules a qualified name matches.

Reading and validating a rule file is `rule_file`; finding the rules directory and loading
it once is `load`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

Severity = Literal["error", "warning", "information", "hint"]
Level = Literal["compat", "native"]
Safety = Literal["safe", "unsafe"]
FixKind = Literal["rename", "arguments", "transform", "manual"]
# What running the rule's examples on TensorFlow showed (the committed record, `proofs.py`).
Proof = Literal["verified", "differs", "unverified"]
MatchKind = Literal["reference", "call", "import", "value", "program"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "information", "hint")
LEVELS: tuple[Level, ...] = ("compat", "native")
SAFETIES: tuple[Safety, ...] = ("safe", "unsafe")
FIX_KINDS: tuple[FixKind, ...] = ("rename", "arguments", "transform", "manual")
MATCH_KINDS: tuple[MatchKind, ...] = ("reference", "call", "import", "value", "program")
DOC_FIELDS = ("tf1", "tf2", "migrate", "safety_note")


class CatalogueError(Exception):
    """A rule file is malformed; the message names file, rule and field."""


@dataclass(frozen=True, slots=True)
class CallCheck:
    """Which arguments of a TF1 call change meaning in TF2 (read by `analysis/conditions.py`).

    A call is judged only by what it passes: `passes` names parameters whose mere presence
    changes meaning; `keep` lists the only values (Python literals, as source) a parameter may
    have for TF2 to behave the same; `changes` lists values that change meaning; `functions`
    names parameters that change meaning when given a function, `numbers` those that change
    meaning when given a single number (a literal). `default_differs` names
    parameters whose TF1 default itself differs from what TF2 does: "" when always, or the
    parameter whose list of several items makes the default matter (`partition_strategy`
    only shards a list of several `params`). `v1` is the TF1 positional order. With `refuse`,
    the rule reports every call as usual but withholds its fix where an argument changes
    meaning (a rename to a TF2 class that does not take `auto_shard_dataset`). `convert` names
    parameters the fix rewrites into the target's own (`num_gpus=2` -> `devices=[...]`).
    """

    v1: tuple[str, ...] = ()
    passes: tuple[str, ...] = ()
    keep: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    changes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    functions: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    default_differs: Mapping[str, str] = field(default_factory=dict)
    refuse: bool = False
    # The tf.compat.v1 function itself changes meaning where TF2 runs it (an eager code path
    # of its own): its calls are judged too, not only the TF1 spelling's.
    compat_too: bool = False
    # TF1 parameter -> "new_name:conversion": the rename's target takes it under another name
    # and spelling (`num_gpus = "devices:gpu_devices"`); a value the conversion cannot write
    # changes meaning.
    convert: Mapping[str, str] = field(default_factory=dict)
    lacks: tuple[str, ...] = ()  # reported when none of these is passed (one-argument forms)
    # Parameter -> the parameter without which it has no effect (`verify_shape` checks
    # nothing unless `shape` is passed): then any value of it may be dropped.
    inert_without: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ArgChange:
    """How one function's arguments change; the call model (tf2_lsp.analysis.call_model) reads it.

    With signature data for the function, `rename` adds to the renames derived from TF1's
    deprecated argument pairs; `keep` lists the values (Python literals, as source) of a
    removed parameter that TF2 treats as TF1 did, so they may be dropped (the TF1 default
    always may), and `default_differs` when TF1's default itself differs (see `CallCheck`);
    `convert` maps a TF1 parameter to `new_name:conversion` (`keep_prob = "rate:one_minus"`).
    `remove`, `v1` and `v2` describe functions the signature data does not cover.
    """

    rename: Mapping[str, str] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    v1: tuple[str, ...] = ()
    v2: tuple[str, ...] = ()
    # Removed parameters whose value decides whether dropping them keeps TF1 behaviour.
    keep: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    default_differs: Mapping[str, str] = field(default_factory=dict)
    convert: Mapping[str, str] = field(default_factory=dict)
    inert_without: Mapping[str, str] = field(default_factory=dict)  # see `CallCheck`

    def value_check(self) -> CallCheck | None:
        """The removals that are only safe for some values, as a check (None: none such)."""
        if not self.keep and not self.default_differs:
            return None
        return CallCheck(
            v1=self.v1,
            keep=self.keep,
            default_differs=self.default_differs,
            inert_without=self.inert_without,
        )

    def stable_positions(self) -> int:
        """How many leading positional slots mean the same parameter in TF1 and TF2.

        A renamed parameter in the same slot (`value` -> `input`) still takes the same
        positional argument; from the first slot whose meaning changed on, arguments must be
        passed by keyword.
        """
        if not self.v1 or not self.v2:
            return len(self.v1) if self.v1 else 1 << 30
        count = 0
        for old, new in zip(self.v1, self.v2, strict=False):
            if self.rename.get(old, old) != new:
                break
            count += 1
        return count


@dataclass(frozen=True, slots=True)
class Fix:
    level: Level
    safety: Safety
    kind: FixKind
    to: Mapping[str, str] = field(default_factory=dict)
    arguments: Mapping[str, ArgChange] = field(default_factory=dict)
    transform: str | None = None
    # Why running cannot prove this fix (`unproven = "..."` in the rule file): stated for
    # every fix the equivalence tests do not verify.
    unproven: str = ""
    # Set when the catalogue loads, from the committed proofs: a fix that is not verified
    # is offered as unsafe whatever its rule file says.
    proof: Proof = "unverified"

    @property
    def verified(self) -> bool:
        return self.proof == "verified"

    def target_for(self, symbol: str) -> str | None:
        """The rename target of `symbol` (exact, or through a `prefix.*` entry)."""
        if symbol in self.to:
            return self.to[symbol]
        for pattern, target in self.to.items():
            if pattern.endswith(".*"):
                prefix = pattern[:-2]
                if symbol == prefix:
                    return target[:-2] if target.endswith(".*") else target
                if symbol.startswith(prefix + ".") and target.endswith(".*"):
                    return target[:-2] + symbol[len(prefix) :]
        return None

    def arguments_for(self, symbol: str) -> ArgChange | None:
        return self.arguments.get(symbol) or self.arguments.get("*")


@dataclass(frozen=True, slots=True)
class Example:
    before: str
    after: str | None
    level: Level = "compat"
    unsafe: bool = False
    prelude: str = "import tensorflow as tf"
    # How the equivalence tests run it (`tf2_lsp.verify`): setup, feeds, compare, train,
    # random, skip. Empty: the defaults (see docs/rule-format.md).
    run: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Family:
    id: str
    title: str
    guide: str
    source: Path
    generated: bool


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    family: Family
    severity: Severity
    message: str
    removed: bool
    match: MatchKind
    symbols: tuple[str, ...]
    requires: tuple[str, ...]
    since: str
    tf1: str
    tf2: str
    migrate: str
    safety_note: str
    fixes: tuple[Fix, ...]
    examples: tuple[Example, ...]
    valid: tuple[str, ...]
    # Generated rules: fix target -> the measured TF versions it exists in.
    availability: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Symbol (or "*") -> when a call changes meaning; a rule with checks reports only those calls.
    calls: Mapping[str, CallCheck] = field(default_factory=dict)

    def call_check(self, symbol: str) -> CallCheck | None:
        return self.calls.get(symbol) or self.calls.get("*")

    @property
    def reports_only_some_calls(self) -> bool:
        return any(not check.refuse for check in self.calls.values())

    def fix_for(self, level: Level) -> Fix | None:
        """The fix used at `level`: native prefers its own fix and falls back to compat."""
        by_level = {fix.level: fix for fix in self.fixes}
        if level == "native" and "native" in by_level:
            return by_level["native"]
        return by_level.get("compat")

    def needs_unsafe(self, example: Example) -> bool:
        """Whether `tf2-lsp fix` applies `example`'s rewrite only with `--unsafe`: its own
        flag says so, or it shows a rewrite by a fix not verified by execution. (An example
        whose text stays as it is shows what safe fixes alone leave.)"""
        fix = self.fix_for(example.level)
        rewrites = example.after is not None and example.after != example.before
        unproven = fix is not None and fix.kind != "manual" and not fix.verified
        return example.unsafe or (rewrites and unproven)

    @property
    def is_prefix_rule(self) -> bool:
        return any(symbol.endswith(".*") for symbol in self.symbols)


@dataclass(frozen=True)
class Catalogue:
    rules: tuple[Rule, ...]
    by_code: Mapping[str, Rule]
    exact: Mapping[str, tuple[Rule, ...]]
    prefixes: Mapping[str, tuple[Rule, ...]]
    # Attribute names that can end a matching chain: lets detection skip most chains cheaply.
    last_names: frozenset[str]
    # Method name -> the TF types whose rules name it (`make_one_shot_iterator` -> Dataset).
    method_owners: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def lookup(self, qualified: str) -> tuple[Rule, ...]:
        """Rules matching `qualified`: exact symbols first, else the longest `prefix.*` rule."""
        exact = self.exact.get(qualified)
        if exact:
            return exact
        name = qualified
        while "." in name:
            hit = self.prefixes.get(name)
            if hit:
                return hit
            name = name.rsplit(".", 1)[0]
            if self.exact.get(name) and not self.prefixes.get(name):
                # A shorter name has rules of its own (`tf.contrib.tpu.InputPipelineConfig`
                # for `...InputPipelineConfig.PER_HOST_V2`): that name is judged, not the
                # module's wildcard rule.
                return ()
        return ()


def build_catalogue(rules: Iterable[Rule]) -> Catalogue:
    ordered = sorted(rules, key=lambda rule: (rule.family.generated, rule.code))
    by_code: dict[str, Rule] = {}
    names: dict[str, Rule] = {}
    for rule in ordered:
        if rule.code in by_code:
            other = by_code[rule.code].family.source.name
            raise CatalogueError(
                f"{rule.family.source.name}: rule {rule.code}: field 'code': "
                f"already used in {other}"
            )
        if rule.name in names:
            raise CatalogueError(
                f"{rule.family.source.name}: rule {rule.code}: field 'name': "
                f"'{rule.name}' already used by {names[rule.name].code}"
            )
        by_code[rule.code] = rule
        names[rule.name] = rule
    exact: dict[str, list[Rule]] = {}
    prefixes: dict[str, list[Rule]] = {}
    # A hand-written rule that judges only some calls (`calls` checks that report) leaves the
    # other calls to the generated rules of the same symbol.
    curated = {
        symbol
        for rule in ordered
        if not rule.family.generated
        and not rule.reports_only_some_calls
        and rule.match != "program"
        for symbol in rule.symbols
    }
    curated_prefixes = [symbol[:-2] for symbol in curated if symbol.endswith(".*")]
    for rule in ordered:
        if rule.match == "program":
            continue  # reported by the whole-program checks, never by a name's use
        for symbol in rule.symbols:
            table = prefixes if symbol.endswith(".*") else exact
            key = symbol.removesuffix(".*")
            claimed = table.setdefault(key, [])
            # Hand-written rules shadow generated ones: the same symbol, or any symbol under
            # a hand-written `prefix.*`.
            if rule.family.generated and (
                key in curated
                or any(key == prefix or key.startswith(prefix + ".") for prefix in curated_prefixes)
            ):
                continue
            claimed.append(rule)
    last_names = frozenset(key.rsplit(".", 1)[-1] for key in (*exact, *prefixes))
    method_owners: dict[str, list[str]] = {}
    for key in exact:
        owner, _, method = key.rpartition(".")
        if owner.rpartition(".")[2][:1].isupper() and method[:1].islower():
            method_owners.setdefault(method, []).append(owner)
    return Catalogue(
        rules=tuple(ordered),
        by_code=MappingProxyType(by_code),
        exact=MappingProxyType({k: tuple(v) for k, v in exact.items()}),
        prefixes=MappingProxyType({k: tuple(v) for k, v in prefixes.items()}),
        last_names=last_names,
        method_owners=MappingProxyType({k: tuple(v) for k, v in method_owners.items()}),
    )
