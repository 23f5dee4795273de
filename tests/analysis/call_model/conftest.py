from __future__ import annotations

import pytest

from tf2_lsp.catalogue.signatures import Signatures, signatures_for


@pytest.fixture(scope="module")
def sigs() -> Signatures:
    return signatures_for("2.21")
