"""A notebook file (files/notebookfile.py): its code cells read from the JSON, every malformed
shape a `NotebookError` naming what is wrong (never another exception), and the file written
back with new cell sources in its own layout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tf2_lsp.files.notebookfile import (
    Notebook,
    NotebookError,
    is_notebook,
    read_notebook,
    rewritten,
    with_text,
)
from tf2_lsp.files.notebookfile import parse_notebook as parse_source
from tf2_lsp.files.sourcefile import SourceError, SourceFile


def document(*cells: Any, indent: int | None = None) -> str:
    content = {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(content, indent=indent)


def parse_notebook(text: str) -> Notebook:
    return parse_source(SourceFile(Path("n.ipynb"), text, "utf-8", False))


def test_code_cells_in_both_source_forms_numbered_among_all_cells() -> None:
    text = document(
        {"cell_type": "markdown", "source": "# title"},
        {"cell_type": "code", "source": ["import tensorflow as tf\n", "x = 1"]},
        {"cell_type": "code", "source": "y = 2\n"},
        {"cell_type": "code"},
    )
    assert parse_notebook(text).cells == [
        (2, "import tensorflow as tf\nx = 1"),
        (3, "y = 2\n"),
        (4, ""),
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{not json", "invalid JSON at line 1"),
        ("[1, 2]", "no `cells` list"),
        ('{"cells": 5}', "no `cells` list"),
        (document(5), "cell 1 is not a JSON object"),
        (document({"cell_type": "code", "source": [1, 2]}), "source of cell 1"),
        (document({"cell_type": "code", "source": ["x", None]}), "source of cell 1"),
        (document({"cell_type": "code", "source": {"a": 1}}), "source of cell 1"),
        (document({"cell_type": "code", "source": None}), "source of cell 1"),
        (document({"cell_type": "code", "source": 3.5}), "source of cell 1"),
        ('{"cells": ' + "[" * 200_000 + "]" * 200_000 + "}", "nested too deeply"),
        ('{"cells": [], "n": ' + "9" * 5000 + "}", "digits"),
    ],
    ids=[
        "json",
        "array",
        "cells-int",
        "cell-int",
        "source-ints",
        "source-null-line",
        "source-object",
        "source-null",
        "source-float",
        "nested-200k",
        "huge-int",
    ],
)
def test_malformed_notebooks_are_named_errors(text: str, words: str) -> None:
    with pytest.raises(NotebookError, match="not a notebook") as raised:
        parse_notebook(text)
    assert words in str(raised.value)
    assert "set_int_max_str_digits" not in str(raised.value)


def test_a_notebook_is_known_by_its_suffix() -> None:
    assert is_notebook(Path("train.ipynb"))
    assert not is_notebook(Path("train.py")) and not is_notebook(Path("ipynb"))


def test_a_file_is_read_as_text_then_as_a_notebook(tmp_path: Path) -> None:
    path = tmp_path / "n.ipynb"
    path.write_text(document({"cell_type": "code", "source": "x = 1"}), encoding="utf-8")
    notebook = read_notebook(path)
    assert notebook.cells == [(1, "x = 1")] and notebook.source.path == path
    with pytest.raises(SourceError) as missing:
        read_notebook(tmp_path / "gone.ipynb")
    assert missing.value.io
    path.write_bytes(b"\xff\xfe{")
    with pytest.raises(SourceError) as undecodable:
        read_notebook(path)
    assert not undecodable.value.io


def test_the_joined_cells_are_known_by_their_numbers() -> None:
    notebook = parse_notebook(
        document(
            {"cell_type": "code", "source": "import tensorflow as tf\n"},
            {"cell_type": "markdown", "source": "# notes"},
            {"cell_type": "code", "source": "%time y = 1\nz = 2"},
        )
    )
    joined = notebook.joined()
    assert joined.text == "import tensorflow as tf\n\n\nz = 2"
    assert [(c.key, c.first_line, c.line_count) for c in joined.slices] == [(1, 1, 2), (3, 3, 2)]


def test_written_back_only_changed_sources_change_in_their_own_form_and_layout() -> None:
    text = document(
        {"cell_type": "code", "source": ["a = 1\n", "b = 2"], "outputs": [], "metadata": {"k": 1}},
        {"cell_type": "markdown", "source": "# é"},
        {"cell_type": "code", "source": "c = 3"},
        indent=2,
    )
    notebook = parse_notebook(text + "\n")
    assert rewritten(notebook, ["a = 1\nb = 2", "c = 3"]) is None
    new = rewritten(notebook, ["a = 1\nb = 20", "c = 30"])
    assert new is not None
    assert (
        new
        == document(
            {
                "cell_type": "code",
                "source": ["a = 1\n", "b = 20"],
                "outputs": [],
                "metadata": {"k": 1},
            },
            {"cell_type": "markdown", "source": "# é"},
            {"cell_type": "code", "source": "c = 30"},
            indent=2,
        )
        + "\n"
    )
    assert with_text(notebook, new).cells == [(1, "a = 1\nb = 20"), (3, "c = 30")]


def test_a_document_too_deep_to_write_back_is_a_named_error() -> None:
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    notebook = parse_notebook(document({"cell_type": "code", "source": "x = 1"}))
    notebook.document["metadata"] = {"deep": deep}
    with pytest.raises(NotebookError, match="nested too deeply to write back"):
        rewritten(notebook, ["x = 2"])
