"""A one-line progress bar on stderr while a large tree is scanned (only on a terminal)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")
WIDTH = 30
INTERVAL = 0.1  # seconds between redraws


def with_progress(
    items: Iterable[T], total: int, stream: TextIO | None = None, label: str = "Scanning"
) -> Iterator[T]:
    """Yield `items`, drawing `label [#####.....] n/total files` on a TTY stream."""
    out = stream if stream is not None else sys.stderr
    if not out.isatty() or total <= 0:
        yield from items
        return
    last = 0.0
    done = 0
    try:
        for item in items:
            done += 1
            now = time.monotonic()
            if now - last >= INTERVAL or done == total:
                last = now
                filled = WIDTH * done // total
                bar = "#" * filled + "." * (WIDTH - filled)
                out.write(f"\r{label} [{bar}] {done}/{total} files")
                out.flush()
            yield item
    finally:
        out.write("\r\033[K")  # leave the line clean for the summary
        out.flush()
