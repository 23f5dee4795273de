"""Values computed from a file or folder, kept until its modification time changes.

The whole-program answers (which classes a module defines, which files import it, whether a
module builds graphs, what a caller does with a function) are each read from other files of
the project; one `ByModification` per kind of answer keeps them, so an edited file is read
again and an unchanged one never is.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
# Hears of every path looked at: (path, its modification time, or -1 when it cannot be read).
Noted = Callable[[str, int], None]
Compute = Callable[[str, os.stat_result], T]


class ByModification(Generic[T]):
    """One value per path, computed again only when the path's modification time changes.

    `absent` answers for a path that cannot be looked at. `provisional`, when given, answers
    for a path while its own value is being computed (files that import each other end there).
    """

    def __init__(
        self, absent: T, *, note: Noted | None = None, provisional: T | None = None
    ) -> None:
        self._absent = absent
        self._note = note
        self._provisional = provisional
        self._values: dict[str, tuple[int, T]] = {}

    def get(self, path: str, compute: Compute[T]) -> T:
        try:
            info = os.stat(path)
        except OSError:
            if self._note is not None:
                self._note(path, -1)
            return self._absent
        modified = info.st_mtime_ns
        if self._note is not None:
            self._note(path, modified)
        cached = self._values.get(path)
        if cached is not None and cached[0] == modified:
            return cached[1]
        if self._provisional is not None:
            self._values[path] = (modified, self._provisional)
        value = compute(path, info)
        self._values[path] = (modified, value)
        return value
