"""The public TensorFlow API of a target version: which dotted names exist, which are modules.

Read from `api_names/tf-<version>.txt` (generated from the committed API dumps by
`scripts/generate_api_names.py`); no TensorFlow import. Loading one list takes a few
milliseconds and happens once per process.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tf2_lsp.catalogue.availability import version_tuple

_DIRECTORY = Path(__file__).resolve().parent / "api_names"
# The pieces of the `tensorflow` package that are not public API but do exist (TF's own
# internals, imported by much real code): never called missing.
PRIVATE_PACKAGES = frozenset(
    {"python", "core", "compiler", "tools", "tsl", "include", "security", "_api", "libtensorflow"}
)


@dataclass(frozen=True)
class Namespace:
    names: frozenset[str]  # dotted, relative to the namespace (`summary.histogram`)
    modules: frozenset[str]
    # Modules the list holds no member of: TensorFlow hands out another library's module there
    # (`flags` is absl's, `test.mock` is unittest's, 2.15's `summary` comes from TensorBoard),
    # so what exists under them is not TensorFlow's to list.
    opaque: frozenset[str] = frozenset()
    _children: dict[str, list[str]] = field(default_factory=dict, compare=False)

    def close_matches(self, dotted: str) -> list[str]:
        """Existing names beside `dotted` that look like it (a likely typo's intent)."""
        parent, _, last = dotted.rpartition(".")
        if not self._children:
            for name in self.names:
                head, _, tail = name.rpartition(".")
                self._children.setdefault(head, []).append(tail)
        matches = difflib.get_close_matches(last, self._children.get(parent, []), n=1)
        return [f"{parent}.{m}" if parent else m for m in matches]


@dataclass(frozen=True)
class Api:
    version: str
    v1: Namespace
    v2: Namespace


def _parse(text: str, version: str) -> Api:
    _, _, body = text.partition("[v1]\n")
    v1, _, v2 = body.partition("[v2]\n")
    return Api(version, _namespace(v1), _namespace(v2))


def _namespace(section: str) -> Namespace:
    lines = section.split()
    modules = frozenset(line[:-1] for line in lines if line[-1] == "/")
    names = frozenset(line.rstrip("/") for line in lines)
    parents = {name.rpartition(".")[0] for name in names}
    return Namespace(names, modules, modules - parents)


def available_versions() -> list[str]:
    versions = [p.stem.removeprefix("tf-") for p in _DIRECTORY.glob("tf-*.txt")]
    return sorted(versions, key=version_tuple)


@cache
def api_for(target: str) -> Api | None:
    """The API list for target version `target`: the oldest measured version at or above it
    (the nearest in Keras generation: 2.16 switched `tf.keras` to Keras 3), else the newest."""
    versions = available_versions()
    if not versions:
        return None
    wanted = version_tuple(target)[:2]
    chosen = next((v for v in versions if version_tuple(v)[:2] >= wanted), versions[-1])
    path = _DIRECTORY / f"tf-{chosen}.txt"
    return _parse(path.read_text(encoding="utf-8"), chosen)


@dataclass(frozen=True)
class Slim:
    """Public names of the `tf_slim` package and of its `layers` module."""

    top: frozenset[str]
    layers: frozenset[str]


@cache
def slim_names() -> Slim | None:
    path = _DIRECTORY / "tf_slim.txt"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    _, _, body = text.partition("[top]\n")
    top, _, layers = body.partition("[layers]\n")
    return Slim(frozenset(top.split()), frozenset(layers.split()))


def warm_api_lists() -> None:
    """Load every list now (a few ms each): processes forked later share them."""
    for version in available_versions():
        api_for(version)
    slim_names()
