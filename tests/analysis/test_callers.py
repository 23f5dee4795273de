"""Model functions judged by their callers in the project's other modules: one called from
another module's TF1 graph code stays a function and says which module and line (the shim
layer would lose TF1's variable reuse there); one only TF2 code calls becomes the layer."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from tests.analysis.support import (
    CALLEE,
    GRAPH_CALLER,
    TF2_CALLER,
    model_finding,
    model_package,
    native,
    write,
)
from tf2_lsp import engine
from tf2_lsp.analysis.callers import caller_code, graph_callers
from tf2_lsp.catalogue.rules import Catalogue


def test_a_model_function_called_from_another_modules_graph_code_stays_a_function(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    callee = model_package(tmp_path, GRAPH_CALLER)
    found = model_finding(callee, catalogue)
    assert found.fix is None
    assert "`pkg/run.py` line 9 calls it from TF1 graph code" in found.message
    fixed = engine.fix_all(CALLEE, catalogue, native(callee), unsafe=True).source
    assert "def conv(x, name):" in fixed and "Layer" not in fixed


def test_the_same_function_with_only_tf2_callers_becomes_a_layer(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    callee = model_package(tmp_path, TF2_CALLER)
    found = model_finding(callee, catalogue)
    assert found.fix is not None and "run.py" not in found.message
    fixed = engine.fix_all(CALLEE, catalogue, native(callee), unsafe=True).source
    assert "class Conv(tf.keras.layers.Layer):" in fixed


def test_an_edit_to_the_caller_changes_the_answer(catalogue: Catalogue, tmp_path: Path) -> None:
    callee = model_package(tmp_path, TF2_CALLER)
    assert model_finding(callee, catalogue).fix is not None
    write(tmp_path / "pkg" / "run.py", GRAPH_CALLER)
    assert model_finding(callee, catalogue).fix is None
    write(tmp_path / "pkg" / "run.py", TF2_CALLER)
    assert model_finding(callee, catalogue).fix is not None


def test_a_new_module_that_calls_it_from_graph_code_is_seen(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    callee = model_package(tmp_path, TF2_CALLER)
    assert model_finding(callee, catalogue).fix is not None
    listed = (tmp_path / "pkg").stat().st_mtime_ns
    (tmp_path / "pkg" / "sub").mkdir()
    (tmp_path / "pkg" / "sub" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "sub" / "train.py").write_text(GRAPH_CALLER)
    # The new folder changes its parent's modification time (made later than one clock tick).
    os.utime(tmp_path / "pkg", ns=(listed + 10**9, listed + 10**9))
    found = model_finding(callee, catalogue)
    assert found.fix is None and "`pkg/sub/train.py` line 9" in found.message


def test_a_call_inside_another_modules_model_function_is_nested(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    # The outer function becomes the layer: the callee's variables must be that layer's.
    outer = textwrap.dedent(
        """\
        import tensorflow as tf

        from pkg import layers


        def tower(x):
            with tf.variable_scope("tower"):
                return layers.conv(x, "a")
        """
    )
    callee = model_package(tmp_path, outer)
    found = model_finding(callee, catalogue)
    assert found.fix is None
    assert "`pkg/run.py` line 8 calls it inside its own model code" in found.message


def test_a_call_inside_a_shim_layer_of_another_module_is_nested(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    # What an earlier fix round (or a person) made of the caller's own model function.
    layer = textwrap.dedent(
        """\
        import tensorflow as tf

        from pkg import layers


        class Tower(tf.keras.layers.Layer):
            @tf.compat.v1.keras.utils.track_tf1_style_variables
            def call(self, x):
                return layers.conv(x, "a")
        """
    )
    callee = model_package(tmp_path, layer)
    found = model_finding(callee, catalogue)
    assert found.fix is None
    assert "`pkg/run.py` line 9 calls it inside its own model code" in found.message


def test_a_function_handed_on_stays_a_function(catalogue: Catalogue, tmp_path: Path) -> None:
    handed = "from pkg import layers\n\nBUILDERS = {'conv': layers.conv}\n"
    callee = model_package(tmp_path, handed)
    found = model_finding(callee, catalogue)
    assert found.fix is None and "`pkg/run.py` line 3 hands it on" in found.message


def test_a_caller_that_loads_the_module_by_name_is_judged_as_any_other(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    # `importlib.import_module("pkg.layers")` bound to a name: its calls are followed.
    loaded = GRAPH_CALLER.replace(
        "from pkg import layers",
        "import importlib\n\nlayers = importlib.import_module('pkg.layers')",
    )
    callee = model_package(tmp_path, loaded)
    found = model_finding(callee, catalogue)
    assert found.fix is None
    assert "`pkg/run.py` line 11 calls it from TF1 graph code" in found.message
    # Used in place, the module goes where its calls are not followed.
    write(
        tmp_path / "pkg" / "run.py", "import importlib\n\nimportlib.import_module('pkg.layers')\n"
    )
    found = model_finding(callee, catalogue)
    assert found.fix is None and "`pkg/run.py` line 3 hands it on" in found.message


def test_callers_through_a_package_that_reexports_it_decide(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    reexported = GRAPH_CALLER.replace("from pkg import layers", "import pkg as layers")
    callee = model_package(tmp_path, reexported)
    (tmp_path / "pkg" / "__init__.py").write_text("from pkg.layers import conv\n")
    found = model_finding(callee, catalogue)
    assert found.fix is None and "`pkg/run.py` line 9 calls it from TF1 graph" in found.message
    write(tmp_path / "pkg" / "run.py", TF2_CALLER.replace("pkg.layers", "pkg"))
    assert model_finding(callee, catalogue).fix is not None


# A package that re-exports every module's names by loading them by computed names, as
# tensorpack's `models`, `dataflow` and `callbacks` packages do.
LOADS_ITS_MODULES = """import os

