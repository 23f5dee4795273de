"""How edits travel: plain `changes` for clients without `documentChanges`, and fix-all edits
computed on `codeAction/resolve` for clients that resolve them lazily."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pytest_lsp import LanguageClient

from tests.e2e.conftest import (
    TIMEOUT,
    apply_workspace_edit,
    change,
    code_actions,
    initialize,
    open_and_wait,
    rng,
    wait_publish,
)

TEXT = "import tensorflow as tf\ns = tf.Session()\nt = tf.Session()\ny = tf.log(x)\n"
FIXED = (
    "import tensorflow as tf\ns = tf.compat.v1.Session()\nt = tf.compat.v1.Session()\n"
    "y = tf.math.log(x)\n"
)


async def test_plain_changes_for_clients_without_document_changes(
    client: LanguageClient, tmp_path: Path
) -> None:
    await initialize(client, document_changes=False)
    published = await open_and_wait(client, tmp_path / "a.py", TEXT)
    uri = published.uri
    actions = await code_actions(client, uri, rng(1, 4, 1, 14))
    fix = next(a for a in actions if a.title.startswith("TF101: Replace"))
    assert fix.edit is not None and fix.edit.document_changes is None
    assert fix.edit.changes is not None and list(fix.edit.changes) == [uri]
    assert apply_workspace_edit(TEXT, fix.edit, uri).splitlines()[1] == (
        "s = tf.compat.v1.Session()"
    )


async def test_fix_all_edit_is_resolved_on_demand(client: LanguageClient, tmp_path: Path) -> None:
    await initialize(client, resolve=True)
    published = await open_and_wait(client, tmp_path / "a.py", TEXT)
    uri = published.uri
    actions = await code_actions(client, uri, rng(1, 4, 1, 14))
    lazy = [a for a in actions if "Fix all" in a.title]
    assert {a.title.split(":")[0] for a in lazy} == {"TF101", "tf2-lsp"}
    assert all(a.edit is None for a in lazy)  # computed only when picked
    everything = next(a for a in lazy if a.title.startswith("tf2-lsp"))
    resolved = await asyncio.wait_for(client.code_action_resolve_async(everything), TIMEOUT)
    assert apply_workspace_edit(TEXT, resolved.edit, uri) == FIXED

    # Asked for by kind (fix on save), the edit comes at once.
    on_save = await code_actions(client, uri, rng(0, 0), only=["source.fixAll.tf2-lsp"])
    assert len(on_save) == 1 and on_save[0].edit is not None
    assert apply_workspace_edit(TEXT, on_save[0].edit, uri) == FIXED

    # A resolve for a version the document no longer has returns no (stale) edit.
    change(client, uri, 2, (rng(3, 0, 3, 0), "z = 1\n"))
    await wait_publish(client, uri, version=2)
    stale = await asyncio.wait_for(client.code_action_resolve_async(everything), TIMEOUT)
    assert stale.edit is None
