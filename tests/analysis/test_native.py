"""What the native level would add: the rule's own rewrite, the name it writes, and the
findings it adds to tf.compat.v1 code (the CLI's summary and hover both ask here)."""

from __future__ import annotations

from dataclasses import replace

from tf2_lsp.analysis.native import native_findings, native_rewrite, native_target
from tf2_lsp.catalogue.rules import Catalogue, Fix
from tf2_lsp.settings import Settings


def test_a_rules_native_rewrite_is_its_native_fix_unless_that_is_a_manual_step(
    catalogue: Catalogue,
) -> None:
    logging = catalogue.by_code["TF311"]
    assert (fix := native_rewrite(logging)) is not None and fix.level == "native"
    assert native_rewrite(catalogue.by_code["TF101"]) is None  # compat only
    manual = Fix(level="native", safety="unsafe", kind="manual")
    compat = [f for f in logging.fixes if f.level == "compat"]
    assert native_rewrite(replace(logging, fixes=(*compat, manual))) is None


def test_the_name_a_native_fix_writes(catalogue: Catalogue) -> None:
    rename = native_rewrite(catalogue.by_code["TF311"])
    transform = native_rewrite(catalogue.by_code["TF404"])
    assert rename is not None and transform is not None and transform.kind == "transform"
    assert native_target(rename, "tensorflow.logging.info") == "absl.logging.info"
    assert (
        native_target(transform, "tensorflow.contrib.layers.l2_regularizer")
        == "tensorflow.keras.regularizers.l2"
    )
    assert native_target(rename, "tensorflow.gfile.Open") is None


def test_native_findings_are_the_compat_code_the_native_level_reports(
    catalogue: Catalogue,
) -> None:
    source = "import tensorflow as tf\ntf.compat.v1.logging.info('hi')\ny = tf.log(x)\n"
    found = native_findings(source, catalogue, Settings())
    assert [(f.code, f.span.line, f.compat) for f in found] == [("TF311", 2, True)]
    # The settings' level does not matter: the native level is the question.
    again = native_findings(source, catalogue, replace(Settings(), level="native"))
    assert [f.code for f in again] == ["TF311"]
