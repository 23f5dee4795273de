"""Mapping jedi's inference results to receiver types (jedi itself runs in the e2e test)."""

from __future__ import annotations

import pytest

from tf2_lsp.analysis import receivers
from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.infer import type_from_jedi_name
from tf2_lsp.catalogue.rules import Catalogue


@pytest.mark.parametrize(
    ("full_name", "module", "expected"),
    [
        (
            "tensorflow.python.data.ops.dataset_ops.DatasetV2",
            "tensorflow.python.data.ops.dataset_ops",
            receivers.DATASET,
        ),
        (
            "tensorflow.python.data.ops.readers.TFRecordDatasetV2",
            "tensorflow.python.data.ops.readers",
            receivers.DATASET,
        ),
        ("PIL.Image.Image", "PIL.Image", None),
        ("mylib.Dataset", "mylib", None),  # not TensorFlow's
        (None, None, None),
    ],
)
def test_type_from_jedi_name(
    full_name: str | None, module: str | None, expected: str | None
) -> None:
    assert type_from_jedi_name(full_name, module) == expected


SOURCE = """import tensorflow as tf

def run(ds):
    return ds.make_one_shot_iterator()
"""


def test_unknown_receivers_become_candidates_and_hints_settle_them(catalogue: Catalogue) -> None:
    first = detect(SOURCE, catalogue)
    assert first.findings == []
    assert [(c.line, c.method) for c in first.candidates] == [(4, "make_one_shot_iterator")]
    key = first.candidates[0].key
    typed = detect(SOURCE, catalogue, receiver_hints={key: receivers.DATASET})
    assert [f.code for f in typed.findings] == ["TF702"]
    assert typed.candidates == []
    missed = detect(SOURCE, catalogue, receiver_hints={key: ""})
    assert missed.findings == [] and missed.candidates == []


def test_annotated_parameter_is_typed_without_jedi(catalogue: Catalogue) -> None:
    source = (
        "import tensorflow as tf\n\n"
        "def run(ds: tf.data.Dataset):\n"
        "    return ds.make_one_shot_iterator()\n"
    )
    assert [f.code for f in detect(source, catalogue).findings] == ["TF702"]
