"""Document sync: incremental changes, debounce, versions on publishes, save and close."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tf2_lsp.lsp.convert import FIX_ALL_KIND

from .conftest import (
    SHARED,
    TIMEOUT,
    apply_workspace_edit,
    change,
    code_actions,
    codes,
    column,
    initialize,
    open_and_wait,
    open_document,
    publishes,
    replace_all,
    rng,
    wait_publish,
)

SOURCE = "import tensorflow as tf\nsess = tf.Session()\n"


@SHARED
async def test_open_publishes_with_version(shared: LanguageClient, tmp_path: Path) -> None:
    published = await open_and_wait(shared, tmp_path / "a.py", SOURCE, version=7)
    assert published.version == 7
    assert codes(published.diagnostics) == ["TF101"]


@SHARED
async def test_incremental_changes(shared: LanguageClient, tmp_path: Path) -> None:
    published = await open_and_wait(shared, tmp_path / "a.py", SOURCE)
    uri = published.uri
    # Insert a second finding on a new line, then rename Session -> compat.v1.Session in place.
    change(shared, uri, 2, (rng(2, 0), "y = tf.log(x)\n"))
    second = await wait_publish(shared, uri, 2)
    assert codes(second.diagnostics) == ["TF101", "TF201"]
    tf201 = next(d for d in second.diagnostics if d.code == "TF201")
    assert (tf201.range.start.line, tf201.range.start.character) == (2, 4)

    # Two edits in one notification, applied in order: "tf.Session" -> "tf.compat.v1.Session"
    # and "tf.log" -> "tf.math.log".
    change(shared, uri, 3, (rng(1, 10), "compat.v1."), (rng(2, 7), "math."))
    third = await wait_publish(shared, uri, 3)
    assert list(third.diagnostics) == []


@SHARED
async def test_results_carry_the_version_of_their_text(
    shared: LanguageClient, tmp_path: Path
) -> None:
    uri = (await open_and_wait(shared, tmp_path / "a.py", "import tensorflow as tf\n")).uri
    for version in range(2, 6):
        change(shared, uri, version, (rng(version - 1, 0), "s = tf.Session()\n"))
        published = await wait_publish(shared, uri, version)
        # Version n has n - 1 sessions: the diagnostics belong to exactly that text.
        assert codes(published.diagnostics) == ["TF101"] * (version - 1)


async def test_long_debounce_publishes_only_the_last_version(
    client: LanguageClient, tmp_path: Path
) -> None:
    await initialize(client, {"debounce": 2000})
    uri = (await open_and_wait(client, tmp_path / "a.py", SOURCE)).uri  # open is not debounced
    for version in range(2, 6):
        change(client, uri, version, (rng(version, 0), "y = tf.log(x)\n"))
    last = await wait_publish(client, uri, 5)
    assert codes(last.diagnostics) == ["TF101", *["TF201"] * 4]
    assert [p.version for p in publishes(client, uri)] == [1, 5]


async def test_zero_debounce_publishes_every_change(client: LanguageClient, tmp_path: Path) -> None:
    await initialize(client, {"debounce": 0})
    uri = (await open_and_wait(client, tmp_path / "a.py", SOURCE)).uri
    change(client, uri, 2, (rng(2, 0), "y = tf.log(x)\n"))
    await wait_publish(client, uri, 2)
    change(client, uri, 3, (rng(3, 0), "z = tf.log(y)\n"))
    published = await wait_publish(client, uri, 3)
    assert codes(published.diagnostics) == ["TF101", "TF201", "TF201"]


async def test_storm_of_changes_ends_with_the_last_version(
    client: LanguageClient, tmp_path: Path
) -> None:
    await initialize(client, {"debounce": 0})
    uri = (await open_and_wait(client, tmp_path / "a.py", "import tensorflow as tf\n")).uri
    last = 301
    for version in range(2, last + 1):
        # Alternate between a finding and no finding so stale results would show.
        line = "s = tf.Session()\n" if version % 2 else "s = 1\n"
        change(client, uri, version, (rng(version - 1, 0), line))
    # 300 notifications: on a loaded machine (xdist, other work) this takes a while.
    final = await wait_publish(client, uri, last, timeout=4 * TIMEOUT)
    assert codes(final.diagnostics) == ["TF101"] * 150

    seen = publishes(client, uri)
    versions = [p.version for p in seen]
    assert versions == sorted(versions), "an older version was published after a newer one"
    assert versions[-1] == last
    for published in seen:  # every publish describes the text of its own version
        assert published.version is not None
        assert len(published.diagnostics) == (published.version - 1) // 2


@SHARED
async def test_whole_document_change(shared: LanguageClient, tmp_path: Path) -> None:
    uri = (await open_and_wait(shared, tmp_path / "a.py", SOURCE)).uri
    replace_all(shared, uri, 2, "import tensorflow as tf\nx = tf.placeholder(tf.float32)\n")
    published = await wait_publish(shared, uri, 2)
    # The placeholder, and the note that this graph-building library needs its entry points
    # to opt out of TF2 behaviour (TF810).
    assert codes(published.diagnostics) == ["TF102", "TF810"]


@SHARED
async def test_save_publishes(shared: LanguageClient, tmp_path: Path) -> None:
    uri = (await open_and_wait(shared, tmp_path / "a.py", SOURCE)).uri
    before = len(publishes(shared, uri))
    shared.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    published = await wait_publish(shared, uri, 1, after=before)
    assert codes(published.diagnostics) == ["TF101"]


@SHARED
async def test_close_clears_diagnostics(shared: LanguageClient, tmp_path: Path) -> None:
    uri = (await open_and_wait(shared, tmp_path / "a.py", SOURCE)).uri
    assert shared.diagnostics[uri]
    before = len(publishes(shared, uri))
    shared.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    cleared = await wait_publish(shared, uri, after=before)
    assert list(cleared.diagnostics) == []


async def test_close_cancels_a_pending_analysis(client: LanguageClient, tmp_path: Path) -> None:
    await initialize(client, {"debounce": 1000})
    uri = (await open_and_wait(client, tmp_path / "a.py", SOURCE)).uri
    change(client, uri, 2, (rng(2, 0), "y = tf.log(x)\n"))
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    before = len(publishes(client, uri))
    await wait_publish(client, uri, where=lambda p: list(p.diagnostics) == [], after=before - 1)
    # Open another document and wait past the debounce: nothing more arrives for the closed one.
    other = open_document(client, tmp_path / "b.py", SOURCE)
    await wait_publish(client, other, 1)
    change(client, other, 2, (rng(2, 0), "y = 1\n"))
    await wait_publish(client, other, 2)  # > 1 s later: the closed document's timer is gone
    assert list(publishes(client, uri)[-1].diagnostics) == []


async def test_path_with_spaces_and_non_ascii(client: LanguageClient, tmp_path: Path) -> None:
    """URIs arrive percent-encoded; diagnostics must come back for the very same URI."""
    await initialize(client)
    path = tmp_path / "my project" / "données" / "a b.py"
    uri = open_document(client, path, SOURCE)
    assert "%20" in uri
    published = await wait_publish(client, uri, 1)
    assert codes(published.diagnostics) == ["TF101"]
    change(client, uri, 2, (rng(2, 0), "y = tf.log(x)\n"))
    published = await wait_publish(client, uri, 2)
    assert codes(published.diagnostics) == ["TF101", "TF201"]
    # Re-analysis after a settings change publishes for the client's URI too.
    before = len(publishes(client, uri))
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"tf2-lsp": {"debounce": 0, "ignore": ["TF101"]}}
        )
    )
    published = await wait_publish(client, uri, 2, after=before)
    assert codes(published.diagnostics) == ["TF201"]


async def test_default_scheduling_coalesces_a_burst_and_never_publishes_stale_results(
    client: LanguageClient, tmp_path: Path
) -> None:
    # Default settings: no fixed delay. Changes that arrive while an analysis runs are
    # coalesced into one more analysis of the latest text.
    await initialize(client, {})
    body = "import tensorflow as tf\n" + "".join(f"v{i} = tf.log(x)\n" for i in range(3000))
    uri = (await open_and_wait(client, tmp_path / "big.py", body)).uri
    last = 41
    for version in range(2, last + 1):
        # Each change adds one finding: a stale publish would show the wrong count.
        change(client, uri, version, (rng(1, 0), "s = tf.Session()\n"))
    final = await wait_publish(client, uri, last)
    assert codes(final.diagnostics).count("TF101") == last - 1
    versions = [p.version for p in publishes(client, uri)]
    assert versions == sorted(set(versions)), "a version published twice or out of order"
    assert len(versions) - 1 < (last - 1) / 2, (
        f"{len(versions) - 1} publishes for {last - 1} changes"
    )


# What str.splitlines() ends a line at, and LSP does not (only \n, \r\n and \r end lines).
NOT_LINE_BREAKS = ["\x0c", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
async def test_changes_land_where_the_editor_put_them(
    client: LanguageClient, tmp_path: Path, encoding: str
) -> None:
    """A character that str.splitlines() breaks at, before an incremental change, must not
    move the change: the server's text stays the editor's, and so do findings and fix-all."""
    await initialize(client, encodings=[encoding])
    for number, separator in enumerate(NOT_LINE_BREAKS):
        before = f"import tensorflow as tf\n# page{separator}break\nx = 1\né = 'ü😀'; y = 2\n"
        uri = await open_and_wait(client, tmp_path / f"f{number}.py", before)
        line3 = before.split("\n")[3]
        start = column(line3, line3.index("2"), encoding)
        change(client, uri.uri, 2, (rng(3, start, 3, start + 1), "tf.Session()"))
        published = await wait_publish(client, uri.uri, 2)
        text = before.replace("y = 2", "y = tf.Session()")  # the editor's text now
        where = column(line3, line3.index("2"), encoding)
        found = [
            (d.code, d.range.start.line, d.range.start.character) for d in published.diagnostics
        ]
        assert found == [("TF101", 3, where)], repr(separator)
        (action,) = await code_actions(client, uri.uri, rng(0, 0), only=[FIX_ALL_KIND])
        fixed = apply_workspace_edit(text, action.edit, uri.uri, encoding)
        assert fixed == text.replace("tf.Session", "tf.compat.v1.Session"), repr(separator)


@SHARED
async def test_a_position_past_the_end_of_a_line_is_its_end(
    shared: LanguageClient, tmp_path: Path
) -> None:
    uri = (await open_and_wait(shared, tmp_path / "a.py", "import tensorflow as tf\nx = 1")).uri
    change(shared, uri, 2, (rng(1, 99), "\ns = tf.Session()"))  # "x = 1" has 5 characters
    published = await wait_publish(shared, uri, 2)
    assert [(d.code, d.range.start.line) for d in published.diagnostics] == [("TF101", 2)]
    # A line past the last one is the end of the text.
    change(shared, uri, 3, (rng(9, 3), "\nt = tf.Session()\n"))
    published = await wait_publish(shared, uri, 3)
    assert [(d.code, d.range.start.line) for d in published.diagnostics] == [
        ("TF101", 2),
        ("TF101", 3),
    ]
