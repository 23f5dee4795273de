"""The committed name lists (tf2_lsp/catalogue/api_names/) agree with the installed packages.

Every tf_slim name a fix writes is checked against this list before the fix is offered
(analysis/coverage.py), so binding the list against real tf_slim binds every emitted name.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from types import ModuleType

import pytest

from tf2_lsp.catalogue.api import api_for, slim_names

pytestmark = pytest.mark.tensorflow


def _import(name: str) -> ModuleType:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        return importlib.import_module(name)
    except ImportError as error:
        if os.environ.get("CI"):
            pytest.fail(f"{name} must be importable under CI (install the `verify` extra): {error}")
        pytest.skip(f"{name} is not installed: {error}")


def test_tf_slim_list_matches_the_package() -> None:
    slim = _import("tf_slim")
    layers = slim.layers  # the attribute (`slim.layers.x`), not the package `tf_slim.layers`
    names = slim_names()
    assert names is not None
    # A top-level name is an attribute, or a subpackage a program can import (`tf_slim.nets`).
    missing = [
        name
        for name in names.top
        if not hasattr(slim, name) and importlib.util.find_spec(f"tf_slim.{name}") is None
    ]
    assert missing == []
    assert all(hasattr(layers, name) for name in names.layers)
    public = {n for n in dir(slim) if not n.startswith("_")}
    assert public <= set(names.top), "regenerate: scripts/generate_api_names.py --tf-slim"


def test_tf_2_21_list_matches_the_package() -> None:
    tf = _import("tensorflow")
    if not tf.__version__.startswith("2.21."):
        pytest.skip(f"TensorFlow {tf.__version__} installed, the list is for 2.21")
    api = api_for("2.21")
    assert api is not None and api.version.startswith("2.21")
    missing = []
    for name in sorted(api.v2.modules):
        obj = tf
        try:
            for part in name.split("."):
                obj = getattr(obj, part)
        except AttributeError:
            missing.append(name)
    assert not missing, missing[:20]
