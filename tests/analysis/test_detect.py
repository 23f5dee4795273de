"""detect(): findings sorted, deduplicated, selected and suppressed; syntax errors answered."""

from __future__ import annotations

import pytest

from tests.analysis.support import TF, codes_at, findings
from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue


def test_findings_are_sorted_by_position(catalogue: Catalogue) -> None:
    source = TF + "a = tf.log(tf.Session())\nb = tf.Session()\n"
    assert codes_at(source, catalogue) == [(2, 5, "TF201"), (2, 12, "TF101"), (3, 5, "TF101")]


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        ((), (), ["TF101", "TF201", "TF214"]),
        (("TF1",), (), ["TF101"]),
        (("TF2",), (), ["TF201", "TF214"]),
        (("TF",), ("TF21",), ["TF101", "TF201"]),
        ((), ("TF101", "TF214"), ["TF201"]),
        (("TF201",), ("TF2",), []),
    ],
)
def test_select_and_ignore_prefixes(
    select: tuple[str, ...], ignore: tuple[str, ...], expected: list[str], catalogue: Catalogue
) -> None:
    source = TF + "s = tf.Session()\ny = tf.log(x)\nz = tf.nn.dropout(x, 0.5)\n"
    assert [f.code for f in findings(source, catalogue, select=select, ignore=ignore)] == expected


def test_suppression_comments(catalogue: Catalogue) -> None:
    source = TF + (
        "a = tf.Session()  # tf2-lsp: ignore[TF101]\n"
        "b = tf.log(tf.Session())  # tf2-lsp: ignore[TF101]\n"
        "c = tf.log(tf.Session())  # tf2-lsp: ignore\n"
        "d = tf.log(tf.Session())  # tf2-lsp: ignore[TF201, TF101]\n"
        "e = tf.Session()  # tf2-lsp: ignore[TF201]\n"
        "f = 'tf2-lsp: ignore'; g = tf.Session()\n"
    )
    assert codes_at(source, catalogue) == [(3, 5, "TF201"), (6, 5, "TF101"), (7, 28, "TF101")]


@pytest.mark.parametrize(
    "source",
    ["import tensorflow as tf\ndef f(:\n", "x = (\n", "import tensorflow\x00\n", "\tx = 1\n"],
)
def test_syntax_errors_are_reported_not_raised(source: str, catalogue: Catalogue) -> None:
    detection = detect(source, catalogue)
    assert detection.syntax_error is not None
    assert detection.findings == []


def test_file_without_tensorflow_has_no_findings(catalogue: Catalogue) -> None:
    assert findings("import numpy as np\ns = tf.Session()\n", catalogue) == []


def test_suppression_text_inside_a_string_is_not_a_comment(catalogue: Catalogue) -> None:
    source = 'import tensorflow as tf\nnote = "# tf2-lsp: ignore"; s = tf.Session()\n'
    assert [f.code for f in findings(source, catalogue)] == ["TF101"]
    real = "import tensorflow as tf\ns = tf.Session('#')  # tf2-lsp: ignore\n"
    assert findings(real, catalogue) == []
    both = 'import tensorflow as tf\ns = tf.Session("# tf2-lsp: ignore")  # tf2-lsp: ignore\n'
    assert findings(both, catalogue) == []
