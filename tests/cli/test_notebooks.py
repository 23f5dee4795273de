"""Notebooks on the command line (cli/notebooks.py): check and fix `.ipynb` files by cell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run_stdin
from tf2_lsp.cli import main as cli


def notebook(*cells: tuple[str, list[str] | str], indent: int = 1) -> str:
    document: dict[str, Any] = {
        "cells": [
            {
                "cell_type": kind,
                "execution_count": 3 if kind == "code" else None,
                "metadata": {"tags": ["keep-me"]},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["out\n"]}],
                "source": source,
            }
            if kind == "code"
            else {"cell_type": kind, "metadata": {}, "source": source}
            for kind, source in cells
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"


DEMO = notebook(
    ("markdown", ["# Demo — TF1"]),
    ("code", ["import tensorflow as tf\n", "!pip install something\n", "x = tf.log(2.0)"]),
    ("code", ["%%time\n", "y = tf.random_normal([3])\n", "%matplotlib inline"]),
    ("code", ["%%bash\n", "echo tf.log(1)"]),
)


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    path = tmp_path / "demo.ipynb"
    path.write_text(DEMO, encoding="utf-8")
    return path


def test_check_walks_notebooks_and_reports_cells(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check", "--jobs", "1", demo.parent)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{demo}:cell 2:3:5: TF201 ")
    # The body of a %%time cell is Python and is analysed; the %%bash cell is not.
    assert lines[1].startswith(f"{demo}:cell 3:2:5: TF202 ")
    assert not any("cell 4" in line for line in lines)


def test_json_has_a_cell_field_and_sarif_a_cell_per_region(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "check", "--format", "json", demo)
    records = json.loads(out)
    assert [(r["cell"], r["line"], r["column"], r["code"]) for r in records] == [
        (2, 3, 5, "TF201"),
        (3, 2, 5, "TF202"),
    ]
    _, out, _ = run(capsys, "check", "--format", "sarif", demo)
    regions = [
        result["locations"][0]["physicalLocation"]["region"]
        for result in json.loads(out)["runs"][0]["results"]
    ]
    assert [(r["properties"]["cell"], r["startLine"]) for r in regions] == [(2, 3), (3, 2)]


def test_fix_rewrites_cell_sources_and_keeps_everything_else(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "fix", demo)
    assert code == 0, err
    text = demo.read_text(encoding="utf-8")
    # Only the two changed lines differ: same indentation, key order, non-ASCII text, outputs.
    assert text == DEMO.replace("tf.log(2.0)", "tf.math.log(2.0)").replace(
        "tf.random_normal", "tf.random.normal"
    )
    document = json.loads(text)
    assert document["cells"][1]["outputs"][0]["text"] == ["out\n"]
    assert document["cells"][3]["source"] == ["%%bash\n", "echo tf.log(1)"]
    code, _, _ = run(capsys, "fix", demo)
    assert code == 0 and demo.read_text(encoding="utf-8") == text  # nothing more to do


def test_fix_leaves_a_read_only_notebook_and_counts_its_fixes_as_unwritten(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo.chmod(0o444)
    code, out, err = run(capsys, "fix", demo)
    assert f"{demo}: read-only file; not changed" in err
    assert "internal error" not in err
    assert "Applied 0 fix(es) in 0 of 1 file(s); 2 finding(s) left: 2 fixed but not written" in err
    assert code == 1
    assert out == ""
    assert demo.read_text(encoding="utf-8") == DEMO


def test_fix_keeps_a_string_source_a_string_and_other_indentation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "n.ipynb"
    path.write_text(
        notebook(("code", "import tensorflow as tf\ns = tf.Session()\n"), indent=2),
        encoding="utf-8",
    )
    run(capsys, "fix", path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["cells"][0]["source"] == "import tensorflow as tf\ns = tf.compat.v1.Session()\n"
    assert path.read_text(encoding="utf-8").startswith('{\n  "cells"')


def test_fix_diff_writes_nothing(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "fix", "--diff", demo)
    assert demo.read_text(encoding="utf-8") == DEMO
    assert '-    "x = tf.log(2.0)"' in out and '+    "x = tf.math.log(2.0)"' in out


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "invalid JSON"),
        ('{"nbformat": 3, "worksheets": []}', "nbformat 4"),
    ],
)
def test_broken_notebooks_are_one_tf000_and_never_written(
    content: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "check", "--format", "json", path)
    [record] = json.loads(out)
    assert code == 1 and record["code"] == "TF000" and words in record["message"]
    run(capsys, "fix", path)
    assert path.read_text(encoding="utf-8") == content
    assert "Traceback" not in err


MALFORMED = {
    "ints.ipynb": json.dumps({"cells": [{"cell_type": "code", "source": [1, 2]}]}),
    "deep.ipynb": '{"cells": ' + "[" * 200_000 + "]" * 200_000 + "}",
    "cell.ipynb": json.dumps({"cells": [5]}),
    "null.ipynb": json.dumps({"cells": [{"cell_type": "code", "source": None}]}),
}


def test_malformed_notebooks_are_unreadable_and_the_rest_is_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    for name, content in MALFORMED.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / "clean.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "demo.ipynb").write_text(DEMO, encoding="utf-8")
    code, out, err = run(capsys, "check", "--format", "json", tmp_path)
    records = json.loads(out)
    unreadable = {Path(r["path"]).name for r in records if r["code"] == "TF000"}
    assert code == 1 and unreadable == set(MALFORMED)
    assert any(Path(r["path"]).name == "demo.ipynb" for r in records if r["code"] != "TF000")
    assert "internal error" not in err and "Traceback" not in err

    code, _, err = run(capsys, "report", tmp_path, "-o", tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert code == 0 and "4 files could not be analysed" in err
    assert "% of lines TF2-clean" not in err
    for name in MALFORMED:
        assert name in page

    run(capsys, "fix", tmp_path)
    for name, content in MALFORMED.items():
        assert (tmp_path / name).read_text(encoding="utf-8") == content


def test_a_tree_whose_only_notebook_is_unreadable_is_not_called_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "deep.ipynb").write_text(MALFORMED["deep.ipynb"], encoding="utf-8")
    (tmp_path / "clean.py").write_text("x = 1\n", encoding="utf-8")
    code, _, err = run(capsys, "report", tmp_path, "-o", tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert code == 0 and "1 file could not be analysed" in err
    assert "All 1 lines" not in page and "could not be analysed" in page


def test_syntax_error_names_its_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "n.ipynb"
    path.write_text(
        notebook(("code", ["import tensorflow as tf"]), ("code", ["def f(:\n", "    pass"])),
        encoding="utf-8",
    )
    _, out, _ = run(capsys, "check", "--format", "json", path)
    [record] = json.loads(out)
    assert record["code"] == "TF000" and "cell 2:1:" in record["message"]


def test_fixed_cell_lines_split_only_at_line_breaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """nbformat's list of lines: one element per line, and \\x0c or \\u2028 end no line."""
    path = tmp_path / "n.ipynb"
    lines = ["import tensorflow as tf\n", "# page\x0cbreak \u2028\n", "s = tf.Session()"]
    path.write_text(notebook(("code", lines)), encoding="utf-8")
    code, _, err = run(capsys, "fix", path)
    assert code == 0, err
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["cells"][0]["source"] == [*lines[:2], "s = tf.compat.v1.Session()"]