for _file in sorted(os.listdir(os.path.dirname(__file__))):
    if _file.endswith(".py") and not _file.startswith("_"):
        _module = __import__(_file[:-3], globals(), locals(), ["*"], 1)
        globals().update({k: v for k, v in vars(_module).items() if not k.startswith("_")})
"""


def test_callers_through_a_package_that_loads_its_modules_by_computed_names_decide(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    reexported = GRAPH_CALLER.replace("from pkg import layers", "import pkg as layers")
    callee = model_package(tmp_path, reexported)
    (tmp_path / "pkg" / "__init__.py").write_text(LOADS_ITS_MODULES)
    found = model_finding(callee, catalogue)
    assert found.fix is None and "`pkg/run.py` line 9 calls it from TF1 graph" in found.message
    write(tmp_path / "pkg" / "run.py", TF2_CALLER.replace("pkg.layers", "pkg"))
    assert model_finding(callee, catalogue).fix is not None
    # With a plain `__init__`, `pkg.conv` names nothing of the module: no caller.
    (tmp_path / "pkg" / "__init__.py").write_text("")
    write(tmp_path / "pkg" / "run.py", reexported)
    assert model_finding(callee, catalogue).fix is not None


def test_callers_of_other_functions_or_modules_do_not_count(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    # `other.conv` is another module's function; `layers.helper` another function of this one.
    other = GRAPH_CALLER.replace("from pkg import layers", "from pkg import other as layers")
    callee = model_package(tmp_path, other)
    (tmp_path / "pkg" / "other.py").write_text("def conv(x, name):\n    return x\n")
    assert model_finding(callee, catalogue).fix is not None
    assert graph_callers(str(callee), ["helper"], catalogue) == {}


def test_a_caller_without_graph_code_outside_its_model_functions_is_tf2(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    caller = tmp_path / "caller.py"
    caller.write_text(TF2_CALLER)
    assert caller_code(str(caller), catalogue).graph is None
    caller.write_text(GRAPH_CALLER)
    os.utime(caller, ns=(10**18, 10**18))
    assert caller_code(str(caller), catalogue).graph == "tensorflow.placeholder"
