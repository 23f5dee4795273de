"""The text-splice fast path writes exactly what the libcst rewrite writes."""

from __future__ import annotations

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


def both_paths(source: str, catalogue: Catalogue, options: Settings) -> tuple[str, str]:
    spliced = fix_all(source, catalogue, options, unsafe=True).source
    original = apply.splices_for
    apply.splices_for = lambda *args: None  # type: ignore[assignment]
    try:
        libcst_only = fix_all(source, catalogue, options, unsafe=True).source
    finally:
        apply.splices_for = original
    return spliced, libcst_only


@pytest.mark.parametrize("body", CASES)
def test_tricky_calls(body: str, catalogue: Catalogue) -> None:
    source = f"import tensorflow as tf\n{body}\n"
    spliced, libcst_only = both_paths(source, catalogue, Settings())
    assert spliced == libcst_only
    assert spliced != source


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("level", ["compat", "native"])
def test_generated_files(seed: int, level: str, catalogue: Catalogue) -> None:
    source = generate_file(300, seed)
    spliced, libcst_only = both_paths(source, catalogue, Settings(level=level))  # type: ignore[arg-type]
    assert spliced == libcst_only
