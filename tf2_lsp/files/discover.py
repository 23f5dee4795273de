"""Which files a run covers: `*.py` under the given paths, minus the usual non-source trees."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path

from tf2_lsp.files.sourcefile import file_kind

# Called with a path that cannot be covered and the reason; the run then fails (exit 2).
OnError = Callable[[Path, str], None]

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "site-packages",
        ".eggs",
        ".ipynb_checkpoints",  # Jupyter's stale copies of the notebooks beside it
    }
)


def _is_virtualenv(directory: Path) -> bool:
    # os.path, not Path.is_file: a directory we may not enter is then simply not one.
    return os.path.isfile(directory / "pyvenv.cfg")


def iter_python_files(
    paths: Iterable[Path], exclude: Iterable[str] = (), on_error: OnError | None = None
) -> Iterator[Path]:
    """Files named directly are always included; directories are walked for `*.py` and
    Jupyter notebooks (`*.ipynb`).

    Nothing is skipped silently: a named path that is neither a file nor a directory, and a
    directory that cannot be listed, go to `on_error`. One file reached twice (a symlink and
    its target, two hard links) is yielded once.
    """

    def report(path: Path, reason: str) -> None:
        if on_error is not None:
            on_error(path, reason)

    patterns = tuple(exclude)
    seen: set[tuple[int, int] | Path] = set()

    def first_time(path: Path) -> bool:
        key: tuple[int, int] | Path
        try:
            info = path.stat()
            key = (info.st_dev, info.st_ino)
        except OSError:
            key = path  # reading it will report why
        if key in seen:
            return False
        seen.add(key)
        return True

    for path in paths:
        try:
            mode = path.stat().st_mode
        except OSError as error:
            report(path, f"cannot read: {error.strerror or error}")
            continue
        if not stat.S_ISDIR(mode):
            if not stat.S_ISREG(mode):
                report(path, f"cannot read: {file_kind(mode)}, not a file")
            elif first_time(path):
                yield path
            continue
        for root, dirs, files in os.walk(path, onerror=partial(_walk_error, report, path)):
            root_path = Path(root)
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in SKIP_DIRS
                and not _is_virtualenv(root_path / d)
                and not _excluded(root_path / d, patterns)
            )
            for name in sorted(files):
                if name.endswith((".py", ".ipynb")):
                    file = root_path / name
                    if not _excluded(file, patterns) and first_time(file):
                        yield file


def _walk_error(report: OnError, top: Path, error: OSError) -> None:
    where = Path(error.filename) if error.filename else top
    report(where, f"cannot read directory: {error.strerror or error}")


def _excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    """A glob without `/` is matched against the name only: fnmatch's `*` also matches `/`,
    so `test_*.py` matched against the path would exclude every file under `test_utils/`."""
    text = path.as_posix()
    return any(
        fnmatch.fnmatch(path.name, pattern)
        if "/" not in pattern
        else fnmatch.fnmatch(text, pattern) or fnmatch.fnmatch(text, f"*/{pattern}")
        for pattern in patterns
    )
