"""Notebook cells joined into one module, IPython lines blanked, findings mapped back per cell."""

from __future__ import annotations

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.notebook import cell_detection, join_cells, python_text
from tf2_lsp.catalogue.rules import Catalogue


def test_ipython_lines_are_blanked_keeping_line_numbers() -> None:
    cell = "%matplotlib inline\nfiles = !ls data\n!pip install tf_slim\ntf.nn?\nx = 1"
    assert python_text(cell) == "\n\n\n\nx = 1"


def test_cell_magic_blanks_the_whole_cell() -> None:
    assert python_text("%%bash\necho tf.Session()") == "\n"


def test_code_that_looks_like_magic_is_kept() -> None:
    cell = "ratio = a % b\nflag = not done\nprint('what?')"
    assert python_text(cell) == cell


def test_findings_land_in_their_own_cell(catalogue: Catalogue) -> None:
    cells = [
        ("cell1", "import tensorflow as tf\nfiles = !ls"),
        ("cell2", "x = 1\nsess = tf.Session()"),
        ("cell3", "y = tf.log(2.0)"),
    ]
    joined, slices = join_cells(cells)
    detection = detect(joined, catalogue)
    per_cell = {
        s.uri: [(f.code, f.span.line, f.span.column) for f in cell_detection(detection, s).findings]
        for s in slices
    }
    assert per_cell == {
        "cell1": [],
        "cell2": [("TF101", 2, 7)],
        "cell3": [("TF201", 1, 4)],
    }


def test_a_shell_line_does_not_hide_the_notebook(catalogue: Catalogue) -> None:
    # `x = !ls` is a syntax error for Python; unblanked it would stop all detection.
    joined, slices = join_cells([("a", "import tensorflow as tf\nx = !ls\ns = tf.Session()")])
    detection = detect(joined, catalogue)
    assert detection.syntax_error is None
    assert [f.code for f in cell_detection(detection, slices[0]).findings] == ["TF101"]
