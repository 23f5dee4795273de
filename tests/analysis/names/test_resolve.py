"""Which names mean TensorFlow: imports in every form, aliases, and Python's scoping rules.

Each case is a source string and the findings it must (or must not) produce, as
`(line, code)` pairs, so a wrong scope shows up as a missing or extra pair.
"""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.names.resolve import (
    canonical,
    canonical_for_rules,
    function_locals,
    import_bindings,
    target_names,
)
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.settings import Settings


def found(source: str, catalogue: Catalogue, level: str = "compat") -> list[tuple[int, str]]:
    settings = Settings(level=level)  # type: ignore[arg-type]
    detection = detect(source, catalogue, settings)
    assert detection.syntax_error is None
    # Whole-file notes (graph-mode programs, compat.v1 files) have their own tests.
    return [(f.span.line, f.code) for f in detection.findings if f.anchor_kind != "program"]


# -- imports in any form ------------------------------------------------------------------

IMPORT_FORMS = [
    pytest.param("import tensorflow as tf\ns = tf.Session()\n", [(2, "TF101")], id="alias-tf"),
    pytest.param("import tensorflow as tf1\ns = tf1.Session()\n", [(2, "TF101")], id="alias-tf1"),
    pytest.param("import tensorflow\ns = tensorflow.Session()\n", [(2, "TF101")], id="plain"),
    pytest.param(
        "import tensorflow.contrib.slim\nnet = tensorflow.Session()\n",
        [(2, "TF101")],
        id="dotted-import-binds-root",
    ),
    pytest.param(
        "from tensorflow import Session\ns = Session()\n",
        [(1, "TF101"), (2, "TF101")],
        id="from-import-symbol",
    ),
    pytest.param(
        "from tensorflow import layers\nnet = layers.dense(x, 3)\n",
        [(1, "TF536"), (2, "TF536")],
        id="from-import-module",
    ),
    pytest.param(
        "from tensorflow.contrib import slim\nnet = slim.conv2d(x, 3)\n",
        [(1, "TF401"), (2, "TF401")],
        id="from-contrib-import-slim",
    ),
    pytest.param(
        "import tensorflow.contrib.slim as slim\nnet = slim.conv2d(x, 3)\n",
        [(1, "TF401"), (2, "TF401")],
        id="import-contrib-slim-as",
    ),
    pytest.param(
        "from tensorflow import InteractiveSession\ns = InteractiveSession()\n",
        [(1, "TF101"), (2, "TF101")],
        id="from-import-interactive-session",
    ),
    pytest.param(
        "from tensorflow.contrib import layers as cl\ny = cl.fully_connected(f, 8)\n",
        [(1, "TF402"), (2, "TF402")],
        id="from-contrib-import-as",
    ),
    pytest.param(
        "from tensorflow import nn as tfnn\ny = tfnn.dropout(x, 0.5)\n",
        [(2, "TF214")],
        id="from-import-as",
    ),
]


@pytest.mark.parametrize(("source", "expected"), IMPORT_FORMS)
def test_import_forms(source: str, expected: list[tuple[int, str]], catalogue: Catalogue) -> None:
    assert found(source, catalogue) == expected


def test_name_without_import_is_not_tensorflow(catalogue: Catalogue) -> None:
    assert found("s = tf.Session()\ny = tf.log(x)\n", catalogue) == []


def test_other_packages_named_like_tensorflow_are_not_tensorflow(catalogue: Catalogue) -> None:
    source = (
        "import tensorflow_probability as tf\n"
        "from mylib import tensorflow\n"
        "from . import tensorflow as tf2\n"
        "s = tf.Session()\nt = tensorflow.Session()\nu = tf2.Session()\n"
    )
    assert found(source, catalogue) == []


@pytest.mark.parametrize(
    "source",
    [
        "import tensorflow.compat.v1 as tf\ns = tf.Session()\nx = tf.placeholder(tf.float32)\n",
        "from tensorflow.compat import v1\ns = v1.Session()\n",
        "from tensorflow.compat import v1 as tf\ns = tf.Session()\n",
        "from tensorflow.compat.v1 import Session\ns = Session()\n",
        "import tensorflow as tf\ns = tf.compat.v1.Session()\n",
    ],
)
def test_compat_v1_is_not_a_finding_at_compat_level(source: str, catalogue: Catalogue) -> None:
    assert found(source, catalogue) == []


