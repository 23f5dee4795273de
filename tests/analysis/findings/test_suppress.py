"""Suppression comments: `# tf2-lsp: ignore[CODES]`."""

from __future__ import annotations

import pytest

from tf2_lsp.analysis.findings.suppress import suppressed_codes


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("x = 1", None),
        ("x = 1  # tf2-lsp: ignore", frozenset()),
        ("x = 1  #tf2-lsp:ignore[TF101]", frozenset({"TF101"})),
        ("x = 1  # tf2-lsp: ignore[TF101, TF2]", frozenset({"TF101", "TF2"})),
        ("x = 1  # tf2-lsp: please", None),
    ],
)
def test_suppressed_codes(line: str, expected: frozenset[str] | None) -> None:
    assert suppressed_codes(line) == expected
