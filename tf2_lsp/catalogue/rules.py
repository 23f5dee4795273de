"""Load and validate the rule catalogue (`rules/*.toml`) into immutable Rule objects.

A malformed file yields one CatalogueError naming the file, the rule and the field: users
extend the catalogue by hand, and a traceback would tell them nothing.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

from tf2_lsp.transforms.registry import TRANSFORMS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

Severity = Literal["error", "warning", "information", "hint"]
Level = Literal["compat", "native"]
Safety = Literal["safe", "unsafe"]
FixKind = Literal["rename", "arguments", "transform", "manual"]
MatchKind = Literal["reference", "call", "import", "value", "program"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "information", "hint")
LEVELS: tuple[Level, ...] = ("compat", "native")
SAFETIES: tuple[Safety, ...] = ("safe", "unsafe")
FIX_KINDS: tuple[FixKind, ...] = ("rename", "arguments", "transform", "manual")
MATCH_KINDS: tuple[MatchKind, ...] = ("reference", "call", "import", "value", "program")
DOC_FIELDS = ("tf1", "tf2", "migrate", "safety_note")

_CODE_RE = re.compile(r"^TF\d{3,4}$")
_SYMBOL_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\.\*)?$")


class CatalogueError(Exception):
    """A rule file is malformed; the message names file, rule and field."""


@dataclass(frozen=True, slots=True)
class CallCheck:
    """Which arguments of a TF1 call change meaning in TF2 (read by `analysis/conditions.py`).

    A call is judged only by what it passes: `passes` names parameters whose mere presence
    changes meaning; `keep` lists the only values (Python literals, as source) a parameter may
    have for TF2 to behave the same; `changes` lists values that change meaning; `functions`
    names parameters that change meaning when given a function. `default_differs` names
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
    default_differs: Mapping[str, str] = field(default_factory=dict)
    refuse: bool = False
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


def default_rules_dir() -> Path:
    """The installed rule files, or the checkout's `rules/` when running from a checkout.

    The installed copy is looked for first: beside an installed package, `../rules` is
    whatever directory of that name site-packages happens to hold.
    """
    package = Path(__file__).resolve().parent.parent
    installed = package / "rules_data"
    if installed.is_dir():
        return installed
    return package.parent / "rules"


@cache
def load_catalogue(rules_dir: Path | None = None) -> Catalogue:
    directory = rules_dir or default_rules_dir()
    if not directory.is_dir():
        raise CatalogueError(f"{directory}: rules directory not found")
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise CatalogueError(f"{directory}: no rule files (*.toml)")
    rules: list[Rule] = []
    for path in files:
        rules.extend(load_rule_file(path))
    return build_catalogue(rules)


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


