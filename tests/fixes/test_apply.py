"""Fixes, pyupgrade-style: source in, source out, with a no-op case beside each fix."""

from __future__ import annotations

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.findings.messages import import_statement
from tf2_lsp.catalogue.rules import Catalogue, Level
from tf2_lsp.engine import fix_all
from tf2_lsp.fixes.apply import apply_line_edits, plan_fixes
from tf2_lsp.fixes.edits import LineEdit
from tf2_lsp.fixes.imports import Renderer
from tf2_lsp.settings import Settings

TF = "import tensorflow as tf\n"


def fix(source: str, catalogue: Catalogue, level: Level = "compat", unsafe: bool = False) -> str:
    outcome = fix_all(source, catalogue, Settings(level=level), unsafe=unsafe)
    assert outcome.error is None
    again = fix_all(outcome.source, catalogue, Settings(level=level), unsafe=unsafe)
    assert again.source == outcome.source, "not idempotent"
    return outcome.source


def check(before: str, after: str, catalogue: Catalogue, **kwargs: object) -> None:
    assert fix(before, catalogue, **kwargs) == after  # type: ignore[arg-type]


# -- symbol renames and imports ---------------------------------------------------------------

RENAMES = [
    pytest.param(TF + "s = tf.Session()\n", TF + "s = tf.compat.v1.Session()\n", id="session"),
    pytest.param(
        "import tensorflow as tf1\ny = tf1.log(x)\n",
        "import tensorflow as tf1\ny = tf1.math.log(x)\n",
        id="other-alias",
    ),
    pytest.param(
        "import tensorflow\ny = tensorflow.log(x)\n",
        "import tensorflow\ny = tensorflow.math.log(x)\n",
        id="plain-import",
    ),
    pytest.param(
        "from tensorflow import placeholder\nx = placeholder('float32')\n",
        "from tensorflow.compat.v1 import placeholder\nx = placeholder('float32')\n",
        id="from-import",
    ),
    pytest.param(
        "from tensorflow.contrib import slim\nnet = slim.conv2d(x, 3)\n",
        "import tf_slim as slim\nnet = slim.conv2d(x, 3)\n",
        id="contrib-slim-import",
    ),
    pytest.param(
        "import os, tensorflow.contrib.slim as slim\nnet = slim.conv2d(x, 3)\n",
        "import os; import tf_slim as slim\nnet = slim.conv2d(x, 3)\n",
        id="contrib-slim-in-a-multi-import",
    ),
    pytest.param(
        TF + "import numpy as np\n\nnet = tf.contrib.slim.conv2d(x, 3)\n",
        TF + "import numpy as np\nimport tf_slim as slim\n\nnet = slim.conv2d(x, 3)\n",
        id="adds-tf-slim-import-after-the-import-block",
    ),
    pytest.param(
        TF + "import tf_slim as slim\nnet = tf.contrib.slim.conv2d(x, 3)\n",
        TF + "import tf_slim as slim\nnet = slim.conv2d(x, 3)\n",
        id="reuses-tf-slim-import",
    ),
    pytest.param(
        TF + "slim = 3\nnet = tf.contrib.slim.conv2d(x, 3)\n",
        TF + "import tf_slim\nslim = 3\nnet = tf_slim.conv2d(x, 3)\n",
        id="slim-name-taken",
    ),
    pytest.param(
        TF + "slim = tf.contrib.slim\nnet = slim.conv2d(x, 3)\n",
        TF + "import tf_slim\nslim = tf_slim\nnet = slim.conv2d(x, 3)\n",
        id="module-alias-fixed-once",
    ),
    pytest.param(
        '"""Docstring."""\nfrom __future__ import annotations\n'
        + TF
        + "a = tf.contrib.slim.flatten(x)\nb = tf.contrib.slim.flatten(y)\n",
        '"""Docstring."""\nfrom __future__ import annotations\n'
        + TF
        + "import tf_slim as slim\na = slim.flatten(x)\nb = slim.flatten(y)\n",
        id="one-import-for-many-uses",
    ),
    pytest.param(
        TF + "@tf.contrib.framework.add_arg_scope\ndef f(x=tf.log(2.0)):\n"
        "    return tf.Session()\n",
        TF + "import tf_slim as slim\n@slim.add_arg_scope\ndef f(x=tf.math.log(2.0)):\n"
        "    return tf.compat.v1.Session()\n",
        id="decorator-default-body",
    ),
    pytest.param(
        TF + "class A(tf.train.Optimizer):\n    s = tf.Session\n",
        TF + "class A(tf.compat.v1.train.Optimizer):\n    s = tf.compat.v1.Session\n",
        id="class-bases-and-body",
    ),
    pytest.param(
        TF + "if tf.log(x):\n    pass\nwith tf.Session() as s:\n    pass\n",
        TF + "if tf.math.log(x):\n    pass\nwith tf.compat.v1.Session() as s:\n    pass\n",
        id="if-and-with-headers",
    ),
    pytest.param(
        TF + "x = 1; y = tf.log(x); z = tf.Session()\n",
        TF + "x = 1; y = tf.math.log(x); z = tf.compat.v1.Session()\n",
        id="several-in-one-line",
    ),
    pytest.param(
        TF + "def f():\n    if x:\n        return (tf.log(x) +  # why\n"
        "                tf.log(y))\n",
        TF + "def f():\n    if x:\n        return (tf.math.log(x) +  # why\n"
        "                tf.math.log(y))\n",
        id="indented-multi-line-with-comment",
    ),
]


