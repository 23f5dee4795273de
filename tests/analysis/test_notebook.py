"""The detection of a notebook's joined cells seen from each cell (analysis/notebook.py)."""

from __future__ import annotations

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.notebook import cell_detection, in_cell
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.files.cells import join_cells


def test_findings_land_in_their_own_cell(catalogue: Catalogue) -> None:
    cells = [
        ("cell1", "import tensorflow as tf\nfiles = !ls"),
        ("cell2", "x = 1\nsess = tf.Session()"),
        ("cell3", "y = tf.log(2.0)"),
    ]
    joined = join_cells(cells)
    detection = detect(joined.text, catalogue)
    per_cell = {
        s.key: [(f.code, f.span.line, f.span.column) for f in cell_detection(detection, s).findings]
        for s in joined.slices
    }
    assert per_cell == {
        "cell1": [],
        "cell2": [("TF101", 2, 7)],
        "cell3": [("TF201", 1, 4)],
    }


def test_a_shell_line_does_not_hide_the_notebook(catalogue: Catalogue) -> None:
    # `x = !ls` is a syntax error for Python; unblanked it would stop all detection.
    joined = join_cells([("a", "import tensorflow as tf\nx = !ls\ns = tf.Session()")])
    detection = detect(joined.text, catalogue)
    assert detection.syntax_error is None
    assert [f.code for f in cell_detection(detection, joined.slices[0]).findings] == ["TF101"]


def test_whole_module_notes_belong_to_no_cell_but_map_into_one(catalogue: Catalogue) -> None:
    # A module that builds a graph: the note about graph mode (TF810) sits at its TF import.
    cells = [
        ("imports", "x = 1\nimport tensorflow as tf\n"),
        ("graph", "p = tf.placeholder(tf.float32)"),
    ]
    joined = join_cells(cells)
    detection = detect(joined.text, catalogue)
    [note] = [f for f in detection.findings if f.anchor_kind == "program"]
    imports, graph = joined.slices
    assert note.code not in [f.code for f in cell_detection(detection, imports).findings]
    assert in_cell(note, imports).span == note.span  # the first cell: nothing to shift
    [placeholder] = [f for f in detection.findings if f.anchor_kind != "program"]
    assert placeholder.span.line == 4
    moved = in_cell(placeholder, graph)
    assert (moved.span.line, moved.span.column) == (1, placeholder.span.column)
    assert moved.anchor.line == 1 and moved.statement == (1, 1)
    assert cell_detection(detection, graph).findings == [moved]
