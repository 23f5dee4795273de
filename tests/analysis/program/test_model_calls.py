"""A model function's calls (program/model_calls.py): where the project calls it, and whether
TF1 gave each call the same variables, which decides whether one Keras layer instance (TF934,
TF938) keeps the program's meaning."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from tests.analysis.support import write
from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.program.model_calls import (
    ProjectCalls,
    counter_named,
    importer_sites,
    module_sites,
    unshared_calls,
)
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings

NATIVE = Settings(level="native")


def _resolve(node: ast.expr) -> str | None:
    """`tf.x.y` -> `tensorflow.x.y`: the module's only TensorFlow spelling here."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == "tf":
        return ".".join(["tensorflow", *reversed(parts)])
    return None


def _calls(source: str, path: str = "") -> tuple[ProjectCalls, ast.Module]:
    tree = ast.parse(textwrap.dedent(source))
    functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
    return ProjectCalls(tree.body, functions, _resolve, path), tree


def _numbered(source: str, name: str) -> str | None:
    calls, _ = _calls(source)
    function = calls.functions[name]
    return counter_named(function, calls.functions, _resolve, calls.sites(name))


# -- where the calls are -----------------------------------------------------------------------

SITES = """\
import tensorflow as tf

def tower(x):
    return tower_body(x)

a = tower(x)
for i in range(3):
    b = tower(x)
stack = [tower(x) for _ in range(2)]
def build(x):
    return tower(x)
for part in tower(x):
    pass
"""


def test_calls_in_loops_and_comprehensions_are_repeated_the_others_once() -> None:
    tree = ast.parse(SITES)
    found = [(s.where, s.repeated) for s in module_sites(tree.body, ["tower"])["tower"]]
    # A loop's iterable runs once; a function's body runs when called, not per iteration.
    assert found == [
        ("line 6", False),
        ("line 8", True),
        ("line 9", True),
        ("line 11", False),
        ("line 12", False),
    ]