@pytest.mark.parametrize(("before", "after"), RENAMES)
def test_renames(before: str, after: str, catalogue: Catalogue) -> None:
    check(before, after, catalogue)


NOOPS = [
    pytest.param(TF + "s = tf.compat.v1.Session()\n", id="already-compat"),
    pytest.param("import tensorflow.compat.v1 as tf\ns = tf.Session()\n", id="compat-import"),
    pytest.param(TF + "def f(tf):\n    return tf.Session()\n", id="parameter"),
    pytest.param(TF + "s = 'tf.Session()'  # tf.Session()\n", id="string-and-comment"),
    pytest.param("import tf_slim as slim\nnet = slim.conv2d(x, 3)\n", id="tf-slim"),
    pytest.param(TF + "y = tf.math.log(x)\n", id="tf2-name"),
    pytest.param(TF + "s = tf.Session()  # tf2-lsp: ignore[TF101]\n", id="suppressed"),
]


@pytest.mark.parametrize("source", NOOPS)
def test_no_op(source: str, catalogue: Catalogue) -> None:
    check(source, source, catalogue)


def test_native_logging_imports_absl(catalogue: Catalogue) -> None:
    check(
        TF + "tf.logging.info('x')\n",
        TF + "from absl import logging\nlogging.info('x')\n",
        catalogue,
        level="native",
    )
    # Compat level keeps tf.compat.v1.logging.
    check(TF + "tf.logging.info('x')\n", TF + "tf.compat.v1.logging.info('x')\n", catalogue)


def test_native_logging_when_the_stdlib_logging_is_imported(catalogue: Catalogue) -> None:
    check(
        "import logging\n" + TF + "tf.logging.info('x')\nlogging.info('y')\n",
        "import logging\n"
        + TF
        + "import absl.logging\nabsl.logging.info('x')\nlogging.info('y')\n",
        catalogue,
        level="native",
    )


def test_native_logging_reuses_from_absl_import_logging(catalogue: Catalogue) -> None:
    source = TF + "from absl import logging\ntf.logging.info('x')\n"
    check(source, TF + "from absl import logging\nlogging.info('x')\n", catalogue, level="native")


def test_native_falls_back_to_compat_fix(catalogue: Catalogue) -> None:
    check(TF + "s = tf.Session()\n", TF + "s = tf.compat.v1.Session()\n", catalogue, level="native")


def test_unsafe_fix_needs_unsafe(catalogue: Catalogue) -> None:
    source = TF + "f = tf.gfile.FastGFile(p)\n"
    check(source, TF + "f = tf.compat.v1.gfile.FastGFile(p)\n", catalogue)
    # The native fix of TF302 is unsafe: without --unsafe the finding stays for review.
    outcome = fix_all(source, catalogue, Settings(level="native"))
    assert outcome.source == source
    assert [f.code for f in outcome.remaining] == ["TF302"]
    check(source, TF + "f = tf.io.gfile.GFile(p)\n", catalogue, level="native", unsafe=True)


