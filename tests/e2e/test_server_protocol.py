"""Every request gets an answer, and broken framing is survived: raw bytes over real stdio."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
URI = "file:///tmp/tf2-lsp-protocol-test.py"


def frame(message: Any, header: bytes | None = None) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return (header if header is not None else b"Content-Length: %d\r\n\r\n" % len(body)) + body


def request(msg_id: Any, method: Any, params: Any = None) -> dict[str, Any]:
    message = {"jsonrpc": "2.0", "id": msg_id, "method": method}
    if params is not None:
        message["params"] = params
    return message


def hover(msg_id: Any, line: Any = 0, character: Any = 0) -> dict[str, Any]:
    position = {"line": line, "character": character}
    return request(
        msg_id, "textDocument/hover", {"textDocument": {"uri": URI}, "position": position}
    )


INITIALIZE = frame(request(0, "initialize", {"processId": None, "capabilities": {}})) + frame(
    {"jsonrpc": "2.0", "method": "initialized", "params": {}}
)


class RawClient:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tf2_lsp", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.received: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        stream = self.process.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                byte = stream.read(1)
                if not byte:
                    return
                header += byte
            length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
            self.received.append(json.loads(stream.read(length)))

    def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def answer(self, msg_id: Any, timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in list(self.received):
                if "method" not in message and message.get("id") == msg_id:
                    return message
            time.sleep(0.02)
        pytest.fail(f"no answer to id {msg_id!r}")

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def client() -> Any:
    raw = RawClient()
    yield raw
    raw.close()


def test_invalid_requests_are_answered_and_the_server_keeps_serving(client: RawClient) -> None:
    client.send(INITIALIZE)
    client.answer(0)
    cases = [
        (frame(hover(1, -1)), 1, -32602),
        (frame(hover(2, 2**31)), 2, -32602),
        (frame(request(3, "textDocument/hover", "x")), 3, -32602),
        (frame(request(4, "codeAction/resolve", {"kind": "quickfix"})), 4, -32602),
        (frame(request(5, "$/unknownThing")), 5, -32601),
        (frame(request(6, 5, {})), 6, -32600),
        (frame(hover({"a": 1})), None, -32600),
        (frame(b"{not json"), None, -32700),
    ]
    for data, msg_id, code in cases:
        client.send(data)
        assert client.answer(msg_id)["error"]["code"] == code, data
        client.received.clear()
    client.send(frame(hover(99)))
    assert "result" in client.answer(99)


def test_errors_for_an_unreadable_id_carry_a_null_id(client: RawClient) -> None:
    """JSON-RPC: "If there was an error in detecting the id in the Request object (e.g. Parse
    error/Invalid Request), it MUST be Null": present, and null."""
    client.send(INITIALIZE)
    client.answer(0)
    for data in (
        frame(hover({"a": 1})),
        frame(hover([1])),
        frame(b"{not json"),
        frame({"jsonrpc": "1.0", "id": True, "method": "textDocument/hover"}),
        frame([request(1, "shutdown")]),
    ):
        client.send(data)
        reply = client.answer(None)
        assert "id" in reply and reply["id"] is None, (data, reply)
        assert reply["jsonrpc"] == "2.0" and "error" in reply and "result" not in reply
        client.received.clear()


def test_broken_framing_is_survived(client: RawClient) -> None:
    client.send(INITIALIZE)
    client.answer(0)
    body = json.dumps(hover(1)).encode()
    for header in (
        b"Content-Length: %d\r\n\r\n" % (len(body) + 40),  # shorter than announced
        b"Content-Length: %d\r\n\r\n" % (len(body) - 5),  # longer than announced
        b"Content-Length: -5\r\n\r\n",
        b"Content-Type: x\r\n\r\n",  # no length at all
        b"Content-Length: 99999999999999999999\r\n\r\n",
    ):
        client.send(header + body + frame(hover(2)))
        client.answer(2)
        client.received.clear()
    client.send(frame(hover(3), b"content-length: %d\n\n" % len(json.dumps(hover(3)))))
    assert "result" in client.answer(3)


