"""A notebook's code cells as one module (files/cells.py): IPython lines blanked keeping line
numbers, positions mapped back to cells, and the round trip `fix` takes through one text."""

from __future__ import annotations

import ast

from tf2_lsp.files.cells import fixable_cells, ipython_lines, join_cells, python_text


def test_ipython_lines_are_blanked_keeping_line_numbers() -> None:
    cell = "%matplotlib inline\nfiles = !ls data\n!pip install tf_slim\ntf.nn?\nx = 1"
    assert python_text(cell) == "\n\n\n\nx = 1"
    assert ipython_lines(cell) == [0, 1, 2, 3]


def test_a_cell_magic_blanks_the_whole_cell_unless_its_body_is_python() -> None:
    assert python_text("%%bash\necho tf.Session()") == "\n"
    assert ipython_lines("%%bash\necho tf.Session()") == [0, 1]
    assert python_text("%%time\nx = tf.log(1)\n%time y = 2") == "\nx = tf.log(1)\n"
    assert ipython_lines("%%time\nx = tf.log(1)\n%time y = 2") == [0, 2]
    assert python_text("%%capture out\nx = 1") == "\nx = 1"


def test_code_that_looks_like_magic_is_kept() -> None:
    cell = "ratio = a % b\nflag = not done\nprint('what?')"
    assert python_text(cell) == cell
    assert ipython_lines(cell) == []


def test_joined_cells_are_one_module_and_each_line_maps_back_to_its_cell() -> None:
    joined = join_cells([("a", "import tensorflow as tf\nx = !ls"), ("b", "y = 1\n"), ("c", "z")])
    assert joined.text == "import tensorflow as tf\n\ny = 1\n\nz"
    ast.parse(joined.text)  # the shell line no longer breaks the module
    assert [(c.key, c.first_line, c.line_count) for c in joined.slices] == [
        ("a", 1, 2),
        ("b", 3, 2),
        ("c", 5, 1),
    ]
    found = [joined.cell_at(line) for line in range(0, 7)]
    assert [c.key if c else None for c in found] == [None, "a", "a", "b", "b", "c", None]
    b = joined.slices[1]
    assert b.shift == 2 and b.holds(3) and b.holds(4) and not b.holds(5)


def test_the_text_for_fix_splits_back_into_cells_with_their_magics() -> None:
    sources = ["import tensorflow as tf\n!pip install x", "%%time\ns = tf.Session()", "%%bash\nls"]
    cells = fixable_cells(sources)
    ast.parse(cells.text)  # magics are comments, cells separated by boundary comments
    assert "!pip" not in cells.text and "%%" not in cells.text
    assert cells.split(cells.text, len(sources)) == sources
    fixed = cells.text.replace("tf.Session", "tf.compat.v1.Session")
    assert cells.split(fixed, len(sources)) == [
        sources[0],
        "%%time\ns = tf.compat.v1.Session()",
        sources[2],
    ]


def test_a_fix_that_moves_a_cell_boundary_is_not_split() -> None:
    cells = fixable_cells(["x = 1", "y = 2"])
    merged = cells.text.replace("\n# tf2-lsp: notebook cell boundary\n", "\n")
    assert cells.split(merged, 2) is None
