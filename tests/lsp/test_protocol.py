"""Which messages are served, and which are answered with which error (before pygls)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tf2_lsp.lsp.protocol import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    SERVER_NOT_INITIALIZED,
    judge,
)

READY = {"initialized": True, "shut_down": False}


def request(**fields: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}, **fields}


@pytest.mark.parametrize(
    ("message", "state", "code", "answer_id"),
    [
        (request(id={"a": 1}), READY, INVALID_REQUEST, None),
        (request(id=None), READY, INVALID_REQUEST, None),
        (request(id=1.5), READY, INVALID_REQUEST, None),
        (request(id=True), READY, INVALID_REQUEST, None),
        (request(method=5), READY, INVALID_REQUEST, 1),
        (request(jsonrpc="1.0"), READY, INVALID_REQUEST, 1),
        (request(params="x"), READY, INVALID_PARAMS, 1),
        ([request()], READY, INVALID_REQUEST, None),
        (request(), {"initialized": False, "shut_down": False}, SERVER_NOT_INITIALIZED, 1),
        (request(), {"initialized": True, "shut_down": True}, INVALID_REQUEST, 1),
        (request(method="initialize"), READY, INVALID_REQUEST, 1),
    ],
)
def test_requests_that_cannot_be_served_are_answered(
    message: Any, state: dict[str, bool], code: int, answer_id: Any
) -> None:
    verdict = judge(message, **state)
    assert not verdict.serve and verdict.request
    assert (verdict.code, verdict.id) == (code, answer_id)


def test_null_params_are_no_params() -> None:
    shutdown = {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None}
    assert judge(shutdown, **READY).serve


def test_exit_is_always_served_and_other_notifications_wait_for_initialize() -> None:
    exit_ = {"jsonrpc": "2.0", "method": "exit"}
    assert judge(exit_, initialized=False, shut_down=False).serve
    assert judge(exit_, initialized=True, shut_down=True).serve
    opened = {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {}}
    assert not judge(opened, initialized=False, shut_down=False).serve
    assert not judge(opened, initialized=True, shut_down=True).serve
    assert judge(opened, **READY).serve


ids = st.integers(min_value=-(2**40), max_value=2**40) | st.text(max_size=10)
anything = st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["jsonrpc", "id", "method", "params", "result", "error"]),
        anything | st.dictionaries(st.text(max_size=3), anything, max_size=2),
        max_size=6,
    ),
    st.booleans(),
    st.booleans(),
)
def test_every_judgement_is_total(message: dict[str, Any], initialized: bool, down: bool) -> None:
    verdict = judge(message, initialized=initialized, shut_down=down)
    if not verdict.serve and verdict.request:
        assert verdict.code < 0 and verdict.reason


@settings(max_examples=300, deadline=None)
@given(ids, st.text(max_size=30), anything | st.dictionaries(st.text(max_size=3), anything))
def test_a_request_with_a_readable_id_is_served_or_answered_with_that_id(
    msg_id: int | str, method: str, params: Any
) -> None:
    message = {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}
    for initialized in (False, True):
        for down in (False, True):
            verdict = judge(message, initialized=initialized, shut_down=down)
            assert verdict.serve or (verdict.request and verdict.id == msg_id)