def test_a_notebook_on_stdin_is_read_as_one_by_its_name(tmp_path: Path) -> None:
    """`--stdin-filename x.ipynb`: the text is the notebook's JSON, checked and fixed by cell."""
    code, out, _ = _stdin(tmp_path, "check", "-", "--stdin-filename", "demo.ipynb")
    assert code == 1
    assert out.startswith("demo.ipynb:cell 2:3:5: TF201 ")
    code, out, err = _stdin(tmp_path, "fix", "-", "--stdin-filename", "demo.ipynb")
    assert code == 0, err
    assert out == DEMO.replace("tf.log(2.0)", "tf.math.log(2.0)").replace(
        "tf.random_normal", "tf.random.normal"
    )
    code, out, err = _stdin(tmp_path, "check", "-", "--stdin-filename", "n.ipynb", text="{")
    assert code == 1 and "TF000" in out and "invalid JSON" in out
    code, out, err = _stdin(tmp_path, "fix", "-", "--stdin-filename", "n.ipynb", text="{")
    assert out == "{" and "invalid JSON" in err


def _stdin(tmp_path: Path, *args: str, text: str = DEMO) -> tuple[int, str, str]:
    done = run_stdin(*args, text=text, cwd=tmp_path)
    return done.returncode, done.stdout, done.stderr
