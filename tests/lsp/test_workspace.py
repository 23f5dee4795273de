"""The "Check workspace" command: every file on disk not open in the editor, as `check` sees it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from tests.lsp.support import open_document, open_notebook, start_session
from tf2_lsp.lsp.workspace import (
    analyse_file,
    analyse_workspace,
    findings_of,
    workspace_files,
    workspace_folders,
)
from tf2_lsp.settings import Settings

TF1 = "import tensorflow as tf\n\ny = tf.log(x)\n"  # TF201 at line 3, column 4


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
                | ({"outputs": [], "execution_count": None} if kind == "code" else {})
                for kind, source in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def by_name(results: list[Any], root: Path) -> dict[str, list[types.Diagnostic]]:
    return {
        Path(r.uri.removeprefix("file://")).relative_to(root).as_posix(): r.diagnostics
        for r in results
    }


def test_folders_are_the_clients_workspace_folders_or_its_root(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    session, _ = start_session(folders=[one, two])
    assert workspace_folders(session) == [one, two]
    session, _ = start_session(root=tmp_path)
    assert workspace_folders(session) == [tmp_path]


def test_the_files_are_those_the_command_line_walks(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": "", "nb.ipynb": "", "node_modules/x.py": "", "env/lib/y.py": ""})
    write(tmp_path, {"env/pyvenv.cfg": "home = /usr\n", "notes.md": ""})
    files = sorted(p.relative_to(tmp_path).as_posix() for p in workspace_files([tmp_path]))
    assert files == ["a.py", "nb.ipynb"]


def test_a_python_file_gets_the_editors_diagnostics(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": TF1})
    session, _ = start_session(folders=[tmp_path])
    result = analyse_file(session, tmp_path / "a.py", Settings())
    assert result is not None and result.uri == (tmp_path / "a.py").as_uri()
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "TF201"
    assert diagnostic.range.start == types.Position(2, 4)


def test_a_file_that_is_not_text_is_one_error_and_a_vanished_file_is_nothing(
    tmp_path: Path,
) -> None:
    write(tmp_path, {"latin.py": b"x = '\xff\xfe'\n", "broken.ipynb": "{not json"})
    session, _ = start_session(folders=[tmp_path])
    for name in ("latin.py", "broken.ipynb"):
        result = analyse_file(session, tmp_path / name, Settings())
        assert result is not None
        [diagnostic] = result.diagnostics
        assert diagnostic.code == "TF000"
        assert diagnostic.severity == types.DiagnosticSeverity.Error
        assert diagnostic.message.startswith("cannot analyse this file: ")
        assert diagnostic.range.start == types.Position(0, 0)
    assert analyse_file(session, tmp_path / "gone.py", Settings()) is None


def test_a_notebook_is_reported_in_its_cells_coordinates_naming_the_cell(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "train.ipynb": notebook(
                ("markdown", "# Training\n"),
                ("code", "import tensorflow as tf\n"),
                ("code", "x = 1\nsess = tf.Session()\n"),
            )
        },
    )
    session, _ = start_session(folders=[tmp_path])
    result = analyse_file(session, tmp_path / "train.ipynb", Settings())
    assert result is not None
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "TF101"
    assert diagnostic.range.start == types.Position(1, 7)  # line 2 of its cell
    # Cells are numbered as the notebook (and `tf2-lsp check`) number them, markdown included.
    assert diagnostic.message.startswith("cell 3: ")


async def test_the_workspace_check_skips_open_documents_and_reports_progress(
    tmp_path: Path,
) -> None:
    write(tmp_path, {f"m{i}.py": TF1 for i in range(3)})
    write(tmp_path, {"open.py": TF1, "clean.py": "x = 1\n", "nb.ipynb": notebook(("code", TF1))})
    session, client = start_session(folders=[tmp_path])
    open_document(session, (tmp_path / "open.py").as_uri(), TF1)
    open_notebook(session, (tmp_path / "nb.ipynb").as_uri(), [("cell:1", TF1)])
    results = await analyse_workspace(session, "token-1")
    found = by_name(results, tmp_path)
    assert sorted(found) == ["clean.py", "m0.py", "m1.py", "m2.py"]
    assert found["clean.py"] == []
    assert findings_of(results) == 3
    progress = [p["value"] for p in client.sent(types.PROGRESS) if p["token"] == "token-1"]
    assert [p["kind"] for p in progress] == ["begin", "report", "end"]
    assert progress[0]["message"] == "0/4 files"
    assert progress[1]["message"] == "4/4 files" and progress[1]["percentage"] == 100
    assert progress[2]["message"] == "3 finding(s) in 4 file(s)"


async def test_the_projects_exclude_applies_as_on_the_command_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.tf2-lsp]\nexclude = ["gen", "pkg/vendored", "*_pb2.py"]\n',
            "a.py": TF1,
            "gen/out.py": TF1,
            "pkg/vendored/dep.py": TF1,
            "pkg/api_pb2.py": TF1,
            "pkg/b.py": TF1,
        },
    )
    session, _ = start_session(folders=[tmp_path])
    results = await analyse_workspace(session, None)
    assert sorted(by_name(results, tmp_path)) == ["a.py", "pkg/b.py"]


async def test_an_open_document_is_skipped_whatever_its_path_holds(tmp_path: Path) -> None:
    folder = tmp_path / "my project #1"
    write(folder, {"open.py": TF1, "shut.py": TF1})
    session, _ = start_session(folders=[folder])
    open_document(session, (folder / "open.py").as_uri(), TF1)  # the client sends it quoted
    results = await analyse_workspace(session, None)
    assert [Path(to_fs_path(r.uri) or "").name for r in results] == ["shut.py"]
