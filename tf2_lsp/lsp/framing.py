"""Split the byte stream of an LSP connection into messages, and survive broken framing.

A message is `Content-Length: N` (plus optional other headers), an empty line and N bytes of
JSON. Editors and proxies get this wrong in the field: lower-case header names, LF-only line
ends, a body longer or shorter than its Content-Length, a negative or absurd length, bytes
between messages. The decoder accepts what is unambiguous (header names are case-insensitive,
LF line ends) and otherwise reports the problem and resynchronises at the next
`Content-Length:` header: that text cannot occur inside a JSON message followed by a raw line
end (JSON strings cannot hold a raw line break, and it is no JSON token), so wherever it
appears it starts a new message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

MAX_BODY = 256 * 1024 * 1024  # an LSP message larger than this is a framing error
MAX_HEADER = 8 * 1024  # a header block that does not end within this many bytes is garbage
_HEADER_START = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
# A complete Content-Length line: proof that a new message starts here.
_NEW_MESSAGE = re.compile(rb"content-length[ \t]*:[ \t]*\d+[ \t]*\r?\n", re.IGNORECASE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# Header lines right before a Content-Length line belong to its block.
_OTHER_HEADERS = re.compile(rb"(?:(?<=\n)|^)(?:[A-Za-z][A-Za-z0-9-]*[ \t]*:[^\r\n]*\r?\n)+\Z")
_SHALLOW_ID = re.compile(rb'\s*\{[^\[\{]*?"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")')
_LENGTH = re.compile(rb"[ \t]*(\d+)[ \t]*")


@dataclass(frozen=True, slots=True)
class Frame:
    """One message's JSON (`message`), or why the bytes were not one (`problem`).

    `answer` is true when the problem must be answered with a JSON-RPC error (a body that
    is not JSON: -32700 with a null id); skipped framing bytes are only logged.
    """

    message: Any = None
    problem: str | None = None
    answer: bool = False
    answer_id: int | str | None = None  # the request's id, when it could still be read


class FrameDecoder:
    def __init__(self, max_body: int = MAX_BODY) -> None:
        self.max_body = max_body
        self.buffer = bytearray()
        self.length: int | None = None  # the body length being read, after its headers
        self.scanned = 0  # how much of the current partial body was searched for a header
        self.skipped = 0  # bytes dropped since the last message, reported at the next one
        self.junk = False  # whether any of them was more than blank lines and NULs

    def feed(self, data: bytes) -> list[Frame]:
        """The frames completed by `data` (possibly none)."""
        self.buffer += data
        frames: list[Frame] = []
        while True:
            frame = self._headers() if self.length is None else self._body(self.length)
            if frame is None:
                return frames
            frames.append(frame)

    def _headers(self) -> Frame | None:
        start = _HEADER_START.search(self.buffer)
        if start is not None:
            # Other headers (Content-Type) may come first: the block starts with them.
            before = _OTHER_HEADERS.search(self.buffer, 0, start.start())
            cut = before.start() if before is not None else start.start()
        else:
            # No header in sight: keep only a tail that may be one still arriving.
            cut = max(0, len(self.buffer) - MAX_HEADER)
        if cut:
            dropped = self.buffer[:cut]
            self.skipped += cut
            # Blank lines or NULs between messages are harmless; anything else is reported.
            self.junk = self.junk or bool(dropped.strip(b"\r\n\t \x00"))
            del self.buffer[:cut]
        if start is None:
            return None
        if self.skipped:
            skipped, junk = self.skipped, self.junk
            self.skipped, self.junk = 0, False
            if junk:
                return Frame(problem=f"skipped {skipped} byte(s) that are not part of a message")
        end = _HEADER_END.search(self.buffer)
        # A block holding a second Content-Length lost its own end: it is broken, and the
        # second one starts the next message.
        first = _HEADER_START.search(self.buffer)
        assert first is not None
        second = _HEADER_START.search(
            self.buffer, first.end(), end.start() if end is not None else len(self.buffer)
        )
        if second is not None and _NEW_MESSAGE.match(self.buffer, second.start()):
            broken = bytes(self.buffer[: second.start()])
            del self.buffer[: second.start()]
            return Frame(problem=f"header block without its empty line: {broken[:80]!r}")
        if end is None:
            if len(self.buffer) > MAX_HEADER:
                broken = bytes(self.buffer[:80])
                del self.buffer[: first.end()]  # resynchronise after this header's name
                return Frame(problem=f"header block too long: {broken!r}")
            return None
        block = bytes(self.buffer[: end.start()])
        del self.buffer[: end.end()]
        length, problem = _content_length(block, self.max_body)
        if problem is not None:
            return Frame(problem=problem)  # its body, if any, is dropped as bytes to skip
        assert length is not None
        self.length = length
        self.scanned = 0
        return self._body(length)

    def _body(self, length: int) -> Frame | None:
        # A new message's header inside the body: the sender's length was too large.
        limit = min(len(self.buffer), length)
        cut = _NEW_MESSAGE.search(self.buffer, max(0, self.scanned - 64), limit + 64)
        if cut is not None and cut.start() < length:
            body = bytes(self.buffer[: cut.start()])
            del self.buffer[: cut.start()]
            self.length = None
            return _parse(body, f"message shorter than its Content-Length ({length})")
        if len(self.buffer) < length:
            self.scanned = len(self.buffer)
            return None
        body = bytes(self.buffer[:length])
        del self.buffer[:length]
        self.length = None
        return _parse(body, None)


def _content_length(block: bytes, max_body: int) -> tuple[int | None, str | None]:
    lengths = []
    for line in re.split(rb"\r?\n", block):
        name, colon, value = line.partition(b":")
        if not colon or not name.strip() or b" " in name.strip():
            return None, f"not a header line: {line[:80]!r}"
        if name.strip().lower() == b"content-length":
            match = _LENGTH.fullmatch(value)
            if match is None:
                return None, f"Content-Length is not a number: {value.strip()[:40]!r}"
            lengths.append(int(match.group(1)))
    if not lengths:
        return None, "headers without Content-Length"
    if len(set(lengths)) > 1:
        return None, f"conflicting Content-Length headers: {lengths}"
    if lengths[0] > max_body:
        return None, f"Content-Length {lengths[0]} is over the limit of {max_body} bytes"
    return lengths[0], None


def _parse(body: bytes, problem: str | None) -> Frame:
    try:
        message = json.loads(body)
    except RecursionError:
        # Too deep for json: answer the request still, if its id comes before any nesting.
        found = _SHALLOW_ID.match(body)
        answer_id = json.loads(found.group(1)) if found else None
        return Frame(problem="message nested too deeply", answer=True, answer_id=answer_id)
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError
        reason = f"{problem}; " if problem else ""
        return Frame(problem=f"{reason}not a JSON message ({error})", answer=True)
    if problem is not None:
        return Frame(message=message, problem=problem)
    return Frame(message=message)
