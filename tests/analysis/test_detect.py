"""detect(): findings sorted, deduplicated, selected and suppressed; syntax errors answered."""

from __future__ import annotations

import pytest

from benchmarks.corpus import generate_file
from tests.analysis.support import TF, codes_at, findings
from tf2_lsp.analysis.detect import _may_build_graphs, detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.settings import Settings


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


def _texts_to_judge(catalogue: Catalogue) -> list[str]:
    """Rule examples and valid cases, generated TF1 modules, and graph code spelled oddly."""
    texts = [TF + example.before for rule in catalogue.rules for example in rule.examples]
    texts += [TF + code for rule in catalogue.rules for code in rule.valid]
    texts += [generate_file(400, seed=seed) for seed in range(6)]
    texts += [
        TF + "with tf.Session() as s:\n    s.run(x)\n",
        "from tensorflow.compat.v1 import placeholder as p\nx = p(None)\n",
        "import tensorflow as tf\nx = tf.\\\n    placeholder(None)\n",
        TF + "x = tf.ｐlaceholder(None)\n",  # NFKC: the parser reads `placeholder`
        TF + "class T(tf.test.TestCase):\n    def test(self):\n"
        "        with self.cached_session() as s:\n            s.run(1)\n",
    ]
    return texts


def test_a_module_that_cannot_build_graphs_is_known_by_its_text(catalogue: Catalogue) -> None:
    """The test files of a project ask whether each project module they import builds graphs;
    a module whose text writes no graph-building name is answered without a detection: it
    must be one whose detection has neither TF801 nor TF810."""
    graph_codes = {"TF801", "TF810"}
    answered = built = 0
    for text in _texts_to_judge(catalogue):
        for path in ("/p/lib/model.py", "/p/run.py"):
            codes = {f.code for f in detect(text, catalogue, Settings(file=path)).findings}
            if not _may_build_graphs(text):
                answered += 1
                assert not codes & graph_codes, text
            built += bool(codes & graph_codes)
    assert answered > 100 and built > 10  # both kinds were judged


def test_a_graph_name_written_in_full_width_letters_is_still_seen() -> None:
    assert _may_build_graphs(TF + "x = tf.ｐlaceholder(None)\n")
    assert not _may_build_graphs(TF + "x = tf.constant(1)\n")
