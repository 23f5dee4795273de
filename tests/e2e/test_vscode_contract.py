"""Contract between the VS Code extension and the server.

``vscode-client/dist/cli.js`` computes the server command and the
initializationOptions with the extension's own modules (serverCommand.ts,
settings.ts). This test starts the server with exactly that command over stdio,
initializes it with exactly those options, opens a TF1 file and expects a TF101
diagnostic from ``tf2-lsp``.

Needs ``node`` and a built client (``cd vscode-client && npm ci && npm run build``).
Outside CI a missing build skips the test; under CI (``CI`` set) it fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "vscode-client" / "dist" / "cli.js"
UNDER_CI = bool(os.environ.get("CI"))
TIMEOUT = 60.0

# fromEnvironment: this checkout's server, even when vscode-client/bundled/ holds a bundle.
SETTINGS = {
    "tf2-lsp.importStrategy": "fromEnvironment",
    "tf2-lsp.interpreter": sys.executable,
    "tf2-lsp.level": "compat",
    "tf2-lsp.select": ["TF101"],
}

SOURCE = "import tensorflow as tf\nsess = tf.Session()\n"

# The server runs this checkout's tf2_lsp, installed or not.
SERVER_ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p),
}

# A command that starts and exits at once, for when the contract could not be computed
# (the fixture then fails with the reason before sending anything).
_PLACEHOLDER = [sys.executable, "-c", "pass"]


def _contract() -> tuple[list[str], dict[str, Any], str | None]:
    """(command, initializationOptions, error) as computed by the extension's CLI."""
    node = shutil.which("node")
    if node is None:
        return _PLACEHOLDER, {}, "node is not on PATH"
    if not CLI.is_file():
        return _PLACEHOLDER, {}, f"{CLI} is missing (cd vscode-client && npm ci && npm run build)"
    proc = subprocess.run(
        [node, str(CLI), "--workspace", str(REPO)],
        input=json.dumps(SETTINGS),
        capture_output=True,
        text=True,
        cwd=REPO,
        env=SERVER_ENV,
        timeout=60,
        check=False,
    )
    if proc.returncode != 0:
        return _PLACEHOLDER, {}, f"{CLI} exited {proc.returncode}: {proc.stderr.strip()}"
    try:
        out = json.loads(proc.stdout)
        command, options = out["command"], out["initializationOptions"]
    except (ValueError, KeyError, TypeError) as exc:
        return _PLACEHOLDER, {}, f"{CLI} printed unexpected output {proc.stdout!r}: {exc}"
    return command, options, None


COMMAND, INIT_OPTIONS, CONTRACT_ERROR = _contract()

pytestmark = pytest.mark.skipif(
    not CLI.is_file() and not UNDER_CI,
    reason=f"VS Code client not built ({CLI} missing): `npm ci && npm run build` in vscode-client/",
)


def test_cli_contract_shape() -> None:
    """The CLI maps the settings as the extension does (no server needed)."""
    if CONTRACT_ERROR is not None:
        pytest.fail(CONTRACT_ERROR)
    command, options = COMMAND, INIT_OPTIONS
    assert command == [sys.executable, "-m", "tf2_lsp", "serve"]
    assert options == {"level": "compat", "select": ["TF101"]}


@pytest_lsp.fixture(  # type: ignore[untyped-decorator]
    config=ClientServerConfig(server_command=COMMAND, server_env=SERVER_ENV),
    scope="function",
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    if CONTRACT_ERROR is not None:
        pytest.fail(CONTRACT_ERROR)
    await asyncio.wait_for(
        lsp_client.initialize_session(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    text_document=types.TextDocumentClientCapabilities(
                        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(),
                    ),
                ),
                root_uri=REPO.as_uri(),
                initialization_options=INIT_OPTIONS,
            )
        ),
        TIMEOUT,
    )
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), TIMEOUT)


async def test_tf101_reported_with_extension_command_and_options(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "legacy.py"
    path.write_text(SOURCE)
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=SOURCE
            )
        )
    )

    def tf101() -> list[types.Diagnostic]:
        return [
            d
            for d in client.diagnostics.get(uri, [])
            if d.code == "TF101" and d.source == "tf2-lsp"
        ]

    async def wait_for_tf101() -> None:
        # The first publish may be empty (debounce); keep waiting for one with TF101.
        while not tf101():
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    try:
        await asyncio.wait_for(wait_for_tf101(), TIMEOUT)
    except asyncio.TimeoutError:
        pytest.fail(
            f"no TF101 diagnostic from tf2-lsp within {TIMEOUT}s; got {client.diagnostics!r}"
        )

    (diagnostic,) = tf101()
    assert diagnostic.range.start.line == 1
