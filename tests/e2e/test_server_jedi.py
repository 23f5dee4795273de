"""Method rules whose receiver only jedi can type: reported after the background inference."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}

SOURCE = """import tensorflow as tf


def input_fn(files):
    return tf.data.TFRecordDataset(files).batch(3)


def main():
    ds = input_fn(["a.tfrecord"])
    return ds.make_one_shot_iterator()


class Picture:
    def make_one_shot_iterator(self):
        return iter(())


pic = Picture()
pic.make_one_shot_iterator()
"""


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "tf2_lsp", "serve"], server_env=ENV
    ),
)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"debounce": 0},
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.tensorflow
async def test_receiver_typed_by_jedi_is_reported(client: LanguageClient, tmp_path: Path) -> None:
    if not os.environ.get("CI"):
        pytest.importorskip("tensorflow", reason="jedi types the receiver from TF's sources")
    path = tmp_path / "pipeline.py"
    path.write_text(SOURCE)
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=SOURCE
            )
        )
    )

    async def tf702_lines() -> list[int]:
        while True:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            found = [
                d.range.start.line for d in client.diagnostics.get(uri, []) if d.code == "TF702"
            ]
            if found:
                return found

    # The fast pass cannot type `ds` (it comes from another function); jedi can.
    lines = await asyncio.wait_for(tf702_lines(), timeout=60)
    assert lines == [9]  # `ds.make_one_shot_iterator()`, never the Picture method


def _frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


UNTYPED = SOURCE.split("\n\nclass")[0] + "\n"  # a receiver only jedi could type


def _open_and_close_quickly(rounds: int) -> str:
    """A fresh server; files with untyped receivers opened and closed while jedi loads (its
    first inference imports it); the server's stderr once it has exited."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tf2_lsp", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    assert server.stdin is not None and server.stdout is not None
    threading.Thread(target=server.stdout.read, daemon=True).start()
    send = server.stdin
    init = {"processId": None, "capabilities": {}, "initializationOptions": {"debounce": 0}}
    send.write(_frame({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": init}))
    send.write(_frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    send.flush()
    time.sleep(1)
    for number in range(rounds):
        uri = f"file:///tmp/tf2-lsp-jedi-race-{number}.py"
        item = {"uri": uri, "languageId": "python", "version": 1, "text": UNTYPED}
        send.write(
            _frame(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didOpen",
                    "params": {"textDocument": item},
                }
            )
        )
        send.flush()
        time.sleep(0.04 * (number % 8))  # open long enough for some to start an inference
        closed = {"textDocument": {"uri": uri}}
        send.write(_frame({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": closed}))
        send.flush()
    time.sleep(3)  # jedi's inferences end
    send.write(_frame({"jsonrpc": "2.0", "id": 1, "method": "shutdown"}))
    send.write(_frame({"jsonrpc": "2.0", "method": "exit"}))
    send.flush()
    try:
        _, err = server.communicate(timeout=60)
    finally:
        server.kill()
    return err.decode()


def test_closing_files_while_jedi_loads_breaks_nothing() -> None:
    """jedi is imported once, by the one thread that uses it: closing a file (which releases
    jedi's caches) no longer races that import (`partially initialized module 'jedi.cache'`)."""
    for _ in range(2):
        err = _open_and_close_quickly(16)
        assert "Traceback" not in err and "Error" not in err, err
