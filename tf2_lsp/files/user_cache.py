"""The user's cache directory for tf2-lsp: `$XDG_CACHE_HOME/tf2-lsp`, else `~/.cache/tf2-lsp`
(`%LOCALAPPDATA%\\tf2-lsp` on Windows). Only ever a place for copies that can be made again."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def user_cache_directory() -> Path | None:
    """tf2-lsp's cache directory; None when the user has no home to keep it in."""
    base = os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else None
    base = base or os.environ.get("XDG_CACHE_HOME")
    try:
        root = Path(base) if base else Path.home() / ".cache"
    except (RuntimeError, KeyError):  # no home directory to be found
        return None
    return root / "tf2-lsp"
