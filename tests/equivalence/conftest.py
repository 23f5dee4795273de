from __future__ import annotations

import os

import pytest

from tf2_lsp.verify.harness import tensorflow_available


@pytest.fixture(scope="session")
def tensorflow_installed() -> None:
    """Skip without TensorFlow; under CI (env `CI`) its absence is a failure."""
    if not tensorflow_available():
        if os.environ.get("CI"):
            pytest.fail("TensorFlow must be installed under CI (the `verify` extra)")
        pytest.skip("TensorFlow is not installed")
