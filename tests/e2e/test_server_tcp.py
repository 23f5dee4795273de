"""`tf2-lsp serve --tcp HOST:PORT` speaks the same protocol over a socket (loopback only)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def send(sock: socket.socket, message: dict[str, Any]) -> None:
    body = json.dumps(message).encode()
    sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)


def receive(sock: socket.socket, buffer: bytearray) -> dict[str, Any]:
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        assert chunk, "server closed the connection"
        buffer.extend(chunk)
    header, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "server closed the connection"
        rest += chunk
    buffer[:] = rest[length:]
    return json.loads(rest[:length])  # type: ignore[no-any-return]


def until_id(sock: socket.socket, buffer: bytearray, wanted: int) -> dict[str, Any]:
    while True:
        message = receive(sock, buffer)
        if message.get("id") == wanted:
            return message


def test_tcp_initialize_diagnostics_and_shutdown(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(
        [sys.executable, "-m", "tf2_lsp", "serve", "--tcp", f"127.0.0.1:{port}"],
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not listen"
                time.sleep(0.05)
        with sock:
            buffer = bytearray()
            send(
                sock,
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {
                        "processId": None,
                        "rootUri": None,
                        "capabilities": {},
                        "initializationOptions": {"debounce": 0},
                    },
                },
            )
            result = until_id(sock, buffer, 1)["result"]
            assert result["capabilities"]["hoverProvider"]
            send(sock, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
            uri = (tmp_path / "a.py").as_uri()
            send(
                sock,
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didOpen",
                    "params": {
                        "textDocument": {
                            "uri": uri,
                            "languageId": "python",
                            "version": 1,
                            "text": "import tensorflow as tf\nsess = tf.Session()\n",
                        }
                    },
                },
            )
            while True:
                message = receive(sock, buffer)
                if message.get("method") == "textDocument/publishDiagnostics":
                    break
            assert [d["code"] for d in message["params"]["diagnostics"]] == ["TF101"]
            send(sock, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
            assert until_id(sock, buffer, 2)["result"] is None
            send(sock, {"jsonrpc": "2.0", "method": "exit"})
        assert server.wait(timeout=30) == 0
    finally:
        try:
            server.wait(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
