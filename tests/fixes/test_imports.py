"""How a fix writes a qualified name in one file: through its imports, or with one it adds."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.fixes.imports import PREFERRED_IMPORTS, Renderer


def bound_by(line: str) -> dict[str, str]:
    """What an import line binds: local name -> the module or symbol it names."""
    statement = ast.parse(line).body[0]
    if isinstance(statement, ast.Import):
        return {a.asname or a.name: a.name for a in statement.names}
    assert isinstance(statement, ast.ImportFrom) and statement.module
    return {a.asname or a.name: f"{statement.module}.{a.name}" for a in statement.names}


@pytest.mark.parametrize(("module", "line", "local"), PREFERRED_IMPORTS)
def test_each_preferred_import_binds_its_local_name_to_its_module(
    module: str, line: str, local: str
) -> None:
    assert bound_by(line) == {local: module}


def test_the_longest_import_of_the_file_wins() -> None:
    renderer = Renderer({"tf": "tensorflow", "v1": "tensorflow.compat.v1"}, {"tf", "v1"})
    assert renderer.name("tensorflow.compat.v1.Session") == "v1.Session"
    assert renderer.name("tensorflow.math.log") == "tf.math.log"
    assert renderer.name("tensorflow") == "tf"
    assert renderer.new_imports == []


def test_a_missing_import_is_added_once_and_then_reused() -> None:
    renderer = Renderer({}, set())
    assert renderer.name("tf_slim.conv2d") == "slim.conv2d"
    assert renderer.name("tf_slim.layers.flatten") == "slim.layers.flatten"
    assert renderer.name("tensorflow_probability.distributions.Normal") == (
        "tfp.distributions.Normal"
    )
    assert renderer.new_imports == [
        "import tf_slim as slim",
        "import tensorflow_probability as tfp",
    ]
    assert {"slim", "tfp"} <= renderer.taken  # later imports must not take these names


def test_a_name_prefix_is_not_a_module_prefix() -> None:
    # `tensorflow_probability` is not inside `tensorflow`: never `tf_probability.x`.
    renderer = Renderer({"tf": "tensorflow"}, {"tf"})
    assert renderer.name("tensorflow_probability.bijectors.Exp") == "tfp.bijectors.Exp"
    assert renderer.new_imports == ["import tensorflow_probability as tfp"]


def test_a_taken_local_name_imports_the_module_under_its_own_name() -> None:
    # The file's `logging` is the standard library's: absl's must not shadow it.
    renderer = Renderer({"logging": "logging"}, {"logging", "tf"})
    assert renderer.name("absl.logging.info") == "absl.logging.info"
    assert renderer.name("tensorflow.math.log") == "tensorflow.math.log"
    assert renderer.new_imports == ["import absl.logging", "import tensorflow"]


def test_from_imports_of_absl() -> None:
    renderer = Renderer({}, {"np"})
    assert renderer.name("absl.flags.FLAGS") == "flags.FLAGS"
    assert renderer.name("absl.app.run") == "app.run"
    assert renderer.new_imports == ["from absl import flags", "from absl import app"]


def test_a_package_with_no_preferred_spelling_is_imported_plainly() -> None:
    renderer = Renderer({}, set())
    assert renderer.name("keras.layers.Dense") == "keras.layers.Dense"
    assert renderer.name("keras.optimizers.Adam") == "keras.optimizers.Adam"
    assert renderer.new_imports == ["import keras"]


def test_names_already_bound_in_the_file_need_no_import() -> None:
    renderer = Renderer({"Adam": "tf_keras.optimizers.Adam"}, {"Adam"})
    assert renderer.name("tf_keras.optimizers.Adam") == "Adam"
    assert renderer.new_imports == []
