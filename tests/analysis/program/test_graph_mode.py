"""Graph-mode programs (analysis/program.py): which modules need `disable_v2_behavior()`, where."""

from __future__ import annotations

from pathlib import Path

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.program.project_classes import reads_recorded
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

TF = "import tensorflow as tf\n"


def program_codes(source: str, catalogue: Catalogue) -> list[str]:
    return [f.code for f in detect(source, catalogue).findings if f.code in ("TF801", "TF810")]


def fixed(source: str, catalogue: Catalogue) -> str:
    outcome = fix_all(source, catalogue, Settings(), wanted=lambda f: f.code == "TF801")
    assert outcome.error is None
    return outcome.source


@pytest.mark.parametrize(
    "body",
    [
        "x = tf.placeholder(tf.float32)\n",
        "def f(x, y):\n    return tf.gradients(y, x)\n",
        "def f():\n    return tf.global_variables_initializer()\n",
        "def f():\n    return tf.get_collection('losses')\n",
        "def f(sess):\n    return tf.train.start_queue_runners(sess)\n",
        "def f():\n    with tf.Graph().as_default():\n        return tf.Session().run(y)\n",
        "def f():\n    return tf.compat.v1.train.Saver()\n",
        # Eager code reads nothing from the loss collections (0.0, or an error for the total).
        "def f():\n    return tf.losses.get_regularization_loss()\n",
        "def f():\n    return tf.losses.get_total_loss(add_regularization_losses=False)\n",
        # Eager code reads an empty list from the variable collections.
        "def f():\n    return sum(tf.nn.l2_loss(v) for v in tf.trainable_variables())\n",
        "def f():\n    return tf.compat.v1.global_variables()\n",
        "def f():\n    return tf.model_variables()\n",
    ],
)
def test_graph_code_in_a_script_is_a_graph_program(body: str, catalogue: Catalogue) -> None:
    source = TF + body + "\nif __name__ == '__main__':\n    f()\n"
    assert program_codes(source, catalogue) == ["TF801"]


def test_eager_code_is_not_a_graph_program(catalogue: Catalogue) -> None:
    source = TF + "x = tf.constant(1)\nif __name__ == '__main__':\n    print(x + 1)\n"
    assert program_codes(source, catalogue) == []


def test_a_session_that_is_never_run_works_eagerly(catalogue: Catalogue) -> None:
    source = TF + "def f():\n    return tf.Session()\n\nif __name__ == '__main__':\n    f()\n"
    assert program_codes(source, catalogue) == []
    run = source.replace("return tf.Session()", "return tf.Session().run(tf.add(1, 2))")
    assert program_codes(run, catalogue) == ["TF801"]


def test_gradients_inside_tf_function_need_no_graph_mode(catalogue: Catalogue) -> None:
    source = (
        TF + "@tf.function\ndef f(x):\n    return tf.gradients(x * x, x)\n\n"
        "if __name__ == '__main__':\n    f(tf.constant(1.0))\n"
    )
    assert program_codes(source, catalogue) == []
    outside = source.replace("@tf.function\n", "")
    assert program_codes(outside, catalogue) == ["TF801"]


def test_a_loss_collection_read_inside_tf_function_needs_no_graph_mode(
    catalogue: Catalogue,
) -> None:
    # In a `tf.function` the reader sees what that trace added (a shim layer's penalties).
    source = (
        TF + "@tf.function\ndef f():\n    return tf.losses.get_regularization_loss()\n\n"
        "if __name__ == '__main__':\n    f()\n"
    )
    assert program_codes(source, catalogue) == []
    library = TF + "total = tf.losses.get_total_loss()\n"
    assert program_codes(library, catalogue) == ["TF810"]


def test_a_variable_collection_read_makes_a_graph_library(
    catalogue: Catalogue,
) -> None:
    # The audit's `params = tf.trainable_variables()`: eagerly an empty list, so the weight
    # decay summed over it was silently 0 and no finding said the module needs graph mode.
    library = TF + "params = tf.trainable_variables()\n"
    assert program_codes(library, catalogue) == ["TF810"]
    # In a `tf.function` it reads only what that trace created: nothing when the model was
    # built before the step (the audit's weight decay inside the step), or on a second trace.
    traced = TF + "@tf.function\ndef f():\n    return len(tf.trainable_variables())\n"
    assert program_codes(traced, catalogue) == ["TF810"]


