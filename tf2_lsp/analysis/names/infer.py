"""Receiver types from jedi, for method rules our own resolution could not settle.

Only called off the keystroke path (a background thread of the server) and only for files whose
detection produced candidates; jedi is imported on first use, never at start-up.

jedi is always given a `jedi.Project` made here, never one it would load from the workspace's
`.jedi/project.json`: that file is part of a checked-out repository, and some jedi versions run the
`environment_path` it names or take their `sys.path` from it. jedi reads workspace files (it
parses them); it never runs them, and extension modules load only from the interpreter's own path.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tf2_lsp.analysis.names import receivers
from tf2_lsp.analysis.names.jedi_cache import prepare_jedi
from tf2_lsp.model import ReceiverCandidate

# What jedi calls TensorFlow's classes (their defining modules), mapped to our type names.
_JEDI_TYPES = (
    ("dataset_ops.", receivers.DATASET),
    ("tensorflow.data.", receivers.DATASET),
    ("session.", receivers.SESSION),
    ("saver.", receivers.SAVER),
    ("optimizer.", receivers.OPTIMIZER),
)


def type_from_jedi_name(full_name: str | None, module_name: str | None) -> str | None:
    """Our type name for a jedi inference result, or None if it is not a known TF type."""
    if not full_name or not (module_name or "").startswith("tensorflow"):
        return None
    for marker, our_type in _JEDI_TYPES:
        if marker in full_name:
            return our_type
    last = full_name.rsplit(".", 1)[-1]
    if "Dataset" in last:  # DatasetV2, TFRecordDatasetV2, ...
        return receivers.DATASET
    return None


# A directory holding one of these is where a project's imports start from (as jedi itself guesses).
_ROOT_MARKERS = (".git", ".hg", "pyproject.toml", "setup.py", "setup.cfg")


def project_root(path: str | None) -> Path:
    """The directory jedi resolves a file's own imports from: the nearest marked project root."""
    if path is None:
        return Path.cwd()
    start = Path(path).resolve().parent
    for directory in (start, *start.parents):
        if any((directory / marker).exists() for marker in _ROOT_MARKERS):
            return directory
    return start


def jedi_project(path: str | None) -> Any:
    """A project built from our own values only: no environment, sys.path or extensions from
    the workspace; jedi uses the interpreter it runs under (or the user's `VIRTUAL_ENV`)."""
    import jedi

    return jedi.Project(
        project_root(path),
        environment_path=None,
        load_unsafe_extensions=False,
        sys_path=None,
        added_sys_path=(),
        smart_sys_path=True,
    )


def infer_receivers(
    source: str, path: str | None, candidates: Sequence[ReceiverCandidate]
) -> dict[tuple[int, int], str]:
    """jedi's answer per candidate key: the receiver's type, or "" when jedi knows no TF type
    for it. A candidate jedi failed on is left out (asked again later, never taken for an
    answer); jedi failing as a whole raises."""
    if not candidates:
        return {}
    import jedi

    prepare_jedi()
    script = jedi.Script(source, path=path, project=jedi_project(path))
    answers: dict[tuple[int, int], str] = {}
    for candidate in candidates:
        try:
            names = script.infer(candidate.line, max(candidate.column - 1, 0))
        except Exception:  # jedi raises on odd positions/code: no answer, not "no type"
            continue
        types = (type_from_jedi_name(name.full_name, name.module_name) for name in names)
        answers[candidate.key] = next((t for t in types if t is not None), "")
    return answers


def forget_file(path: str | None, everything: bool = False) -> None:
    """Drop what jedi (through parso) keeps parsed for a closed file; with `everything`, all of
    it: TensorFlow's own modules, parsed to infer receivers, hold tens of MiB."""
    if "jedi" not in sys.modules:
        return  # never loaded, so nothing is cached; closing a file must not import it
    import jedi.cache
    import parso.cache

    if everything:
        parso.cache.parser_cache.clear()
        jedi.cache.clear_time_caches(delete_all=True)
        return
    if path is None:
        return
    for cached in parso.cache.parser_cache.values():
        cached.pop(path, None)
        cached.pop(Path(path), None)
