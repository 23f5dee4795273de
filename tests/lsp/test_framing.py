"""LSP framing: every valid message comes through, in order, however the bytes are chunked,
and broken framing costs only the broken message (resynchronised at the next header)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tf2_lsp.lsp.framing import FrameDecoder

FUZZ = settings(max_examples=150, deadline=None)


def frame(message: Any, header: bytes | None = None) -> bytes:
    body = json.dumps(message).encode()
    return (header if header is not None else b"Content-Length: %d\r\n\r\n" % len(body)) + body


def decode(data: bytes, chunk: int = 0) -> list[Any]:
    decoder = FrameDecoder()
    frames = []
    step = chunk or len(data) or 1
    for start in range(0, len(data), step):
        frames += decoder.feed(data[start : start + step])
    return frames


def messages_of(data: bytes, chunk: int = 0) -> list[Any]:
    return [f.message for f in decode(data, chunk) if f.message is not None]


HOVER = {"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {"x": "é\r\n"}}
NEXT = {"jsonrpc": "2.0", "id": 2, "method": "shutdown"}
BODY = json.dumps(HOVER).encode()


def test_header_variants_editors_send_are_accepted() -> None:
    for header in (
        b"content-length: %d\r\n\r\n",
        b"CONTENT-LENGTH: %d\r\n\r\n",
        b"Content-Length: %d\n\n",
        b"Content-Length:%d\r\n\r\n",
        b"Content-Length:   %d  \r\n\r\n",
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: %d\r\n\r\n",
    ):
        frames = decode(frame(HOVER, header % len(BODY)) + frame(NEXT))
        assert [f.message for f in frames] == [HOVER, NEXT], header
        assert all(f.problem is None for f in frames)


def test_broken_framing_costs_only_the_broken_message() -> None:
    n = len(BODY)
    broken = {
        "body longer than its length": frame(HOVER, b"Content-Length: %d\r\n\r\n" % (n - 9)),
        "body shorter than its length": frame(HOVER, b"Content-Length: %d\r\n\r\n" % (n + 40)),
        "no Content-Length": frame(HOVER, b"Content-Type: x\r\n\r\n"),
        "no header at all": BODY,
        "negative length": frame(HOVER, b"Content-Length: -5\r\n\r\n"),
        "huge length": frame(HOVER, b"Content-Length: 99999999999999999999\r\n\r\n"),
        "not a number": frame(HOVER, b"Content-Length: abc\r\n\r\n"),
        "header end lost": frame(HOVER, b"Content-Length: %d\r\r" % n),
        "garbage": b"\x00\xff not a header\r\n",
    }
    for name, data in broken.items():
        for chunk in (0, 1, 7):
            frames = decode(data + frame(NEXT), chunk)
            assert frames[-1].message == NEXT, (name, chunk)
            assert any(f.problem for f in frames), (name, chunk)


def test_a_body_that_is_not_json_is_answered_with_its_id_when_readable() -> None:
    deep = b'{"jsonrpc": "2.0", "id": 7, "method": "x", "params": ' + b"[" * 50_000
    [bad] = decode(b"Content-Length: %d\r\n\r\n" % len(deep) + deep)
    assert bad.answer and bad.answer_id == 7 and bad.message is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@FUZZ
@given(st.lists(json_values, min_size=1, max_size=6), st.integers(min_value=0, max_value=40))
def test_valid_messages_come_through_in_order_however_chunked(
    messages: list[Any], chunk: int
) -> None:
    data = b"".join(frame(m) for m in messages)
    frames = decode(data, chunk)
    assert [f.message for f in frames] == messages
    assert all(f.problem is None for f in frames)


@FUZZ
@given(st.binary(max_size=200), st.integers(min_value=0, max_value=40))
def test_after_any_garbage_the_stream_recovers(garbage: bytes, chunk: int) -> None:
    # Whatever precedes them, of two valid messages at least the second comes through.
    frames = decode(garbage + frame(HOVER) + frame(NEXT), chunk)
    assert frames and frames[-1].message == NEXT
