"""Helpers for the call model's tests: calls parsed from code, the signatures of one version."""

from __future__ import annotations

import ast

from tf2_lsp.analysis.call_model.parameters import Rewrite, parameter_map
from tf2_lsp.catalogue.rules import ArgChange
from tf2_lsp.catalogue.signatures import Signatures

DROPOUT = ArgChange(convert={"keep_prob": "rate:one_minus"})  # as the dropout rule says
COND_STRICT = ArgChange(keep={"strict": ("True",)})  # TF2's cond is always strict


def call_of(code: str) -> ast.Call:
    node = ast.parse(code, mode="eval").body
    assert isinstance(node, ast.Call)
    return node


def rewrite_of(
    sigs: Signatures, symbol: str, target: str, change: ArgChange | None = None
) -> Rewrite:
    """The rewrite of TF1 `symbol` onto `target` as the signature data of `sigs` sees it."""
    tf1, goal = sigs.tf1(symbol), sigs.target(target)
    assert tf1 is not None and goal is not None
    mapping = parameter_map(tf1, goal, symbol, target, sigs, change)
    return Rewrite(symbol, target, tf1, goal, mapping, change, sigs)
