"""Generate `rules/generated_*.toml` from TensorFlow's own API surface.

Two phases, so that several TensorFlow versions can be unioned:

    # with an interpreter that has TensorFlow (one run per supported version)
    python scripts/generate_catalogue.py dump --out scripts/api/api-2.15.1.json.gz
    # with any Python (no TensorFlow): reads every scripts/api/*.json[.gz] by default
    python scripts/generate_catalogue.py build [--api FILE ...] [--check]

`dump` walks `tf.compat.v1` (the TF1 surface) and the TF2 namespace and records which object
every name refers to. `build` compares the two surfaces: a TF1 name that TF2 lacks becomes a
symbol rule (renamed to the TF2 name of the same object, else to `tf.compat.v1`), and a name
whose TF1 and TF2 objects differ in their parameters becomes an argument rule. The wording of
every rule comes from `scripts/catalogue_groups.toml`.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import inspect
import json
import os
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent
DEFAULT_API_DIR = SCRIPTS / "api"
DEFAULT_GROUPS = SCRIPTS / "catalogue_groups.toml"
DEFAULT_RULES_DIR = ROOT / "rules"

# ---------------------------------------------------------------------------
# Phase 1: dump (needs TensorFlow; everything TensorFlow-specific is imported lazily)
# ---------------------------------------------------------------------------


# Module objects whose __name__ starts with one of these are API modules we descend into;
# any other module (e.g. `tf.flags`, which is TensorFlow's absl wrapper) is recorded as a leaf.
API_MODULE_PREFIXES = (
    "tensorflow._api.",
    "tensorflow.compat",
    "keras.",
    "tensorflow_estimator.python.estimator.api.",
)
SKIP_SUBTREES = ("compat.v1", "compat.v2")
MAX_DEPTH = 8
REGISTRY_V1 = ("_tf_api_names_v1", "_estimator_api_names_v1", "_keras_api_names_v1")
REGISTRY_V2 = ("_tf_api_names", "_estimator_api_names", "_keras_api_names")
SIMPLE_VALUES = (bool, int, float, str, bytes, type(None))

_DEPRECATED_ARGS_RE = re.compile(r"SOME ARGUMENTS ARE DEPRECATED: `\(([^)]*)\)`")
_INSTRUCTIONS_RE = re.compile(r"Instructions for updating:\n(.*?)(?:\n\s*\n|\Z)", re.S)
_ARG_LINE_RE = re.compile(r"^\s{2,}(\*{0,2}\w+)\s*(?:\([^)]*\))?:\s*(.*)$")
_ARG_NOTE_WORDS = ("deprecat", "alias", "old name", "renamed", "legacy")


def kind_of(obj: object) -> str:
    if isinstance(obj, types.ModuleType):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "value"


def is_api_module(obj: object) -> bool:
    name = getattr(obj, "__name__", "")
    return (
        isinstance(obj, types.ModuleType)
        and isinstance(name, str)
        and (name.startswith(API_MODULE_PREFIXES))
    )


def walk(root: object) -> Iterator[tuple[str, object]]:
    """Yield (dotted path relative to the root, object) for every public attribute."""
    stack: list[tuple[str, object, tuple[int, ...]]] = [("", root, (id(root),))]
    while stack:
        prefix, module, seen = stack.pop()
        try:
            names = sorted(n for n in dir(module) if not n.startswith("_"))
        except Exception:  # a lazy loader that cannot load in this environment
            continue
        for name in names:
            path = f"{prefix}{name}"
            if path in SKIP_SUBTREES:
                continue
            try:
                obj = getattr(module, name)
            except Exception:  # e.g. `tf.compat.v1.layers.dense` under Keras 3
                continue
            yield path, obj
            if is_api_module(obj) and id(obj) not in seen and path.count(".") < MAX_DEPTH:
                stack.append((path + ".", obj, (*seen, id(obj))))


def unwrap(obj: object) -> object:
    from tensorflow.python.util import tf_decorator

    try:
        return tf_decorator.unwrap(obj)[1]
    except Exception:
        return obj


def registry_names(obj: object) -> tuple[list[str], list[str]]:
    v1: set[str] = set()
    v2: set[str] = set()
    for candidate in (obj, unwrap(obj)):
        for attr in REGISTRY_V1:
            v1.update(_names_attr(candidate, attr))
        for attr in REGISTRY_V2:
            v2.update(_names_attr(candidate, attr))
    return sorted(v1), sorted(v2)


def _names_attr(obj: object, attr: str) -> list[str]:
    try:
        value = vars(obj).get(attr) if hasattr(obj, "__dict__") else None
    except TypeError:
        value = None
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def _default_repr(value: object) -> str | None:
    if value is inspect.Parameter.empty:
        return None
    if isinstance(value, SIMPLE_VALUES):
        text = repr(value)
        return text if len(text) <= 60 else "<long>"
    return "<object>"


def parameters(obj: object, kind: str) -> list[list[Any]] | None:
    """[[name, kind, default-repr-or-None], ...] or None when the signature is unknown."""
    target = unwrap(obj)
    try:
        if kind == "class":
            init = unwrap(vars(target).get("__init__") or target.__init__)  # type: ignore[misc]
            signature = inspect.signature(init)  # type: ignore[arg-type]
            params = list(signature.parameters.values())[1:]
        elif kind == "function":
            params = list(inspect.signature(target).parameters.values())  # type: ignore[arg-type]
        else:
            return None
    except (TypeError, ValueError):
        return None
    if [p.kind for p in params] == [
        inspect.Parameter.VAR_POSITIONAL,
        inspect.Parameter.VAR_KEYWORD,
    ]:
        return None
    return [[p.name, p.kind.name, _default_repr(p.default)] for p in params]


def deprecation(obj: object) -> dict[str, Any]:
    doc = getattr(obj, "__doc__", None)
    if not isinstance(doc, str) or kind_of(obj) == "module":
        return {}
    info: dict[str, Any] = {}
    first = doc.strip().splitlines()[0] if doc.strip() else ""
    if first.endswith("(deprecated)"):
        info["deprecated"] = True
    match = _DEPRECATED_ARGS_RE.search(doc)
    if match:
        info["deprecated_args"] = [a.strip() for a in match.group(1).split(",") if a.strip()]
    instructions = [" ".join(m.group(1).split()) for m in _INSTRUCTIONS_RE.finditer(doc)]
    if instructions:
        info["instructions"] = instructions
    notes = arg_notes(doc)
    if notes:
        info["arg_notes"] = notes
    return info


def arg_notes(doc: str) -> dict[str, str]:
    """Args-section lines that call a parameter deprecated, an alias or an old name."""
    notes: dict[str, str] = {}
    in_args = False
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped in ("Args:", "Arguments:"):
            in_args = True
            continue
        if (
            in_args
            and stripped.endswith(":")
            and not line.startswith(" " * 4)
            and " " not in stripped
        ):
            in_args = False
        if not in_args:
            continue
        match = _ARG_LINE_RE.match(line)
        if match and any(word in match.group(2).lower() for word in _ARG_NOTE_WORDS):
            notes[match.group(1)] = " ".join(match.group(2).split())[:200]
    return notes


def dump_api() -> dict[str, Any]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    objects: dict[int, dict[str, Any]] = {}
    keep_alive: list[object] = []
    surfaces: dict[str, dict[str, int]] = {"v1": {}, "v2": {}}
    for surface, root in (("v1", tf.compat.v1), ("v2", tf.compat.v2)):
        for path, obj in walk(root):
            key = id(obj)
            if kind_of(obj) == "value" and isinstance(obj, SIMPLE_VALUES):
                key = hash((surface, path, "value"))  # plain values are never shared by identity
            if key not in objects:
                keep_alive.append(obj)
                objects[key] = describe(obj)
            surfaces[surface][path] = key
    result = finish(tf.__version__, objects, surfaces)
    result["keras_version"] = _keras_version()
    return result


def _keras_version() -> str:
    try:
        import keras

        return str(keras.__version__)
    except Exception:
        return ""


def describe(obj: object) -> dict[str, Any]:
    kind = kind_of(obj)
    api_v1, api_v2 = registry_names(obj)
    entry: dict[str, Any] = {"kind": kind}
    if isinstance(obj, SIMPLE_VALUES):
        entry["value"] = _default_repr(obj)
    if kind == "module":
        entry["module"] = getattr(obj, "__name__", "")
        entry["api_module"] = is_api_module(obj)
    if api_v1:
        entry["api_v1"] = api_v1
    if api_v2:
        entry["api_v2"] = api_v2
    params = parameters(obj, kind)
    if params is not None:
        entry["params"] = params
    entry.update(deprecation(obj))
    return entry


def finish(
    version: str, objects: dict[int, dict[str, Any]], surfaces: dict[str, dict[str, int]]
) -> dict[str, Any]:
    """Renumber objects deterministically (by their first v1/v2 path) for a stable JSON."""
    first_path: dict[int, str] = {}
    for surface in ("v1", "v2"):
        for path in sorted(surfaces[surface]):
            first_path.setdefault(surfaces[surface][path], f"{surface}:{path}")
    order = sorted(first_path, key=lambda key: first_path[key])
    number = {key: index for index, key in enumerate(order)}
    return {
        "format": 1,
        "tensorflow_version": version,
        "objects": [objects[key] for key in order],
        "v1": {path: number[key] for path, key in sorted(surfaces["v1"].items())},
        "v2": {path: number[key] for path, key in sorted(surfaces["v2"].items())},
    }


# ---------------------------------------------------------------------------
# Phase 2: build (plain Python; reads the dumps, never TensorFlow)
# ---------------------------------------------------------------------------

POSITIONAL = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")
VARIADIC = ("VAR_POSITIONAL", "VAR_KEYWORD")
SYMBOL_CATEGORIES = ("move", "compat", "dropped")
ARG_CATEGORIES = ("args", "args-removed", "args-manual", "args-compat")
_NATIVE_RE = re.compile(r"^(?:please )?use `?tf\.([A-Za-z_][\w.]*?)(?:\(\))?`? instead\.?$", re.I)


@dataclass(frozen=True)
class Api:
    version: str
    objects: list[dict[str, Any]]
    v1: dict[str, int]
    v2: dict[str, int]
    v2_paths: dict[int, list[str]]

    def v1_object(self, path: str) -> dict[str, Any]:
        return self.objects[self.v1[path]]


def load_api(path: Path) -> Api:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    data = json.loads(raw)
    v2_paths: dict[int, list[str]] = {}
    for name, index in sorted(data["v2"].items()):
        v2_paths.setdefault(index, []).append(name)
    return Api(data["tensorflow_version"], data["objects"], data["v1"], data["v2"], v2_paths)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def namespace(path: str) -> str:
    return path.split(".", 1)[0] if "." in path else "root"


@dataclass(frozen=True)
class Status:
    state: str  # same | changed | moved | compat
    moves: tuple[str, ...] = ()


def status(api: Api, path: str) -> Status:
    index = api.v1[path]
    obj = api.objects[index]
    if path in api.v2:
        other = api.objects[api.v2[path]]
        if api.v2[path] == index:
            return Status("same")
        if obj["kind"] == "module" and other["kind"] == "module":
            return Status("same")
        if obj["kind"] == "value" and obj.get("value") == other.get("value"):
            return Status("same")
        return Status("changed")
    if obj["kind"] == "value":
        # Plain values have no identity: a TF2 name with the same last part and the same value
        # (`VERSION` -> `version.VERSION`) is where TF2 exports it; otherwise it is compat-only.
        moves = tuple(same_value_paths(api, path, obj))
        return Status("moved" if moves else "compat", moves)
    return Status(
        "moved" if index in api.v2_paths else "compat", tuple(api.v2_paths.get(index, ()))
    )


def same_value_paths(api: Api, path: str, obj: dict[str, Any]) -> Iterator[str]:
    if "value" not in obj:
        return
    last = path.rsplit(".", 1)[-1]
    for name, index in api.v2.items():
        other = api.objects[index]
        same_name = name.rsplit(".", 1)[-1] == last and "." in name
        if same_name and other["kind"] == "value" and other.get("value") == obj["value"]:
            yield name


@dataclass
class SymbolPlan:
    name: str
    kind: str
    group: str
    target: str
    availability: dict[str, list[str]]
    native: str = ""
    native_rename: dict[str, str] = field(default_factory=dict)  # TF1 keyword -> TF2 keyword
    refusal: str = ""  # why a compat-only function has no native home (reported by `homes`)


@dataclass
class ArgPlan:
    name: str
    group: str
    rename: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    remove: list[str] = field(default_factory=list)
    manual: dict[str, str] = field(default_factory=dict)
    v1: list[str] = field(default_factory=list)
    v2: list[str] = field(default_factory=list)
    keep: dict[str, list[str]] = field(default_factory=dict)
    default_differs: dict[str, str] = field(default_factory=dict)
    inert_without: dict[str, str] = field(default_factory=dict)
    # Same name, different TF2 function: the TF1 parameters whose arguments change meaning,
    # and literal values of kept parameters that do (`name_scope(None)`).
    passes: list[str] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Config:
    data: dict[str, Any]

    @property
    def codes(self) -> dict[str, str]:
        codes: dict[str, str] = self.data.get("codes", {})
        return codes

    def skipped(self, path: str) -> bool:
        skip: list[str] = self.data.get("skip", {}).get("prefixes", [])
        return any(path == p or path.startswith(p + ".") for p in skip)

    def dropped_ignored(self, path: str) -> bool:
        ignore: list[str] = self.data.get("skip", {}).get("dropped_namespaces", [])
        return namespace(path) in ignore

    def proofs(self, code: str) -> dict[str, Any]:
        """[proofs.CODE]: how the equivalence tests run the rule's examples (`run`,
        `native_run`, more `examples`), or why a fix cannot be run (`unproven`,
        `native_unproven`)."""
        table: dict[str, Any] = self.data.get("proofs", {}).get(code, {})
        return table

    def known_since(self, ns: str) -> str | None:
        since: dict[str, str] = self.data.get("since", {})
        return since.get(ns)


def load_config(path: Path) -> Config:
    import tomllib

    return Config(tomllib.loads(path.read_text(encoding="utf-8")))


# -- symbols -----------------------------------------------------------------


def present_in(apis: list[Api], surface: str, name: str) -> list[str]:
    return [api.version for api in apis if name in getattr(api, surface)]


def plan_symbols(apis: list[Api], config: Config) -> list[SymbolPlan]:
    names = sorted({name for api in apis for name in api.v1})
    plans = []
    for name in names:
        if config.skipped(name):
            continue
        plan = plan_symbol(apis, name, config)
        if plan is not None:
            plans.append(plan)
    return plans


def plan_symbol(apis: list[Api], name: str, config: Config) -> SymbolPlan | None:
    statuses = {api.version: status(api, name) for api in apis if name in api.v1}
    invalid = {v: s for v, s in statuses.items() if s.state in ("moved", "compat")}
    latest = max((api for api in apis if name in api.v1), key=lambda a: version_key(a.version))
    kind = latest.v1_object(name)["kind"]
    if not invalid:
        if len(statuses) == len(apis) or config.dropped_ignored(name):
            return None
        if any(name in api.v2 for api in apis if api.version not in statuses):
            return None
        full = f"tensorflow.{name}"
        versions = sorted(statuses, key=version_key)
        availability = {full: versions, f"tensorflow.compat.v1.{name}": versions}
        return SymbolPlan(name, kind, f"dropped:{namespace(name)}", "", availability)
    move = choose_move(apis, statuses, invalid)
    if move:
        target = f"tensorflow.{move}"
        group = f"move:{namespace(move)}"
        available = present_in(apis, "v2", move)
    else:
        target = f"tensorflow.compat.v1.{name}"
        group = f"compat:{subgroup(name, config)}"
        available = present_in(apis, "v1", name)
    plan = SymbolPlan(name, kind, group, target, {target: available})
    in_compat = present_in(apis, "v1", name)
    if len(in_compat) != len(apis):  # the TF1 spelling itself is missing from some version
        plan.availability[f"tensorflow.compat.v1.{name}"] = in_compat
    if not move:
        plan.native = native_replacement(apis, latest, name)
        refused: dict[str, str] = config.data.get("native_refused", {})
        if name in refused:
            plan.refusal = refused[name]
        elif not plan.native and kind == "function":
            plan.native, plan.native_rename, plan.refusal = tf2_home(apis, name)
    return plan


def subgroup(name: str, config: Config) -> str:
    """The group namespace: a [subgroups] prefix (Keras-2-only `nn.rnn_cell`) or the first part."""
    table: dict[str, str] = config.data.get("subgroups", {})
    for prefix, group in table.items():
        if name == prefix or name.startswith(prefix + "."):
            return group
    return namespace(name)


def choose_move(apis: list[Api], statuses: dict[str, Status], invalid: dict[str, Status]) -> str:
    """The TF2 name of the same object, valid in every version where the TF1 name exists."""
    candidates = {move for s in invalid.values() for move in s.moves}
    usable = [m for m in candidates if all(m in api.v2 for api in apis if api.version in statuses)]
    if not usable:
        return ""
    return min(
        usable, key=lambda m: ("experimental" in m, m.startswith("compat."), m.count("."), m)
    )


def native_replacement(apis: list[Api], latest: Api, name: str) -> str:
    """A TF2 replacement named by the TF1 object's own deprecation note, if call-compatible."""
    obj = latest.v1_object(name)
    notes = obj.get("instructions", [])
    if len(notes) != 1 or not obj.get("deprecated"):
        return ""
    match = _NATIVE_RE.match(notes[0].strip())
    if not match:
        return ""
    target = match.group(1)
    if target == name or not all(target in api.v2 for api in apis):
        return ""
    new = latest.objects[latest.v2[target]]
    if obj["kind"] != new["kind"] or not call_compatible(obj.get("params"), new.get("params")):
        return ""
    return f"tensorflow.{target}"


