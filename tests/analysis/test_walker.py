"""The walk: every syntactic position is visited, in Python's scoping order, at any depth."""

from __future__ import annotations

import ast
import gc

import pytest

from tests.analysis.support import TF, codes_at, findings
from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.names.resolve import Binding, Scope
from tf2_lsp.analysis.walker import ModuleWalker
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.settings import Settings


def test_span_of_a_multi_line_call(catalogue: Catalogue) -> None:
    source = TF + "y = tf.nn.dropout(\n    x,\n    keep_prob=kp)\n"
    [finding] = findings(source, catalogue)
    assert finding.code == "TF214"
    assert (finding.anchor.line, finding.anchor.end_line) == (2, 4)
    assert finding.statement == (2, 4)


@pytest.mark.parametrize(
    ("body", "statement"),
    [
        ("if a:\n    pass\nelif tf.log(x):\n    pass\n", (2, 5)),
        (
            "if a:\n    pass\nelif b:\n    pass\nelif tf.log(x):\n    y = 1\nelse:\n    z = 1\n",
            (2, 9),
        ),
        # An `if` inside an `else` is a statement of its own.
        ("if a:\n    pass\nelse:\n    if tf.log(x):\n        pass\n", (5, 6)),
    ],
)
def test_an_elif_test_belongs_to_its_if_statement(
    body: str, statement: tuple[int, int], catalogue: Catalogue
) -> None:
    [finding] = findings(TF + body, catalogue)
    assert finding.statement == statement


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


def test_function_bodies_run_after_the_module_binds_its_names(catalogue: Catalogue) -> None:
    source = "def f():\n    return tf.Session()\nimport tensorflow as tf\n"
    assert codes_at(source, catalogue) == [(2, 12, "TF101")]


def test_the_leading_import_block(catalogue: Catalogue) -> None:
    source = (
        '"""Doc."""\nimport os\n'
        "try:\n    import tensorflow as tf\nexcept ImportError:\n    pass\n"
        "x = 1\nimport sys\n"
    )
    walker = ModuleWalker(source, catalogue, Settings(), {})
    walker.run(ast.parse(source))
    assert (walker.first_import, walker.imports_end) == (2, 6)
    assert walker.scopes.module.names["tf"] == Binding("tensorflow")


def test_a_resumed_walk_starts_from_the_given_module_scope(catalogue: Catalogue) -> None:
    module = Scope("module", None, {"tf": Binding("tensorflow")})
    source = "s = tf.Session()\n"
    walker = ModuleWalker(source, catalogue, Settings(), {}, module)
    walker.run(ast.parse(source), note_imports=False)
    assert [f.code for f in walker.findings.found] == ["TF101"]
    assert walker.scopes.module is module


# -- depth ------------------------------------------------------------------------------------


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


def test_a_detection_leaves_no_reference_cycles(catalogue: Catalogue) -> None:
    """What a walk built is freed as soon as its detection is done, without the cyclic
    collector (the command line pauses the collector while a file is analysed)."""
    source = TF + "def f(x):\n    return tf.log(x)\nwith tf.Session() as s:\n    s.run(f(1))\n"
    gc.collect()
    gc.disable()
    try:
        detect(source, catalogue, Settings())
        assert gc.collect() == 0
    finally:
        gc.enable()