def test_lifecycle_errors_and_exit_status(client: RawClient) -> None:
    client.send(frame(hover(1)))
    assert client.answer(1)["error"]["code"] == -32002  # before initialize
    client.send(INITIALIZE)
    client.answer(0)
    client.send(frame(request(2, "shutdown")))
    client.answer(2)
    client.send(frame(hover(3)))
    assert client.answer(3)["error"]["code"] == -32600  # after shutdown
    client.send(frame({"jsonrpc": "2.0", "method": "exit"}))
    assert client.process.wait(20) == 0


def test_shutdown_and_exit_with_null_params_end_cleanly(client: RawClient) -> None:
    # Emacs's jsonrpc.el (eglot) sends `"params": null` for requests without parameters.
    client.send(INITIALIZE)
    client.answer(0)
    client.send(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None}))
    answer = client.answer(2)
    assert "error" not in answer and answer["result"] is None
    client.send(frame({"jsonrpc": "2.0", "method": "exit", "params": None}))
    assert client.process.wait(20) == 0


def test_exit_without_shutdown_exits_1(client: RawClient) -> None:
    client.send(INITIALIZE)
    client.answer(0)
    client.send(frame({"jsonrpc": "2.0", "method": "exit"}))
    assert client.process.wait(20) == 1


def test_a_client_process_id_the_server_cannot_see_is_not_watched(client: RawClient) -> None:
    # A client in another container sends its own pid, which does not exist here.
    params = {"processId": 2**22 + 12345, "capabilities": {}}
    client.send(frame(request(0, "initialize", params)))
    assert "result" in client.answer(0)
    time.sleep(3)  # longer than the watchdog's poll interval
    client.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    client.send(frame(hover(1)))
    assert "result" in client.answer(1)


def test_tcp_serves_one_client_and_turns_a_second_away() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "tf2_lsp", "serve", "--tcp", f"127.0.0.1:{port}"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                first = socket.create_connection(("127.0.0.1", port), timeout=20)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.1)
        text = "import tensorflow as tf\nsecret = tf.Session()\n"
        opened = {"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": text}}
        first.sendall(
            INITIALIZE
            + frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": opened})
        )
        with socket.create_connection(("127.0.0.1", port), timeout=20) as second:
            second.sendall(INITIALIZE + frame(hover(5, 1, 12)))
            seen = b""
            while chunk := second.recv(65536):
                seen += chunk
        # The second client is told the server is busy, and sees nothing of the first one's.
        assert b"window/showMessage" in seen and b"another one is connected" in seen
        assert b"secret" not in seen and b"Session" not in seen and b'"id": 5' not in seen
        first.sendall(frame(hover(7, 1, 12)))
        received = b""
        while b'"id": 7' not in received:
            chunk = first.recv(65536)
            assert chunk, "the first client lost its connection"
            received += chunk
        first.close()
        assert server.wait(30) == 0  # its client left: the server ends, as documented
    finally:
        server.kill()
        server.wait()


def test_a_project_that_turns_on_unsafe_fixes_is_named_to_the_user(
    client: RawClient, tmp_path: Path
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.tf2-lsp]\nunsafe-fixes = true\n")
    source = tmp_path / "model.py"
    source.write_text("import tensorflow as tf\nx = tf.Session()\n")
    client.send(INITIALIZE)
    client.answer(0)
    opened = {
        "textDocument": {
            "uri": source.as_uri(),
            "languageId": "python",
            "version": 1,
            "text": source.read_text(),
        }
    }
    client.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": opened}))
    deadline = time.monotonic() + 20
    shown: list[str] = []
    while time.monotonic() < deadline and not shown:
        shown = [
            m["params"]["message"]
            for m in list(client.received)
            if m.get("method") == "window/showMessage" and "unsafe" in m["params"]["message"]
        ]
        time.sleep(0.05)
    assert len(shown) == 1 and str(pyproject) in shown[0]
