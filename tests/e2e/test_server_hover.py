"""Hover: rule docs plus a preview of the fix of the very call under the cursor."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_lsp import LanguageClient

from .conftest import SHARED, column, hover, hover_text, initialize, open_and_wait

DROPOUT = (
    "import tensorflow as tf\n"
    "h = tf.nn.dropout(h, keep)\n"
    "g = tf.nn.dropout(g, 0.75, name='second')\n"
    "tf.compat.v1.logging.info('hi')\n"
    "\n"
    "value = 1\n"
)


@SHARED
async def test_hover_on_flagged_call(shared: LanguageClient, tmp_path: Path) -> None:
    published = await open_and_wait(shared, tmp_path / "a.py", DROPOUT)
    uri = published.uri
    first = next(d for d in published.diagnostics if d.range.start.line == 1)

    result = await hover(shared, uri, 1, 22)  # inside `keep`, the argument that changed
    text = hover_text(result)
    assert result is not None and result.range == first.range
    assert "TF214" in text
    for section in ("**TF1:**", "**TF2:**", "**Migrate:**"):
        assert section in text
    assert "keep_prob" in text  # how TF1 behaved
    # A preview of THIS call's rewrite, not the rule's generic example.
    assert "h = tf.nn.dropout(h, rate=1 - keep)" in text
    assert "0.75" not in text
    assert "[Migration guide](https://" in text
    # The rewrite already is idiomatic TF2: no claim that it only keeps TF1 semantics.
    assert "keeps TF1 semantics" not in text

    second = hover_text(await hover(shared, uri, 2, 22))
    assert "g = tf.nn.dropout(g, rate=0.25, name='second')" in second
    assert "name='second'" in second
    assert "h = tf.nn.dropout" not in second


@SHARED
async def test_hover_at_the_edges_of_a_symbol(shared: LanguageClient, tmp_path: Path) -> None:
    uri = (await open_and_wait(shared, tmp_path / "a.py", DROPOUT)).uri
    assert await hover(shared, uri, 1, 21) is not None  # first character of `keep`
    assert await hover(shared, uri, 1, 20) is None  # the space before it


@SHARED
async def test_hover_on_compat_v1_with_an_idiomatic_form(
    shared: LanguageClient, tmp_path: Path
) -> None:
    published = await open_and_wait(shared, tmp_path / "a.py", DROPOUT)
    # Not a diagnostic at the compat level: tf.compat.v1 code works ...
    assert not [d for d in published.diagnostics if d.range.start.line == 3]
    # ... but hover says what its idiomatic TF2 form is.
    text = hover_text(await hover(shared, published.uri, 3, 16))
    assert "TF311" in text
    assert "absl" in text
    assert "logging.info('hi')" in text


@SHARED
@pytest.mark.parametrize(("line", "character"), [(5, 2), (4, 0), (0, 3), (0, 30), (1, 0)])
async def test_no_hover_elsewhere(
    shared: LanguageClient, tmp_path: Path, line: int, character: int
) -> None:
    uri = (await open_and_wait(shared, tmp_path / "a.py", DROPOUT)).uri
    assert await hover(shared, uri, line, character) is None


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
async def test_hover_after_non_ascii_text(
    client: LanguageClient, tmp_path: Path, encoding: str
) -> None:
    await initialize(client, encodings=[encoding])
    text = 'import tensorflow as tf\ny = ("🙂🙂", tf.log(x)); s = "日本語"\n'
    published = await open_and_wait(client, tmp_path / "a.py", text)
    (diagnostic,) = published.diagnostics
    line = text.splitlines()[1]
    start = line.index("tf.log")
    assert diagnostic.range.start.character == column(line, start, encoding)
    # On the last character of `tf.log`, counted in the client's units.
    result = await hover(client, published.uri, 1, column(line, start + 5, encoding))
    assert "tf.math.log(x)" in hover_text(result)
    assert result is not None and result.range == diagnostic.range
    # Just past the emoji: not on the symbol.
    assert await hover(client, published.uri, 1, column(line, start - 2, encoding)) is None


async def test_hover_respects_the_level(client: LanguageClient, tmp_path: Path) -> None:
    await initialize(client, {"debounce": 0, "level": "native"})
    text = "import tensorflow as tf\nf = tf.gfile.FastGFile(path)\n"
    uri = (await open_and_wait(client, tmp_path / "a.py", text)).uri
    result = hover_text(await hover(client, uri, 1, 8))
    assert "TF302" in result
    assert "tf.io.gfile.GFile(path)" in result
    assert "native, unsafe" in result
