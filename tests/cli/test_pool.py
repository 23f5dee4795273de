"""Worker processes: results in input order, and a worker that dies costs only its own file."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.conftest import ROOT, TF1, project
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


def test_files_handed_over_in_batches_keep_their_order_and_a_death_costs_one_file() -> None:
    items = list(range(41))
    results = list(map_in_workers(square_or_die, items, 2, lost, batch=4))
    # The killer's batch mates (12, 14, 15) ran again alone and got their own results.
    assert results == [
        f"{i}: the worker process analysing it died (out of memory?)"
        if i == KILLER
        else f"{i}^2={i * i}"
        for i in items
    ]


def _alive(pid: str) -> bool:
    """Whether process `pid` still runs (a zombie waiting for its reaper does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_kill_9_of_the_command_leaves_no_worker_alive(tmp_path: Path) -> None:
    root = project(tmp_path, {f"m{i:02d}.py": TF1 * 300 for i in range(40)})
    process = subprocess.Popen(
        [sys.executable, "-m", "tf2_lsp", "check", "--jobs", "2", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + 30
    workers: list[str] = []
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        with contextlib.suppress(OSError):
            workers = children.read_text().split()
    assert len(workers) == 2, "the workers did not start"
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:  # not to leave them running after a failure
        os.kill(int(pid), signal.SIGKILL)
    assert left == []
