"""Every TensorFlow name covered (analysis/coverage.py, catalogue/api.py)."""

from __future__ import annotations

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.names.coverage import missing_prefix
from tf2_lsp.catalogue.api import api_for, available_versions
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.settings import Settings

TF = "import tensorflow as tf\n"


def unknown(source: str, catalogue: Catalogue, target: str = "2.21") -> list[tuple[int, str]]:
    detection = detect(source, catalogue, Settings(target_version=target))
    return [(f.span.line, f.message) for f in detection.findings if f.code == "TF990"]


def test_api_lists_exist_for_the_measured_versions() -> None:
    assert available_versions() == ["2.15.1", "2.21.0"]
    api = api_for("2.21")
    assert api is not None
    assert "summary.histogram" in api.v2.names and "summary" in api.v2.modules
    assert "Session" in api.v1.names and "Session" not in api.v2.names


def test_target_version_picks_the_nearest_list_at_or_above_it() -> None:
    assert api_for("2.15").version == "2.15.1"  # type: ignore[union-attr]
    assert api_for("2.16").version == "2.21.0"  # type: ignore[union-attr]  # Keras 3 era
    assert api_for("2.30").version == "2.21.0"  # type: ignore[union-attr]


def test_typo_is_an_error_with_a_suggestion(catalogue: Catalogue) -> None:
    [(line, message)] = unknown(TF + "h = tf.summary.historgram(name, x)\n", catalogue)
    assert line == 2
    assert message == (
        "`tf.summary.historgram` does not exist in TensorFlow 2.21; "
        "did you mean `tf.summary.histogram`?"
    )


def test_the_first_missing_part_is_underlined(catalogue: Catalogue) -> None:
    detection = detect(TF + "x = tf.nn.nosuch.deeper.name\n", catalogue)
    [finding] = [f for f in detection.findings if f.code == "TF990"]
    assert (finding.span.column, finding.span.end_column) == (4, 16)  # `tf.nn.nosuch`
    assert finding.severity == "error" and finding.fix is None


@pytest.mark.parametrize(
    "body",
    [
        "v = tf.__version__\n",
        "x = tf.data.Dataset.from_tensor_slices([1]).batch(2)\n",  # class members: not listed
        "d = tf.float32.as_numpy_dtype\n",
        "k = tf.keras.layers.Dense(3)\n",
        "import tensorflow.keras.backend as K\n",
        "from tensorflow.keras.layers import Dense\n",
        "from tensorflow.python.ops import math_ops\n",  # private, but it exists
        "import tensorflow.python.framework.ops as ops\n",
        "s = tf.compat.v1.Session\n",
        "y = tf.compat.v2.nn.relu\n",
        "tf.nosuch = 1\n",  # assignment: not a use
        "def f(tf):\n    return tf.nosuch\n",  # not TensorFlow here
        "s = tf.Session()\n",  # a rule explains it
        "l = tf.contrib.layers.flatten(x)\n",
    ],
)
def test_existing_or_explained_names_are_not_unknown(body: str, catalogue: Catalogue) -> None:
    assert unknown(TF + body, catalogue) == []


@pytest.mark.parametrize(
    ("source", "written"),
    [
        ("import tensorflow.nosuch.module\n", "tensorflow.nosuch"),
        ("from tensorflow.keras.layers import Dnse\n", "tensorflow.keras.layers.Dnse"),
        ("from tensorflow import summary as S\nS.scalarr('a', 1)\n", "S.scalarr"),
        (TF + "x = tf.compat.v1.nosuch_name\n", "tf.compat.v1.nosuch_name"),
        (
            "import tensorflow as tf1\nx = tf1.image.resize_imagez(i, s)\n",
            "tf1.image.resize_imagez",
        ),
    ],
)
def test_imports_aliases_and_compat_names_are_checked(
    source: str, written: str, catalogue: Catalogue
) -> None:
    [(_, message)] = unknown(source, catalogue)
    assert message.startswith(f"`{written}` does not exist in TensorFlow 2.21")


def test_target_version_decides(catalogue: Catalogue) -> None:
    # Keras 3 (TF 2.16+) has no `tf.keras.layers.LocallyConnected2D`; Keras 2 in TF 2.15 had it.
    source = TF + "layer = tf.keras.layers.LocallyConnected2D(4, 3)\n"
    assert unknown(source, catalogue, "2.15") == []
    assert len(unknown(source, catalogue, "2.21")) == 1


@pytest.mark.parametrize(
    ("body", "target"),
    [
        # What tf2-lsp's own compat conversion writes for `tf.app.flags` (absl's module).
        ("FLAGS = tf.compat.v1.flags.FLAGS\n", "2.21"),
        ("tf.compat.v1.flags.DEFINE_string('data', 'd', 'where')\n", "2.21"),
        ("tf.compat.v1.app.flags.DEFINE_integer('n', 1, 'how many')\n", "2.15"),
        ("p = tf.compat.v1.test.mock.patch\n", "2.21"),
        # TF 2.15's `tf.summary` is TensorBoard's: the API list names none of its members.
        ("w = tf.summary.create_file_writer('logs')\n", "2.15"),
    ],
)
def test_members_of_a_module_tensorflow_takes_from_another_library_are_not_unknown(
    body: str, target: str, catalogue: Catalogue
) -> None:
    assert unknown(TF + body, catalogue, target) == []


def test_a_foreign_module_itself_must_still_exist(catalogue: Catalogue) -> None:
    assert len(unknown(TF + "x = tf.compat.v1.flagz.FLAGS\n", catalogue)) == 1


def test_name_only_in_compat_v1_says_so() -> None:
    api = api_for("2.21")
    assert api is not None
    missing = missing_prefix("tensorflow.AUTO_REUSE", api)
    assert missing is not None and missing.compat_only and missing.parts == 2


@pytest.mark.parametrize(
    "source",
    [
        "from tensorflow.examples.tutorials.mnist import input_data\n",
        "import tensorflow.examples.tutorials.mnist.input_data as input_data\n",
        TF + "data = tf.examples.tutorials.mnist.input_data.read_data_sets('/tmp')\n",
    ],
)
def test_examples_tutorials_is_an_error_naming_keras_datasets(
    source: str, catalogue: Catalogue
) -> None:
    [finding] = [f for f in detect(source, catalogue).findings if f.code == "TF991"][:1]
    assert finding.severity == "error"
    assert "tf.keras.datasets" in finding.message
    assert finding.fix is None