# TensorFlow's own keyword renames between a TF1 function and its TF2 version, as its
# deprecation notes name them ("keep_dims is deprecated, use keepdims instead"); used
# together with the pairs read from TF1's source (`alias_pairs`).
TF_KEYWORD_RENAMES = {
    "keep_dims": "keepdims",
    "reduction_indices": "axis",
    "reduction_axes": "axis",
    "dim": "axis",
    "dimension": "axis",
    "concat_dim": "axis",
    "split_dim": "axis",
    "ksizes": "sizes",
    "thresh": "threshold",
    "bytes": "input_bytes",
    "output_dtype": "dtype",
}
_USE_INSTEAD_RE = re.compile(
    r"^(?:please )?use `?tf\.([A-Za-z_][\w.]*?)(?:\(\))?`? instead\b", re.I
)


def home_candidates(api: Api, name: str) -> list[str]:
    """TF2 names that TensorFlow itself gives as the TF2 version of TF1 function `name`.

    The same TF1 function exported under another TF1 name that TF2 re-exports with a new
    function (`sparse_reduce_max` is also `sparse.reduce_max`, whose TF2 function is
    `reduce_max_v2`), then the function its deprecation note says to use instead
    (`arg_max`: "Use `tf.math.argmax` instead").
    """
    obj = api.v1_object(name)
    found = [other for other in obj.get("api_v1", []) if other != name and other in api.v2]
    for note in obj.get("instructions", []):
        match = _USE_INSTEAD_RE.match(note.strip())
        if match and match.group(1) in api.v2 and match.group(1) not in found:
            found.append(match.group(1))
    return [f for f in found if api.objects[api.v2[f]]["kind"] == "function"]