def test_program_that_already_disables_v2_is_left_alone(catalogue: Catalogue) -> None:
    source = (
        TF + "tf.compat.v1.disable_v2_behavior()\nx = tf.compat.v1.placeholder(tf.float32)\n"
        "if __name__ == '__main__':\n    tf.compat.v1.Session()\n"
    )
    assert program_codes(source, catalogue) == []
    compat = "import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\nx = tf.placeholder(1)\n"
    assert program_codes(compat, catalogue) == []


def test_script_gets_the_call_first_in_its_main_block(catalogue: Catalogue) -> None:
    source = (
        TF + "\n\ndef main():\n    with tf.Session() as sess:\n        sess.run(tf.constant(1))\n"
        "\n\nif __name__ == '__main__':\n    main()\n"
    )
    assert fixed(source, catalogue) == source.replace(
        "    main()\n", "    tf.compat.v1.disable_v2_behavior()\n\n    main()\n"
    )


def test_script_that_builds_graphs_at_import_gets_the_call_after_imports(
    catalogue: Catalogue,
) -> None:
    source = TF + "x = tf.placeholder(tf.float32)\nif __name__ == '__main__':\n    tf.Session()\n"
    assert fixed(source, catalogue) == source.replace(
        TF, TF + "tf.compat.v1.disable_v2_behavior()\n\n"
    )


def test_one_line_main_block_falls_back_to_after_the_imports(catalogue: Catalogue) -> None:
    source = TF + "\ndef main():\n    tf.Session().run(x)\n\nif __name__ == '__main__': main()\n"
    assert fixed(source, catalogue).startswith(TF + "tf.compat.v1.disable_v2_behavior()\n\n")


@pytest.mark.parametrize(
    "test_class",
    [
        "class T(tf.test.TestCase):\n    def test_a(self):\n"
        "        with self.test_session():\n            pass\n",
        "class T(tf.test.TestCase):\n    def test_a(self):\n"
        "        with self.cached_session() as sess:\n            sess.run(tf.add(1, 2))\n",
        "class T(unittest.TestCase):\n    def test_a(self):\n"
        "        with tf.Session() as sess:\n            sess.run(tf.add(1, 2))\n",
        "def test_a():\n    x = tf.placeholder(tf.float32)\n",
    ],
)
def test_test_module_gets_the_call_after_its_imports(test_class: str, catalogue: Catalogue) -> None:
    # The __main__ block of a test module is not run by pytest: the call goes after the imports.
    head = "import unittest\n" + TF + "\n"
    source = head + test_class + "\nif __name__ == '__main__':\n    tf.test.main()\n"
    assert fixed(source, catalogue) == source.replace(
        head, "import unittest\n" + TF + "tf.compat.v1.disable_v2_behavior()\n\n"
    )


def test_eager_test_session_without_run_is_not_graph_mode(catalogue: Catalogue) -> None:
    source = (
        TF + "class T(tf.test.TestCase):\n    def test_a(self):\n"
        "        with self.session():\n"
        "            self.assertEqual(self.evaluate(tf.add(1, 2)), 3)\n"
    )
    assert program_codes(source, catalogue) == []


def test_blank_line_is_added_after_the_call(catalogue: Catalogue) -> None:
    source = TF + "class T(tf.test.TestCase):\n    def test_a(self):\n        self.test_session()\n"
    assert fixed(source, catalogue).startswith(TF + "tf.compat.v1.disable_v2_behavior()\n\nclass")


def test_library_module_gets_an_information_finding_and_no_edit(catalogue: Catalogue) -> None:
    source = TF + "\ndef build():\n    return tf.placeholder(tf.float32)\n"
    [note] = [f for f in detect(source, catalogue).findings if f.code == "TF810"]
    assert note.severity == "information" and note.fix is None
    assert note.span.line == 1
    assert "disable_v2_behavior" in note.rule.migrate and "__main__" in note.rule.migrate
    assert fixed(source, catalogue) == source


