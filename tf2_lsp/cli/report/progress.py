"""A one-line progress bar on stderr while a large tree is scanned (only on a terminal)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

from tf2_lsp.cli.terminal import PROGRESS_INTERVAL, PROGRESS_MIN_FILES  # as check's progress

T = TypeVar("T")
WIDTH = 30


def with_progress(
    items: Iterable[T], total: int, stream: TextIO | None = None, label: str = "Scanning"
) -> Iterator[T]:
    """Yield `items`, drawing `label [#####.....] n/total files (p%)` on a terminal."""
    out = stream if stream is not None else sys.stderr
    if total < PROGRESS_MIN_FILES or not out.isatty():
        yield from items
        return
    last = 0.0
    done = 0
    try:
        for item in items:
            done += 1
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL or done == total:
                last = now
                filled = WIDTH * done // total
                bar = "#" * filled + "." * (WIDTH - filled)
                out.write(f"\r\x1b[K{label} [{bar}] {done}/{total} files ({100 * done // total}%)")
                out.flush()
            yield item
    finally:
        out.write("\r\033[K")  # leave the line clean for the summary
        out.flush()
