"""The records of open documents: found under the URI as sent or as pygls keys it, removed in
one step, a notebook's cells removed with it."""

from __future__ import annotations

from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.lsp.index import Index
from tf2_lsp.lsp.snapshot import analyse_text
from tf2_lsp.settings import Settings

NOTEBOOK = "file:///work/my%20project/train.ipynb"
CELLS = [f"vscode-notebook-cell:/work/my%20project/train.ipynb#W{n}" for n in range(3)]


def test_a_record_is_found_under_the_quoted_and_the_unquoted_uri() -> None:
    index = Index()
    state = index.add("file:///work/my%20project/a.py")
    assert index.get("file:///work/my project/a.py") is state
    assert index.add("file:///work/my project/a.py") is state  # never a second record
    assert state.uri == "file:///work/my%20project/a.py"  # published under the client's URI
    assert len(index) == 1


def test_removing_a_record_forgets_it_and_marks_it_closed() -> None:
    index = Index()
    state = index.add("file:///work/a.py")
    state.receiver_hints = {(1, 2): "tensorflow.Session"}
    assert index.remove("file:///work/a.py") is state
    assert state.closed  # a late result for it is dropped
    assert index.get("file:///work/a.py") is None
    assert len(index) == 0
    assert index.remove("file:///work/a.py") is None
    assert index.add("file:///work/a.py") is not state  # reopened: a fresh record


def test_closing_a_notebook_removes_every_cell_it_had_and_every_cell_named() -> None:
    index = Index()
    notebook = index.notebook(NOTEBOOK)
    members = [index.add(cell, NOTEBOOK) for cell in CELLS[:2]]
    stray = index.add(CELLS[2])  # a cell recorded before its notebook was known
    other = index.add("file:///work/other.py")
    removed = index.remove_notebook(NOTEBOOK, [CELLS[1], CELLS[2]])
    assert set(map(id, removed)) == set(map(id, [*members, stray]))
    assert all(state.closed for state in removed) and notebook.closed
    assert [index.get(cell) for cell in CELLS] == [None, None, None]
    assert index.get(other.uri) is other and len(index) == 1
    assert index.notebook(NOTEBOOK) is not notebook  # reopened: a fresh record


def test_the_cells_of_a_notebook_are_its_members_only() -> None:
    index = Index()
    index.add(CELLS[0], NOTEBOOK)
    index.add(CELLS[1], "file:///work/other.ipynb")
    index.add("file:///work/a.py")
    assert [state.uri for state in index.cells(NOTEBOOK)] == [CELLS[0]]
    assert [state.uri for state in index.cells("file:///work/my project/train.ipynb")] == [CELLS[0]]


def test_new_settings_drop_every_analysis_kept(catalogue: Catalogue) -> None:
    index = Index()
    state = index.add("file:///work/a.py")
    state.analysis = analyse_text("import tensorflow as tf\n", catalogue, Settings(), 1)
    notebook = index.notebook(NOTEBOOK)
    notebook.joined = state.analysis
    state.receiver_hints = {(1, 2): ""}
    index.drop_analyses()
    assert state.analysis is None and notebook.joined is None
    assert state.receiver_hints == {(1, 2): ""}  # jedi's answers do not depend on settings
