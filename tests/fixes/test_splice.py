"""The text-splice fast path writes exactly what the libcst rewrite writes."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.corpus import generate_file
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.fixes import apply
from tf2_lsp.settings import Settings

CASES = [
    "y = tf.nn.dropout(h, keep_prob=(0.9))",
    "y = tf.nn.dropout(h, (keep), [1, 2])",
    "y = tf.nn.dropout(\n    h,\n    kp,  # keep\n    seed=1,\n)",
    "m = tf.to_float((a + b))",
    "m = tf.to_float(x, name='m')",
    "n = (x.shape[0]).value",
    "p = tf.argmax(logits, 1, 'p')",
    "s = tf.reduce_sum(x, reduction_indices=[1], keep_dims=True)",
    "z = tf.nn.dropout(tf.log(x), 1.0 - rate)",
]


def both_paths(source: str, catalogue: Catalogue, settings: Settings) -> tuple[str, str, bool]:
    """The fixed source with splices and with libcst alone, and whether any splice was
    written (if none was, both runs took the same path and agree trivially)."""
    original = apply.splices_for
    spliced_any: list[bool] = []

    def counting(*args: Any) -> Any:
        splices = original(*args)
        spliced_any.append(splices is not None)
        return splices

    apply.splices_for = counting
    try:
        spliced = fix_all(source, catalogue, settings, unsafe=True).source
        apply.splices_for = lambda *args: None
        libcst_only = fix_all(source, catalogue, settings, unsafe=True).source
    finally:
        apply.splices_for = original
    return spliced, libcst_only, any(spliced_any)


@pytest.mark.parametrize("body", CASES)
def test_tricky_calls(body: str, catalogue: Catalogue) -> None:
    source = f"import tensorflow as tf\n{body}\n"
    spliced, libcst_only, _ = both_paths(source, catalogue, Settings())
    assert spliced == libcst_only
    assert spliced != source


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("level", ["compat", "native"])
def test_generated_files(seed: int, level: str, catalogue: Catalogue) -> None:
    source = generate_file(300, seed)
    settings = Settings(level=level)  # type: ignore[arg-type]
    spliced, libcst_only, used_splices = both_paths(source, catalogue, settings)
    assert used_splices and spliced != source
    assert spliced == libcst_only
