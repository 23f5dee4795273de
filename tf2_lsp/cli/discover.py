"""Which files a run covers: `*.py` under the given paths, minus the usual non-source trees."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

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
    }
)


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def iter_python_files(paths: Iterable[Path], exclude: Iterable[str] = ()) -> Iterator[Path]:
    """Files named directly are always included; directories are walked for `*.py`."""
    patterns = tuple(exclude)
    seen: set[Path] = set()
    for path in paths:
        if path.is_file():
            if path not in seen:
                seen.add(path)
                yield path
            continue
        for root, dirs, files in os.walk(path):
            root_path = Path(root)
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in SKIP_DIRS
                and not _is_virtualenv(root_path / d)
                and not _excluded(root_path / d, patterns)
            )
            for name in sorted(files):
                if name.endswith(".py"):
                    file = root_path / name
                    if not _excluded(file, patterns) and file not in seen:
                        seen.add(file)
                        yield file


def _excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    text = path.as_posix()
    return any(
        fnmatch.fnmatch(text, pattern)
        or fnmatch.fnmatch(path.name, pattern)
        or fnmatch.fnmatch(text, f"*/{pattern}")
        for pattern in patterns
    )
