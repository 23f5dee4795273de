"""One spelling of qualified names through a file's bindings, for messages and fixes alike."""

from __future__ import annotations

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.names.spelling import spelled, through_tensorflow
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.fixes.imports import Renderer


def test_the_longest_bound_prefix_wins() -> None:
    bindings = [("tf", "tensorflow"), ("slim", "tensorflow.contrib.slim")]
    assert spelled("tensorflow.contrib.slim.conv2d", bindings) == "slim.conv2d"
    assert spelled("tensorflow.math.log", bindings) == "tf.math.log"
    assert spelled("tensorflow", bindings) == "tf"
    assert spelled("tensorflowx.y", bindings) is None
    assert spelled("numpy.log", bindings) is None


def test_a_tie_goes_to_the_first_binding() -> None:
    assert spelled("tensorflow.log", [("tf", "tensorflow"), ("t", "tensorflow")]) == "tf.log"


def test_through_tensorflow() -> None:
    assert through_tensorflow("tensorflow.compat.v1.Session", "tf1") == "tf1.compat.v1.Session"
    assert through_tensorflow("tensorflow", "tf") == "tf"
    assert through_tensorflow("tf_slim.conv2d", "tf") == "tf_slim.conv2d"


def test_fixes_and_messages_spell_alike(catalogue: Catalogue) -> None:
    """The fix writes the name the message shows (fixes.imports.Renderer uses `spelled`)."""
    source = "import tensorflow as tf1\ns = tf1.Session()\n"
    detection = detect(source, catalogue)
    [finding] = [f for f in detection.findings if f.code == "TF101"]
    renderer = Renderer(detection.module_bindings, set(detection.module_names))
    assert finding.target is not None
    assert renderer.name(finding.target) == finding.shown_target == "tf1.compat.v1.Session"
