"""The rule files' TOML, parsed once per content: every later start reads it back as JSON.

Parsing the 18 rule files with `tomllib` cost about 60 ms of CPU on each start of the command
line and of the server (most of the catalogue's load), reading the same documents back from
JSON about 3 ms. The copy lives in the user's cache directory (`$XDG_CACHE_HOME/tf2-lsp`,
else `~/.cache/tf2-lsp`; `%LOCALAPPDATA%\\tf2-lsp` on Windows), named by a hash of the rule
files' names and bytes, so an edited rule file is parsed again and never read from an old copy.

JSON, not pickle or marshal: a file anyone could have written there is only ever read as data.
A copy that cannot be read, parsed or written is ignored: the rule files are parsed instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tf2_lsp.files.user_cache import user_cache_directory

_FORMAT = b"tf2-lsp parsed rule files 1"


def _copy_for(files: Sequence[Path]) -> Path | None:
    directory = user_cache_directory()
    if directory is None:
        return None
    digest = hashlib.sha256(_FORMAT)
    digest.update(sys.version.encode())
    try:
        for path in files:
            digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0")
            content = path.read_bytes()
            digest.update(len(content).to_bytes(8, "little") + content)
    except OSError:
        return None  # the loader reports it
    return directory / f"rules-{digest.hexdigest()}.json"


def read_copy(files: Sequence[Path]) -> tuple[list[dict[str, Any]] | None, Path | None]:
    """The parsed documents of `files` from their copy, if there is a sound one, and where
    their copy belongs."""
    copy = _copy_for(files)
    if copy is None:
        return None, None
    try:
        documents = json.loads(copy.read_bytes())
    except (OSError, ValueError):
        return None, copy
    if (
        not isinstance(documents, list)
        or len(documents) != len(files)
        or not all(isinstance(document, dict) for document in documents)
    ):
        return None, copy
    return documents, copy


def write_copy(copy: Path, documents: list[dict[str, Any]]) -> None:
    """Keep `documents` at `copy`, atomically (concurrent starts each write a whole file)."""
    try:
        text = json.dumps(documents, allow_nan=False)
    except (TypeError, ValueError):
        return  # a value JSON cannot carry as it is (a TOML date, nan): parse each time
    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".rules-", dir=copy.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, copy)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return
    _forget_old_copies(copy)


# A copy is written once per version of the rule files, so each upgrade left one (~0.7 MB)
# behind for good. The newest few stay: versions installed side by side keep theirs.
KEPT_COPIES = 4
# A temporary file this old belongs to no write still running.
_ABANDONED_SECONDS = 3600.0


def _forget_old_copies(kept: Path) -> None:
    """Remove all but the `KEPT_COPIES` newest copies (`kept` among them), and temporary
    files that a write stopped before its rename left behind."""
    try:
        copies = []
        for entry in os.scandir(kept.parent):
            if entry.name.startswith("rules-") and entry.name.endswith(".json"):
                copies.append((entry.stat().st_mtime, entry.path))
            elif (
                entry.name.startswith(".rules-")
                and time.time() - entry.stat().st_mtime > _ABANDONED_SECONDS
            ):
                os.unlink(entry.path)
        copies.sort(reverse=True)
        for _, path in copies[KEPT_COPIES:]:
            if path != str(kept):
                os.unlink(path)
    except OSError:
        return  # another start removed it first, or the directory is not ours to clean
