"""What a terminal gets that a pipe does not: colour (unless NO_COLOR) and a progress line;
`Console` writes output around that line."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import TextIO, TypeVar

T = TypeVar("T")

PROGRESS_MIN_FILES = 16  # smaller runs finish before a progress line would help
PROGRESS_INTERVAL = 0.1  # seconds between redraws
BAR_WIDTH = 30


def wants_colour(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Colour on a terminal; `NO_COLOR` (https://no-color.org) turns it off, `FORCE_COLOR` on."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return _isatty(stream) and env.get("TERM") != "dumb"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Style:
    """ANSI styling, or none at all."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled and text else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def red(self, text: str) -> str:
        return self._wrap("1;31", text)

    def green(self, text: str) -> str:
        return self._wrap("32", text)

    def cyan(self, text: str) -> str:
        return self._wrap("36", text)


class Progress:
    """`Checking 120/520 files (23%)` redrawn in place on stderr, when stderr is a terminal;
    with `bar`, `Scanning [######........................] 120/520 files (23%)`.

    Anything written to stdout while it shows must go through `clear()` first, or the line
    would be left half-overwritten when both streams are the same terminal.
    """

    def __init__(self, stream: TextIO, total: int, verb: str, bar: bool = False) -> None:
        self.stream = stream
        self.total = total
        self.verb = verb
        self.bar = bar
        self.done = 0
        self.enabled = total >= PROGRESS_MIN_FILES and _isatty(stream)
        self.shown = False
        self.last = 0.0

    def advance(self) -> None:
        self.done += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL and self.done < self.total:
            return
        self.last = now
        self.stream.write(f"\r\x1b[K{self._line()}")
        self.stream.flush()
        self.shown = True

    def _line(self) -> str:
        count = f"{self.done}/{self.total} files ({100 * self.done // self.total}%)"
        if not self.bar:
            return f"{self.verb} {count}"
        filled = BAR_WIDTH * self.done // self.total
        return f"{self.verb} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {count}"

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
            self.last = 0.0  # redraw on the next file


def with_progress(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """Yield `items` with a progress bar on stderr meanwhile, gone when they are done."""
    progress = Progress(sys.stderr, total, label, bar=True)
    try:
        for item in items:
            progress.advance()
            yield item
    finally:
        progress.clear()  # leave the line clean for the summary


class Console:
    """stdout and stderr, sharing a terminal with a progress line without garbling it."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress

    def out(self, text: str) -> None:
        if self.progress is not None:
            self.progress.clear()
        sys.stdout.write(text)
        sys.stdout.flush()

    def err(self, text: str) -> None:
        if self.progress is not None:
            self.progress.clear()
        print(text, file=sys.stderr, flush=True)