def test_library_with_a_main_block_does_not_flip_the_mode_on_import(catalogue: Catalogue) -> None:
    # The old behaviour put the call at module level, so `import lib` disabled TF2 for everyone.
    source = (
        TF + "\ndef build():\n    return tf.placeholder(tf.float32)\n\n"
        "if __name__ == '__main__':\n    build()\n"
    )
    result = fixed(source, catalogue)
    assert (
        "\nif __name__ == '__main__':\n    tf.compat.v1.disable_v2_behavior()\n\n    build()\n"
        in result
    )
    assert result.count("disable_v2_behavior") == 1


def test_graph_as_default_is_an_information_finding(catalogue: Catalogue) -> None:
    source = (
        TF + "g = tf.Graph()\nwith g.as_default():\n    pass\n"
        "with tf.Graph().as_default():\n    pass\n"
    )
    found = [
        (f.span.line, f.severity) for f in detect(source, catalogue).findings if f.code == "TF811"
    ]
    assert found == [(3, "information"), (5, "information")]
    not_a_graph = TF + "with strategy.scope():\n    pass\nwith policy.as_default():\n    pass\n"
    assert [f for f in detect(not_a_graph, catalogue).findings if f.code == "TF811"] == []


GRAPH_TEST = (
    "class NetTest(BaseTest):\n    def testRun(self):\n"
    "        x = tf.placeholder(tf.float32)\n        tf.Session().run(x)\n"
    "\nif __name__ == '__main__':\n    tf.test.main()\n"
)
AFTER_IMPORTS = "tf.compat.v1.disable_v2_behavior()\n"


def fixed_file(path: str, source: str, catalogue: Catalogue) -> str:
    settings = Settings().for_file(path)
    outcome = fix_all(source, catalogue, settings, wanted=lambda f: f.code == "TF801")
    assert outcome.error is None
    return outcome.source


@pytest.mark.parametrize(
    "name", ["tests/net.py", "pkg/net_test.py", "test_net.py", "tests/unit/net.py", "conftest.py"]
)
def test_a_test_file_by_name_gets_the_call_after_its_imports(
    name: str, catalogue: Catalogue, tmp_path: Path
) -> None:
    head = TF + "from tests.base import BaseTest\n"
    source = fixed_file(str(tmp_path / name), head + GRAPH_TEST, catalogue)
    assert source.startswith(head + AFTER_IMPORTS)  # where pytest runs it too


def test_a_script_by_name_keeps_the_call_in_its_main_block(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    head = TF + "from tests.base import BaseTest\n"
    source = fixed_file(str(tmp_path / "tests_runner" / "net.py"), head + GRAPH_TEST, catalogue)
    assert AFTER_IMPORTS not in source.split("if __name__")[0]


@pytest.mark.parametrize(
    ("imports", "base_file", "base_source"),
    [
        (
            "from tests.base import BaseTest\n",
            "tests/base.py",
            "import unittest\n\nclass BaseTest(unittest.TestCase):\n    pass\n",
        ),
        (
            "from .helpers import BaseTest\n",
            "src/helpers.py",
            "from .core import Core\n\nclass BaseTest(Core):\n    pass\n",
        ),
        ("from tests import base\n", "tests/base.py", "class BaseTest(tf.test.TestCase): pass\n"),
    ],
)
def test_a_base_class_from_another_project_file_makes_a_test_module(
    imports: str, base_file: str, base_source: str, catalogue: Catalogue, tmp_path: Path
) -> None:
    (tmp_path / base_file).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / base_file).write_text(base_source)
    (tmp_path / "src" / "core.py").parent.mkdir(exist_ok=True)
    (tmp_path / "src" / "core.py").write_text(
        "from absl.testing import absltest\nclass Core(absltest.TestCase): pass\n"
    )
    body = (
        GRAPH_TEST if "BaseTest" in imports else GRAPH_TEST.replace("(BaseTest)", "(base.BaseTest)")
    )
    head = TF + imports
    source = fixed_file(str(tmp_path / "src" / "net.py"), head + body, catalogue)
    assert source.startswith(head + AFTER_IMPORTS)


