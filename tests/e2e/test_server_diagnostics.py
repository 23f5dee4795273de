"""Diagnostics: their fields, push and pull, exact ranges under each position encoding,
and receivers that must not be mistaken for TensorFlow objects."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import (
    SHARED,
    codes,
    column,
    initialize,
    open_and_wait,
    open_document,
    pull,
    rule_code,
    wait_for,
    wait_publish,
)

LAYERS = rule_code("tensorflow.layers.dense")  # needs Keras 2: gone for TF >= 2.16
SOURCE = (
    "import tensorflow as tf\n"
    "sess = tf.Session()\n"
    "y = tf.log(x)\n"
    "h = tf.layers.dense(x, 3)\n"
    "d = tf.nn.dropout(h, keep)\n"
)


def check_fields(diagnostic: types.Diagnostic) -> None:
    assert diagnostic.source == "tf2-lsp"
    assert isinstance(diagnostic.code, str) and diagnostic.code.startswith("TF")
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href.startswith("https://")
    assert isinstance(diagnostic.data, dict)
    assert diagnostic.data["code"] == diagnostic.code
    assert diagnostic.message


@SHARED
async def test_pushed_diagnostics_fields(shared: LanguageClient, tmp_path: Path) -> None:
    published = await open_and_wait(shared, tmp_path / "a.py", SOURCE)
    assert codes(published.diagnostics) == sorted(["TF101", "TF201", "TF214", LAYERS])
    by_code = {d.code: d for d in published.diagnostics}
    for diagnostic in published.diagnostics:
        check_fields(diagnostic)

    session = by_code["TF101"]
    assert session.range == types.Range(
        start=types.Position(line=1, character=7), end=types.Position(line=1, character=17)
    )
    assert session.severity == types.DiagnosticSeverity.Warning
    assert list(session.tags or []) == [types.DiagnosticTag.Deprecated]
    assert session.data["symbol"] == "tensorflow.Session"
    assert session.data["fix"] == {
        "title": "TF101: Replace `tf.Session` with `tf.compat.v1.Session`",
        "safety": "safe",
        "level": "compat",
    }
    assert "`tf.Session`" in session.message

    # Removed from the TF2 namespace (moved) is deprecated; changed arguments are not.
    assert list(by_code["TF201"].tags or []) == [types.DiagnosticTag.Deprecated]
    assert not by_code["TF214"].tags

    # tf.layers under TF 2.21 (Keras 3): an error whose compat fix needs tf_keras, so unsafe.
    layers = by_code[LAYERS]
    assert layers.severity == types.DiagnosticSeverity.Error
    assert layers.data["fix"]["safety"] == "unsafe"
    assert "TF_USE_LEGACY_KERAS=1" in layers.message


async def test_pull_diagnostics_are_not_pushed_too(client: LanguageClient, tmp_path: Path) -> None:
    """A client that pulls gets each finding once: VS Code lists pushed and pulled diagnostics
    apart, so pushing as well showed every finding twice. (Clients that only know push,
    Neovim 0.7 and Helix, are pushed to: the other tests here.)"""
    await initialize(client, pull=True)
    uri = open_document(client, tmp_path / "a.py", SOURCE)
    items = await pull(client, uri)
    assert codes(items) == sorted(["TF101", "TF201", "TF214", LAYERS])
    for diagnostic in items:
        check_fields(diagnostic)
    await asyncio.sleep(1.0)  # the analysis the open started has long ended
    assert [p for p in client.published if p.uri == uri] == []  # type: ignore[attr-defined]


async def test_a_pulling_client_is_told_to_pull_again_when_settings_change(
    client: LanguageClient, tmp_path: Path
) -> None:
    await initialize(client, {"debounce": 0}, pull=True, refresh=True)
    uri = open_document(client, tmp_path / "a.py", SOURCE)
    assert codes(await pull(client, uri)) == sorted(["TF101", "TF201", "TF214", LAYERS])
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"tf2-lsp": {"select": ["TF1"]}})
    )
    await wait_for(lambda: client.diagnostic_refresh_count, "workspace/diagnostic/refresh")
    assert codes(await pull(client, uri)) == ["TF101"]


async def test_pull_for_unknown_document_is_empty(client: LanguageClient, tmp_path: Path) -> None:
    await initialize(client, pull=True)
    path = tmp_path / "on_disk_only.py"
    path.write_text(SOURCE)  # exists on disk but the client never opened it
    assert await pull(client, path.as_uri()) == []


@SHARED
async def test_diagnostics_on_save_follow_the_latest_text(
    shared: LanguageClient, tmp_path: Path
) -> None:
    uri = (await open_and_wait(shared, tmp_path / "a.py", "import tensorflow as tf\n")).uri
    shared.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=SOURCE)],
        )
    )
    shared.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    published = await wait_publish(shared, uri, 2)
    assert codes(published.diagnostics) == sorted(["TF101", "TF201", "TF214", LAYERS])


# -- ranges with non-ASCII text, per negotiated encoding --------------------------------------

NON_ASCII = (
    "import tensorflow as tf\n"
    "# 日本語のコメント\n"
    "sess = tf.Session()\n"
    'x = "日本語"; s = tf.Session()\n'
    'y = ("🙂🙂", tf.log(x))\n'
    "if x:\n"
    "\tz = tf.Session()  # 日本語\n"
    'w = "é🙂"; v = tf.log(x)\n'
)
# (line, 0-based character column of the symbol, symbol)
EXPECTED = [
    (2, 7, "tf.Session"),
    (3, 15, "tf.Session"),
    (4, 11, "tf.log"),
    (6, 5, "tf.Session"),
    (7, 14, "tf.log"),
]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
async def test_ranges_with_non_ascii_text(
    client: LanguageClient, tmp_path: Path, encoding: str
) -> None:
    result = await initialize(client, encodings=[encoding])
    assert result.capabilities.position_encoding == encoding
    published = await open_and_wait(client, tmp_path / "a.py", NON_ASCII)
    lines = NON_ASCII.splitlines()
    found = sorted(
        (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
        for d in published.diagnostics
    )
    expected = sorted(
        (
            line,
            column(lines[line], start, encoding),
            line,
            column(lines[line], start + len(symbol), encoding),
        )
        for line, start, symbol in EXPECTED
    )
    assert found == expected
    for line, start, symbol in EXPECTED:  # the expected columns point at the symbol itself
        assert lines[line][start : start + len(symbol)] == symbol


@pytest.mark.parametrize(
    ("encoding", "session", "log"),
    [
        ("utf-16", (15, 25), (13, 19)),
        ("utf-8", (21, 31), (17, 23)),
        ("utf-32", (15, 25), (11, 17)),
    ],
)
async def test_ranges_by_hand(
    client: LanguageClient,
    tmp_path: Path,
    encoding: str,
    session: tuple[int, int],
    log: tuple[int, int],
) -> None:
    """Hand-computed columns: CJK is 1 UTF-16 unit / 3 UTF-8 bytes, an emoji 2 / 4 / 1."""
    await initialize(client, encodings=[encoding])
    text = 'import tensorflow as tf\nx = "日本語"; s = tf.Session()\ny = ("🙂🙂", tf.log(x))\n'
    published = await open_and_wait(client, tmp_path / "a.py", text)
    ranges = sorted(
        (d.range.start.line, d.range.start.character, d.range.end.character)
        for d in published.diagnostics
    )
    assert ranges == [(1, *session), (2, *log)]


# -- receivers -----------------------------------------------------------------------------------

RECEIVERS = """\
import tensorflow as tf
from PIL import Image

img = Image.open("cat.png")
img.save("out.png")


class Reader:
    def make_one_shot_iterator(self):
        return iter(())


reader = Reader()
it = reader.make_one_shot_iterator()
ds = tf.data.Dataset.range(3)
batches = ds.make_one_shot_iterator()
"""


@SHARED
async def test_receivers(shared: LanguageClient, tmp_path: Path) -> None:
    published = await open_and_wait(shared, tmp_path / "a.py", RECEIVERS)
    flagged = [(d.code, d.range.start.line) for d in published.diagnostics]
    assert flagged == [("TF702", 15)]
    (diagnostic,) = published.diagnostics
    start, end = diagnostic.range.start, diagnostic.range.end
    line = RECEIVERS.splitlines()[15]
    assert line[start.character : end.character].startswith("ds.make_one_shot_iterator")
