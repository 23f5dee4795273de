"""Incremental re-analysis gives exactly what a full analysis gives, or declines."""

from __future__ import annotations

import random

import pytest

from benchmarks.corpus import generate_file
from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.incremental import reanalyse
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Detection
from tf2_lsp.settings import Settings
from tf2_lsp.text import split_lines


def comparable(detection: Detection) -> list[tuple[object, ...]]:
    return [
        (f.code, f.span, f.anchor, f.statement, f.message, f.target)
        for f in detection.findings
        if f.anchor_kind != "program"  # refreshed by full analyses only
    ]


def edits(source: str, seed: int) -> list[str]:
    """Typical keystroke edits at random places: inside bodies, new lines, deletions."""
    rng = random.Random(seed)
    lines = split_lines(source)
    variants = []
    for _ in range(12):
        index = rng.randrange(1, len(lines))
        edited = list(lines)
        choice = rng.randrange(5)
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
        if choice == 0:
            edited.insert(index, f"{indent}y = tf.log(x)  # typed")
        elif choice == 1:
            edited[index] = edited[index] + "  # comment"
        elif choice == 2:
            del edited[index]
        elif choice == 3:
            edited.insert(index, f"{indent}sess = tf.Session()")
            edited.insert(index, f"{indent}tf = None")
        else:
            edited.insert(index, "")
        variants.append("\n".join(edited))
    return variants


def test_edits_outside_definitions_are_declined(catalogue: Catalogue) -> None:
    source = "import tensorflow as tf\n\ndef f():\n    return tf.log(1.0)\n"
    previous = detect(source, catalogue)
    new_source = source.replace("import tensorflow as tf", "import tensorflow.compat.v1 as tf")
    assert reanalyse(previous, source, new_source, catalogue, Settings()) is None
    assert reanalyse(previous, source, source + "x = (\n", catalogue, Settings()) is None


@pytest.mark.parametrize("seed", range(6))
def test_incremental_equals_full(seed: int, catalogue: Catalogue) -> None:
    source = generate_file(400, seed)
    previous = detect(source, catalogue)
    used = 0
    for new_source in edits(source, seed):
        full = detect(new_source, catalogue)
        quick = reanalyse(previous, source, new_source, catalogue, Settings())
        if quick is None:
            continue  # declined: the caller runs the full analysis
        used += 1
        assert full.syntax_error is None
        assert comparable(quick) == comparable(full), new_source
        assert quick.module_bindings == full.module_bindings
        assert quick.layout == full.layout
    assert used > 0, "no edit was handled incrementally"


@pytest.mark.parametrize(("before", "after"), [("foo", "tf"), ("tf", "foo"), ("tf", "tf2")])
def test_renaming_a_definition_to_or_from_a_tf_alias_is_never_stale(
    before: str, after: str, catalogue: Catalogue
) -> None:
    template = "import tensorflow as tf\n\ndef {}():\n    return 1\n\ny = tf.Session()\n"
    old, new = template.format(before), template.format(after)
    settings = Settings()
    previous = detect(old, catalogue, settings)
    again = reanalyse(previous, old, new, catalogue, settings)
    full = detect(new, catalogue, settings)
    assert again is None or comparable(again) == comparable(full)


@pytest.mark.parametrize("where", ["above", "below"])
def test_uses_of_a_reported_import_keep_its_anchor_when_lines_move(
    where: str, catalogue: Catalogue
) -> None:
    body = "def f():\n    return 1\n\ndef g():\n    return InteractiveSession()\n"
    imports = "from tensorflow import InteractiveSession\n"
    old = imports + "\n" + body if where == "above" else body + "\n" + imports
    new = old.replace("    return 1\n", "    x = 1\n    return x\n")
    settings = Settings()
    previous = detect(old, catalogue, settings)
    again = reanalyse(previous, old, new, catalogue, settings)
    assert again is not None or where == "below"
    full = detect(new, catalogue, settings)
    assert again is None or comparable(again) == comparable(full)
    assert len({f.anchor for f in full.findings}) == 1
