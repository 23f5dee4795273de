"""A model module and the readers of its penalties in other modules: when a fix of the whole
tree may rewrite them together, and what the readers become."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.analysis.support import ENTRY, PENALTY_READER, reader_package, write
from tf2_lsp.analysis.reader_moves import ReaderCall, ReaderMove, plan_move, rewrite_readers
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.settings import Settings


def planned(catalogue: Catalogue, model: Path, run: set[Path] | None = None) -> ReaderMove | None:
    files = run if run is not None else set(model.parent.rglob("*.py"))
    settings = Settings(level="native").for_file(str(model))
    every = frozenset(os.path.abspath(f) for f in files)
    return plan_move(str(model), model.read_text(), settings, catalogue, every)


def test_a_plain_reader_elsewhere_moves_with_the_model(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    model = reader_package(tmp_path)
    move = planned(catalogue, model)
    assert move is not None
    losses = str(tmp_path / "pkg" / "losses.py")
    assert (move.module, move.layers) == ("pkg.model", ("tower",))
    assert move.readers == {losses: (ReaderCall(5, 23, 5, 58, "sum"),)}
    assert move.read_lines == ((losses, 5),)


def test_the_compat_level_moves_nothing(catalogue: Catalogue, tmp_path: Path) -> None:
    model = reader_package(tmp_path)
    settings = Settings().for_file(str(model))
    run = frozenset(str(f) for f in tmp_path.rglob("*.py"))
    assert plan_move(str(model), model.read_text(), settings, catalogue, run) is None


@pytest.mark.parametrize(
    ("file", "text"),
    [
        # A reader of one scope's penalties, or under a name: not the whole collection.
        ("pkg/losses.py", PENALTY_READER.replace("loss()", 'loss(scope="tower")')),
        # Another module of the program gives a penalty the layers would not hold.
        ("pkg/train.py", ENTRY + "\nextra = tf.layers.dense(x, 2, kernel_regularizer=l2)\n"),
        # The reader already means something by `tower`.
        ("pkg/losses.py", PENALTY_READER + "\n\ndef tower():\n    return 0\n"),
        # The model loads the reader: importing the layer there would be a cycle.
        ("pkg/model.py", "from pkg import losses\n"),
        # A reader of the variables keeps the model a function whatever moves.
        ("pkg/other.py", "import tensorflow as tf\n\nV = tf.trainable_variables()\n"),
    ],
    ids=["scope", "other penalty", "name taken", "cycle", "variables"],
)
def test_a_move_that_would_change_the_program_is_not_planned(
    catalogue: Catalogue, tmp_path: Path, file: str, text: str
) -> None:
    model = reader_package(tmp_path)
    if file == "pkg/model.py":
        text = text + model.read_text()
    write(tmp_path / file, text)
    if file == "pkg/other.py":
        write(tmp_path / "pkg" / "train.py", ENTRY + "from pkg import other\n")
    assert planned(catalogue, model) is None


def test_a_reader_outside_the_run_keeps_the_model(catalogue: Catalogue, tmp_path: Path) -> None:
    model = reader_package(tmp_path)
    assert planned(catalogue, model, {model, tmp_path / "pkg" / "train.py"}) is None


def test_the_reader_reads_the_layers_and_imports_them(catalogue: Catalogue, tmp_path: Path) -> None:
    reader = (
        "import tensorflow.compat.v1 as tf1\n"
        "import numpy as np\n"
        "\n"
        "def total(data_loss):\n"
        "    listed = tf1.get_collection(\n"
        "        tf1.GraphKeys.REGULARIZATION_LOSSES)\n"
        "    return data_loss + tf1.losses.get_regularization_loss(), listed\n"
    )
    model = reader_package(tmp_path, reader)
    move = planned(catalogue, model)
    assert move is not None
    losses = tmp_path / "pkg" / "losses.py"
    assert rewrite_readers(reader, move, str(losses)) == (
        "import tensorflow.compat.v1 as tf1\n"
        "import numpy as np\n"
        "from pkg.model import tower\n"
        "\n"
        "def total(data_loss):\n"
        "    listed = list(tower.losses)\n"
        "    return data_loss + tf1.add_n(tower.losses), listed\n"
    )
