from __future__ import annotations

import os
import sys

# The suite starts ~200 servers and command lines, each importing tf2_lsp from this checkout,
# and pytest rewrites the asserts of every test module in each worker. With
# PYTHONDONTWRITEBYTECODE set (as in some containers), each of them compiled everything from
# source again: ~0.1 s of CPU per subprocess, ~4 s per worker for the rewrites. Caching the
# bytecode changes no behaviour under test.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

import pytest  # noqa: E402

from tf2_lsp.catalogue.load import load_catalogue  # noqa: E402
from tf2_lsp.catalogue.rules import Catalogue  # noqa: E402


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()