def test_compat_v1_gets_an_information_hint_at_native_level(catalogue: Catalogue) -> None:
    source = "import tensorflow.compat.v1 as tf\ntf.logging.info('x')\n"
    detection = detect(source, catalogue, Settings(level="native"))
    assert [(f.code, f.severity, f.compat) for f in detection.findings] == [
        ("TF812", "information", False),  # the compat.v1 file note (tests/test_compat_files.py)
        ("TF311", "information", True),
    ]
    # ...and nothing for compat.v1 code that has no native rewrite.
    assert found("import tensorflow.compat.v1 as tf\ns = tf.Session()\n", catalogue, "native") == []


def test_compat_v2_is_tf2(catalogue: Catalogue) -> None:
    source = "import tensorflow.compat.v2 as tf\ny = tf.math.log(x)\nz = tf.nn.dropout(x, 0.5)\n"
    assert found(source, catalogue) == []


# -- names that are not TensorFlow ----------------------------------------------------------

SHADOWED = [
    pytest.param("def f(tf):\n    return tf.Session()\n", id="parameter"),
    pytest.param("def f(*, tf=None):\n    return tf.Session()\n", id="keyword-only-parameter"),
    pytest.param("def f(*tf):\n    return tf.Session()\n", id="vararg"),
    pytest.param("def f():\n    tf = MyLib()\n    return tf.Session()\n", id="local-assignment"),
    pytest.param(
        "def f():\n    s = tf.Session()\n    tf = MyLib()\n    return s\n",
        id="local-assigned-after-use",
    ),
    pytest.param("g = lambda tf: tf.Session()\n", id="lambda-parameter"),
    pytest.param("xs = [tf.Session() for tf in libs]\n", id="list-comprehension"),
    pytest.param("xs = {tf: tf.log(1) for tf in libs}\n", id="dict-comprehension"),
    pytest.param("xs = list(tf.Session() for tf in libs)\n", id="generator"),
    pytest.param("for tf in libs:\n    tf.Session()\n", id="for-target"),
    pytest.param("for i, (a, tf) in pairs:\n    tf.Session()\n", id="for-tuple-target"),
    pytest.param("with open(p) as tf:\n    tf.Session()\n", id="with-target"),
    pytest.param("try:\n    pass\nexcept E as tf:\n    tf.Session()\n", id="except-name"),
    pytest.param("tf = MyLib()\ntf.Session()\n", id="module-rebinding"),
    pytest.param("def f():\n    import mylib as tf\n    tf.Session()\n", id="local-import"),
    pytest.param("def f():\n    for tf in x:\n        pass\n    tf.Session()\n", id="local-for"),
    pytest.param("if (tf := make()):\n    tf.Session()\n", id="walrus"),
    pytest.param("def tf():\n    pass\ntf.Session()\n", id="def-rebinds"),
    pytest.param("class tf:\n    pass\ntf.Session()\n", id="class-rebinds"),
]


@pytest.mark.parametrize("body", SHADOWED)
def test_shadowed_tf_is_not_flagged(body: str, catalogue: Catalogue) -> None:
    assert found("import tensorflow as tf\n" + body, catalogue) == []


def test_shadowing_is_limited_to_its_scope(catalogue: Catalogue) -> None:
    source = (
        "import tensorflow as tf\n"
        "def f(tf):\n"
        "    return tf.Session()\n"
        "def g():\n"
        "    return tf.Session()\n"
        "h = lambda tf: tf.log(1)\n"
        "k = tf.log(1)\n"
        "xs = [tf for tf in range(3)]\n"
        "y = tf.log(2)\n"
    )
    assert found(source, catalogue) == [(5, "TF101"), (7, "TF201"), (9, "TF201")]


def test_first_comprehension_iterable_is_in_the_enclosing_scope(catalogue: Catalogue) -> None:
    source = "import tensorflow as tf\nxs = [tf for tf in tf.log(x)]\n"
    assert found(source, catalogue) == [(2, "TF201")]