def map_parameters(
    old: list[list[Any]], new: list[list[Any]], pairs: dict[str, str]
) -> tuple[dict[str, str], str]:
    """(TF1 keyword -> TF2 keyword for the renamed ones, "") when every TF1 parameter has a
    TF2 parameter of the same meaning: the same name or a rename TensorFlow made (`pairs`,
    `TF_KEYWORD_RENAMES`), with the same default; else ({}, why not)."""
    if any(p[1] in VARIADIC for p in old):
        return {}, "TF1 takes *args/**kwargs"
    targets = {p[0]: p for p in new if p[1] not in VARIADIC}
    rename: dict[str, str] = {}
    filled: set[str] = set()
    for param, _kind, _default in old:
        if param in targets:
            new_name = param
        else:
            new_name = pairs.get(param) or TF_KEYWORD_RENAMES.get(param, "")
            if new_name not in targets:
                return {}, f"no TF2 parameter for `{param}`"
            rename[param] = new_name
        filled.add(new_name)
    paired = set(rename.values()) | set(rename)
    for param, _kind, default in old:
        tf2_default = targets[rename.get(param, param)][2]
        if tf2_default == default or default is None:
            continue  # a required TF1 parameter stays filled: the binding verifier checks
        if tf2_default is None and default == "None" and param in paired:
            continue  # one of a deprecated pair: TF1 required one of the two in its body
        # An omitted argument would take another value in TF2.
        return {}, f"`{param}` has another default in TF2"
    required = [p[0] for p in new if p[1] not in VARIADIC and p[2] is None and p[0] not in filled]
    if required:
        return {}, f"TF2 requires `{required[0]}`, which TF1 lacks"
    return rename, ""


