"""What a terminal gets that a pipe does not: colour (unless NO_COLOR) and a progress line;
`Console` writes output around that line."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from typing import TextIO

PROGRESS_MIN_FILES = 16  # smaller runs finish before a progress line would help
PROGRESS_INTERVAL = 0.1  # seconds between redraws


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
    """`Checking 120/520 files` redrawn in place on stderr, when stderr is a terminal.

    Anything written to stdout while it shows must go through `clear()` first, or the line
    would be left half-overwritten when both streams are the same terminal.
    """

    def __init__(self, stream: TextIO, total: int, verb: str) -> None:
        self.stream = stream
        self.total = total
        self.verb = verb
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
        percent = 100 * self.done // self.total
        self.stream.write(f"\r\x1b[K{self.verb} {self.done}/{self.total} files ({percent}%)")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
            self.last = 0.0  # redraw on the next file


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
