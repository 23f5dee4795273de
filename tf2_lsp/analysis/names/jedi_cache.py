"""Where jedi keeps its parse cache for tf2-lsp, written so that no reader ever sees half a file.

jedi (through parso) keeps each parsed module as a pickle in a cache directory that every jedi
user of the account shares (editors' Python servers, IPython), and parso writes those pickles in
place. A process that reads one while another writes it gets a truncated pickle, jedi raises
`EOFError`, and the receiver goes unanswered: with an empty cache, 6 of 12 inferences failed when
four processes inferred over TensorFlow at once, and CI lost a test to it. A writer killed
mid-write leaves the file broken until it is deleted by hand.

So jedi in tf2-lsp uses a directory of its own, parso writes there through a temporary file and
`os.replace`, and a pickle that cannot be read counts as not cached (parsed again, rewritten).
Where that directory cannot be made, jedi gets one for this process only.
"""

from __future__ import annotations

import atexit
import os
import pickle
import shutil
import tempfile
from pathlib import Path
from typing import Any

from tf2_lsp.files.user_cache import user_cache_directory

_PATCHED = "_tf2_lsp_atomic"
_process_directory: Path | None = None


def _process_cache_directory() -> Path:
    global _process_directory
    if _process_directory is None:
        _process_directory = Path(tempfile.mkdtemp(prefix="tf2-lsp-jedi-"))
        atexit.register(shutil.rmtree, _process_directory, ignore_errors=True)
    return _process_directory


def _usable(directory: Path) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(directory, os.W_OK | os.X_OK)


def prepare_jedi() -> None:
    """Point jedi at tf2-lsp's cache directory and make parso's cache files whole-or-absent.
    Call before each use: cheap, and it follows a changed cache location."""
    import jedi.settings
    import parso.cache

    base = user_cache_directory()
    # parso creates the directory on first use with a check-then-create that races between
    # processes, and jedi raises where it cannot be made: both settled here, once per use.
    shared = None if base is None else base / "jedi"
    if shared is None or not _usable(shared / parso.cache._VERSION_TAG):
        shared = _process_cache_directory()
        _usable(shared / parso.cache._VERSION_TAG)
    jedi.settings.cache_directory = str(shared)
    if getattr(parso.cache._save_to_file_system, _PATCHED, False):
        return
    parso.cache._save_to_file_system = _whole_file_save(parso.cache)
    parso.cache._load_from_file_system = _damage_is_a_miss(parso.cache._load_from_file_system)


def _whole_file_save(cache: Any) -> Any:
    def save(hashed_grammar: str, path: Any, item: Any, cache_path: Any = None) -> None:
        try:
            target = Path(cache._get_hashed_path(hashed_grammar, path, cache_path=cache_path))
            handle, temporary = tempfile.mkstemp(prefix=".parse-", dir=target.parent)
        except OSError:
            return  # no cache to write to: the parse stays in memory
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(item, stream, pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, target)
        except BaseException as error:
            os.unlink(temporary)
            if not isinstance(error, OSError):
                raise

    setattr(save, _PATCHED, True)
    return save


def _damage_is_a_miss(load: Any) -> Any:
    def load_or_miss(*args: Any, **kwargs: Any) -> Any:
        try:
            return load(*args, **kwargs)
        except Exception:  # a truncated or foreign pickle fails in many ways; all mean "parse it"
            return None

    return load_or_miss