def test_default_arguments_and_decorators_evaluate_in_the_enclosing_scope(
    catalogue: Catalogue,
) -> None:
    source = "import tensorflow as tf\ndef f(tf=tf.log(2.0)):\n    return tf.Session()\n"
    assert found(source, catalogue) == [(2, "TF201")]


@pytest.mark.parametrize(
    "source",
    [
        "import tensorflow as tf\ntext = 'tf.Session()'\n",
        'import tensorflow as tf\ntext = f"{x} tf.Session()"\n',
        "import tensorflow as tf\n# s = tf.Session()\n",
        'import tensorflow as tf\n"""\ns = tf.Session()\n"""\n',
        "import tensorflow as tf\nx = b'tf.log(1)'\n",
    ],
)
def test_strings_and_comments_are_never_findings(source: str, catalogue: Catalogue) -> None:
    assert found(source, catalogue) == []


def test_fstring_expressions_are_code(catalogue: Catalogue) -> None:
    assert found('import tensorflow as tf\nmsg = f"{tf.log(2)}"\n', catalogue) == [(2, "TF201")]


# -- global, nonlocal, class bodies ---------------------------------------------------------


def test_global_refers_to_the_module_binding(catalogue: Catalogue) -> None:
    source = (
        "import tensorflow as tf\n"
        "def f():\n"
        "    global tf\n"
        "    s = tf.Session()\n"
        "    tf = reload(tf)\n"
    )
    # Without `global`, the assignment would make `tf` local to f and hide the import.
    assert found(source, catalogue) == [(4, "TF101")]


def test_global_import_inside_a_function_binds_the_module_name(catalogue: Catalogue) -> None:
    source = (
        "tf = None\n"
        "def load():\n"
        "    global tf\n"
        "    import tensorflow as tf\n"
        "def run():\n"
        "    return tf.Session()\n"
    )
    assert found(source, catalogue) == [(6, "TF101")]


def test_class_body_names_do_not_leak_into_methods(catalogue: Catalogue) -> None:
    source = (
        "import tensorflow as tf\n"
        "class Model:\n"
        "    tf = None\n"
        "    x = tf\n"
        "    def build(self):\n"
        "        return tf.Session()\n"
    )
    assert found(source, catalogue) == [(6, "TF101")]


def test_class_body_shadowing_applies_inside_the_body(catalogue: Catalogue) -> None:
    source = "import tensorflow as tf\nclass Model:\n    tf = MyLib()\n    s = tf.Session()\n"
    assert found(source, catalogue) == []


def test_class_body_import_is_visible_in_the_body_only(catalogue: Catalogue) -> None:
    source = (
        "class Model:\n"
        "    import tensorflow as tf\n"
        "    s = tf.Session()\n"
        "    def build(self):\n"
        "        return tf.Session()\n"
    )
    assert found(source, catalogue) == [(3, "TF101")]


def test_nested_function_sees_enclosing_import(catalogue: Catalogue) -> None:
    source = (
        "def outer():\n"
        "    import tensorflow as tf\n"
        "    def inner():\n"
        "        return tf.Session()\n"
        "    return inner\n"
        "s = tf.Session()\n"
    )
    assert found(source, catalogue) == [(4, "TF101")]


def test_nested_function_parameter_shadows_enclosing_import(catalogue: Catalogue) -> None:
    source = (
        "import tensorflow as tf\n"
        "def outer():\n"
        "    def inner(tf):\n"
        "        return tf.Session()\n"
        "    return tf.Session()\n"
    )
    assert found(source, catalogue) == [(5, "TF101")]


# -- aliases and contrib imports ------------------------------------------------------------


def test_module_alias_reported_once_at_the_alias(catalogue: Catalogue) -> None:
    source = (
        "import tensorflow as tf\n"
        "slim = tf.contrib.slim\n"
        "net = slim.conv2d(x, 32, 3)\n"
        "net = slim.fully_connected(net, 10)\n"
    )
    assert found(source, catalogue) == [(2, "TF401")]


def test_alias_of_a_symbol_keeps_meaning_tensorflow(catalogue: Catalogue) -> None:
    source = "import tensorflow as tf\nnn = tf.nn\ny = nn.dropout(x, 0.5)\n"
    assert found(source, catalogue) == [(3, "TF214")]


