"""Serve one LSP client over stdio or TCP, through our framing and request checks.

pygls's own loops stop reading for good on broken framing and leave some requests without an
answer; these replace them (`framing.FrameDecoder`, `protocol.Tf2Protocol.receive`). The
server's exit status is the one `exit` asks for: 0 after `shutdown`, 1 without.

TCP serves one client, for one local user: a second connection while the first is open is
told so and closed, and the server exits when its client disconnects (as with stdio).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
import threading
from collections.abc import Awaitable, Callable

from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer

from tf2_lsp.lsp.framing import FrameDecoder
from tf2_lsp.lsp.protocol import Tf2Protocol

log = logging.getLogger("tf2-lsp")
READ_SIZE = 65536
BUSY = "tf2-lsp serves one client at a time and another one is connected; start another server"


async def _pump(read: Callable[[], Awaitable[bytes]], server: LanguageServer) -> None:
    protocol = server.protocol
    assert isinstance(protocol, Tf2Protocol)
    decoder = FrameDecoder()
    stop = server._stop_event
    while stop is None or not stop.is_set():
        data = await read()
        if not data:
            log.info("the client closed the connection")
            return
        for frame in decoder.feed(data):
            try:
                protocol.receive(frame)
            except Exception:  # a bug of ours must not end the session
                log.exception("internal error while handling a message")


def _exit_status(error: SystemExit) -> int:
    return error.code if isinstance(error.code, int) else 0


def serve_stdio(server: LanguageServer) -> int:
    server._stop_event = threading.Event()
    server.protocol.set_writer(StdoutWriter(sys.stdout.buffer))
    stdin = sys.stdin.buffer.fileno()

    async def main() -> None:
        loop = asyncio.get_running_loop()

        async def read() -> bytes:
            return await loop.run_in_executor(server.thread_pool, os.read, stdin, READ_SIZE)

        await _pump(read, server)

    try:
        asyncio.run(main())
    except SystemExit as error:  # `exit`
        return _exit_status(error)
    except (BrokenPipeError, KeyboardInterrupt):
        log.info("the client went away")
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]
    return 0


def _busy_message() -> bytes:
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "window/showMessage",
            "params": {"type": 1, "message": BUSY},
        }
    ).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def serve_tcp(server: LanguageServer, host: str, port: int) -> int:
    """Listen on host:port (raises OSError if it cannot); serve the first client only."""
    server._stop_event = threading.Event()
    status = 0

    async def main() -> None:
        nonlocal status
        done = asyncio.Event()
        connected = False

        async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal connected, status
            if connected:
                log.warning("refused a second client: %s", writer.get_extra_info("peername"))
                writer.write(_busy_message())
                await writer.drain()
                if writer.can_write_eof():
                    writer.write_eof()
                # Read what it sent before closing: closing with unread data resets the
                # connection, and the client might lose the message.
                with contextlib.suppress(asyncio.TimeoutError, ConnectionError):
                    while await asyncio.wait_for(reader.read(READ_SIZE), 2):
                        pass
                writer.close()
                return
            connected = True
            server.protocol.set_writer(writer)
            try:
                await _pump(lambda: reader.read(READ_SIZE), server)
            except SystemExit as error:
                status = _exit_status(error)
            except ConnectionError:
                log.info("the client's connection broke")
            finally:
                done.set()

        listener = await asyncio.start_server(client, host, port)
        addresses = ", ".join(str(s.getsockname()) for s in listener.sockets)
        log.info("listening on %s", addresses)
        async with listener:
            await done.wait()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]
    return status