def tf2_home(apis: list[Api], name: str) -> tuple[str, dict[str, str], str]:
    """(TF2 target, keyword renames, "") for a compat-only TF1 function whose TF2 version
    takes every argument with the same meaning, in every version where the TF1 name
    exists; else ("", {}, why not)."""
    pairs = alias_pairs()
    having = [api for api in apis if name in api.v1]
    candidates = [c for c in home_candidates(having[-1], name) if all(c in a.v2 for a in having)]
    if not candidates:
        return "", {}, "no TF2 function named by TensorFlow"
    why = ""
    for candidate in candidates:
        renames = []
        for api in having:
            old, new = (
                api.v1_object(name).get("params"),
                api.objects[api.v2[candidate]].get("params"),
            )
            if old is None or new is None:
                why = "signature unknown"
                break
            own = {**pairs.get(candidate, {}), **pairs.get(name, {})}
            rename, why = map_parameters(old, new, own)
            if why:
                break
            renames.append(rename)
        if not why and all(r == renames[0] for r in renames):
            return f"tensorflow.{candidate}", renames[0], ""
    return "", {}, why or "keyword renames differ between versions"


def call_compatible(old: list[list[Any]] | None, new: list[list[Any]] | None) -> bool:
    """Every TF1 call stays valid: same positional prefix, every keyword still accepted."""
    if old is None or new is None:
        return False
    old_pos = [p[0] for p in old if p[1] in POSITIONAL]
    new_pos = [p[0] for p in new if p[1] in POSITIONAL]
    new_names = {p[0] for p in new if p[1] not in VARIADIC}
    if new_pos[: len(old_pos)] != old_pos:
        return False
    return all(p[0] in new_names for p in old if p[1] not in VARIADIC)


# -- arguments ---------------------------------------------------------------


def plan_arguments(apis: list[Api], config: Config) -> list[ArgPlan]:
    plans = []
    pairs = alias_pairs()
    for name in sorted({name for api in apis for name in api.v1}):
        if config.skipped(name) or namespace(name) in config.data["skip"]["argument_namespaces"]:
            continue
        changed = [api for api in apis if name in api.v1 and status(api, name).state == "changed"]
        if not changed:
            continue
        api = max(changed, key=lambda a: version_key(a.version))
        old = api.v1_object(name)
        new = dict(api.objects[api.v2[name]])
        if name in config.data.get("signatures", {}).get("no_arguments", []):
            new["params"] = []  # inherits object.__init__: the dump cannot tell, TF raises
        if old.get("params") is None or new.get("params") is None:
            continue
        plan = diff_signature(name, old, new, pairs.get(name, {}))
        if plan is not None and plan.manual == {"*": "replaced"}:
            same_name_checks(plan, config, old, new)
        elif plan is not None:
            value_checks(plan, config, old, new)
        if plan is not None:
            plans.append(plan)
    return plans


def same_name_checks(
    plan: ArgPlan, config: Config, old: dict[str, Any], new: dict[str, Any]
) -> None:
    """A TF1 function whose name TF2 gave to another signature: which arguments change meaning.

    A TF1 parameter keeps its meaning when TF2 has it under the same name and, if TF1 took it
    by position, in the same position; passing any other one (by keyword or by position)
    changes meaning, and the call keeps TF1 behaviour through `tf.compat.v1`.
    """
    v1 = [p for p in old["params"] if p[1] not in VARIADIC]
    v2 = [p for p in new["params"] if p[1] not in VARIADIC]
    v2_position = {p[0]: i for i, p in enumerate(v2) if p[1] in POSITIONAL}
    v2_names = {p[0] for p in v2}
    plan.v1 = [p[0] for p in v1 if p[1] in POSITIONAL]
    plan.passes = []
    for index, (param, kind, _default) in enumerate(v1):
        same = param in v2_names and (kind not in POSITIONAL or v2_position.get(param) == index)
        if not same:
            plan.passes.append(param)
    values: dict[str, Any] = config.data.get("values", {}).get(plan.name, {})
    plan.changes = {k: list(v) for k, v in values.get("changes", {}).items()}
    plan.manual = {}
    plan.group = "compat-call"


