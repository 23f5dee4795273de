"""The verify command's arguments: the two forms editors send, and bad ones named."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tf2_lsp.lsp.verify_command import TIMEOUT_SECONDS, BadRequest, parse_request

URI = "file:///work/model.py"


def test_an_object_with_every_option() -> None:
    request = parse_request(
        (
            {
                "uri": URI,
                "position": {"line": 4, "character": 2},
                "against": "file:///work/old/model.py",
                "python": "/opt/venv/bin/python",
                "inputs": "x=2x3:float32",
                "trainStep": True,
                "timeout": 30,
            },
        )
    )
    assert (request.uri, request.line, request.against) == (URI, 4, Path("/work/old/model.py"))
    assert (request.python, request.inputs, request.train_step) == (
        "/opt/venv/bin/python",
        "x=2x3:float32",
        True,
    )
    assert request.timeout == 30.0


def test_positional_arguments_as_a_neovim_mapping_sends_them() -> None:
    request = parse_request((URI, {"line": 0, "character": 0}, "/work/old.py"))
    assert (request.line, request.against, request.python) == (
        0,
        Path("/work/old.py"),
        sys.executable,
    )
    assert request.timeout == TIMEOUT_SECONDS and request.against is not None
    assert parse_request((URI, {"line": 3, "character": 0})).against is None


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ((), "expected"),
        (({"uri": URI},), "a `position`"),
        (({"uri": 3, "position": {"line": 1}},), "a document `uri`"),
        ((URI, {"line": -1}), "a `position`"),
        (({"uri": URI, "position": {"line": 1}, "against": 5},), "`against` must be a path"),
        (({"uri": URI, "position": {"line": 1}, "inputs": [1]},), "must be strings"),
        (({"uri": URI, "position": {"line": 1}, "timeout": 0},), "positive number"),
    ],
)
def test_bad_arguments_are_named(arguments: tuple[object, ...], problem: str) -> None:
    with pytest.raises(BadRequest, match=problem):
        parse_request(arguments)