def test_a_base_class_that_is_no_test_case_leaves_a_script(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "base.py").write_text("class BaseTest(object):\n    pass\n")
    head = TF + "from tools.base import BaseTest\n"
    source = fixed_file(str(tmp_path / "tools" / "net.py"), head + GRAPH_TEST, catalogue)
    assert not source.startswith(head + AFTER_IMPORTS)
    assert "    tf.compat.v1.disable_v2_behavior()\n" in source


LIBRARY = (
    "import tensorflow as tf\n\ndef evaluate():\n    x = tf.placeholder(tf.float32, [2])\n"
    "    with tf.Session() as sess:\n        return sess.run(x * 2, {x: [1.0, 2.0]})\n"
)
DRIVER = "import tensorflow as tf\n\nfrom mylib import model\n\ndef test_evaluate():\n"
DRIVER += "    assert model.evaluate()[1] == 4.0\n"


def test_a_test_that_drives_a_graph_mode_library_of_the_project_gets_the_call(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    (tmp_path / "mylib").mkdir()
    (tmp_path / "mylib" / "model.py").write_text(LIBRARY)
    source = fixed_file(str(tmp_path / "tests" / "test_model.py"), DRIVER, catalogue)
    head = "import tensorflow as tf\n\nfrom mylib import model\n"
    assert source.startswith(head + AFTER_IMPORTS)
    # The library itself only gets its note, and a script driving it is left to its own block.
    assert fixed_file(str(tmp_path / "run.py"), DRIVER, catalogue) == DRIVER


PLAIN_DRIVER = (
    "import unittest\n\nfrom mylib import model\n\n\nclass ModelTest(unittest.TestCase):\n"
)
PLAIN_DRIVER += "    def test_evaluate(self):\n        self.assertEqual(model.evaluate()[1], 4.0)\n"


@pytest.mark.parametrize("name", ["tests/test_model.py", "checks/model_checks.py"])
def test_a_test_that_never_imports_tensorflow_still_gets_the_call(
    name: str, catalogue: Catalogue, tmp_path: Path
) -> None:
    # Known by its file name or by its test-case class: test runners import it and never run
    # `__main__`, and `python -m unittest` never reads a conftest.py, so the call is its own.
    (tmp_path / "mylib").mkdir()
    (tmp_path / "mylib" / "model.py").write_text(LIBRARY)
    path = str(tmp_path / name)
    (finding,) = [f for f in detect(PLAIN_DRIVER, catalogue, Settings().for_file(path)).findings]
    assert (finding.code, finding.span.line) == ("TF801", 3)  # on the library's import
    source = fixed_file(path, PLAIN_DRIVER, catalogue)
    assert "import tensorflow as tf\n" in source
    body = source.split("class ModelTest")[0]
    assert body.rstrip().endswith(AFTER_IMPORTS.strip())
    assert fixed_file(path, source, catalogue) == source  # once only
    # Without a graph-mode library, or for a module that is no test, nothing changes.
    script = "from mylib import model\n\nprint(model.evaluate())\n"
    assert fixed_file(str(tmp_path / "run.py"), script, catalogue) == script
    (tmp_path / "mylib" / "model.py").write_text("def evaluate():\n    return [1.0, 4.0]\n")
    assert fixed_file(path, PLAIN_DRIVER, catalogue) == PLAIN_DRIVER


def test_a_test_that_drives_a_package_whose_modules_build_graphs_gets_the_call(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    # `import mylib` runs the package's `__init__`, which only re-exports (tflearn's does):
    # the graph code it brings in is in the modules it imports, two packages deep here.
    (tmp_path / "mylib" / "models").mkdir(parents=True)
    (tmp_path / "mylib" / "__init__.py").write_text("from . import models\n")
    (tmp_path / "mylib" / "models" / "__init__.py").write_text("from .dnn import evaluate\n")
    (tmp_path / "mylib" / "models" / "dnn.py").write_text(LIBRARY)
    driver = PLAIN_DRIVER.replace("from mylib import model", "import mylib as model")
    driver = driver.replace("model.evaluate()", "model.models.evaluate()")
    path = str(tmp_path / "tests" / "test_model.py")
    (finding,) = detect(driver, catalogue, Settings().for_file(path)).findings
    assert (finding.code, finding.span.line) == ("TF801", 3)
    # A package whose modules build no graphs brings none in.
    (tmp_path / "mylib" / "models" / "dnn.py").write_text("def evaluate():\n    return [1, 4]\n")
    assert detect(driver, catalogue, Settings().for_file(path)).findings == []


def test_a_module_that_is_no_test_depends_on_no_imported_module(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    # Whether an imported library builds graphs matters to test modules only: a module whose
    # classes are no test cases neither reads the library nor lists it among the files its
    # answer depends on, so a result cache keeps the module's answer when the library changes.
    (tmp_path / "mylib").mkdir()
    (tmp_path / "mylib" / "model.py").write_text(LIBRARY)
    source = "import tensorflow as tf\n\nfrom mylib import model\n\n\nclass Runner(object):\n"
    source += "    def run(self):\n        return model.evaluate()\n"
    path = str(tmp_path / "mylib" / "runner.py")
    with reads_recorded() as read:
        assert detect(source, catalogue, Settings().for_file(path)).findings == []
    assert str(tmp_path / "mylib" / "model.py") not in {file for file, _ in read}
    # The same class deriving from a test case makes a test module, which does read it.
    test_case = source.replace("Runner(object)", "RunnerTest(tf.test.TestCase)")
    with reads_recorded() as read:
        (finding,) = detect(test_case, catalogue, Settings().for_file(path)).findings
    assert finding.code == "TF801"
    assert str(tmp_path / "mylib" / "model.py") in {file for file, _ in read}


def test_a_test_that_drives_an_eager_library_is_left_alone(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    (tmp_path / "mylib").mkdir()
    (tmp_path / "mylib" / "model.py").write_text(
        "import tensorflow as tf\n\ndef evaluate():\n    return tf.constant([1.0, 4.0])\n"
    )
    assert fixed_file(str(tmp_path / "tests" / "test_model.py"), DRIVER, catalogue) == DRIVER


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "v = tf.Variable(1.0)\ny = sess.run(v * 2, feed_dict={v: 5.0})\n",
            "v = tf.compat.v1.Variable(1.0, use_resource=False)\n"
            "y = sess.run(v * 2, feed_dict={v: 5.0})\n",
        ),
        (
            "class M:\n    def __init__(self):\n        self.w = tf.Variable(1.0)\n"
            "def go(sess, m):\n    return sess.run(m.w * 2, {m.w: 3.0})\n",
            "class M:\n    def __init__(self):\n"
            "        self.w = tf.compat.v1.Variable(1.0, use_resource=False)\n"
            "def go(sess, m):\n    return sess.run(m.w * 2, {m.w: 3.0})\n",
        ),
        (
            "v = tf.Variable(1.0, expected_shape=[])\ny = sess.run(v, {v: 5.0})\n",
            "v = tf.compat.v1.Variable(1.0, expected_shape=[], use_resource=False)\n"
            "y = sess.run(v, {v: 5.0})\n",
        ),
    ],
)
def test_a_fed_variable_keeps_tf1s_class(before: str, after: str, catalogue: Catalogue) -> None:
    settings = Settings()
    assert "TF814" in [f.code for f in detect(TF + before, catalogue, settings).findings]
    assert fix_all(TF + before, catalogue, settings).source == TF + after


def test_a_variable_that_is_not_fed_stays_tf2(catalogue: Catalogue) -> None:
    source = TF + "v = tf.Variable(1.0)\nx = tf.compat.v1.placeholder(tf.float32)\n"
    source += "y = sess.run(v * x, feed_dict={x: 5.0})\n"
    assert "TF814" not in [f.code for f in detect(source, catalogue).findings]
