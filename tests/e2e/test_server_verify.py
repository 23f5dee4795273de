"""The editor command "Verify migration of this function" over real stdio: the buffer's
function run against the file at git HEAD on TensorFlow (in the harness's processes, never
the server's), the result shown as a message, a log entry and a report the client opens."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

from .conftest import TIMEOUT, capabilities

VERIFY = "tf2-lsp.server.verifyFunction"
TF1 = """\
import tensorflow as tf


def row_sums(x):
    return tf.reduce_sum(x * 2.0, reduction_indices=[1], keep_dims=True)
"""
WRONG = TF1.replace("reduction_indices=[1], keep_dims=True", "axis=[0], keepdims=True")
INSIDE = types.Position(line=4, character=8)  # in the body of row_sums


def git(root: Path, *arguments: str) -> None:
    identity = ["-c", "user.name=tf2-lsp", "-c", "user.email=tf2-lsp@example.invalid"]
    subprocess.run(["git", "-C", str(root), *identity, *arguments], check=True, capture_output=True)


def committed(root: Path, text: str, name: str = "model.py") -> Path:
    """`name` holding `text` in the last commit of a new repository at `root`."""
    path = root / name
    path.write_text(text, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", name)
    git(root, "commit", "-q", "-m", "TF1 model")
    return path


async def start(client: LanguageClient, root: Path) -> types.InitializeResult:
    caps = capabilities()
    caps.window = types.WindowClientCapabilities(
        work_done_progress=True, show_document=types.ShowDocumentClientCapabilities(support=True)
    )
    params = types.InitializeParams(
        capabilities=caps,
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options={"debounce": 0},
    )
    return await asyncio.wait_for(client.initialize_session(params), TIMEOUT)


def open_buffer(client: LanguageClient, path: Path, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(path.as_uri(), "python", version, text)
        )
    )


def replace_buffer(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=path.as_uri()),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def verify(client: LanguageClient, path: Path, **options: Any) -> Any:
    argument = {"uri": path.as_uri(), "position": {"line": INSIDE.line, "character": 8}}
    argument.update(options)
    return await asyncio.wait_for(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=VERIFY, arguments=[argument])
        ),
        240,
    )


def shown(client: LanguageClient) -> list[types.ShowMessageParams]:
    return list(client.messages)


async def test_the_command_is_advertised(client: LanguageClient, tmp_path: Path) -> None:
    result = await start(client, tmp_path)
    provider = result.capabilities.execute_command_provider
    assert provider is not None and VERIFY in provider.commands


@pytest.mark.tensorflow
async def test_a_compat_conversion_passes_and_a_wrong_one_is_reported(
    client: LanguageClient, tmp_path: Path
) -> None:
    pytest.importorskip("tensorflow")
    path = committed(tmp_path, TF1)
    converted = fix_all(TF1, load_catalogue(), Settings(level="compat")).source
    assert "keepdims=True" in converted and converted != TF1
    await start(client, tmp_path)
    open_buffer(client, path, converted)

    passed = await verify(client, path, inputs="x=2x3:float32")
    assert passed["passed"] is True and passed["status"] == "proven", passed
    assert passed["function"] == "row_sums" and passed["against"] == "model.py at git HEAD"
    message = shown(client)[-1]
    assert message.type == types.MessageType.Info and "row_sums" in message.message
    report = Path(passed["report"])
    assert "PASS" in report.read_text(encoding="utf-8")
    assert client.shown_documents[-1].uri == report.as_uri()
    [reports] = client.progress_reports.values()
    assert isinstance(reports[0], types.WorkDoneProgressBegin) and reports[0].cancellable
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    assert reports[-1].message == passed["summary"]

    replace_buffer(client, path, WRONG, 2)
    failed = await verify(client, path, inputs="x=2x3:float32")
    assert failed["passed"] is False and failed["status"] == "differs", failed
    assert failed["summary"].startswith("MISMATCH")
    warning = shown(client)[-1]
    assert warning.type == types.MessageType.Warning and "MISMATCH" in warning.message
    assert any("outputs" in row and "DIFFERS" in row for row in failed["table"])
    assert "MISMATCH" in Path(failed["report"]).read_text(encoding="utf-8")

    # Cancelled from the progress notification: the TensorFlow processes stop, and it says so.
    running = asyncio.ensure_future(verify(client, path, inputs="x=2x3:float32"))
    known = set(client.progress_reports)

    def started() -> str | None:
        return next((token for token in client.progress_reports if token not in known), None)

    for _ in range(600):
        if started() is not None:
            break
        await asyncio.sleep(0.05)
    token = started()
    assert token is not None
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    cancelled = await running
    assert cancelled["passed"] is False and cancelled["message"] == "Verify migration: cancelled"


async def test_a_file_outside_git_says_so(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(TF1, encoding="utf-8")
    await start(client, tmp_path)
    open_buffer(client, path, WRONG)
    answer = await verify(client, path, inputs="x=2x3:float32")
    assert answer["passed"] is False
    assert "not in a git repository: give a file to compare with" in answer["message"]
    error = shown(client)[-1]
    assert error.type == types.MessageType.Error and "not in a git repository" in error.message


async def test_a_file_new_since_head_says_so(client: LanguageClient, tmp_path: Path) -> None:
    committed(tmp_path, "x = 1\n", "other.py")
    path = tmp_path / "model.py"
    path.write_text(TF1, encoding="utf-8")
    await start(client, tmp_path)
    open_buffer(client, path, TF1)
    answer = await verify(client, path, inputs="x=2x3:float32")
    assert "model.py is not in the last commit" in answer["message"]


async def test_missing_inputs_and_a_cursor_outside_functions_are_named(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = committed(tmp_path, TF1)
    await start(client, tmp_path)
    open_buffer(client, path, TF1)
    answer = await verify(client, path)
    assert "row_sums takes x: give their values as inputs" in answer["message"]
    outside = await verify(client, path, position={"line": 0, "character": 0})
    assert "put the cursor inside a top-level function" in outside["message"]


async def test_an_interpreter_without_tensorflow_is_named(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = committed(tmp_path, TF1)
    other = tmp_path / "python-without-tensorflow"
    # An interpreter that finds no TensorFlow: the probe's exit status says "not found".
    other.write_text(f"#!/bin/sh\nexec {sys.executable} -I -S -c 'raise SystemExit(1)'\n")
    other.chmod(0o755)
    await start(client, tmp_path)
    open_buffer(client, path, TF1)
    answer = await verify(client, path, inputs="x=2x3:float32", python=str(other))
    assert f"TensorFlow is not importable by {other}" in answer["message"]


def test_the_server_process_never_imports_tensorflow() -> None:
    # What the command imports in the server: the harness's front, no TensorFlow, no numpy.
    probe = (
        "import sys; import tf2_lsp.lsp.server, tf2_lsp.lsp.verify_command, "
        "tf2_lsp.verify.function, tf2_lsp.verify.harness; "
        "print(sorted(m for m in ('tensorflow', 'numpy') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"
