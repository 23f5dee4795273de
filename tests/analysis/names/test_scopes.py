"""What a name or an expression means in the scope the walk stands in."""

from __future__ import annotations

import ast

from tf2_lsp.analysis.names import receivers
from tf2_lsp.analysis.names.resolve import NOT_TF, Binding, Scope
from tf2_lsp.analysis.names.scopes import A_FUNCTION, Scopes


def scopes_with(**names: str) -> Scopes:
    scopes = Scopes()
    for local, qualified in names.items():
        scopes.bind(local, Binding(qualified))
    return scopes


def expression(code: str) -> ast.expr:
    return ast.parse(code, mode="eval").body


def test_qualified_name_follows_the_binding_of_the_base() -> None:
    scopes = scopes_with(tf="tensorflow", slim="tensorflow.contrib.slim")
    assert scopes.qualified_name(expression("tf.contrib.layers")) == "tensorflow.contrib.layers"
    assert scopes.qualified_name(expression("slim.conv2d")) == "tensorflow.contrib.slim.conv2d"
    assert scopes.qualified_name(expression("np.log")) is None
    assert scopes.qualified_name(expression("f().log")) is None


def test_a_function_scope_shadows_and_a_global_declaration_binds_the_module() -> None:
    scopes = scopes_with(tf="tensorflow")
    scopes.current = Scope("function", scopes.module)
    scopes.bind("tf", NOT_TF)
    assert scopes.qualified_name(expression("tf.Session")) is None
    scopes.current = Scope("function", scopes.module, explicit_global={"v1"})
    scopes.bind("v1", Binding("tensorflow.compat.v1"))
    scopes.bind("v1", NOT_TF)  # only a TensorFlow binding is carried to the module
    assert scopes.module.names["v1"] == Binding("tensorflow.compat.v1")
    assert "v1" not in scopes.current.names


def test_type_of_follows_calls_and_method_chains() -> None:
    scopes = scopes_with(tf="tensorflow")
    assert scopes.type_of(expression("tf.data.Dataset.range(3).batch(2)")) == receivers.DATASET
    assert scopes.type_of(expression("tf.Session()")) == receivers.SESSION
    scopes.bind("ds", Binding(None, value_type=receivers.DATASET))
    assert scopes.type_of(expression("ds")) == receivers.DATASET
    assert scopes.type_of(expression("load()")) is None


def test_function_evidence() -> None:
    scopes = scopes_with(tf="tensorflow")
    scopes.bind("f", A_FUNCTION)
    scopes.bind("chooser", Binding(None, foreign=True))
    scopes.bind("utils", Binding(None, imported="utils", foreign=True))
    scopes.bind("name", NOT_TF)
    assert scopes.function_evidence(expression("lambda: 1")) == "is a function"
    assert scopes.function_evidence(expression("f")) == "is a function"
    assert scopes.function_evidence(expression("tf.train.replica_device_setter(2)")) == (
        "is a function"
    )
    # A value defined in another module is unknown here: it may be a device function.
    assert "may be a function" in (scopes.function_evidence(expression("chooser")) or "")
    assert "may be a function" in (scopes.function_evidence(expression("utils.place")) or "")
    for known_or_local in ("g", "name", "tf.zeros(2)", "'/gpu:0'", "utils.device()", "f.x"):
        assert scopes.function_evidence(expression(known_or_local)) is None


def test_covered_asks_the_base_binding() -> None:
    scopes = scopes_with(tf="tensorflow")
    scopes.bind("slim", Binding("tensorflow.contrib.slim", covered=True))
    assert scopes.covered(expression("slim.conv2d"))
    assert not scopes.covered(expression("tf.Session"))
    assert not scopes.covered(expression("f().x"))


def test_import_time_and_tensorflow_files() -> None:
    scopes = Scopes()
    assert scopes.at_import_time() and not scopes.in_tf_file()
    scopes.current = Scope("class", scopes.module)
    assert scopes.at_import_time()
    scopes.current = Scope("function", scopes.module)
    assert not scopes.at_import_time()
    scopes.bind("tf", Binding("tensorflow"))  # a function's own import
    assert scopes.in_tf_file()


def test_tf_alias_is_the_first_name_bound_to_tensorflow() -> None:
    assert Scopes().tf_alias() == "tf"
    assert scopes_with(v1="tensorflow.compat.v1").tf_alias() == "tf"
    assert scopes_with(tf1="tensorflow", tf="tensorflow").tf_alias() == "tf1"
    resumed = Scopes(Scope("module", None, {"tensorflow": Binding("tensorflow")}))
    assert resumed.tf_alias() == "tensorflow"
    assert resumed.current is resumed.module
