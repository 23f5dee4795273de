"""Target versions: how they compare."""

from __future__ import annotations

from tf2_lsp.catalogue.availability import version_tuple


def test_version_tuple() -> None:
    assert version_tuple("2.21") == (2, 21)
    assert version_tuple("2.16.1") == (2, 16, 1)
    assert version_tuple("2.x") == (2,)
    assert version_tuple("2.9") < version_tuple("2.16")
