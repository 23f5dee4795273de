"""initialize (capabilities, position encoding), shutdown/exit, and the client process dying."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import REPO, SERVER_COMMAND, SERVER_ENV, initialize


async def test_capabilities(client: LanguageClient) -> None:
    result = await initialize(client)
    caps = result.capabilities
    assert result.server_info is not None and result.server_info.name == "tf2-lsp"

    sync = caps.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert sync.open_close

    assert isinstance(caps.code_action_provider, types.CodeActionOptions)
    kinds = {str(kind) for kind in caps.code_action_provider.code_action_kinds or []}
    assert {"quickfix", "source.fixAll", "source.fixAll.tf2-lsp"} <= kinds

    assert caps.hover_provider
    assert isinstance(caps.diagnostic_provider, types.DiagnosticOptions)
    assert caps.diagnostic_provider.identifier == "tf2-lsp"
    assert caps.diagnostic_provider.inter_file_dependencies is False

    assert caps.position_encoding == types.PositionEncodingKind.Utf16

    notebook = caps.notebook_document_sync
    assert notebook is not None
    selectors = notebook.notebook_selector
    assert any(
        any(cell.language == "python" for cell in (selector.cells or [])) for selector in selectors
    )


@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        (["utf-8", "utf-16"], "utf-8"),
        (["utf-32", "utf-16"], "utf-32"),
        (["utf-16", "utf-8"], "utf-16"),
        ([], "utf-16"),
    ],
)
async def test_position_encoding_negotiated(
    client: LanguageClient, offered: list[str], expected: str
) -> None:
    result = await initialize(client, encodings=offered)
    assert result.capabilities.position_encoding == expected


# -- raw JSON-RPC over the process's pipes (for what pytest-lsp does not expose) ---------------


class Rpc:
    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.next_id = 0
        self.buffer = b""

    def send(self, method: str, params: Any = None, *, request: bool = True) -> int | None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        msg_id = None
        if request:
            self.next_id += 1
            msg_id = message["id"] = self.next_id
        body = json.dumps(message).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return msg_id

    def _read_message(self, deadline: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while True:
            header_end = self.buffer.find(b"\r\n\r\n")
            if header_end >= 0:
                headers = self.buffer[:header_end].decode("ascii").split("\r\n")
                length = next(
                    int(h.split(":")[1]) for h in headers if h.lower().startswith("content-length")
                )
                start = header_end + 4
                if len(self.buffer) >= start + length:
                    body = self.buffer[start : start + length]
                    self.buffer = self.buffer[start + length :]
                    return json.loads(body)  # type: ignore[no-any-return]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail("no answer from the server")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    pytest.fail("the server closed its stdout")
                self.buffer += chunk

    def response(self, msg_id: int | None, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            message = self._read_message(deadline)
            if message.get("id") == msg_id and "method" not in message:
                return message


def initialize_params(process_id: int | None) -> dict[str, Any]:
    return {
        "processId": process_id,
        "rootUri": None,
        "capabilities": {},
        "initializationOptions": {"debounce": 0},
    }


def test_shutdown_and_exit_give_exit_code_0() -> None:
    proc = subprocess.Popen(
        SERVER_COMMAND,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=SERVER_ENV,
        cwd=REPO,
    )
    try:
        rpc = Rpc(proc)
        answer = rpc.response(rpc.send("initialize", initialize_params(os.getpid())))
        assert "capabilities" in answer["result"]
        rpc.send("initialized", {}, request=False)
        answer = rpc.response(rpc.send("shutdown"))
        assert answer.get("result") is None and "error" not in answer
        rpc.send("exit", request=False)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


PARENT = r"""
import subprocess, sys
# The editor stand-in: starts the server on our own stdin/stdout (so the pipes stay open
# in the test when we die), reports its pid, and waits to be killed.
server = subprocess.Popen(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    out.write(str(server.pid))
server.wait()
"""


def test_server_exits_when_the_client_process_dies(tmp_path: Path) -> None:
    pid_file = tmp_path / "server.pid"
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(pid_file), *SERVER_COMMAND],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=SERVER_ENV,
        cwd=REPO,
    )
    server_pid = None
    try:
        deadline = time.monotonic() + 30
        while not pid_file.is_file() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the parent never started the server"
            time.sleep(0.05)
        server_pid = int(pid_file.read_text())

        rpc = Rpc(parent)  # the server talks over the pipes the parent passed on
        answer = rpc.response(rpc.send("initialize", initialize_params(parent.pid)))
        assert "capabilities" in answer["result"]
        rpc.send("initialized", {}, request=False)

        parent.kill()  # no shutdown, no exit: the editor crashed
        parent.wait(timeout=10)
        # The test still holds the pipes, so only the parent watch can end the server
        # (it polls every 2 s); the server is our grandchild and gets reparented.
        deadline = time.monotonic() + 15
        while _alive(server_pid):
            assert time.monotonic() < deadline, "the server outlived its client process"
            time.sleep(0.1)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if server_pid is not None and _alive(server_pid):
            os.kill(server_pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its new parent) counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
