"""Run one function over many files in worker processes, in input order, and survive a worker
that dies (killed for using too much memory, or crashed in native code).

When a worker dies, every file then in flight is a suspect; each suspect runs again alone in a
fresh worker, so an innocent file still gets its result and the file that kills its worker
again is named (`lost`). The files not yet started continue in a new pool.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
Batch = tuple[tuple[int, T], ...]  # items with their places in the input
IN_FLIGHT_PER_WORKER = 2  # enough to keep workers busy; bounds the suspects when one dies


PR_SET_PDEATHSIG = 1  # prctl(2) option: the signal this process gets when its parent dies
PARENT_POLL_SECONDS = 1.0  # where prctl is missing: how often a worker looks for its parent


def _start_worker(parent: int) -> None:
    # Ctrl-C reaches the whole process group: workers finish (or never start) their current
    # file and the parent stops handing out new ones, so no file is left half-written.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)


def _exit_with_parent(parent: int) -> None:
    """End this worker when the command dies, even by `kill -9`: a worker blocked on its task
    queue would otherwise live on. SIGTERM, not SIGKILL: a file being written holds SIGTERM
    back until the write is complete (files/sourcefile.py), so the kill leaves no half file."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    else:  # pragma: no cover - other POSIX systems: watch for the parent to change
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it died before the signal was asked for
        os._exit(1)


def _watch_parent(parent: int) -> None:  # pragma: no cover - not Linux
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)


def _executor(workers: int) -> ProcessPoolExecutor:
    # fork: workers inherit the loaded catalogue instead of parsing the TOML again.
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )


def map_in_workers(
    function: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    lost: Callable[[T, str], R],
    batch: int = 1,
) -> Iterator[R]:
    """`function(item)` for each item, in order; `lost(item, reason)` where a worker died.

    A worker is handed `batch` items at a time: each hand-over is a round trip through the
    executor's queues, pipes and threads, which over many small files cost the command more
    processor time than it saved (see benchmarks/README.md)."""
    pending: deque[Batch[T]] = deque(
        tuple(enumerate(items))[start : start + batch]
        for start in range(0, len(items), max(1, batch))
    )
    results: dict[int, R] = {}
    emitted = 0
    while pending:
        with _executor(workers) as pool:
            flight: dict[Future[list[R]], Batch[T]] = {}
            suspects: list[tuple[int, T]] = []
            broken = False
            try:
                while (pending or flight) and not suspects and not broken:
                    while pending and len(flight) < workers * IN_FLIGHT_PER_WORKER:
                        taken = pending.popleft()
                        try:
                            flight[pool.submit(_each, function, [i for _, i in taken])] = taken
                        except BrokenProcessPool:
                            # A worker died since the last wait: these files never started.
                            pending.appendleft(taken)
                            broken = True
                            break
                    if not flight:
                        break
                    done, _ = wait(flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        taken = flight.pop(future)
                        try:
                            results.update(zip((i for i, _ in taken), future.result(), strict=True))
                        except BrokenProcessPool:
                            suspects.extend(taken)
                        except Exception as error:  # e.g. a result that cannot be pickled
                            for index, item in taken:
                                results[index] = lost(item, f"internal error: {error!r}")
                    while emitted in results:
                        yield results.pop(emitted)
                        emitted += 1
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        for taken in flight.values():
            suspects.extend(taken)
        for index, item in sorted(suspects, key=lambda pair: pair[0]):
            results[index] = _run_alone(function, item, lost)
        while emitted in results:
            yield results.pop(emitted)
            emitted += 1


def _each(function: Callable[[T], R], items: list[T]) -> list[R]:
    return [function(item) for item in items]


def _run_alone(function: Callable[[T], R], item: T, lost: Callable[[T, str], R]) -> R:
    with _executor(1) as pool:
        try:
            return pool.submit(function, item).result()
        except BrokenProcessPool:
            return lost(item, "the worker process analysing it died (out of memory?)")
        except Exception as error:
            return lost(item, f"internal error: {error!r}")
