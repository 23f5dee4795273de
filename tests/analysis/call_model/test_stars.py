"""`*args`/`**kwargs` (`stars`): what they may fill in TF2, given what they fill in TF1."""

from __future__ import annotations

import pytest

from tests.analysis.call_model.support import DROPOUT, call_of, rewrite_of
from tf2_lsp.analysis.call_model.stars import Reach, star_reach, star_refusal
from tf2_lsp.catalogue.rules import ArgChange
from tf2_lsp.catalogue.signatures import Signatures


@pytest.mark.parametrize(
    ("code", "symbol", "target", "change", "reach"),
    [
        # Slots 0-3 mean the same; TF1's `reduction_indices`, `keep_dims` slots raise in TF2.
        ("tf.reduce_sum(*a)", "tensorflow.reduce_sum", "tensorflow.reduce_sum", None, "loud"),
        # TF2's third slot is `output_type`, TF1's was `name`: a value lands elsewhere.
        ("tf.argmax(x, *a)", "tensorflow.argmax", "tensorflow.math.argmax", None, "silent"),
        # `dim` is TF1's only: TF2 raises on it.
        ("tf.nn.softmax(x, **kw)", "tensorflow.nn.softmax", "tensorflow.nn.softmax", None, "loud"),
        # A name TF2 keeps with a converted value: the value would change meaning.
        (
            "tf.nn.dropout(x, **kw)",
            "tensorflow.nn.dropout",
            "tensorflow.nn.dropout",
            ArgChange(convert={"rate": "rate:one_minus"}),
            "silent",
        ),
        ("tf.pad(x, **kw)", "tensorflow.pad", "tensorflow.pad", None, "same"),
        (
            "tf.nn.dropout(x, *a)",  # `keep_prob` is converted
            "tensorflow.nn.dropout",
            "tensorflow.nn.dropout",
            DROPOUT,
            "silent",
        ),
    ],
)
def test_the_reach_of_stars(
    sigs: Signatures, code: str, symbol: str, target: str, change: ArgChange | None, reach: Reach
) -> None:
    rewrite = rewrite_of(sigs, symbol, target, change)
    assert star_reach(call_of(code), rewrite.tf1, rewrite.goal, rewrite.mapping) == reach


def test_the_refusal_names_the_stars_and_keeps_the_parameters() -> None:
    verdict = star_refusal(("x", ""))
    assert verdict.edit is None and verdict.refused is not None
    assert "*args/**kwargs" in verdict.refused
    assert verdict.params == ("x", "")
    assert verdict.needs_change
