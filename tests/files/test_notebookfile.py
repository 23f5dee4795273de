"""Reading a notebook's code cells (files/notebookfile.py): every malformed shape is a
`NotebookError` naming what is wrong, never another exception."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tf2_lsp.files.notebookfile import NotebookError, parse_notebook


def document(*cells: Any) -> str:
    return json.dumps({"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


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
