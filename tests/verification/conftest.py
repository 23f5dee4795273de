"""The installed TensorFlow, for the tests that run converted code in this process."""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def tf() -> ModuleType:
    """`tensorflow`; a skip where it is not installed, a failure under CI, which installs it."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        return importlib.import_module("tensorflow")
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("TensorFlow must be importable under CI (install the `verify` extra)")
        pytest.skip("TensorFlow is not installed")