# -- keyword renames, removals, positional -> keyword -------------------------------------------

ARGUMENTS = [
    pytest.param(
        "y = tf.reduce_sum(x, keep_dims=True)\n",
        "y = tf.reduce_sum(x, keepdims=True)\n",
        id="keyword-rename",
    ),
    pytest.param(
        "y = tf.reduce_mean(x, reduction_indices=[1], keep_dims=True, name='m')\n",
        "y = tf.reduce_mean(x, axis=[1], keepdims=True, name='m')\n",
        id="two-renames",
    ),
    pytest.param(
        "y = tf.argmax(x, 1, 'am')\n",
        "y = tf.argmax(x, 1, name='am')\n",
        id="order-changed-after-stable-prefix",
    ),
    pytest.param(
        "y = tf.argmax(x, 1, 'am', output_type=tf.int32)\n",
        "y = tf.argmax(x, 1, name='am', output_type=tf.int32)\n",
        id="moved-positional-beside-keywords",
    ),
    pytest.param(
        "y = tf.expand_dims(x, dim=1)\n",
        "y = tf.expand_dims(x, axis=1)\n",
        id="dim-to-axis",
    ),
    pytest.param(
        "y = tf.reduce_sum(\n    x,  # input\n    keep_dims=True,  # keep\n)\n",
        "y = tf.reduce_sum(\n    x,  # input\n    keepdims=True,  # keep\n)\n",
        id="multi-line-keeps-comments-and-trailing-comma",
    ),
    pytest.param(
        "y = tf.math.argmax(tf.reduce_sum(x, keep_dims=True), dimension=1)\n",
        "y = tf.math.argmax(tf.reduce_sum(x, keepdims=True), axis=1)\n",
        id="nested",
    ),
]


@pytest.mark.parametrize(("before", "after"), ARGUMENTS)
def test_arguments(before: str, after: str, catalogue: Catalogue) -> None:
    check(TF + before, TF + after, catalogue)


@pytest.mark.parametrize(
    "body",
    [
        "y = tf.reduce_sum(x, 1, True)\n",
        "y = tf.reduce_sum(x, axis=1, keepdims=True)\n",
        "y = tf.argmax(x, 1)\n",
        "y = tf.argmax(*args)\n",
        "y = tf.expand_dims(x, axis=1)\n",
    ],
)
def test_arguments_no_op(body: str, catalogue: Catalogue) -> None:
    check(TF + body, TF + body, catalogue)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("y = tf.reduce_sum(x, None, None, None, [1], *rest)\n", "*args"),
        # **kwargs alone hide no position: the move itself does not bind (`axis` twice).
        ("y = tf.reduce_sum(x, None, None, None, [1], **kw)\n", "`axis` is passed twice"),
        ("y = tf.argmax(x, None, 'am', *rest)\n", "*args"),
    ],
)
def test_positional_move_refused_under_star_args(
    body: str, reason: str, catalogue: Catalogue
) -> None:
    source = TF + body
    check(source, source, catalogue)
    [finding] = detect(source, catalogue).findings
    assert finding.fix is None
    assert reason in finding.message
    assert "no automatic fix" in finding.message


def test_keyword_rename_refused_when_the_new_name_is_also_passed(catalogue: Catalogue) -> None:
    source = TF + "y = tf.reduce_sum(x, axis=1, reduction_indices=[0])\n"
    outcome = fix_all(source, catalogue, Settings())
    assert outcome.source == source
    # The binding verifier refuses it before it is offered: nothing is attempted.
    assert outcome.failed == []
    [finding] = outcome.remaining
    assert finding.code == "TF211" and finding.fix is None
    assert finding.refused and "`axis` is passed twice" in finding.refused


@pytest.mark.parametrize(
    "body",
    [
        "y = tf.reduce_sum(x, 1, reduction_indices=[0])\n",
        # TF1 took `axis=None` beside `reduction_indices`; TF2 would get `axis` twice.
        "y = tf.reduce_sum(x, None, None, None, [1])\n",
        "y = tf.argmax(x, None, 'am', 1)\n",
    ],
)
def test_keyword_rename_refused_when_a_positional_already_fills_the_slot(
    body: str, catalogue: Catalogue
) -> None:
    source = TF + body
    outcome = fix_all(source, catalogue, Settings())
    assert outcome.source == source
    assert outcome.failed == []
    [finding] = outcome.remaining
    assert finding.fix is None
    assert finding.refused and "`axis` is passed twice" in finding.refused