def load_rule_file(path: Path) -> list[Rule]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path.name}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{path.name}: not valid TOML: {exc}") from None
    reader = _Reader(path)
    family = reader.family(data.get("family"))
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise CatalogueError(f"{path.name}: needs at least one [[rule]] table")
    unknown = set(data) - {"family", "rule"}
    if unknown:
        raise CatalogueError(f"{path.name}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    return [reader.rule(raw, family, index) for index, raw in enumerate(raw_rules)]


_RULE_KEYS = {
    "code",
    "name",
    "severity",
    "message",
    "removed",
    "match",
    "symbols",
    "requires",
    "since",
    *DOC_FIELDS,
    "fix",
    "example",
    "valid",
    "availability",
    "calls",
}
_FIX_KEYS = {"level", "safety", "kind", "to", "arguments", "transform"}
_ARG_KEYS = {
    "rename",
    "remove",
    "v1",
    "v2",
    "keep",
    "default_differs",
    "convert",
    "inert_without",
}
_CHECK_KEYS = {
    "v1",
    "passes",
    "keep",
    "changes",
    "functions",
    "default_differs",
    "refuse",
    "convert",
    "lacks",
}
# Value conversions a fix can write (tf2_lsp.fixes.call_edits): `1 - x`, a GPU count as device
# names, the value as it is (a keyword renamed).
CONVERSIONS = ("one_minus", "gpu_devices", "same")
_EXAMPLE_KEYS = {"before", "after", "level", "unsafe", "prelude", "run"}
# The run table of an example: key -> the type its value must have.
_RUN_KEYS: dict[str, type] = {
    "setup": str,
    "feeds": dict,
    "compare": list,
    "train": str,
    "random": str,
    "skip": str,
}
RANDOM_MODES = ("num_random_ops", "constant")


class _Reader:
    """Validates one file's raw TOML data; every error names file, rule and field."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = path.name

    def fail(self, rule: str, field_name: str, problem: str) -> CatalogueError:
        return CatalogueError(f"{self.where}: rule {rule}: field '{field_name}': {problem}")

    def family(self, raw: object) -> Family:
        if not isinstance(raw, dict):
            raise CatalogueError(f"{self.where}: needs a [family] table with id, title and guide")
        unknown = set(raw) - {"id", "title", "guide"}
        if unknown:
            first = sorted(unknown)[0]
            raise CatalogueError(f"{self.where}: [family] field '{first}': unknown field")
        values = {}
        for key in ("id", "title", "guide"):
            value = raw.get(key)
            if not isinstance(value, str) or not value.strip():
                raise CatalogueError(
                    f"{self.where}: [family] field '{key}': must be a non-empty string"
                )
            values[key] = value
        return Family(
            id=values["id"],
            title=values["title"],
            guide=values["guide"],
            source=self.path,
            generated=self.path.name.startswith("generated_"),
        )

    def rule(self, raw: object, family: Family, index: int) -> Rule:
        label = f"#{index + 1}"
        if not isinstance(raw, dict):
            raise CatalogueError(f"{self.where}: rule {label}: must be a table")
        code = raw.get("code")
        if not isinstance(code, str) or not _CODE_RE.match(code):
            raise self.fail(label, "code", "must look like TF123")
        unknown = set(raw) - _RULE_KEYS
        if unknown:
            raise self.fail(code, sorted(unknown)[0], "unknown field")
        symbols = self.symbols(raw, code)
        for symbol in symbols:
            if not _SYMBOL_RE.match(symbol):
                raise self.fail(code, "symbols", f"'{symbol}' is not a dotted name")
        fixes = tuple(self.fix(item, code, symbols) for item in self.tables(raw, code, "fix"))
        levels = [fix.level for fix in fixes]
        if len(set(levels)) != len(levels):
            raise self.fail(code, "fix", "at most one fix per level")
        match = self.choice(raw, code, "match", MATCH_KINDS, default="reference")
        calls = {
            symbol: self.call_check(value, code, f"calls.{symbol}")
            for symbol, value in self.table(raw, code, "calls", prefix="").items()
        }
        unknown_symbols = [s for s in calls if s != "*" and s not in symbols]
        if unknown_symbols:
            raise self.fail(code, "calls", f"{unknown_symbols[0]} is not among the symbols")
        if calls or (
            any(fix.kind in ("arguments", "transform") for fix in fixes) and match == "reference"
        ):
            match = "call"
        return Rule(
            code=code,
            name=self.text(raw, code, "name"),
            family=family,
            severity=cast(Severity, self.choice(raw, code, "severity", SEVERITIES)),
            message=self.text(raw, code, "message"),
            removed=self.boolean(raw, code, "removed", default=False),
            match=cast(MatchKind, match),
            symbols=symbols,
            requires=self.strings(raw, code, "requires"),
            since=self.text(raw, code, "since", default=""),
            tf1=self.text(raw, code, "tf1"),
            tf2=self.text(raw, code, "tf2"),
            migrate=self.text(raw, code, "migrate"),
            safety_note=self.text(raw, code, "safety_note"),
            fixes=fixes,
            examples=tuple(self.example(item, code) for item in self.tables(raw, code, "example")),
            valid=tuple(
                self.text(item, code, "code", field_name="valid.code")
                for item in self.tables(raw, code, "valid")
            ),
            availability=self.availability(raw, code),
            calls=MappingProxyType(calls),
        )

    def call_check(self, raw: object, code: str, where: str) -> CallCheck:
        if not isinstance(raw, dict):
            raise self.fail(code, where, "must be a table")
        unknown = set(raw) - _CHECK_KEYS
        if unknown:
            raise self.fail(code, f"{where}.{sorted(unknown)[0]}", "unknown field")
        return CallCheck(
            v1=self.strings(raw, code, f"{where}.v1", key="v1"),
            passes=self.strings(raw, code, f"{where}.passes", key="passes"),
            keep=self.literal_table(raw, code, where, "keep"),
            changes=self.literal_table(raw, code, where, "changes"),
            functions=self.strings(raw, code, f"{where}.functions", key="functions"),
            default_differs=self.name_table(raw, code, where, "default_differs"),
            refuse=self.boolean(raw, code, "refuse", default=False),
            convert=self.conversions(raw, code, where),
            lacks=self.strings(raw, code, f"{where}.lacks", key="lacks"),
        )

    def literal_table(
        self, raw: dict[str, Any], code: str, where: str, key: str
    ) -> Mapping[str, tuple[str, ...]]:
        """param = ["'div'", "None"]: Python literals as source text."""
        table = raw.get(key, {})
        if not isinstance(table, dict):
            raise self.fail(code, f"{where}.{key}", "must be a table of param = [literals]")
        out: dict[str, tuple[str, ...]] = {}
        for param, values in table.items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise self.fail(code, f"{where}.{key}.{param}", "must be a list of strings")
            for value in values:
                try:
                    ast.literal_eval(value)
                except (ValueError, SyntaxError):
                    raise self.fail(
                        code, f"{where}.{key}.{param}", f"{value!r} is not a Python literal"
                    ) from None
            out[param] = tuple(values)
        return MappingProxyType(out)

    def name_table(self, raw: dict[str, Any], code: str, where: str, key: str) -> Mapping[str, str]:
        table = raw.get(key, {})
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise self.fail(code, f"{where}.{key}", 'must be a table of param = "name"')
        return MappingProxyType(dict(table))

    def availability(self, raw: dict[str, Any], code: str) -> Mapping[str, tuple[str, ...]]:
        table = raw.get("availability", {})
        if not isinstance(table, dict) or not all(
            isinstance(versions, list) and all(isinstance(v, str) for v in versions)
            for versions in table.values()
        ):
            raise self.fail(code, "availability", "must map targets to lists of versions")
        return MappingProxyType({target: tuple(v) for target, v in table.items()})

    def symbols(self, raw: dict[str, Any], code: str) -> tuple[str, ...]:
        """The rule's symbols; a rename rule may leave them out: its `to` keys name them."""
        if "symbols" in raw:
            return self.strings(raw, code, "symbols", required=True)
        symbols = rule_symbols(raw)
        if not symbols:
            raise self.fail(code, "symbols", "required (only a rename fix's `to` may stand in)")
        return symbols

    def fix(self, raw: dict[str, Any], code: str, symbols: tuple[str, ...]) -> Fix:
        unknown = set(raw) - _FIX_KEYS
        if unknown:
            raise self.fail(code, f"fix.{sorted(unknown)[0]}", "unknown field")
        kind = cast(FixKind, self.choice(raw, code, "kind", FIX_KINDS, prefix="fix."))
        to = raw.get("to", {})
        if not isinstance(to, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in to.items()
        ):
            raise self.fail(code, "fix.to", 'must be a table of symbol = "target"')
        if kind == "rename":
            missing = [s for s in symbols if s not in to]
            if missing:
                raise self.fail(code, "fix.to", f"no target for {missing[0]}")
        arguments = {
            symbol: self.arg_change(value, code, symbol)
            for symbol, value in self.table(raw, code, "arguments").items()
        }
        if kind == "arguments" and not arguments:
            raise self.fail(code, "fix.arguments", "an arguments fix needs an arguments table")
        transform = raw.get("transform")
        if kind == "transform" and transform not in TRANSFORMS:
            raise self.fail(code, "fix.transform", f"unknown transform {transform!r}")
        if kind == "transform":
            # The rule and the transform each list symbols: they must agree, or a use would
            # be reported with a fix that cannot rewrite it.
            handles = TRANSFORMS[cast(str, transform)].handles
            cannot = [symbol for symbol in symbols if handles and symbol not in handles]
            if cannot:
                raise self.fail(code, "fix.transform", f"{transform} cannot rewrite {cannot[0]}")
        return Fix(
            level=cast(Level, self.choice(raw, code, "level", LEVELS, prefix="fix.")),
            safety=cast(Safety, self.choice(raw, code, "safety", SAFETIES, prefix="fix.")),
            kind=kind,
            to=MappingProxyType(dict(to)),
            arguments=MappingProxyType(arguments),
            transform=transform if isinstance(transform, str) else None,
        )

    def arg_change(self, raw: object, code: str, symbol: str) -> ArgChange:
        where = f"fix.arguments.{symbol}"
        if not isinstance(raw, dict):
            raise self.fail(code, where, "must be a table")
        unknown = set(raw) - _ARG_KEYS
        if unknown:
            raise self.fail(code, f"{where}.{sorted(unknown)[0]}", "unknown field")
        rename = raw.get("rename", {})
        if not isinstance(rename, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in rename.items()
        ):
            raise self.fail(code, f"{where}.rename", 'must be a table of old = "new"')
        convert = self.conversions(raw, code, where)
        return ArgChange(
            rename=MappingProxyType(dict(rename)),
            remove=self.strings(raw, code, f"{where}.remove", key="remove"),
            v1=self.strings(raw, code, f"{where}.v1", key="v1"),
            v2=self.strings(raw, code, f"{where}.v2", key="v2"),
            keep=self.literal_table(raw, code, where, "keep"),
            default_differs=self.name_table(raw, code, where, "default_differs"),
            convert=convert,
            inert_without=self.name_table(raw, code, where, "inert_without"),
        )

    def conversions(self, raw: dict[str, Any], code: str, where: str) -> Mapping[str, str]:
        """param = "new_name:conversion", with a conversion a fix can write."""
        convert = raw.get("convert", {})
        if not isinstance(convert, dict) or not all(
            isinstance(k, str)
            and isinstance(v, str)
            and v.count(":") == 1
            and v.split(":")[1] in CONVERSIONS
            for k, v in convert.items()
        ):
            raise self.fail(
                code,
                f"{where}.convert",
                f'must map parameters to "new_name:conversion" ({", ".join(CONVERSIONS)})',
            )
        return MappingProxyType(dict(convert))

    def example(self, raw: dict[str, Any], code: str) -> Example:
        unknown = set(raw) - _EXAMPLE_KEYS
        if unknown:
            raise self.fail(code, f"example.{sorted(unknown)[0]}", "unknown field")
        after = raw.get("after")
        if after is not None and not isinstance(after, str):
            raise self.fail(code, "example.after", "must be a string")
        return Example(
            before=self.text(raw, code, "before", field_name="example.before"),
            after=after,
            level=cast(Level, self.choice(raw, code, "level", LEVELS, "compat", "example.")),
            unsafe=self.boolean(raw, code, "unsafe", default=False),
            prelude=self.text(
                raw,
                code,
                "prelude",
                default="import tensorflow as tf",
                field_name="example.prelude",
                allow_empty=True,
            ),
            run=self.run_table(raw.get("run", {}), code),
        )

    def run_table(self, raw: Any, code: str) -> Mapping[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail(code, "example.run", "must be a table")
        for key, value in raw.items():
            kind = _RUN_KEYS.get(key)
            if kind is None:
                raise self.fail(code, f"example.run.{key}", "unknown field")
            if not isinstance(value, kind):
                raise self.fail(code, f"example.run.{key}", f"must be a {kind.__name__}")
            items: list[Any] = (
                (list(value.values()) if isinstance(value, dict) else list(value))
                if isinstance(value, (dict, list))
                else []
            )
            if not all(isinstance(item, str) for item in items):
                raise self.fail(code, f"example.run.{key}", "must hold strings")
        if raw.get("random", RANDOM_MODES[0]) not in RANDOM_MODES:
            raise self.fail(code, "example.run.random", f"must be one of {RANDOM_MODES}")
        return MappingProxyType(dict(raw))

    # -- primitive readers -------------------------------------------------

    def text(
        self,
        raw: dict[str, Any],
        code: str,
        key: str,
        default: str | None = None,
        field_name: str | None = None,
        allow_empty: bool = False,
    ) -> str:
        value = raw.get(key, default)
        name = field_name or key
        if not isinstance(value, str):
            raise self.fail(code, name, "missing" if value is None else "must be a string")
        if not value.strip() and default is None and not allow_empty:
            raise self.fail(code, name, "must not be empty")
        return value

    def boolean(self, raw: dict[str, Any], code: str, key: str, default: bool) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(code, key, "must be true or false")
        return value

    def choice(
        self,
        raw: dict[str, Any],
        code: str,
        key: str,
        allowed: tuple[str, ...],
        default: str | None = None,
        prefix: str = "",
    ) -> str:
        value = raw.get(key, default)
        if value not in allowed:
            raise self.fail(code, prefix + key, f"must be one of {', '.join(allowed)}")
        return cast(str, value)

    def strings(
        self,
        raw: dict[str, Any],
        code: str,
        field_name: str,
        required: bool = False,
        key: str | None = None,
    ) -> tuple[str, ...]:
        value = raw.get(key or field_name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(code, field_name, "must be a list of strings")
        if required and not value:
            raise self.fail(code, field_name, "must not be empty")
        return tuple(value)

    def tables(self, raw: dict[str, Any], code: str, key: str) -> list[dict[str, Any]]:
        value = raw.get(key, [])
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.fail(code, key, "must be a table or an array of tables")
        return value

    def table(
        self, raw: dict[str, Any], code: str, key: str, prefix: str = "fix."
    ) -> dict[str, Any]:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(code, f"{prefix}{key}", "must be a table")
        return value


def rule_symbols(raw: dict[str, Any]) -> tuple[str, ...]:
    """The symbols of a rule table as written: `symbols`, or else the keys of its first
    rename fix's `to` (for readers of the raw TOML, such as the catalogue generator)."""
    if "symbols" in raw:
        value = raw["symbols"]
        return tuple(str(s) for s in value) if isinstance(value, list) else ()
    fixes = raw.get("fix", [])
    for fix in [fixes] if isinstance(fixes, dict) else fixes:
        if (
            isinstance(fix, dict)
            and fix.get("kind") == "rename"
            and isinstance(fix.get("to"), dict)
        ):
            return tuple(str(symbol) for symbol in fix["to"])
    return ()