def test_calls_in_importing_modules_are_found_by_their_position(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    write(tmp_path / "pkg" / "nets.py", "def tower(x):\n    return x\n")
    write(
        tmp_path / "pkg" / "use.py",
        "from pkg import nets\nfrom pkg.nets import tower as t\n\n"
        "y = [t(x) for x in xs]\nz = nets.tower(y)\nregistry = [nets.tower]\n",
    )
    found = importer_sites(str(tmp_path / "pkg" / "nets.py"), ["tower"], str(tmp_path))
    # An alias and the module's attribute are calls; a function handed on is not a call.
    assert [(s.where, s.repeated) for s in found["tower"]] == [
        ("`pkg/use.py` line 4", True),
        ("`pkg/use.py` line 5", False),
    ]


# -- how TF1 named the variables ---------------------------------------------------------------


def test_an_unnamed_layer_outside_a_named_scope_is_numbered_per_call() -> None:
    source = "def tower(x):\n    return tf.layers.dense(x, 3)\n"
    assert _numbered(source, "tower") == (
        "`tf.layers.dense` without a name outside a named variable scope, line 2:"
        " `dense`, then `dense_1`"
    )
    named = source.replace("(x, 3)", '(x, 3, name="h")')
    assert _numbered(named, "tower") is None
    scoped = (
        'def tower(x):\n    with tf.variable_scope("t"):\n        return tf.layers.dense(x, 3)\n'
    )
    assert _numbered(scoped, "tower") is None  # TF1 named it `t/dense` at every call
    # A layer without variables has no checkpoint key to number.
    for stateless in ("flatten(x)", "max_pooling2d(x, 2, 2)", "Dropout(0.5)(x)"):
        assert _numbered(f"def tower(x):\n    return tf.layers.{stateless}\n", "tower") is None
    assert _numbered("def tower(x):\n    return tf.layers.Dense(3)(x)\n", "tower") == (
        "`tf.layers.Dense` without a name outside a named variable scope, line 2:"
        " `dense`, then `dense_1`"
    )


def test_a_scope_with_no_name_of_its_own_is_numbered_per_call() -> None:
    source = (
        'def tower(x):\n    with tf.variable_scope(None, default_name="tower"):\n'
        '        return x * tf.get_variable("w", [3])\n'
    )
    assert _numbered(source, "tower") == (
        "`variable_scope` with no name of its own, line 2: `tower`, then `tower_1`"
    )


def test_a_scope_parameter_is_numbered_only_where_a_call_leaves_it_none() -> None:
    source = (
        "def tower(x, scope=None):\n"
        '    with tf.variable_scope(scope, default_name="tower"):\n'
        '        return x * tf.get_variable("w", [3])\n'
        "\n"
        'a = tower(x, "a")\n'
        'b = tower(x, scope="b")\n'
    )
    assert _numbered(source, "tower") is None  # every call names it
    assert _numbered(source + "c = tower(x)\n", "tower") is not None
    assert _numbered(source + "c = tower(x, None)\n", "tower") is not None
    # No call seen: the None default decides.
    assert _numbered(source.split("\na = ")[0], "tower") is not None


def test_a_module_function_it_runs_is_judged_with_the_scope_around_its_call() -> None:
    source = """\
    def dense(x):
        return tf.layers.dense(x, 3)

    def tower(x):
        with tf.variable_scope("tower"):
            return dense(x)

    def bare(x):
        return dense(x)
    """
    assert _numbered(source, "tower") is None  # `tower/dense` at every call
    assert _numbered(source, "bare") is not None


# -- calls that open a fixed scope without reuse ------------------------------------------------

REUSE = """\
def tower(x, reuse=False):
    with tf.variable_scope("tower", reuse=reuse):
        return tf.layers.dense(x, 3, name="h")
"""


def _unshared(source: str) -> list[str]:
    calls, _ = _calls(source)
    sites = calls.sites("tower")
    return [s.where for s in unshared_calls(calls.functions["tower"], _resolve, sites)]


def test_calls_that_reuse_the_first_ones_variables_are_shared() -> None:
    assert _unshared(REUSE + "a = tower(x)\nb = tower(x, reuse=True)\n") == []
    assert _unshared(REUSE + "a = tower(x)\nb = tower(x, True)\n") == []
    looped = REUSE + "outs = [tower(x, reuse=i > 0) for i in range(3)]\n"
    assert _unshared(looped) == []  # known only at run time: not claimed
    auto = REUSE.replace("reuse=reuse", "reuse=tf.AUTO_REUSE") + "a = tower(x)\nb = tower(x)\n"
    assert _unshared(auto) == []


def test_calls_that_open_the_scope_twice_without_reuse_are_named() -> None:
    assert _unshared(REUSE + "a = tower(x)\nb = tower(x, reuse=False)\n") == ["line 4", "line 5"]
    assert _unshared(REUSE + "outs = [tower(x) for _ in range(2)]\n") == ["line 4"]
    assert _unshared(REUSE + "a = tower(x)\n") == []  # one call: nothing shared


# -- the decision, through detection ------------------------------------------------------------


def _model(source: str, catalogue: Catalogue, settings: Settings = NATIVE) -> Finding:
    found = detect("import tensorflow as tf\n\n" + source, catalogue, settings).findings
    (model,) = [f for f in found if f.code in {"TF934", "TF938"}]
    return model


def test_a_function_tf1_gave_a_new_set_per_call_keeps_its_form_naming_the_calls(
    catalogue: Catalogue,
) -> None:
    source = "def tower(x):\n    return tf.layers.dense(x, 3)\n\n\na = tower(x)\nb = tower(a)\n"
    found = _model(source, catalogue)
    assert found.code == "TF938" and found.fix is None
    assert "each call made a new set of variables in TF1" in found.message
    assert "called at line 7 and line 8" in found.message


def test_a_function_called_twice_under_one_scope_with_reuse_becomes_one_layer(
    catalogue: Catalogue,
) -> None:
    found = _model(REUSE + "\n\na = tower(x)\nb = tower(x, reuse=True)\n", catalogue)
    assert found.code == "TF934" and found.fix is not None
    assert "reuse" not in found.message


def test_calls_without_reuse_are_said_with_the_offered_layer(catalogue: Catalogue) -> None:
    found = _model(REUSE + "\n\na = tower(x)\nb = tower(x)\n", catalogue)
    assert found.code == "TF934" and found.fix is not None
    assert "called without `reuse` at line 8 and line 9" in found.message


def test_calls_in_an_importing_module_count(catalogue: Catalogue, tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    callee = tmp_path / "pkg" / "nets.py"
    write(callee, "import tensorflow as tf\n\n\ndef tower(x):\n    return tf.layers.dense(x, 3)\n")
    settings = Settings(level="native").for_file(str(callee))

    def found() -> Finding:
        (model,) = [
            f
            for f in detect(callee.read_text(), catalogue, settings).findings
            if f.code in {"TF934", "TF938"}
        ]
        return model

    # No call seen: refused all the same (a layer would make a new set at each of its calls).
    alone = found()
    assert alone.fix is None and "called at" not in alone.message
    write(
        tmp_path / "pkg" / "train.py",
        "from pkg.nets import tower\n\n\ndef forward(x):\n"
        "    for _ in range(2):\n        x = tower(x)\n    return x\n",
    )
    called = found()
    assert called.fix is None and "called at `pkg/train.py` line 6 in a loop" in called.message


def test_a_call_passing_reuse_by_position_keeps_the_keras_3_layer_away(
    catalogue: Catalogue,
) -> None:
    # Keras 3 takes only tensors by position (`tower(b, True)` raises ValueError there); the
    # shim's tf_keras layer takes it, so the function gets that form.
    source = REUSE + "\n\na = tower(x)\nb = tower(x, True)\n"
    found = _model(source, catalogue)
    assert found.code == "TF938" and found.fix is not None
    keras2 = _model(source, catalogue, Settings(level="native", target_version="2.15"))
    assert keras2.code == "TF934" and keras2.fix is not None
    by_keyword = _model(source.replace("tower(x, True)", "tower(x, reuse=True)"), catalogue)
    assert by_keyword.code == "TF934"