# -- value conversions (dropout's keep_prob) ---------------------------------------------------

CONVERSIONS = [
    pytest.param(
        "y = tf.nn.dropout(x, keep_prob)\n",
        "y = tf.nn.dropout(x, rate=1 - keep_prob)\n",
        id="dropout-positional",
    ),
    pytest.param(
        "y = tf.nn.dropout(x, keep_prob=kp)\n",
        "y = tf.nn.dropout(x, rate=1 - kp)\n",
        id="dropout-keyword",
    ),
    pytest.param(
        "y = tf.nn.dropout(x, 0.8)\n",
        "y = tf.nn.dropout(x, rate=0.2)\n",
        id="dropout-literal",
    ),
    pytest.param(
        "y = tf.nn.dropout(x, a + b)\n",
        "y = tf.nn.dropout(x, rate=1 - (a + b))\n",
        id="dropout-parenthesises",
    ),
    pytest.param(
        "y = tf.nn.dropout(x, keep_prob, [1, 5])\n",
        "y = tf.nn.dropout(x, rate=1 - keep_prob, noise_shape=[1, 5])\n",
        id="dropout-noise-shape-positional",
    ),
    pytest.param(
        "y = tf.nn.dropout(x, keep_prob, [1, 5], 7, 'd')\n",
        "y = tf.nn.dropout(x, rate=1 - keep_prob, noise_shape=[1, 5], seed=7, name='d')\n",
        id="dropout-all-positional",
    ),
    pytest.param(
        "y = tf.nn.dropout(tf.log(x), kp)\n",
        "y = tf.nn.dropout(tf.math.log(x), rate=1 - kp)\n",
        id="dropout-nested-rename",
    ),
    pytest.param(
        "y = tf.nn.dropout(\n    x,  # input\n    keep_prob,  # keep\n)\n",
        "y = tf.nn.dropout(\n    x,  # input\n    rate=1 - keep_prob,  # keep\n)\n",
        id="dropout-multi-line",
    ),
]


@pytest.mark.parametrize(("before", "after"), CONVERSIONS)
def test_conversions(before: str, after: str, catalogue: Catalogue) -> None:
    check(TF + before, TF + after, catalogue)


@pytest.mark.parametrize(
    "body",
    [
        "y = tf.nn.dropout(x, rate=0.2)\n",
        "y = tf.nn.dropout(x)\n",
    ],
)
def test_conversions_no_op(body: str, catalogue: Catalogue) -> None:
    check(TF + body, TF + body, catalogue)


@pytest.mark.parametrize(
    "body",
    ["y = tf.nn.dropout(x, kp, *rest)\n", "y = tf.nn.dropout(x, keep_prob=kp, rate=r)\n"],
)
def test_dropout_refused(body: str, catalogue: Catalogue) -> None:
    source = TF + body
    check(source, source, catalogue)
    [finding] = detect(source, catalogue).findings
    assert finding.code == "TF214" and finding.fix is None and finding.refused


def test_manual_finding_makes_no_edit(catalogue: Catalogue) -> None:
    source = TF + "h = tf.contrib.training.HParams(a=1)\n"
    outcome = fix_all(source, catalogue, Settings(), unsafe=True)
    assert outcome.source == source
    assert [f.code for f in outcome.remaining] == ["TF407"]


def test_graph_program_gets_disable_v2_behavior_after_imports(catalogue: Catalogue) -> None:
    check(
        "import os\n" + TF + "\nx = tf.placeholder(tf.float32)\nif __name__ == '__main__':\n"
        "    tf.Session()\n",
        "import os\n" + TF + "tf.compat.v1.disable_v2_behavior()\n\n"
        "x = tf.compat.v1.placeholder(tf.float32)\nif __name__ == '__main__':\n"
        "    tf.compat.v1.Session()\n",
        catalogue,
    )


# -- line endings and text ----------------------------------------------------------------------


