"""Workspace-wide features over real stdio: "Check workspace" with $/progress, pull-mode
`workspace/diagnostic`, pyproject.toml and Python files watched (registered dynamically),
debug info."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import TIMEOUT, capabilities, codes, open_and_wait, wait_for, wait_publish

TF1 = "import tensorflow as tf\ns = tf.Session()\n"
CHECK = "tf2-lsp.server.checkWorkspace"
DEBUG = "tf2-lsp.server.debugInfo"


def notebook(*cells: str) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": "markdown", "source": ["# title\n"]},
                *({"cell_type": "code", "source": cell.splitlines(True)} for cell in cells),
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def workspace(root: Path) -> Path:
    files = {
        "pyproject.toml": "[project]\nname = 'demo'\n",
        "a.py": TF1,
        "clean.py": "import tensorflow as tf\ny = tf.math.log(x)\n",
        "pkg/b.py": "import tensorflow as tf\ny = tf.log(x)\n",
        "nb.ipynb": notebook("import tensorflow as tf\n", "x = 1\ns = tf.Session()\n"),
        "env/pyvenv.cfg": "home = /usr\n",
        "env/lib/site.py": TF1,
        "notes.txt": TF1,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


async def start(
    client: LanguageClient, root: Path, options: Any = None, **flags: bool
) -> list[types.RegistrationParams]:
    """Initialize with workspace folder `root`; returns the registrations the server asks for."""
    registrations: list[types.RegistrationParams] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(ls: LanguageClient, params: types.RegistrationParams) -> None:
        registrations.append(params)

    caps = capabilities(pull=flags.get("pull", False))
    caps.window = types.WindowClientCapabilities(work_done_progress=flags.get("progress", False))
    assert caps.workspace is not None
    caps.workspace.did_change_watched_files = types.DidChangeWatchedFilesClientCapabilities(
        dynamic_registration=flags.get("watch", False)
    )
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities()
    params = types.InitializeParams(
        capabilities=caps,
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options=options,
    )
    await asyncio.wait_for(client.initialize_session(params), TIMEOUT)
    return registrations


async def execute(client: LanguageClient, command: str) -> Any:
    return await asyncio.wait_for(
        client.workspace_execute_command_async(types.ExecuteCommandParams(command=command)),
        TIMEOUT,
    )


async def test_check_workspace_publishes_every_file_with_progress(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = workspace(tmp_path)
    await start(client, root, progress=True)
    result = await execute(client, CHECK)
    assert result == {"files": 4, "findings": 3, "filesWithFindings": 3}
    by_file = {
        Path(p.uri).name: p
        for p in client.published  # type: ignore[attr-defined]
    }
    assert codes(by_file["a.py"].diagnostics) == ["TF101"]
    assert codes(by_file["b.py"].diagnostics) == ["TF201"]
    [cell] = by_file["nb.ipynb"].diagnostics
    # Numbered among all cells, as the notebook and `tf2-lsp check` count (markdown first).
    assert cell.code == "TF101" and cell.message.startswith("cell 3: ")
    assert (cell.range.start.line, cell.range.start.character) == (1, 4)  # inside its cell
    assert "site.py" not in by_file and "notes.txt" not in by_file and "clean.py" not in by_file
    [reports] = client.progress_reports.values()
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    assert reports[-1].message == "3 finding(s) in 4 file(s)"

    # Fixed on disk, checked again: its diagnostics are cleared.
    (root / "a.py").write_text("import tensorflow as tf\ns = tf.compat.v1.Session()\n")
    before = len(client.published)  # type: ignore[attr-defined]
    await execute(client, CHECK)
    cleared = await wait_publish(
        client, (root / "a.py").as_uri(), where=lambda p: not p.diagnostics, after=0
    )
    assert cleared is not None and len(client.published) > before  # type: ignore[attr-defined]


async def test_check_workspace_leaves_open_documents_to_the_editor(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = workspace(tmp_path)
    await start(client, root)
    opened = await open_and_wait(client, root / "a.py", TF1 + "y = tf.log(x)\n")
    assert codes(opened.diagnostics) == ["TF101", "TF201"]
    result = await execute(client, CHECK)
    assert result["files"] == 3
    a_publishes = [p for p in client.published if p.uri == opened.uri]  # type: ignore[attr-defined]
    assert len(a_publishes) == 1  # nothing from the disk copy


async def test_workspace_diagnostic_pull(client: LanguageClient, tmp_path: Path) -> None:
    root = workspace(tmp_path)
    await start(client, root, pull=True)
    report = await asyncio.wait_for(
        client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[])),
        TIMEOUT,
    )
    items = {Path(item.uri).name: item for item in report.items}
    assert sorted(items) == ["a.py", "b.py", "clean.py", "nb.ipynb"]
    assert codes(items["a.py"].items) == ["TF101"]
    assert list(items["clean.py"].items) == []


BROKEN_NOTEBOOKS = {
    "ints.ipynb": json.dumps({"cells": [{"cell_type": "code", "source": [1, 2]}]}),
    "deep.ipynb": '{"cells": ' + "[" * 200_000 + "]" * 200_000 + "}",
    "cell.ipynb": json.dumps({"cells": [5]}),
}


async def test_a_broken_notebook_is_one_tf000_and_every_other_file_is_checked(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = workspace(tmp_path)
    for name, text in BROKEN_NOTEBOOKS.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "pyproject.toml").write_text("tool = 5\n", encoding="utf-8")
    await start(client, root, progress=True)
    result = await execute(client, CHECK)
    assert result == {"files": 7, "findings": 6, "filesWithFindings": 6}
    by_file = {Path(p.uri).name: p for p in client.published}  # type: ignore[attr-defined]
    assert codes(by_file["a.py"].diagnostics) == ["TF101"]
    for name in BROKEN_NOTEBOOKS:
        [diagnostic] = by_file[name].diagnostics
        assert diagnostic.code == "TF000" and "not a notebook" in diagnostic.message
    [reports] = client.progress_reports.values()
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    message = await wait_for(lambda: next(iter(client.messages), None), "a showMessage")
    assert "[tool] must be a table" in message.message

    report = await asyncio.wait_for(
        client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[])),
        TIMEOUT,
    )
    items = {Path(item.uri).name: item for item in report.items}
    assert codes(items["a.py"].items) == ["TF101"]
    assert all(codes(items[name].items) == ["TF000"] for name in BROKEN_NOTEBOOKS)


async def test_pyproject_watching_is_registered_and_reloads_settings(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = workspace(tmp_path)
    registrations = await start(client, root, watch=True)
    [params] = await wait_for(lambda: registrations, "client/registerCapability")
    [registration] = params.registrations
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    options = registration.register_options
    watchers = options["watchers"] if isinstance(options, dict) else options.watchers  # type: ignore[union-attr]
    globs = [w["globPattern"] if isinstance(w, dict) else w.glob_pattern for w in watchers]
    assert globs == ["**/pyproject.toml", "**/*.py"]

    uri = (await open_and_wait(client, root / "a.py", TF1)).uri
    count = len(client.published)  # type: ignore[attr-defined]
    (root / "pyproject.toml").write_text("[tool.tf2-lsp]\nignore = ['TF101']\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=(root / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed
                )
            ]
        )
    )
    reloaded = await wait_publish(client, uri, 1, after=count)
    assert list(reloaded.diagnostics) == []


async def test_no_registration_without_the_client_capability(
    client: LanguageClient, tmp_path: Path
) -> None:
    registrations = await start(client, workspace(tmp_path), watch=False)
    await open_and_wait(client, tmp_path / "a.py", TF1)
    assert registrations == []


async def test_debug_info_names_versions_settings_and_their_sources(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = workspace(tmp_path)
    (root / "pyproject.toml").write_text("[tool.tf2-lsp]\nlevel = 'native'\n")
    await start(client, root, {"targetVersion": "2.15", "level": "compat"})
    info = await execute(client, DEBUG)
    assert info["server"]["name"] == "tf2-lsp"
    assert info["packages"]["pygls"] and info["packages"]["lsprotocol"]
    assert info["catalogue"]["rules"] > 100 and info["catalogue"]["families"] > 5
    [folder] = info["folders"]
    assert folder["pyproject"] == str(root / "pyproject.toml")
    settings = folder["settings"]
    assert settings["level"] == {"value": "native", "source": str(root / "pyproject.toml")}
    assert settings["target_version"] == {"value": "2.15", "source": "editor"}
    assert settings["ignore"] == {"value": [], "source": "default"}
    assert info["editorSettings"] == {"targetVersion": "2.15", "level": "compat"}


async def test_per_file_ignores_apply_in_the_editor(client: LanguageClient, tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "pyproject.toml").write_text(
        "[tool.tf2-lsp]\nper-file-ignores = {'tests/*' = ['TF101']}\n"
    )
    await start(client, root)
    in_tests = await open_and_wait(client, root / "tests" / "t.py", TF1 + "y = tf.log(x)\n")
    assert codes(in_tests.diagnostics) == ["TF201"]
    elsewhere = await open_and_wait(client, root / "a.py", TF1)
    assert codes(elsewhere.diagnostics) == ["TF101"]