def test_reassigned_alias_stops_meaning_tensorflow(catalogue: Catalogue) -> None:
    source = "import tensorflow as tf\nnn = tf.nn\nnn = other\ny = nn.dropout(x, 0.5)\n"
    assert found(source, catalogue) == []


@pytest.mark.parametrize(
    "statement",
    [
        "from tensorflow.contrib.layers import xavier_initializer",
        "from tensorflow.contrib.training import HParams",
        "from tensorflow.contrib import rnn",
        "import tensorflow.contrib.rnn as rnn",
    ],
)
def test_contrib_import_statements_are_findings(statement: str, catalogue: Catalogue) -> None:
    findings = detect(statement + "\n", catalogue).findings
    assert len(findings) == 1
    assert findings[0].span.line == 1
    assert findings[0].anchor_kind == "import"
    assert findings[0].code.startswith("TF4")


def test_each_use_of_a_reported_import_is_reported_with_its_fix(catalogue: Catalogue) -> None:
    source = (
        "from tensorflow.contrib import slim\nnet = slim.conv2d(x, 3)\nnet = slim.flatten(net)\n"
    )
    assert found(source, catalogue) == [(1, "TF401"), (2, "TF401"), (3, "TF401")]


def test_uses_of_an_alias_of_a_reported_import_are_reported(catalogue: Catalogue) -> None:
    source = (
        "from tensorflow.contrib import layers as cl\nL = cl\n"
        "def f(x):\n    return L.fully_connected(x, 8)\n"
    )
    assert found(source, catalogue) == [(1, "TF402"), (2, "TF402"), (4, "TF402")]


# -- the helpers themselves ------------------------------------------------------------------


def _first(source: str) -> ast.AST:
    return ast.parse(source).body[0]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import tensorflow as tf", [("tf", "tensorflow", "tensorflow")]),
        ("import tensorflow", [("tensorflow", "tensorflow", "tensorflow")]),
        (
            "import tensorflow.contrib.slim",
            [("tensorflow", "tensorflow", "tensorflow.contrib.slim")],
        ),
        ("import numpy as np", [("np", None, "numpy")]),
        (
            "from tensorflow.contrib import slim as s, layers",
            [
                ("s", "tensorflow.contrib.slim", "tensorflow.contrib"),
                ("layers", "tensorflow.contrib.layers", "tensorflow.contrib"),
            ],
        ),
        ("from .tensorflow import x", [("x", None, "tensorflow")]),
        ("from tensorflow import *", []),
    ],
)
def test_import_bindings(source: str, expected: list[tuple[str, str | None, str]]) -> None:
    node = _first(source)
    assert isinstance(node, ast.Import | ast.ImportFrom)
    assert import_bindings(node) == expected


def test_canonical() -> None:
    assert canonical("tensorflow.compat.v1.Session") == ("tensorflow.Session", True)
    assert canonical("tensorflow.compat.v1") == ("tensorflow", True)
    assert canonical("tensorflow.Session") == ("tensorflow.Session", False)
    assert canonical("tensorflow.compat.v1x.Session") == ("tensorflow.compat.v1x.Session", False)


def test_canonical_for_rules_takes_contrib_through_compat_v1_as_tf1() -> None:
    contrib = "tensorflow.compat.v1.contrib.slim"
    assert canonical_for_rules(contrib) == ("tensorflow.contrib.slim", False)
    assert canonical_for_rules("tensorflow.compat.v1.Session") == ("tensorflow.Session", True)
    assert canonical_for_rules("tensorflow.contrib") == ("tensorflow.contrib", False)


def test_target_names() -> None:
    target = ast.parse("a, (b, *c), d.e, f[0] = x").body[0]
    assert isinstance(target, ast.Assign)
    assert target_names(target.targets[0]) == ["a", "b", "c"]


def test_function_locals() -> None:
    node = _first(
        "def f(a, /, b, *c, d, **e):\n"
        "    global g\n"
        "    g = 1\n"
        "    h = 2\n"
        "    import os.path\n"
        "    for i in x: pass\n"
        "    [j for j in x]\n"
        "    def k(): l = 1\n"
        "    try: pass\n"
        "    except E as m: pass\n"
    )
    assert isinstance(node, ast.FunctionDef)
    assert function_locals(node) == {"a", "b", "c", "d", "e", "h", "os", "i", "k", "m"}