def test_crlf_file_keeps_crlf(catalogue: Catalogue) -> None:
    before = (
        "import tensorflow as tf\r\n\r\ns = tf.Session()\r\nnet = tf.contrib.slim.flatten(x)\r\n"
    )
    after = (
        "import tensorflow as tf\r\nimport tf_slim as slim\r\n\r\ns = tf.compat.v1.Session()\r\n"
        "net = slim.flatten(x)\r\n"
    )
    check(before, after, catalogue)


def test_crlf_multi_line_statement(catalogue: Catalogue) -> None:
    before = "import tensorflow as tf\r\ny = tf.nn.dropout(\r\n    x,\r\n    kp)\r\n"
    after = "import tensorflow as tf\r\ny = tf.nn.dropout(\r\n    x,\r\n    rate=1 - kp)\r\n"
    check(before, after, catalogue)


def test_mixed_line_endings_keep_each_lines_own(catalogue: Catalogue) -> None:
    before = "import tensorflow as tf\ns = tf.Session()\r\ny = tf.log(x)\rz = tf.log(y)\n"
    after = (
        "import tensorflow as tf\ns = tf.compat.v1.Session()\r\ny = tf.math.log(x)\r"
        "z = tf.math.log(y)\n"
    )
    check(before, after, catalogue)


def test_file_without_final_newline(catalogue: Catalogue) -> None:
    check(TF + "s = tf.Session()", TF + "s = tf.compat.v1.Session()", catalogue)


def test_non_ascii_and_tabs_before_the_symbol(catalogue: Catalogue) -> None:
    before = TF + "if x:\n\ts = '你好😀\t'; t = tf.Session()  # 注释\n"
    after = TF + "if x:\n\ts = '你好😀\t'; t = tf.compat.v1.Session()  # 注释\n"
    check(before, after, catalogue)


def test_fix_that_would_not_parse_is_not_applied(catalogue: Catalogue) -> None:
    outcome = fix_all(TF + "def f(:\n", catalogue, Settings())
    assert outcome.error is not None
    assert outcome.source == TF + "def f(:\n"


# -- building blocks ------------------------------------------------------------------------------


def test_apply_line_edits_keeps_line_endings() -> None:
    source = "a\r\nb\nc\rd"
    edits = [LineEdit(2, 2, ("B1", "B2")), LineEdit(4, 3, ("inserted",))]
    assert apply_line_edits(source, edits) == "a\r\nB1\r\nB2\nc\rinserted\r\nd"


def test_renderer_spells_through_the_files_imports() -> None:
    renderer = Renderer({"tf": "tensorflow", "v1": "tensorflow.compat.v1"}, {"tf", "v1", "np"})
    assert renderer.name("tensorflow.math.log") == "tf.math.log"
    assert renderer.name("tensorflow.compat.v1.Session") == "v1.Session"
    assert renderer.name("tf_slim.conv2d") == "slim.conv2d"
    assert renderer.name("tf_slim.flatten") == "slim.flatten"
    assert renderer.new_imports == ["import tf_slim as slim"]


def test_renderer_without_a_tensorflow_import() -> None:
    renderer = Renderer({}, {"tf"})
    assert renderer.name("tensorflow.math.log") == "tensorflow.math.log"
    assert renderer.new_imports == ["import tensorflow"]


@pytest.mark.parametrize(
    ("module", "local", "line"),
    [
        ("tf_slim", "slim", "import tf_slim as slim"),
        ("tf_slim", "tf_slim", "import tf_slim"),
        ("absl.logging", "logging", "from absl import logging"),
        ("tensorflow.compat.v1", "tf", "from tensorflow.compat import v1 as tf"),
    ],
)
def test_import_statement(module: str, local: str, line: str) -> None:
    assert import_statement(module, local) == line


def test_a_use_and_its_import_share_the_one_edit(catalogue: Catalogue) -> None:
    source = "from tensorflow import InteractiveSession\nsess = InteractiveSession()\n"
    detection = detect(source, catalogue, Settings())
    import_finding, use_finding = detection.findings
    assert use_finding.anchor == import_finding.anchor and use_finding.span.line == 2
    planned = plan_fixes(source, detection, [use_finding])  # the quick fix at the use
    assert apply_line_edits(source, planned.edits).startswith(
        "from tensorflow.compat.v1 import InteractiveSession\n"
    )
    planned = plan_fixes(source, detection, detection.findings)
    assert len(planned.edits) == 1 and len(planned.applied) == 2 and not planned.failed
