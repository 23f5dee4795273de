"""Every request gets an answer: JSON-RPC and LSP checks in front of pygls's dispatch.

pygls drops some malformed messages without a reply (params it cannot structure, an `id` of
the wrong type, requests after `shutdown`), and the client then waits forever. Here every
message is judged first (`judge`, a pure function): a request is answered with an error when
it cannot be served; a notification that cannot be served is logged and dropped (JSON-RPC
forbids answering notifications). Only messages that pass reach pygls.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage

from tf2_lsp.lsp.framing import Frame

log = logging.getLogger("tf2-lsp")

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
SERVER_NOT_INITIALIZED = -32002
INT32 = range(-(2**31), 2**31)  # LSP's `integer`


@dataclass(frozen=True, slots=True)
class RawResult:
    """A request's result already serialized as JSON (UTF-8)."""

    json: bytes


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do with one message: `serve` it, or answer `code` (requests) / log (others)."""

    serve: bool
    request: bool = False
    id: int | str | None = None
    code: int = 0
    reason: str = ""


SERVE_REQUEST = Verdict(serve=True, request=True)
SERVE_OTHER = Verdict(serve=True)


def _valid_id(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or isinstance(value, str)


def judge(message: Any, *, initialized: bool, shut_down: bool) -> Verdict:
    """The verdict on one decoded JSON message, given the session's lifecycle state."""
    if not isinstance(message, dict):
        kind = "a batch (array)" if isinstance(message, list) else type(message).__name__
        reason = f"a message must be an object, not {kind}"
        return Verdict(False, True, None, INVALID_REQUEST, reason)
    has_id = "id" in message
    msg_id = message.get("id")
    answer_id = msg_id if _valid_id(msg_id) else None
    method = message.get("method")
    if message.get("jsonrpc") != "2.0":
        return Verdict(False, has_id, answer_id, INVALID_REQUEST, 'jsonrpc must be "2.0"')
    if "method" not in message:
        if has_id and _valid_id(msg_id) and ("result" in message or "error" in message):
            return SERVE_OTHER  # a response to a request of ours
        return Verdict(False, has_id, answer_id, INVALID_REQUEST, "a message needs a method")
    if not isinstance(method, str):
        return Verdict(False, has_id, answer_id, INVALID_REQUEST, "method must be a string")
    if has_id and not _valid_id(msg_id):
        return Verdict(False, True, None, INVALID_REQUEST, "id must be an integer or a string")
    params = message.get("params")
    # `"params": null` is how some clients (Emacs's jsonrpc.el among them) spell "no params"
    # for shutdown and exit; the method's own params type then decides whether that is valid.
    if params is not None and not isinstance(params, dict | list):
        if has_id:
            return Verdict(False, True, msg_id, INVALID_PARAMS, "params must be an object or array")
        if method != types.EXIT:
            return Verdict(False, reason=f"{method}: params must be an object or array")
    if not has_id:
        if method == types.EXIT:
            return SERVE_OTHER
        if shut_down:
            return Verdict(False, reason=f"{method} after shutdown: ignored")
        if not initialized and method != types.INITIALIZED:
            return Verdict(False, reason=f"{method} before initialize: ignored")
        return SERVE_OTHER
    if shut_down:
        return Verdict(False, True, msg_id, INVALID_REQUEST, "the server is shutting down")
    if not initialized and method != types.INITIALIZE:
        return Verdict(False, True, msg_id, SERVER_NOT_INITIALIZED, "initialize first")
    if initialized and method == types.INITIALIZE:
        return Verdict(False, True, msg_id, INVALID_REQUEST, "initialize was already received")
    return SERVE_REQUEST


class Tf2Protocol(LanguageServerProtocol):
    """pygls's protocol, fed by our framing (`receive`) and guarded by `judge`."""

    initialize_received = False

    def receive(self, frame: Frame) -> None:
        if frame.problem is not None:
            log.warning("%s", frame.problem)
        if frame.answer:
            self.answer_error(frame.answer_id, PARSE_ERROR, frame.problem or "parse error")
        if frame.message is None:
            return
        message = frame.message
        verdict = judge(message, initialized=self.initialize_received, shut_down=self._shutdown)
        if not verdict.serve:
            if verdict.request:
                self.answer_error(verdict.id, verdict.code, verdict.reason)
            else:
                log.warning("message dropped: %s", verdict.reason)
            return
        method = message.get("method")
        if verdict.request and not self._serves(method):
            self.answer_error(message["id"], METHOD_NOT_FOUND, f"unknown method {method!r}")
            return
        structured = self._structure(message, verdict)
        if structured is None:
            return
        if verdict.request and message["method"] == types.INITIALIZE:
            self.initialize_received = True
        self.handle_message(structured)

    def _send_response(
        self, msg_id: Any, result: Any | None = None, error: types.ResponseError | None = None
    ) -> None:
        """pygls's reply, or one whose result is already JSON (`RawResult`, made in a worker
        thread): only the envelope is written here."""
        if error is not None or not isinstance(result, RawResult):
            super()._send_response(msg_id, result, error)
            return
        self._result_types.pop(msg_id, None)
        envelope = b'{"jsonrpc": "2.0", "id": %s, "result": ' % json.dumps(msg_id).encode()
        body = envelope + result.json + b"}"
        self.send_frame(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def send_frame(self, frame: bytes) -> None:
        """Write a message framed by `notification_frame` (in a worker thread: serializing
        the diagnostics of a large file took seconds, which the event loop must not spend)."""
        if self.writer is None:
            log.error("no transport to send a message on")
            return
        self.writer.write(frame)  # both transports (stdout, an asyncio stream) write at once

    def _serves(self, method: str) -> bool:
        return method in self.fm.builtin_features or method in self.fm.features

    def _structure(self, message: dict[str, Any], verdict: Verdict) -> Any:
        if "method" not in message:
            return self.structure_message(message)  # responses: pygls knows their types
        method = message["method"]
        if verdict.request:
            kind = self.get_message_type(method) or JsonRPCRequestMessage
        else:
            kind = self.get_message_type(method) or JsonRPCNotification
        if method == types.EXIT and not isinstance(message.get("params"), dict | list | None):
            message = {key: value for key, value in message.items() if key != "params"}
        try:
            return self._converter.structure(message, kind)
        except Exception as error:
            reason = _first_line(error)
            if verdict.request:
                self.answer_error(message["id"], INVALID_PARAMS, f"invalid params: {reason}")
            else:
                log.warning("%s dropped: invalid params: %s", method, reason)
            return None

    def answer_error(self, msg_id: int | str | None, code: int, reason: str) -> None:
        """An error reply. Written as plain JSON: pygls's converter drops a None `id`, and
        JSON-RPC wants `"id": null` when the request's id could not be read."""
        log.warning("answering %s with error %d: %s", msg_id, code, reason)
        error = {"code": code, "message": reason}
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": error})


def notification_frame(method: str, params: dict[str, Any]) -> bytes:
    """A notification whose params are plain JSON values, serialized and framed."""
    body = json.dumps({"jsonrpc": "2.0", "method": method, "params": params}).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _first_line(error: BaseException) -> str:
    """The innermost reason of a cattrs validation error group, in one line."""
    while getattr(error, "exceptions", None):  # an exception group: its first member
        error = error.exceptions[0]  # type: ignore[attr-defined]
    text = str(error) or error.__class__.__name__
    if isinstance(error, KeyError):
        text = f"missing {text}"
    return text.splitlines()[0][:200]
