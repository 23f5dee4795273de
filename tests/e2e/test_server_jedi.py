"""Method rules whose receiver only jedi can type: reported after the background inference."""

from __future__ import annotations

import asyncio
import os
import sys
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
