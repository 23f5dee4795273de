"""Worker processes: results in input order, and a worker that dies costs only its own file."""

from __future__ import annotations

import os
import signal

from tf2_lsp.cli.pool import map_in_workers

KILLER = 13


def square_or_die(item: int) -> str:
    if item == KILLER:
        os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer does
    return f"{item}^2={item * item}"


def lost(item: int, reason: str) -> str:
    return f"{item}: {reason}"


def test_results_come_in_input_order() -> None:
    items = [i for i in range(30) if i != KILLER]
    assert list(map_in_workers(square_or_die, items, 3, lost)) == [f"{i}^2={i * i}" for i in items]


def test_a_worker_that_dies_is_named_and_the_rest_go_on() -> None:
    items = list(range(40))
    results = list(map_in_workers(square_or_die, items, 2, lost))
    assert results == [
        f"{i}: the worker process analysing it died (out of memory?)"
        if i == KILLER
        else f"{i}^2={i * i}"
        for i in items
    ]
