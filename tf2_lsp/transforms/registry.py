"""Every transform by name: rules name one (`transform = "cast_to"`), the catalogue checks the
name and the symbols on load, detection asks `applies`, the planner calls
`rewrite`/`splice`/`statement`.

A transform registers itself by being listed in its module's `TRANSFORMS`: every module of
this package but the shared helpers is looked at, so adding one takes its module, its rule and
its tests, and no list to keep here.
"""

from __future__ import annotations

import importlib
import pkgutil

import tf2_lsp.transforms as package
from tf2_lsp.transforms.base import Transform

# Shared pieces, not transforms. They are never imported here: `values` loads libcst, which
# detection must not pay for (see base.py); the rewrites import them when they run.
_HELPERS = frozenset({"base", "registry", "values", "positions", "numbers", "call_map"})


def _discover() -> dict[str, Transform]:
    found: dict[str, Transform] = {}
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module_info.name in _HELPERS:
            continue
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for transform in getattr(module, "TRANSFORMS", ()):
            if transform.name in found:
                raise ImportError(f"two transforms are named {transform.name!r}")
            found[transform.name] = transform
    return found


TRANSFORMS: dict[str, Transform] = _discover()


def transform_target(name: str | None, symbol: str) -> str | None:
    """The callable transform `name` writes for `symbol`, if it writes one."""
    transform = TRANSFORMS.get(name or "")
    return transform.target_for(symbol) if transform is not None else None
