"""Nothing heavy runs on the event loop: a request for a version not analysed yet waits for
the worker's analysis, and requests on other documents are answered meanwhile."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pytest_lsp import LanguageClient

from .conftest import TIMEOUT, hover, hover_text, initialize, open_and_wait, open_document

SMALL = "import tensorflow as tf\nsess = tf.Session()\n"
# 10,000 findings: a second or more of analysis on these machines.
LARGE = "import tensorflow as tf\n" + "".join(f"v{i} = tf.log(x{i})\n" for i in range(10_000))


async def test_a_small_document_is_answered_while_a_large_one_is_analysed(
    client: LanguageClient, tmp_path: Path
) -> None:
    await initialize(client)
    small = (await open_and_wait(client, tmp_path / "small.py", SMALL)).uri
    assert await hover(client, small, 1, 10) is not None  # warm: libcst and the catalogue
    large = open_document(client, tmp_path / "large.py", LARGE)
    answered: list[str] = []

    async def ask(uri: str, line: int, character: int) -> str:
        text = hover_text(await hover(client, uri, line, character))
        answered.append(uri)
        return text

    # The large document's first version is not analysed yet: its hover waits for the worker
    # (before, it analysed on the event loop and every other request waited behind it).
    on_large = asyncio.ensure_future(ask(large, 9_000, 8))
    await asyncio.sleep(0.05)
    on_small = asyncio.ensure_future(ask(small, 1, 10))
    texts = await asyncio.wait_for(asyncio.gather(on_large, on_small), 4 * TIMEOUT)
    assert "TF201" in texts[0] and "TF101" in texts[1]
    assert answered == [small, large], "the small document waited for the large one"