def value_checks(plan: ArgPlan, config: Config, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Removed parameters whose value decides the result ([values] of catalogue_groups.toml)."""
    values: dict[str, Any] = config.data.get("values", {}).get(plan.name, {})
    if not values:
        return
    plan.keep = {k: list(v) for k, v in values.get("keep", {}).items()}
    plan.default_differs = dict(values.get("default_differs", {}))
    plan.inert_without = dict(values.get("inert_without", {}))
    stray = [
        p for p in (*plan.keep, *plan.default_differs, *plan.inert_without) if p not in plan.remove
    ]
    if stray:
        raise SystemExit(f"[values.{plan.name!r}]: {stray[0]} is not a removed parameter")
    if not plan.v1:  # the check reads positional arguments through the TF1 order
        plan.v1 = [p[0] for p in old["params"] if p[1] in POSITIONAL]
        plan.v2 = [p[0] for p in new["params"] if p[1] in POSITIONAL]


def alias_pairs(api_dir: Path = DEFAULT_API_DIR) -> dict[str, dict[str, str]]:
    """TF1's deprecated argument pairs read from its source by `generate_signatures.py aliases`:
    function -> {old keyword: the keyword TF1 resolved it to}."""
    pairs: dict[str, dict[str, str]] = {}
    for path in sorted(api_dir.glob("aliases-*.json")):
        for name, found in json.loads(path.read_text(encoding="utf-8"))["pairs"].items():
            for old, new in found:
                pairs.setdefault(name, {})[old] = new
    return pairs


_IN_FAVOR_RE = re.compile(r"^([\w/]+) are deprecated in favor of the ([\w/]+) arguments")


def diff_signature(
    name: str, old: dict[str, Any], new: dict[str, Any], pairs: dict[str, str] | None = None
) -> ArgPlan | None:
    v1_params: list[list[Any]] = old["params"]
    v2_params: list[list[Any]] = new["params"]
    v1_names = [p[0] for p in v1_params if p[1] not in VARIADIC]
    v2_names = [p[0] for p in v2_params if p[1] not in VARIADIC]
    plan = ArgPlan(name, "")
    for param, target in sorted((pairs or {}).items()):
        if param in v1_names and param not in v2_names and target in v2_names:
            plan.rename[param] = target
            plan.evidence[param] = (
                f"TF1 source: deprecated_argument_lookup resolves `{param}` to `{target}`"
            )
    for text in old.get("instructions", []):
        match = _IN_FAVOR_RE.match(text)
        if not match:
            continue
        olds, news = match.group(1).split("/"), match.group(2).split("/")
        for param, target in zip(olds, news, strict=False):
            if param in v1_names and param not in v2_names and target in v2_names:
                plan.rename[param] = target
                plan.evidence[param] = f'deprecation note: "{text}"'
    for param in (p for p in v1_names if p not in v2_names and p not in plan.rename):
        found = documented_rename(param, old, v2_names)
        if found is None:
            continue
        target, evidence, conversion = found
        if conversion:
            plan.manual[param] = evidence
        else:
            plan.rename[param] = target
            plan.evidence[param] = evidence
    aliased(plan, old, v1_names, v2_names)
    spelling(plan, v1_names, v2_names)
    structural_rename(plan, v1_names, v2_names)
    first_parameter(plan, v1_names, v2_names)
    if replaced_api(v1_names, v2_names, plan):
        return ArgPlan(name, "", manual={"*": "replaced"})
    accepts_any = any(p[1] == "VAR_KEYWORD" for p in v2_params)
    left = [p for p in v1_names if p not in v2_names and p not in plan.rename]
    if not accepts_any:
        plan.remove = [p for p in left if p not in plan.manual]
    reorder(plan, v1_params, v2_params)
    if not (plan.rename or plan.remove or plan.manual or plan.v1):
        return None
    return plan


def _norm(name: str) -> str:
    return name.replace("_", "").lower()


def related(a: str, b: str) -> bool:
    """Names that are visibly the same parameter: keep_dims/keepdims, filter/filters, ..."""
    if _norm(a) == _norm(b) or _norm(a) + "s" == _norm(b) or _norm(b) + "s" == _norm(a):
        return True
    words_a = {w for w in a.split("_") if len(w) >= 3}
    words_b = {w for w in b.split("_") if len(w) >= 3}
    return a in b or b in a or bool(words_a & words_b)


def structural_rename(plan: ArgPlan, v1_names: list[str], v2_names: list[str]) -> None:
    """A TF1-only parameter with exactly one visibly related TF2-only parameter: a rename."""
    old = [
        p for p in v1_names if p not in v2_names and p not in plan.rename and p not in plan.manual
    ]
    new = [p for p in v2_names if p not in v1_names and p not in plan.rename.values()]
    pairs = {a: [b for b in new if related(a, b)] for a in old}
    for a, matches in pairs.items():
        if len(matches) != 1:
            continue
        b = matches[0]
        if sum(b in other for other in pairs.values()) != 1:
            continue
        plan.rename[a] = b
        plan.evidence[a] = f"signature: TF1-only `{a}` and TF2-only `{b}` are the same name"


def aliased(plan: ArgPlan, old: dict[str, Any], v1_names: list[str], v2_names: list[str]) -> None:
    """TF1 kept both names (`input`: "Alias for value."): the TF1-only one maps to the other."""
    for name, note in old.get("arg_notes", {}).items():
        match = re.match(r"(?:a )?(?:deprecated )?alias for `?(\w+)`?", note, re.I)
        if not match or name not in v2_names:
            continue
        other = match.group(1)
        if other in v1_names and other not in v2_names and other not in plan.rename:
            plan.rename[other] = name
            plan.evidence[other] = f'parameter doc: "{name}: {note}"'


def replaced_api(v1_names: list[str], v2_names: list[str], plan: ArgPlan) -> bool:
    """Same name, different function: most TF1 parameters have no TF2 counterpart."""
    kept = [p for p in v1_names if p != "name" and (p in v2_names or p in plan.rename)]
    considered = [p for p in v1_names if p != "name"]
    return bool(considered) and 2 * len(kept) < len(considered)


def first_parameter(plan: ArgPlan, v1_names: list[str], v2_names: list[str]) -> None:
    """The first parameter (the input, nearly always passed by position) was renamed."""
    if not v1_names or not v2_names or v1_names[0] in v2_names or v1_names[0] in plan.rename:
        return
    if v2_names[0] in v1_names[:1]:
        return
    plan.rename[v1_names[0]] = v2_names[0]
    plan.evidence[v1_names[0]] = (
        f"signature: `{v1_names[0]}` (TF1) and `{v2_names[0]}` (TF2) are both the first parameter"
    )


def spelling(plan: ArgPlan, v1_names: list[str], v2_names: list[str]) -> None:
    """A TF1-only name that TF2 spells without underscores (keep_dims -> keepdims)."""
    by_norm = {_norm(p): p for p in v2_names}
    for param in v1_names:
        if param in v2_names or param in plan.rename or param in plan.manual:
            continue
        twin = by_norm.get(_norm(param))
        if twin:
            plan.rename[param] = twin
            plan.evidence[param] = f"signature: TF1-only `{param}` is TF2's `{twin}` respelled"


def documented_rename(
    param: str, obj: dict[str, Any], v2_names: list[str]
) -> tuple[str, str, bool] | None:
    """(new name, quoted evidence, needs a value conversion) from the deprecation notes."""
    quoted = rf"`?{re.escape(param)}`?"
    patterns = [
        rf"{quoted} is deprecated,? (?:please )?use `?(\w+)`? instead",
        rf"use `?(\w+)`? instead of {quoted}",
    ]
    texts: list[str] = list(obj.get("instructions", []))
    if obj.get("deprecated_args") == [param]:
        patterns.append(r"^use the `?(\w+)`? (?:argument|parameter|arg) instead")
    for text in texts:
        for pattern in patterns:
            match = re.search(pattern, text, re.I)
            if match and match.group(1) in v2_names and match.group(1) != param:
                return match.group(1), f'deprecation note: "{text}"', "=" in text
    note = obj.get("arg_notes", {}).get(param, "")
    match = re.search(r"(?:alias|name) (?:for|of) `?(\w+)`?", note, re.I)
    lowered = note.lower()
    if match and match.group(1) in v2_names and ("deprecat" in lowered or "old" in lowered):
        return match.group(1), f'parameter doc: "{param}: {note}"', False
    return None


def reorder(plan: ArgPlan, v1_params: list[list[Any]], v2_params: list[list[Any]]) -> None:
    v1_pos = [p[0] for p in v1_params if p[1] in POSITIONAL]
    v2_pos = [p[0] for p in v2_params if p[1] in POSITIONAL]
    mapped = [plan.rename.get(p, p) for p in v1_pos]
    if any(i >= len(v2_pos) or mapped[i] != v2_pos[i] for i in range(len(mapped))):
        plan.v1, plan.v2 = v1_pos, v2_pos


def split_arg_plans(plans: list[ArgPlan]) -> list[ArgPlan]:
    """Safe renames/reorders, unsafe removals and manual conversions go to separate rules."""
    out = []
    for plan in plans:
        ns = namespace(plan.name)
        if plan.group == "compat-call":
            plan.group = f"args-compat:{ns}"
            out.append(plan)
            continue
        if plan.rename or (plan.v1 and not plan.remove):
            out.append(
                ArgPlan(plan.name, f"args:{ns}", plan.rename, plan.evidence, v1=plan.v1, v2=plan.v2)
            )
        if plan.remove:
            out.append(
                ArgPlan(
                    plan.name,
                    f"args-removed:{ns}",
                    plan.rename,
                    plan.evidence,
                    remove=plan.remove,
                    v1=plan.v1,
                    v2=plan.v2,
                    keep=plan.keep,
                    default_differs=plan.default_differs,
                    inert_without=plan.inert_without,
                )
            )
        if plan.manual:
            out.append(ArgPlan(plan.name, f"args-manual:{ns}", manual=plan.manual))
    return out


# ---------------------------------------------------------------------------
# Rendering: plans -> TOML text (deterministic: sorted, no timestamps)
# ---------------------------------------------------------------------------

MAX_FILE_BYTES = 1_000_000


def q(text: str) -> str:
    """A TOML basic string (JSON escapes are valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def qlist(items: list[str]) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


def py_name(qualified: str) -> str:
    """How the example writes a `tensorflow.` name under `import tensorflow as tf`."""
    return "tf." + qualified.removeprefix("tensorflow.")


@dataclass
class Group:
    key: str
    code: str
    texts: dict[str, Any]


def group_texts(config: Config, key: str, count: int) -> Group:
    category, ns = key.split(":", 1)
    code = config.codes.get(key)
    if code is None:
        raise SystemExit(f"group {key!r} has no code in [codes] of catalogue_groups.toml")
    base = dict(config.data["category"][category])
    base.update(config.data.get("group", {}).get(key, {}))
    desc = config.data.get("namespaces", {}).get(ns, f"the `tf.{ns}` namespace")
    where = "the root `tf` namespace" if ns == "root" else f"`tf.{ns}`"
    values = {"ns": ns, "where": where, "desc": desc, "count": str(count)}
    texts = {
        k: Template(v).safe_substitute(values) if isinstance(v, str) else v for k, v in base.items()
    }
    return Group(key, code, texts)


def header(apis: list[Api], title: str) -> list[str]:
    versions = ", ".join(f"{a.version}" for a in apis)
    dumps = " ".join(f"--api scripts/api/api-{a.version}.json.gz" for a in apis)
    return [
        f"# {title}",
        "# GENERATED by scripts/generate_catalogue.py -- do not edit by hand.",
        f"# Derived from the API of TensorFlow {versions}",
        "# (tf.compat.v1 vs the TF2 namespace; texts in scripts/catalogue_groups.toml).",
        "# Regenerate:",
        "#   <python with TensorFlow X.Y.Z> scripts/generate_catalogue.py dump \\",
        "#       --out scripts/api/api-X.Y.Z.json.gz          (once per supported version)",
        f"#   python scripts/generate_catalogue.py build {dumps}",
        "# Check it is in sync: python scripts/generate_catalogue.py build --check",
        "",
    ]


def family_block(fid: str, title: str) -> list[str]:
    return [
        "[family]",
        f"id = {q(fid)}",
        f"title = {q(title)}",
        'guide = "https://www.tensorflow.org/guide/migrate/migrate_tf2"',
        "",
    ]


def rule_head(group: Group, symbols: list[str], since: str) -> list[str]:
    t = group.texts
    lines = [
        "[[rule]]",
        f"code = {q(group.code)}",
        f"name = {q(t['name'])}",
        f"severity = {q(t.get('severity', 'warning'))}",
        f"message = {q(t['message'])}",
        f"removed = {'true' if t.get('removed', True) else 'false'}",
    ]
    if t.get("match"):
        lines.append(f"match = {q(t['match'])}")
    lines.append("symbols = [")
    lines.extend(f"  {q(s)}," for s in symbols)
    lines.append("]")
    if t.get("requires"):
        lines.append(f"requires = {qlist(t['requires'])}")
    if since:
        lines.append(f"since = {q(since)}")
    for key in ("tf1", "tf2", "migrate", "safety_note"):
        lines.append(f"{key} = {q(t[key].strip())}")
    return lines


def example_block(
    before: str, after: str | None, level: str, unsafe: bool, run: dict[str, Any] | None = None
) -> list[str]:
    lines = ["", "[[rule.example]]", f"before = {q(before)}"]
    if after is not None:
        lines.append(f"after = {q(after)}")
    if level != "compat":
        lines.append(f"level = {q(level)}")
    if unsafe:
        lines.append("unsafe = true")
    if run:
        lines.append(f"run = {inline_table(run)}")
    return lines


def inline_table(table: dict[str, Any]) -> str:
    """A run table as TOML: strings, lists of strings and tables of strings."""

    def value(item: Any) -> str:
        if isinstance(item, list):
            return qlist(item)
        if isinstance(item, dict):
            return inline_table(item)
        return q(str(item))

    return "{ " + ", ".join(f"{key} = {value(item)}" for key, item in table.items()) + " }"


def unproven_lines(config: Config, code: str, level: str) -> list[str]:
    """`unproven = "..."` for a fix the equivalence tests cannot run ([proofs] table)."""
    key = "unproven" if level == "compat" else "native_unproven"
    reason = config.proofs(code).get(key)
    return [f"unproven = {q(reason)}"] if reason else []


def proof_examples(config: Config, code: str) -> list[str]:
    """Examples written for the equivalence tests ([proofs.CODE] examples): calls whose
    arguments can run, where the generated sample only shows the renamed parameter."""
    lines: list[str] = []
    for example in config.proofs(code).get("examples", []):
        lines += example_block(
            example["before"],
            example.get("after"),
            example.get("level", "compat"),
            bool(example.get("unsafe", False)),
            example.get("run"),
        )
    return lines


def since_for(apis: list[Api], config: Config, ns: str, availability: dict[str, list[str]]) -> str:
    newest = max(apis, key=lambda a: version_key(a.version))
    missing = [a for a in apis if any(a.version not in v for v in availability.values())]
    if not missing or newest not in missing:
        return ""
    known = config.known_since(ns)
    if known:
        return known
    first = min(
        (
            a
            for a in missing
            if all(version_key(a.version) >= version_key(m.version) for m in missing)
        ),
        key=lambda a: version_key(a.version),
    )
    return minor(first.version)


HAND_WRITTEN: set[str] = set()  # symbols of hand-written rules: they shadow ours in examples


def hand_written_symbols(rules_dir: Path) -> set[str]:
    import tomllib

    sys.path.insert(0, str(ROOT))  # this checkout's tf2_lsp, installed or not
    # A rule's symbols may be its rename's `to` keys or its transform's own list.
    from tf2_lsp.catalogue.rule_file import rule_symbols

    names: set[str] = set()
    for path in sorted(rules_dir.glob("*.toml")):
        if path.name.startswith("generated_"):
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        for rule in data.get("rule", []):
            if rule.get("match") == "value":
                continue  # judges the module as a whole value only, never its members
            if rule.get("match") == "program":
                continue  # reported by whole-program checks, never by a name's use
            checks = rule.get("calls", {}).values()
            if any(not check.get("refuse", False) for check in checks):
                continue  # judges only some calls: generated rules keep the others
            names.update(s.removesuffix(".*") for s in rule_symbols(rule))
    return names


def shadowed(name: str) -> bool:
    full = f"tensorflow.{name}"
    return any(full == s or full.startswith(s + ".") for s in HAND_WRITTEN)


def example_symbol(plans: list[SymbolPlan]) -> SymbolPlan:
    rank = {"function": 0, "class": 1, "value": 2, "module": 3}
    return min(
        plans, key=lambda p: (shadowed(p.name), rank.get(p.kind, 4), p.name.count("."), p.name)
    )


def render_symbol_rule(apis: list[Api], config: Config, key: str, plans: list[SymbolPlan]) -> str:
    group = group_texts(config, key, len(plans))
    availability: dict[str, list[str]] = {}
    targets: dict[str, list[str]] = {}
    for plan in plans:
        availability.update(plan.availability)
        fixed = plan.target or f"tensorflow.{plan.name}"
        targets[fixed] = plan.availability[fixed]
    since = since_for(apis, config, key.split(":", 1)[1], targets)
    symbols = [f"tensorflow.{p.name}" for p in plans]
    lines = rule_head(group, symbols, since)
    lines += ["", "[rule.availability]"]
    lines += [f"{q(t)} = {qlist(v)}" for t, v in sorted(availability.items())]
    sample = example_symbol(plans)
    before = f"value = {py_name('tensorflow.' + sample.name)}"
    if sample.kind in ("function", "class"):
        before += "(x)"
    if key.startswith("dropped:"):
        lines += ["", "[[rule.fix]]", 'level = "compat"', 'safety = "unsafe"', 'kind = "manual"']
        lines += example_block(before, None, "compat", False)
        return "\n".join(lines) + "\n"
    lines += [
        "",
        "[[rule.fix]]",
        'level = "compat"',
        'safety = "safe"',
        'kind = "rename"',
        *unproven_lines(config, group.code, "compat"),
        "",
        "[rule.fix.to]",
    ]
    lines += [f"{q('tensorflow.' + p.name)} = {q(p.target)}" for p in plans]
    natives = [p for p in plans if p.native]
    if natives:
        lines += [
            "",
            "[[rule.fix]]",
            'level = "native"',
            'safety = "unsafe"',
            'kind = "rename"',
            *unproven_lines(config, group.code, "native"),
            "",
            "[rule.fix.to]",
        ]
        lines += [f"{q('tensorflow.' + p.name)} = {q(p.native or p.target)}" for p in plans]
        for plan in (p for p in natives if p.native_rename):
            pairs = ", ".join(f"{k} = {q(v)}" for k, v in sorted(plan.native_rename.items()))
            lines += ["", f"[rule.fix.arguments.{q('tensorflow.' + plan.name)}]"]
            lines.append(f"rename = {{ {pairs} }}")
    after = before.replace(py_name("tensorflow." + sample.name), py_name(sample.target), 1)
    proofs = config.proofs(group.code)
    lines += example_block(before, after, "compat", False, proofs.get("run"))
    if natives:
        lines += example_block(*native_example(natives), "native", True, proofs.get("native_run"))
    lines += proof_examples(config, group.code)
    return "\n".join(lines) + "\n"


def native_example(natives: list[SymbolPlan]) -> tuple[str, str]:
    """A call of a TF2 home, with a keyword TensorFlow renamed when one of them has one."""
    home = min(natives, key=lambda p: (shadowed(p.name), not p.native_rename, p.name))
    old, new = min(home.native_rename.items()) if home.native_rename else ("", "")
    before = f"value = {py_name('tensorflow.' + home.name)}(x{f', {old}=v' if old else ''})"
    after = f"value = {py_name(home.native)}(x{f', {new}=v' if new else ''})"
    return before, after


def arg_example(plan: ArgPlan) -> tuple[str, str | None]:
    call = py_name("tensorflow." + plan.name)
    if plan.manual:
        return f"y = {call}(x)", None
    old, new = next(iter(sorted(plan.rename.items()))) if plan.rename else (None, None)
    value = "v"
    if plan.remove:
        # A parameter whose value decides the result is shown with a value that keeps it.
        plain = [p for p in plan.remove if p not in plan.keep]
        old, new = (plain or plan.remove)[0], None
        if plan.keep.get(old):
            value = plan.keep[old][0]
    if old is None:  # a pure reorder: the example passes every argument by position
        args = ["a", "b", "c", "d", "e", "f", "g", "h"][: len(plan.v1)]
        # Slots keep their argument up to the first whose parameter changed; the rest move
        # to keywords (with their TF2 names).
        count = 0
        for v1_name, v2_name in zip(plan.v1, plan.v2, strict=False):
            if plan.rename.get(v1_name, v1_name) != v2_name:
                break
            count += 1
        moved = [
            f"{plan.rename.get(plan.v1[i], plan.v1[i])}={args[i]}"
            for i in range(count, len(plan.v1))
        ]
        return (
            f"y = {call}({', '.join(args)})",
            f"y = {call}({', '.join([*args[:count], *moved])})",
        )
    # The leading `x` is only kept positional when the first slot means the same in TF1 and TF2.
    first = (
        "x, " if plan.v1[:1] and plan.rename.get(plan.v1[0], plan.v1[0]) == plan.v2[:1][0] else ""
    )
    if not plan.v1 or not plan.v2:
        first = "x, "
    if plan.v1 and plan.rename.get(plan.v1[0], plan.v1[0]) in (old, new):
        first = ""  # `x` would fill the very parameter the keyword names: passed twice
    before = f"y = {call}({first}{old}={value})"
    # A removed parameter given a value that may matter keeps TF1 behaviour through compat.v1;
    # one of the values TF2 treats the same (`keep`) is dropped.
    compat = py_name("tensorflow.compat.v1." + plan.name)
    if new:
        after = f"y = {call}({first}{new}={value})"
    elif value == "v" or plan.default_differs.get(old) == "":
        # (A value TF2 shares is kept on compat.v1 too where TF1's default differs: without
        # it the call would read as relying on that default.)
        after = f"y = {compat}({first}{old}={value})"
    else:
        after = f"y = {call}({first.rstrip(', ')})"
    return before, after


def render_compat_call_rule(config: Config, key: str, plans: list[ArgPlan]) -> str:
    """Same-name functions with a new TF2 signature: calls that pass a changed argument."""
    group = group_texts(config, key, len(plans))
    symbols = [f"tensorflow.{p.name}" for p in plans]
    lines = rule_head(group, symbols, "")
    lines += ["", "[[rule.fix]]", 'level = "compat"', 'safety = "safe"', 'kind = "rename"']
    lines += unproven_lines(config, group.code, "compat")
    lines += ["", "[rule.fix.to]"]
    lines += [
        f"{q(s)} = {q(s.replace('tensorflow.', 'tensorflow.compat.v1.', 1))}" for s in symbols
    ]
    for plan in plans:
        lines += ["", f"[rule.calls.{q('tensorflow.' + plan.name)}]"]
        lines.append(f"v1 = {qlist(plan.v1)}")
        lines.append(f"passes = {qlist(plan.passes)}")
        if plan.changes:
            pairs = ", ".join(f"{k} = {qlist(v)}" for k, v in sorted(plan.changes.items()))
            lines.append(f"changes = {{ {pairs} }}")
    sample = min(plans, key=lambda p: (shadowed(p.name), p.name.count("."), p.name))
    call = py_name("tensorflow." + sample.name)
    compat = py_name("tensorflow.compat.v1." + sample.name)
    kept = [p for p in sample.v1 if p not in sample.passes]
    changed = sample.passes[0]
    head = "x, " if kept[:1] == sample.v1[:1] and sample.v1[:1] != [changed] else ""
    lines += example_block(
        f"y = {call}({head}{changed}=v)",
        f"y = {compat}({head}{changed}=v)",
        "compat",
        False,
        config.proofs(group.code).get("run"),
    )
    lines += proof_examples(config, group.code)
    if head:
        lines += ["", "[[rule.valid]]", f"code = {q(f'y = {call}(x)')}"]
    return "\n".join(lines) + "\n"


def render_arg_rule(config: Config, key: str, plans: list[ArgPlan]) -> str:
    category = key.split(":", 1)[0]
    if category == "args-compat":
        return render_compat_call_rule(config, key, plans)
    group = group_texts(config, key, len(plans))
    symbols = [f"tensorflow.{p.name}" for p in plans]
    lines = rule_head(group, symbols, "")
    kind = "manual" if category == "args-manual" else "arguments"
    safety = "safe" if category == "args" else "unsafe"
    lines += ["", "[[rule.fix]]", 'level = "compat"', f"safety = {q(safety)}", f"kind = {q(kind)}"]
    if kind == "arguments":
        lines += unproven_lines(config, group.code, "compat")
        for plan in plans:
            lines += arg_table(plan, category)
    else:
        lines += ["", "# Why each call needs a person:"]
        for plan in plans:
            for param, why in sorted(plan.manual.items()):
                text = "same name, different function" if why == "replaced" else f"{param}: {why}"
                lines.append(f"#   tensorflow.{plan.name}: {text}")
    sample = min(plans, key=lambda p: (shadowed(p.name), p.name.count("."), -len(p.rename), p.name))
    before, after = arg_example(sample)
    run = config.proofs(group.code).get("run") if kind == "arguments" else None
    lines += example_block(before, after, "compat", safety == "unsafe", run)
    lines += proof_examples(config, group.code)
    return "\n".join(lines) + "\n"


def arg_table(plan: ArgPlan, category: str) -> list[str]:
    lines = ["", f"[rule.fix.arguments.{q('tensorflow.' + plan.name)}]"]
    for old in sorted(plan.rename):
        lines.insert(1, f"# {old} -> {plan.rename[old]}: {plan.evidence[old]}")
    if plan.rename:
        pairs = ", ".join(f"{k} = {q(v)}" for k, v in sorted(plan.rename.items()))
        lines.append(f"rename = {{ {pairs} }}")
    if category == "args-removed":
        lines.append(f"remove = {qlist(plan.remove)}")
        if plan.keep:
            pairs = ", ".join(f"{k} = {qlist(v)}" for k, v in sorted(plan.keep.items()))
            lines.append(f"keep = {{ {pairs} }}")
        if plan.default_differs:
            pairs = ", ".join(f"{k} = {q(v)}" for k, v in sorted(plan.default_differs.items()))
            lines.append(f"default_differs = {{ {pairs} }}")
        if plan.inert_without:
            pairs = ", ".join(f"{k} = {q(v)}" for k, v in sorted(plan.inert_without.items()))
            lines.append(f"inert_without = {{ {pairs} }}")
    if plan.v1:
        lines.append(f"v1 = {qlist(plan.v1)}")
        lines.append(f"v2 = {qlist(plan.v2)}")
    return lines


def grouped(items: list[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for item in items:
        out.setdefault(item.group, []).append(item)
    return {k: sorted(v, key=lambda p: p.name) for k, v in sorted(out.items(), key=order_key)}


def order_key(item: tuple[str, list[Any]]) -> str:
    return item[0]


def build_files(apis: list[Api], groups_path: Path) -> dict[str, str]:
    apis = sorted(apis, key=lambda a: version_key(a.version))
    config = load_config(groups_path)
    # Symbols a hand-written rule claims (exactly or under its `prefix.*`) are left to it.
    symbol_plans = [p for p in plan_symbols(apis, config) if not shadowed(p.name)]
    symbol_rules = [
        render_symbol_rule(apis, config, key, plans) for key, plans in grouped(symbol_plans).items()
    ]
    renamed = {p.name for p in symbol_plans}
    arg_plans = [
        p
        for p in split_arg_plans(plan_arguments(apis, config))
        if not shadowed(p.name)
        # A function only reachable as tf.compat.v1.X is renamed there, which keeps its TF1
        # signature: a review rule on its arguments would only repeat the rename.
        and not (p.manual and p.name in renamed)
    ]
    arg_rules = [render_arg_rule(config, key, plans) for key, plans in grouped(arg_plans).items()]
    files: dict[str, str] = {}
    files.update(
        pack(apis, "generated_symbols", "Renamed and compat-only TF1 symbols", symbol_rules)
    )
    files.update(pack(apis, "generated_arguments", "Changed TF1 call signatures", arg_rules))
    return files


def pack(apis: list[Api], stem: str, title: str, rules: list[str]) -> dict[str, str]:
    """One file, or numbered parts when it would pass MAX_FILE_BYTES."""
    parts: list[list[str]] = [[]]
    size = 0
    for rule in rules:
        if parts[-1] and size + len(rule.encode("utf-8")) > MAX_FILE_BYTES - 4000:
            parts.append([])
            size = 0
        parts[-1].append(rule)
        size += len(rule.encode("utf-8")) + 1
    out = {}
    for index, part in enumerate(parts, start=1):
        name = stem if len(parts) == 1 else f"{stem}_{index}"
        head = header(apis, title) + family_block(name, f"{title} (generated)")
        out[f"{name}.toml"] = "\n".join(head) + "\n" + "\n".join(part)
    return out


def cmd_dump(args: argparse.Namespace) -> int:
    data = dump_api()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=0, sort_keys=True) + "\n"
    if out.suffix == ".gz":
        # mtime=0 and no file name: the same API gives the same bytes.
        with (
            out.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as handle,
        ):
            handle.write(text.encode("utf-8"))
    else:
        out.write_text(text, encoding="utf-8")
    print(
        f"TensorFlow {data['tensorflow_version']}: {len(data['v1'])} v1 names, "
        f"{len(data['v2'])} v2 names -> {out}"
    )
    return 0


def api_files(given: list[str] | None) -> list[Path]:
    if given:
        return [Path(name) for name in given]
    files = sorted(DEFAULT_API_DIR.glob("api-*.json*"))
    if not files:
        raise SystemExit(f"no API dumps in {DEFAULT_API_DIR}; run `dump` first")
    return files


def cmd_build(args: argparse.Namespace) -> int:
    apis = [load_api(path) for path in api_files(args.api)]
    HAND_WRITTEN.update(hand_written_symbols(Path(args.rules_dir)))
    outputs = build_files(apis, Path(args.groups))
    rules_dir = Path(args.rules_dir)
    if args.check:
        return check(outputs, rules_dir)
    for stale in sorted(rules_dir.glob("generated_*.toml")):
        if stale.name not in outputs:
            stale.unlink()
    rules_dir.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(outputs.items()):
        (rules_dir / name).write_text(text, encoding="utf-8")
        print(f"wrote {rules_dir / name} ({len(text.encode('utf-8'))} bytes)")
    return 0


def check(outputs: dict[str, str], rules_dir: Path) -> int:
    problems: list[str] = []
    existing = {path.name for path in rules_dir.glob("generated_*.toml")}
    for name in sorted(existing - set(outputs)):
        problems.append(f"{name}: stale generated file (build would delete it)")
    for name, text in sorted(outputs.items()):
        path = rules_dir / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current is None:
            problems.append(f"{name}: missing")
        elif current != text:
            diff = difflib.unified_diff(
                current.splitlines(), text.splitlines(), "committed", "generated", lineterm="", n=1
            )
            problems.append(f"{name}: out of date\n" + "\n".join(list(diff)[:20]))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("run: python scripts/generate_catalogue.py build", file=sys.stderr)
        return 1
    print(f"{len(outputs)} generated rule files are in sync")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = top.add_subparsers(dest="command", required=True)
    dump = sub.add_parser("dump", help="dump the installed TensorFlow's API (needs TensorFlow)")
    dump.add_argument("--out", required=True, help="output .json or .json.gz")
    dump.set_defaults(func=cmd_dump)
    build = sub.add_parser("build", help="write rules/generated_*.toml from API dumps")
    build.add_argument("--api", action="append", help="API dump (default: scripts/api/*)")
    build.add_argument("--groups", default=str(DEFAULT_GROUPS), help="group texts and codes")
    build.add_argument("--rules-dir", default=str(DEFAULT_RULES_DIR))
    build.add_argument("--check", action="store_true", help="exit 1 if the files are stale")
    build.set_defaults(func=cmd_build)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
