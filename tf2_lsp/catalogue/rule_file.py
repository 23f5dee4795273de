"""One rule file (`rules/*.toml`) read and validated into immutable `Rule` objects.

A malformed file yields one CatalogueError naming the file, the rule and the field: users
extend the catalogue by hand, and a traceback would tell them nothing.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from tf2_lsp.catalogue.field_reader import FieldReader
from tf2_lsp.catalogue.rules import (
    DOC_FIELDS,
    FIX_KINDS,
    LEVELS,
    MATCH_KINDS,
    SAFETIES,
    SEVERITIES,
    ArgChange,
    CallCheck,
    CatalogueError,
    Example,
    Family,
    Fix,
    FixKind,
    Level,
    MatchKind,
    Rule,
    Safety,
    Severity,
)
from tf2_lsp.transforms.registry import TRANSFORMS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_CODE_RE = re.compile(r"^TF\d{3,4}$")
_SYMBOL_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\.\*)?$")


def load_rule_file(path: Path) -> list[Rule]:
    return rules_of(path, read_rule_file(path))


def read_rule_file(path: Path) -> dict[str, Any]:
    """The rule file's TOML document."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path.name}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{path.name}: not valid TOML: {exc}") from None


def rules_of(path: Path, data: dict[str, Any]) -> list[Rule]:
    """The rules of the rule file at `path`, whose document is `data`, validated."""
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
_FIX_KEYS = {"level", "safety", "kind", "to", "arguments", "transform", "unproven"}
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
    "numbers",
    "default_differs",
    "refuse",
    "compat_too",
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
    "graph": str,
    "steps": str,
    "times": int,
    "keras": str,
}
RANDOM_MODES = ("num_random_ops", "constant")
GRAPH_MODES = ("auto", "graph", "eager")
KERAS_MODES = ("auto", "2", "3")


class _Reader(FieldReader):
    """Validates one file's raw TOML data; every error names file, rule and field."""

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
            numbers=self.strings(raw, code, f"{where}.numbers", key="numbers"),
            default_differs=self.name_table(raw, code, where, "default_differs"),
            refuse=self.boolean(raw, code, "refuse", default=False),
            compat_too=self.boolean(raw, code, "compat_too", default=False),
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
        """The rule's symbols; a rule may leave them out when a fix names them: the keys of a
        rename's `to`, or the symbols its transform declares (`rule_symbols`)."""
        if "symbols" in raw:
            return self.strings(raw, code, "symbols", required=True)
        symbols = rule_symbols(raw)
        if not symbols:
            raise self.fail(
                code,
                "symbols",
                "required (only a rename fix's `to` or a transform that lists its symbols "
                "may stand in)",
            )
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
            # A transform that lists its symbols and the rule that uses it name the same ones:
            # a symbol only the rule names would be reported with a fix that cannot rewrite
            # it, one only the transform names would be a rewrite nothing reports.
            handles = TRANSFORMS[cast(str, transform)].handles
            # Sets: a generated table names hundreds of symbols, and at every start.
            known, named = frozenset(handles), frozenset(symbols)
            cannot = [symbol for symbol in symbols if handles and symbol not in known]
            if cannot:
                raise self.fail(code, "fix.transform", f"{transform} cannot rewrite {cannot[0]}")
            unreported = [symbol for symbol in handles if symbol not in named]
            if unreported:
                raise self.fail(
                    code,
                    "fix.transform",
                    f"{transform} also rewrites {unreported[0]}, which the rule does not report",
                )
        return Fix(
            level=cast(Level, self.choice(raw, code, "level", LEVELS, prefix="fix.")),
            safety=cast(Safety, self.choice(raw, code, "safety", SAFETIES, prefix="fix.")),
            kind=kind,
            to=MappingProxyType(dict(to)),
            arguments=MappingProxyType(arguments),
            transform=transform if isinstance(transform, str) else None,
            unproven=self.text(raw, code, "unproven", default="", field_name="fix.unproven"),
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
        if raw.get("graph", GRAPH_MODES[0]) not in GRAPH_MODES:
            raise self.fail(code, "example.run.graph", f"must be one of {GRAPH_MODES}")
        if raw.get("keras", KERAS_MODES[0]) not in KERAS_MODES:
            raise self.fail(code, "example.run.keras", f"must be one of {KERAS_MODES}")
        return MappingProxyType(dict(raw))


def rule_symbols(raw: dict[str, Any]) -> tuple[str, ...]:
    """The symbols of a rule table as written: `symbols`; or else the keys of its first rename
    fix's `to`; or else the symbols its transform fix declares (`cast_to` lists the functions
    it has a dtype for). Also for readers of the raw TOML, such as the catalogue generator."""
    if "symbols" in raw:
        value = raw["symbols"]
        return tuple(str(s) for s in value) if isinstance(value, list) else ()
    fixes = raw.get("fix", [])
    # Not yet validated: `fix` may be any value (named as wrong when the fixes are read).
    listed = [fixes] if isinstance(fixes, dict) else fixes if isinstance(fixes, list) else []
    tables = [fix for fix in listed if isinstance(fix, dict)]
    for fix in tables:
        if fix.get("kind") == "rename" and isinstance(fix.get("to"), dict):
            return tuple(str(symbol) for symbol in fix["to"])
    for fix in tables:
        transform = TRANSFORMS.get(str(fix.get("transform")))
        if fix.get("kind") == "transform" and transform is not None and transform.handles:
            return transform.handles
    return ()
