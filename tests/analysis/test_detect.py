"""Detection: where findings land, what they say, and what silences or reshapes them."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.suppress import suppressed_codes
from tf2_lsp.catalogue.availability import version_tuple
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings

TF = "import tensorflow as tf\n"


def findings(source: str, catalogue: Catalogue, **options: object) -> list[Finding]:
    detection = detect(source, catalogue, Settings(**options))  # type: ignore[arg-type]
    assert detection.syntax_error is None
    # Whole-file notes (graph-mode programs, compat.v1 files) have their own tests.
    return [f for f in detection.findings if f.anchor_kind != "program"]


def codes_at(source: str, catalogue: Catalogue, **options: object) -> list[tuple[int, int, str]]:
    """(line, 1-based character column, code) of each finding."""
    found = findings(source, catalogue, **options)
    return [(f.span.line, f.span.column + 1, f.code) for f in found]


# -- positions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "column"),
    [
        ("", 1),
        ("s = '你好世界'; ", 13),  # CJK: 3 UTF-8 bytes, 1 character each
        ("s = '😀'; ", 10),  # astral plane: 4 UTF-8 bytes, 2 UTF-16 units, 1 character
        ("s = 'é\t'; ", 11),
        ("x = 1;\t", 8),
    ],
)
def test_columns_count_characters_after_non_ascii_text(
    prefix: str, column: int, catalogue: Catalogue
) -> None:
    source = TF + prefix + "tf.Session()  # 注释 😀\n"
    [finding] = findings(source, catalogue)
    assert (finding.span.line, finding.span.column + 1) == (2, column)
    assert finding.span.end_column - finding.span.column == len("tf.Session")
    line = source.splitlines()[1]
    assert line[finding.span.column : finding.span.end_column] == "tf.Session"


def test_span_of_a_multi_line_call(catalogue: Catalogue) -> None:
    source = TF + "y = tf.nn.dropout(\n    x,\n    keep_prob=kp)\n"
    [finding] = findings(source, catalogue)
    assert finding.code == "TF214"
    assert (finding.anchor.line, finding.anchor.end_line) == (2, 4)
    assert finding.statement == (2, 4)


def test_findings_are_sorted_by_position(catalogue: Catalogue) -> None:
    source = TF + "a = tf.log(tf.Session())\nb = tf.Session()\n"
    assert codes_at(source, catalogue) == [(2, 5, "TF201"), (2, 12, "TF101"), (3, 5, "TF101")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("@tf.contrib.framework.add_arg_scope\ndef f():\n    pass\n", [(2, 2, "TF402")]),
        ("def f(x=tf.log(2.0)):\n    pass\n", [(2, 9, "TF201")]),
        ("def f(x: tf.Session):\n    pass\n", [(2, 10, "TF101")]),
        ("class A(tf.train.Optimizer):\n    pass\n", [(2, 9, "TF556")]),
        ("class A:\n    s = tf.Session\n", [(3, 9, "TF101")]),
        ("if tf.log(x):\n    pass\n", [(2, 4, "TF201")]),
        ("with tf.Session() as s:\n    pass\n", [(2, 6, "TF101")]),
        ("while tf.log(x):\n    pass\n", [(2, 7, "TF201")]),
        ("try:\n    pass\nexcept tf.OpError:\n    pass\n", [(4, 8, "TF505")]),
        ("y = [tf.log(v) for v in xs]\n", [(2, 6, "TF201")]),
        ("f = lambda v: tf.log(v)\n", [(2, 15, "TF201")]),
        ("x: tf.Session = None\n", [(2, 4, "TF101")]),
        ("x = 1; y = tf.log(x); z = tf.Session()\n", [(2, 12, "TF201"), (2, 27, "TF101")]),
        ("async def f():\n    async with tf.Session() as s:\n        pass\n", [(3, 16, "TF101")]),
    ],
)
def test_findings_in_every_syntactic_position(
    body: str, expected: list[tuple[int, int, str]], catalogue: Catalogue
) -> None:
    assert codes_at(TF + body, catalogue) == expected


# -- what a finding says ------------------------------------------------------------------------


def test_message_uses_the_name_as_written_and_the_files_alias(catalogue: Catalogue) -> None:
    [finding] = findings("import tensorflow as tf1\ns = tf1.Session()\n", catalogue)
    assert finding.written == "tf1.Session"
    assert finding.symbol == "tensorflow.Session"
    assert "`tf1.Session`" in finding.message
    assert "`tf1.compat.v1.Session`" in finding.message
    assert finding.target == "tensorflow.compat.v1.Session"


def test_transform_message_names_what_the_rewrite_writes(catalogue: Catalogue) -> None:
    source = TF + "tf.app.run()\n"
    [finding] = findings(source, catalogue, level="native")
    assert "``" not in finding.message
    assert "absl.app.run" in finding.message


def test_manual_rule_has_no_fix(catalogue: Catalogue) -> None:
    [finding] = findings(TF + "h = tf.contrib.training.HParams(a=1)\n", catalogue)
    assert finding.code == "TF407"
    assert finding.fix is None


def test_refused_fix_keeps_the_finding_with_the_reason(catalogue: Catalogue) -> None:
    [finding] = findings(TF + "y = tf.reduce_sum(x, None, None, None, [1], *rest)\n", catalogue)
    assert finding.code == "TF211"
    assert finding.fix is None
    assert finding.refused is not None
    assert "*args" in finding.message


def test_severity_override(catalogue: Catalogue) -> None:
    source = TF + "s = tf.Session()\ny = tf.log(x)\n"
    result = findings(source, catalogue, severity=(("TF101", "error"),))
    assert [(f.code, f.severity) for f in result] == [("TF101", "error"), ("TF201", "warning")]


def test_compat_target_gone_in_the_target_version(catalogue: Catalogue) -> None:
    source = TF + "y = tf.layers.dense(x, 3)\n"
    [old] = findings(source, catalogue, target_version="2.15")
    assert old.fix is not None and old.severity == "warning"
    [new] = findings(source, catalogue, target_version="2.21")
    # Keras 3 by default: the compat form needs tf_keras, so the fix is offered as unsafe.
    assert new.fix is not None and new.fix.safety == "unsafe"
    assert new.severity == "error"
    assert "tf_keras" in new.message and "TF_USE_LEGACY_KERAS=1" in new.message
    estimator = TF + "e = tf.estimator.tpu.TPUEstimator(model_fn=f)\n"
    [gone] = findings(estimator, catalogue, target_version="2.21")
    assert gone.fix is None and gone.severity == "error"


# -- select, ignore, suppression --------------------------------------------------------------


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


def test_version_tuple() -> None:
    assert version_tuple("2.21") == (2, 21)
    assert version_tuple("2.16.1") == (2, 16, 1)
    assert version_tuple("2.x") == (2,)
    assert version_tuple("2.9") < version_tuple("2.16")


# -- method and pattern rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "ds = tf.data.Dataset.range(3)\nit = ds.make_one_shot_iterator()\n",
        "it = tf.data.TFRecordDataset(f).map(g).batch(3).make_one_shot_iterator()\n",
        "ds = tf.data.Dataset.range(3)\nds = ds.shuffle(3).repeat()\n"
        "it = ds.make_initializable_iterator()\n",
    ],
)
def test_dataset_iterator_methods_on_datasets(body: str, catalogue: Catalogue) -> None:
    assert [f.code for f in findings(TF + body, catalogue)] == ["TF702"]


@pytest.mark.parametrize(
    "body",
    [
        "it = loader.make_one_shot_iterator()\n",
        "img.save('x.png')\n",
        "def f(ds):\n    return ds.make_one_shot_iterator()\n",
        "ds = tf.data.Dataset.range(3)\nds = load()\nit = ds.make_one_shot_iterator()\n",
    ],
)
def test_method_rules_need_a_known_receiver(body: str, catalogue: Catalogue) -> None:
    assert findings(TF + body, catalogue) == []


@pytest.mark.parametrize(
    "body",
    ["n = x.shape[-1].value\n", "n = x.get_shape()[1].value\n", "n = self.x.shape[0].value\n"],
)
def test_dimension_value(body: str, catalogue: Catalogue) -> None:
    assert [f.code for f in findings(TF + body, catalogue)] == ["TF701"]


@pytest.mark.parametrize("body", ["n = x.shape.value\n", "n = d[0].value\n", "n = x.value\n"])
def test_dimension_value_needs_a_shape_subscript(body: str, catalogue: Catalogue) -> None:
    assert findings(TF + body, catalogue) == []


def test_dimension_value_outside_tensorflow_files_is_silent(catalogue: Catalogue) -> None:
    assert findings("import numpy as np\nn = x.shape[0].value\n", catalogue) == []


# -- robustness ---------------------------------------------------------------------------------


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


_DEEP = 700  # CPython parses all of these at this depth
_DEEP_SHAPES = {
    "not": "x = " + "not " * _DEEP + "tf.Session()",
    "unary minus": "x = " + "-" * _DEEP + "tf.Session()",
    "lambda": "x = " + "lambda: " * _DEEP + "tf.Session()",
    "conditional": "x = " + "a if b else " * _DEEP + "tf.Session()",
    "elif": "if a:\n    pass\n"
    + "".join(f"elif b{i}:\n    pass\n" for i in range(_DEEP))
    + "else:\n    tf.Session()",
    "method chain": "x = f()" + ".g()" * _DEEP + ".h(tf.Session())",
    "binary operators": "x = " + " + ".join(["a"] * _DEEP) + " + tf.Session()",
    "subscripts": "x = a" + "[0]" * _DEEP + "[tf.Session()]",
}


@pytest.mark.parametrize("shape", sorted(_DEEP_SHAPES))
def test_nesting_that_python_accepts_is_analysed(catalogue: Catalogue, shape: str) -> None:
    source = "import tensorflow as tf\n" + _DEEP_SHAPES[shape] + "\ny = tf.Session()\n"
    ast.parse(source)
    detection = detect(source, catalogue)
    assert detection.syntax_error is None
    assert detection.too_deep == []
    assert [f.symbol for f in detection.findings if f.anchor_kind != "program"] == [
        "tensorflow.Session"
    ] * 2


def test_a_statement_too_deep_to_walk_is_skipped_alone(catalogue: Catalogue) -> None:
    deep = "x = f()" + ".g()" * 12_000 + ".h(tf.Session())"
    source = f"import tensorflow as tf\n{deep}\ny = tf.Session()\n"
    detection = detect(source, catalogue)
    assert detection.syntax_error is None
    assert detection.too_deep == [2]
    assert [f.span.line for f in detection.findings if f.anchor_kind != "program"] == [3]
