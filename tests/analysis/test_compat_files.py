"""Files on `import tensorflow.compat.v1 as tf`: what fails on the target is still reported."""

from __future__ import annotations

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

V1 = "import tensorflow.compat.v1 as tf\n"


def codes(source: str, catalogue: Catalogue, **options: str) -> list[str]:
    return [f.code for f in detect(source, catalogue, Settings(**options)).findings]  # type: ignore[arg-type]


def test_the_import_gets_one_information_note(catalogue: Catalogue) -> None:
    source = V1 + "import tensorflow.compat.v1 as tf1\ns = tf.Session()\n"
    [note] = [f for f in detect(source, catalogue).findings if f.code == "TF812"]
    assert note.severity == "information" and note.fix is None and note.span.line == 1
    assert codes("from tensorflow.compat import v1 as tf\n", catalogue) == ["TF812"]
    assert codes("import tensorflow as tf\ns = tf.compat.v1.Session()\n", catalogue) == []


def test_contrib_through_compat_v1_is_reported_and_fixed(catalogue: Catalogue) -> None:
    source = V1 + "y = tf.contrib.layers.flatten(x)\n"
    assert "TF402" in codes(source, catalogue)
    outcome = fix_all(source, catalogue, Settings())
    assert outcome.source == V1 + "import tf_slim as slim\ny = slim.layers.flatten(x)\n"


def test_names_gone_from_the_targets_compat_v1_are_errors(catalogue: Catalogue) -> None:
    source = V1 + "e = tf.estimator.Estimator(model_fn)\n"
    [finding] = [f for f in detect(source, catalogue).findings if f.code == "TF990"]
    assert finding.severity == "error"
    assert "does not exist in TensorFlow 2.21" in finding.message
    assert "TF990" not in codes(source, catalogue, target_version="2.15")


def test_keras_2_only_layers_are_reported_as_legacy_keras(catalogue: Catalogue) -> None:
    source = V1 + "layer = tf.keras.layers.CuDNNLSTM(3)\n"
    found = codes(source, catalogue)
    assert "TF990" not in found and "TF933" in found


def test_converted_code_that_needs_legacy_keras_keeps_a_finding(catalogue: Catalogue) -> None:
    source = (
        "import tensorflow as tf\nfrom tensorflow.compat.v1 import layers\n"
        "h = tf.compat.v1.layers.dense(x, 8)\n"
        "cell = tf.compat.v1.nn.rnn_cell.BasicLSTMCell(64)\n"
        "k = layers.conv2d(h, 3, 3)\n"
    )
    found = [f for f in detect(source, catalogue).findings if f.code == "TF933"]
    assert [f.span.line for f in found] == [3, 4, 5]
    assert "`tf.keras.layers.Dense` (Keras 3)" in found[0].message
    assert "TF_USE_LEGACY_KERAS=1" in found[1].message and found[1].severity == "warning"
    assert "`tf.keras.layers.Conv2D`" in found[2].message
    assert all(f.fix is None for f in found)
    assert codes(source, catalogue, target_version="2.15") == []  # tf.compat.v1 has them there


def test_working_compat_code_gets_only_the_note_at_compat_level(catalogue: Catalogue) -> None:
    source = V1 + "tf.logging.info('x')\n"
    assert codes(source, catalogue) == ["TF812"]
    assert "TF311" in codes(source, catalogue, level="native")  # the idiomatic rewrite


def test_a_legacy_keras_reference_that_is_not_called_is_reported_at_native_level(
    catalogue: Catalogue,
) -> None:
    source = "import tensorflow as tf\nfn = tf.compat.v1.layers.dense\n"
    source += "y = tf.compat.v1.layers.dense(x, 3)\n"
    found = [
        (f.span.line, f.code) for f in detect(source, catalogue, Settings(level="native")).findings
    ]
    assert (2, "TF933") in found and (3, "TF931") in found and (3, "TF933") not in found
