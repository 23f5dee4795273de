"""Robustness: broken code, unknown documents, out-of-range positions, cancellation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from .conftest import (
    SHARED,
    TIMEOUT,
    code_actions,
    codes,
    hover,
    initialize,
    open_and_wait,
    open_document,
    publishes,
    pull,
    replace_all,
    rng,
    wait_for,
    wait_publish,
)

SOURCE = "import tensorflow as tf\nsess = tf.Session()\n"

BROKEN = [
    "import tensorflow as tf\nsess = tf.Session(\n",
    "import tensorflow as tf\nsess = tf.\n",
    "import tensorflow as tf\ndef f(:\n    tf.Session()\n",
    "import tensorflow as tf\nx = 'unterminated\n",
    "import tensorflow as tf\n\tif x:\n  tf.Session()\n",
    "import tensorflow as tf\nx = tf.Session()\x00\n",
    "import tensorflow as tf\nx = " + "(" * 300 + ")" * 300 + "\n",
    "import tensorflow as tf\nx = " + "-" * 100_000 + "1\n",
    "import tensorflow as tf\nx = f'{tf.Session(}'\n",
]


async def still_serving(
    client: LanguageClient, tmp_path: Path, name: str = "ok.py", *, pulls: bool = False
) -> None:
    """A new document is analysed and answered for: pushed to, or pulled by a pulling client."""
    if pulls:
        uri = open_document(client, tmp_path / name, SOURCE)
        diagnostics = await pull(client, uri)
    else:
        published = await open_and_wait(client, tmp_path / name, SOURCE)
        uri, diagnostics = published.uri, list(published.diagnostics)
    assert codes(diagnostics) == ["TF101"]
    assert await hover(client, uri, 1, 10) is not None


@SHARED
@pytest.mark.parametrize("text", BROKEN, ids=range(len(BROKEN)))
async def test_broken_code_does_not_stop_the_server(
    shared: LanguageClient, tmp_path: Path, text: str
) -> None:
    uri = open_document(shared, tmp_path / "broken.py", text)
    published = await wait_publish(shared, uri, 1)
    assert list(published.diagnostics) == []  # not analysed; the user sees Python's own error
    assert await hover(shared, uri, 1, 9) is None
    assert await code_actions(shared, uri, rng(1, 0, 1, 10)) == []
    await still_serving(shared, tmp_path)

    # Finishing the code brings the diagnostics back.
    replace_all(shared, uri, 2, SOURCE)
    fixed = await wait_publish(shared, uri, 2)
    assert codes(fixed.diagnostics) == ["TF101"]


@SHARED
async def test_typing_through_broken_states(shared: LanguageClient, tmp_path: Path) -> None:
    uri = (await open_and_wait(shared, tmp_path / "a.py", "import tensorflow as tf\n")).uri
    typed = "x = tf.Session()\n"
    for version, end in enumerate(range(1, len(typed) + 1), start=2):
        replace_all(shared, uri, version, "import tensorflow as tf\n" + typed[:end])
    last = 1 + len(typed)
    final = await wait_publish(shared, uri, last)
    assert codes(final.diagnostics) == ["TF101"]


async def test_unknown_document(client: LanguageClient, tmp_path: Path) -> None:
    await initialize(client, pull=True)
    path = tmp_path / "never_opened.py"
    path.write_text(SOURCE)  # on disk, but the client never opened it
    for uri in (path.as_uri(), "file:///nowhere/missing.py", "untitled:Untitled-1"):
        assert await hover(client, uri, 1, 10) is None
        assert await code_actions(client, uri, rng(1, 7, 1, 17)) == []
        assert await pull(client, uri) == []
    await still_serving(client, tmp_path, pulls=True)


@SHARED
async def test_changes_and_close_for_unknown_documents(
    shared: LanguageClient, tmp_path: Path
) -> None:
    uri = (tmp_path / "ghost.py").as_uri()
    replace_all(shared, uri, 2, SOURCE)
    shared.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    shared.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    await still_serving(shared, tmp_path)
    # Nothing analysed for it; the close cleared its (empty) diagnostics, once.
    assert [list(p.diagnostics) for p in publishes(shared, uri)] == [[]]


@SHARED
@pytest.mark.parametrize(
    ("line", "character"), [(1, 500), (2, 0), (50, 3), (10_000, 10_000), (0, 2**31 - 1)]
)
async def test_out_of_range_positions(
    shared: LanguageClient, tmp_path: Path, line: int, character: int
) -> None:
    uri = (await open_and_wait(shared, tmp_path / "a.py", SOURCE)).uri
    assert await hover(shared, uri, line, character) is None
    where = rng(line, character, line + 1, character)
    actions = await code_actions(shared, uri, where, only=[types.CodeActionKind.QuickFix])
    if line >= 2:  # a range that starts past the finding's line offers nothing
        assert actions == []
    await still_serving(shared, tmp_path, "b.py")


@SHARED
async def test_range_covering_the_whole_file(shared: LanguageClient, tmp_path: Path) -> None:
    uri = (await open_and_wait(shared, tmp_path / "a.py", SOURCE)).uri
    actions = await code_actions(
        shared, uri, rng(0, 0, 999, 0), only=[types.CodeActionKind.QuickFix]
    )
    assert any(a.title.startswith("TF101: Replace") for a in actions)


@SHARED
async def test_cancelled_requests_are_still_answered(
    shared: LanguageClient, tmp_path: Path
) -> None:
    """Every request gets exactly one answer, cancelled or not: its result, or RequestCancelled.

    The handlers run synchronously, so a cancel that arrives after the request has nothing
    left to stop; what the shared must never see is a hang, a wrong result or another error.
    """
    uri = (await open_and_wait(shared, tmp_path / "a.py", SOURCE)).uri
    expected = await hover(shared, uri, 1, 10)
    assert expected is not None
    params = types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=1, character=10),
    )
    futures = []
    for attempt in range(5):
        request_id = f"to-cancel-{attempt}"
        futures.append(
            shared.protocol.send_request(types.TEXT_DOCUMENT_HOVER, params, msg_id=request_id)
        )
        shared.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=request_id))
    for future in futures:
        try:
            result = await asyncio.wait_for(asyncio.wrap_future(future), TIMEOUT)
        except JsonRpcException as error:
            assert error.code == types.LSPErrorCodes.RequestCancelled, error
        else:
            assert result == expected
    # Cancelling a request that already finished, or never existed, is harmless too.
    shared.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="no-such-request"))
    shared.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="to-cancel-0"))
    await still_serving(shared, tmp_path, "b.py")


@SHARED
async def test_many_documents(shared: LanguageClient, tmp_path: Path) -> None:
    uris = [open_document(shared, tmp_path / f"m{i}.py", SOURCE) for i in range(30)]
    for uri in uris:
        published = await wait_publish(shared, uri, 1)
        assert codes(published.diagnostics) == ["TF101"]


@SHARED
async def test_huge_file_gets_a_message_not_a_stall(shared: LanguageClient, tmp_path: Path) -> None:
    from tf2_lsp.lsp.session import MAX_EDITOR_CHARS

    line = "x = tf.log(1.0)  # " + "padding " * 8 + "\n"
    text = "import tensorflow as tf\n" + line * (MAX_EDITOR_CHARS // len(line) + 10)
    published = await open_and_wait(shared, tmp_path / "huge.py", text)
    assert list(published.diagnostics) == []
    await wait_for(
        lambda: [m for m in shared.messages if "larger than" in m.message],
        "a showMessage about the file's size",
    )
