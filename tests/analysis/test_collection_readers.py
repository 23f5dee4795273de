"""A model function whose program reads, in another module, a TF1 collection the layer would
no longer fill stays a function, and its finding names that module and line; a reader in
a module that never runs with the model does not count."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.analysis.support import (
    ENTRY,
    NO_READER,
    PENALISED_MODEL,
    PENALTY_READER,
    model_finding,
    native,
    reader_package,
    write,
)
from tf2_lsp import engine
from tf2_lsp.analysis.collection_readers import module_reads, program_reads
from tf2_lsp.analysis.program.filled_collections import (
    GLOBAL,
    REGULARIZATION,
    TRAINABLE,
    UPDATES,
    CollectionRead,
)
from tf2_lsp.catalogue.rules import Catalogue


def test_a_loss_module_reading_the_penalties_keeps_the_model_a_function(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    model = reader_package(tmp_path)
    found = model_finding(model, catalogue)
    assert found.fix is None
    assert "`pkg/losses.py` line 5 reads `REGULARIZATION_LOSSES`" in found.message
    assert "tf.add_n(tower.losses)" in found.message
    fixed = engine.fix_all(PENALISED_MODEL, catalogue, native(model), unsafe=True).source
    assert "def tower(x):" in fixed and "Layer" not in fixed


def test_without_the_reader_the_model_becomes_a_layer(catalogue: Catalogue, tmp_path: Path) -> None:
    model = reader_package(tmp_path, NO_READER)
    assert model_finding(model, catalogue).fix is not None


def test_an_edit_of_the_reader_changes_the_answer(catalogue: Catalogue, tmp_path: Path) -> None:
    model = reader_package(tmp_path, NO_READER)
    assert model_finding(model, catalogue).fix is not None
    write(tmp_path / "pkg" / "losses.py", PENALTY_READER)
    assert model_finding(model, catalogue).fix is None
    write(tmp_path / "pkg" / "losses.py", NO_READER)
    assert model_finding(model, catalogue).fix is not None


def test_a_reader_no_module_loads_with_the_model_does_not_count(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    # Two entry points: one runs the model, the other (a separate program) reads penalties.
    model = reader_package(tmp_path)
    write(tmp_path / "pkg" / "train.py", ENTRY.replace("from pkg.losses import total\n", ""))
    assert model_finding(model, catalogue).fix is not None
    # Loaded through the package's `__init__`, every module of the package loads it too.
    (tmp_path / "pkg" / "__init__.py").write_text("from pkg import losses\n")
    assert model_finding(model, catalogue).fix is None


def test_a_model_without_penalties_ignores_penalty_readers(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    model = reader_package(tmp_path)
    write(model, PENALISED_MODEL.replace("kernel_regularizer=penalty", "kernel_regularizer=None"))
    assert model_finding(model, catalogue).fix is not None


def test_a_reader_of_the_variables_keeps_the_model_a_function(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    reader = "import tensorflow as tf\n\n\ndef total(loss):\n    return tf.trainable_variables()\n"
    model = reader_package(tmp_path, reader)
    found = model_finding(model, catalogue)
    assert found.fix is None
    assert "`pkg/losses.py` line 5 reads `TRAINABLE_VARIABLES`" in found.message
    assert "tower.trainable_variables" in found.message


BATCH_NORM_MODEL = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x, training):
        with tf.variable_scope("tower"):
            h = tf.layers.dense(x, 4, name="hidden")
            h = tf.layers.batch_normalization(h, training=training, fused=False, name="bn")
            return tf.layers.dense(h, 2, name="out")
    """
)
UPDATES_READER = textwrap.dedent(
    """\
    import tensorflow as tf


    def total(loss):
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            return tf.identity(loss)
    """
)


def test_a_reader_of_update_ops_keeps_batch_norm_from_the_native_form_only(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    # The shim's batch normalization updates its statistics itself, as TF1's update ops did;
    # the native form's sublayer does too but leaves the reader an empty list.
    model = reader_package(tmp_path, NO_READER)
    write(model, BATCH_NORM_MODEL)
    assert model_finding(model, catalogue).code == "TF934"
    write(tmp_path / "pkg" / "losses.py", UPDATES_READER)
    found = model_finding(model, catalogue)
    assert found.code == "TF938" and found.fix is not None
    assert "`pkg/losses.py` line 5 reads `UPDATE_OPS`" in found.message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("tf.losses.get_regularization_loss()", REGULARIZATION),
        ("tf.compat.v1.losses.get_regularization_losses()", REGULARIZATION),
        ("tf.losses.get_total_loss()", REGULARIZATION),
        ("tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)", REGULARIZATION),
        ('tf.compat.v1.get_collection("regularization_losses")', REGULARIZATION),
        ("tf.get_collection_ref(tf.GraphKeys.UPDATE_OPS)", UPDATES),
        ('tf.get_collection("update_ops")', UPDATES),
        ("tf.trainable_variables()", TRAINABLE),
        ('tf.get_collection("variables")', GLOBAL),
        ("tf.compat.v1.global_variables()", GLOBAL),
    ],
)
def test_each_way_of_reading_a_collection_is_found(
    catalogue: Catalogue, tmp_path: Path, line: str, expected: str
) -> None:
    path = tmp_path / "reads.py"
    path.write_text(f"import tensorflow as tf\n\nx = {line}\n")
    assert [(read[0], read[1]) for read in module_reads(str(path), catalogue)] == [(3, expected)]


def test_writing_a_collection_or_another_collection_is_no_read(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    path = tmp_path / "writes.py"
    path.write_text(
        "import tensorflow as tf\n\n"
        "tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, op)\n"
        'x = tf.get_collection("my_things")\n'
        "get_regularization_loss = 3\n"
    )
    assert module_reads(str(path), catalogue) == ()


def test_program_reads_names_files_relative_to_the_project(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    model = reader_package(tmp_path)
    found = program_reads(str(model), frozenset({REGULARIZATION, TRAINABLE}), catalogue)
    reader = "tensorflow.losses.get_regularization_loss"
    assert found == [CollectionRead("pkg/losses.py", 5, REGULARIZATION, reader)]
    assert program_reads(str(model), frozenset({TRAINABLE}), catalogue) == []


def test_a_penalty_given_in_an_imported_block_counts(catalogue: Catalogue, tmp_path: Path) -> None:
    # `tower` calls a block of another module of the project, whose penalty lands in the
    # layer `tower` becomes (the block stays a function inside it): the reader still counts.
    model = reader_package(tmp_path)
    block = PENALISED_MODEL.replace("def tower(x):", "def hidden(x):")
    write(tmp_path / "pkg" / "blocks.py", block)
    caller = textwrap.dedent(
        """\
        import tensorflow as tf

        from pkg import blocks


        def tower(x):
            with tf.variable_scope("outer"):
                return tf.layers.dense(blocks.hidden(x), 2)
        """
    )
    write(model, caller)
    assert "`pkg/losses.py` line 5 reads" in (model_finding(model, catalogue).message or "")
    write(model, caller.replace("blocks.hidden(x)", "x"))
    assert model_finding(model, catalogue).fix is not None
