"""Contrib imports and aliases left unused by fixes are removed (fixes/cleanup.py)."""

from __future__ import annotations

from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.fixes.cleanup import unused_contrib_edits
from tf2_lsp.settings import Settings

TF = "import tensorflow as tf\n"


def fixed(source: str, catalogue: Catalogue) -> str:
    outcome = fix_all(source, catalogue, Settings(), unsafe=True)
    assert outcome.error is None
    return outcome.source


def test_contrib_alias_is_removed_once_its_uses_are_rewritten(catalogue: Catalogue) -> None:
    source = TF + "tfe = tf.contrib.eager\n\n@tfe.defun\ndef f(x):\n    return x\n"
    assert fixed(source, catalogue) == TF + "\n@tf.function\ndef f(x):\n    return x\n"


def test_contrib_from_import_is_removed_once_its_uses_are_rewritten(
    catalogue: Catalogue,
) -> None:
    source = TF + "from tensorflow.contrib.layers import l1_regularizer\nr = l1_regularizer(0.1)\n"
    assert fixed(source, catalogue) == TF + "r = lambda w: 0.1 * tf.reduce_sum(tf.abs(w))\n"


def test_only_the_unused_names_of_an_import_go(catalogue: Catalogue) -> None:
    source = (
        TF + "from tensorflow.contrib.layers import l1_regularizer, embed_sequence as es\n"
        "r = l1_regularizer(0.1)\nc = es(ids, 10, 4)\n"
    )
    result = fixed(source, catalogue)
    assert "from tensorflow.contrib.layers import embed_sequence as es\n" in result
    assert "l1_regularizer" not in result


def test_contrib_alias_still_used_stays(catalogue: Catalogue) -> None:
    source = TF + "tfe = tf.contrib.eager\nx = tfe.metrics.mean(v)\ny = tf.log(x)\n"
    assert fixed(source, catalogue).startswith(TF + "tfe = tf.contrib.eager\n")


def test_exported_names_and_files_without_fixes_are_left_alone(catalogue: Catalogue) -> None:
    exported = (
        TF + "from tensorflow.contrib.layers import l1_regularizer\n"
        "__all__ = ['l1_regularizer']\ny = tf.log(2.0)\n"
    )
    assert "from tensorflow.contrib.layers import l1_regularizer" in fixed(exported, catalogue)
    # Nothing was fixed: an unused contrib import is reported, not silently deleted.
    untouched = TF + "from tensorflow.contrib.layers import embed_sequence\n"
    assert fixed(untouched, catalogue) == untouched


def test_contrib_import_renamed_by_its_own_fix_goes_when_unused(catalogue: Catalogue) -> None:
    # Issue #21 item 7: the import's rename to tf_slim and the last use's rewrite to a core
    # initializer happen in one run; the renamed import must not stay behind.
    source = TF + (
        "from tensorflow.contrib import layers\n"
        "w = tf.get_variable('w', [3], initializer=layers.xavier_initializer())\n"
    )
    assert fixed(source, catalogue) == TF + (
        "w = tf.compat.v1.get_variable('w', [3], "
        "initializer=tf.compat.v1.glorot_uniform_initializer())\n"
    )


def test_import_added_for_a_dropped_alias_goes_too(catalogue: Catalogue) -> None:
    source = TF + (
        "layers = tf.contrib.layers\ninit = layers.variance_scaling_initializer(uniform=True)\n"
    )
    assert fixed(source, catalogue) == TF + (
        "init = tf.compat.v1.variance_scaling_initializer("
        "scale=2.0, mode='fan_in', distribution='uniform')\n"
    )


def test_renamed_contrib_import_still_read_and_own_imports_stay(catalogue: Catalogue) -> None:
    source = (
        TF + "import tf_slim\n"
        "from tensorflow.contrib import layers\n"
        "init = layers.xavier_initializer()\n"
        "y = layers.fully_connected(x, 3)\n"
    )
    result = fixed(source, catalogue)
    assert "import tf_slim\n" in result  # the user's own import, though unused
    assert "from tf_slim import layers\n" in result


def test_a_form_feed_line_does_not_shift_the_statement_judged() -> None:
    """Lines are numbered as `ast` numbers them: \\x0c ends no line, so an unused contrib
    import sharing its line with `x = 1` is not taken for one alone on its line (deleting
    that line would delete `x = 1`)."""
    source = TF + "#\x0c\nfrom tensorflow.contrib import layers; x = 1\nprint(x)\n"
    assert unused_contrib_edits(source, {"tf": "tensorflow"}) == []


def test_contrib_names_the_module_never_read_stay_when_other_lines_are_fixed(
    catalogue: Catalogue,
) -> None:
    # Unread from the start: the fixes did not make them unused, another module may import
    # them, and deleting them would hide their own findings (TF408 has no fix).
    kept = (
        "from tensorflow.contrib.layers import embed_sequence\n"
        "PER_HOST = tf.contrib.tpu.InputPipelineConfig.PER_HOST_V2\n"
    )
    result = fixed(TF + kept + "y = tf.log(2.0)\n", catalogue)
    assert result == TF + kept + "y = tf.math.log(2.0)\n"
