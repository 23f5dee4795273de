"""`disable_v2_behavior()` is inserted, never matched on a call
(transforms/program_opt_out.py); where it goes is tested in
tests/analysis/program/test_graph_mode.py."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.transforms.program_opt_out import TRANSFORMS, statement


class _Names:
    def name(self, qualified: str) -> str:
        return "tf" + qualified.removeprefix("tensorflow")


def test_statement_spells_through_the_files_names() -> None:
    assert statement(_Names()) == "tf.compat.v1.disable_v2_behavior()"


@pytest.mark.parametrize("source", ["f()", "tf.compat.v1.disable_v2_behavior()"])
def test_no_call_is_reported(source: str) -> None:
    node = ast.parse(source, mode="eval").body
    assert isinstance(node, ast.Call)
    assert TRANSFORMS[0].applies(node) is None
