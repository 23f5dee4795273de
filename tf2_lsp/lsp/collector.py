"""The cyclic garbage collector waits while the server analyses a text, as `tf2-lsp check`
does per file (`cli.scan`).

While a text is analysed its syntax tree is alive, and every collection on the way walks it
again for nothing: an analysis leaves no reference cycles behind, so what it built is freed
by reference counting as soon as it is done. The server analyses in several worker threads
and the collector's switch is the process's: it is off while at least one analysis runs,
and back on (if it was on) when the last one ends. The collection owed to the analysis's
allocations then runs at the next allocation, so memory stays as it was.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0  # analyses in progress
_was_enabled = False  # the collector's state when the first of them started


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection while the block (and any other such block) runs."""
    global _running, _was_enabled
    with _lock:
        if _running == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _was_enabled:
                gc.enable()
