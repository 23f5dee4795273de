"""Each file's `check` result, kept between runs, as ruff keeps its own.

An entry is the result of one file as named on the command line, under one set of settings;
it is used only when the file's text hashes to the digest it was stored with. Entries live
under a directory named by a fingerprint of this tf2-lsp: its version, the size and time of
each of its source and data files (the rule catalogue and API lists among them) and Python's
version, so that a result is never trusted by another version, or by the same version after
its rules were edited. Layout:

    CACHE_DIR/.gitignore, CACHEDIR.TAG          the cache keeps itself out of git and backups
    CACHE_DIR/<fingerprint>/<directory key>.pack  the entries of one source directory's files

A pack holds one line per entry, `<key>\t<entry>`, both JSON; the key is the file's name and
a hash of the name it was reported under and its settings, so `fix` finds every entry of a
file it rewrites by the key's start. One pack per source directory, not one file per entry:
creating a file is what a cold run's cache cost (669 files: 0.03-0.21 s of creations, as the
disk allowed, where the run took 1.3 s), and a warm run reads one file per directory. A pack
is written to a temporary file and renamed into place, merged with what the pack held just
before: runs at the same time never read half a pack, and an entry a concurrent run wrote in
between may be lost, never mixed up. The cache is a convenience: a directory that cannot be
written turns it off, with one warning, and a damaged entry is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import tf2_lsp
from tf2_lsp.analysis.program.project_classes import modified_ns
from tf2_lsp.cli.records import Record
from tf2_lsp.cli.scan import FileResult
from tf2_lsp.settings import Settings

CACHE_DIR_NAME = ".tf2-lsp_cache"
ENV_CACHE_DIR = "TF2LSP_CACHE_DIR"
_GITIGNORE = "# Created by tf2-lsp: this directory is a cache.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by tf2-lsp.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_RECORD_FIELDS = [f.name for f in fields(Record)]


def default_cache_dir(given: Path | None, project_root: Path | None) -> Path:
    """`--cache-dir`, else `$TF2LSP_CACHE_DIR`, else `.tf2-lsp_cache` beside the project's
    pyproject.toml, else in the current directory."""
    if given is not None:
        return given
    from_env = os.environ.get(ENV_CACHE_DIR)
    if from_env:
        return Path(from_env)
    return (project_root or Path.cwd()) / CACHE_DIR_NAME


def code_fingerprint() -> str:
    """This tf2-lsp as it is installed: version, Python, and each file it reads or runs."""
    package = Path(tf2_lsp.__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"{tf2_lsp.__version__}\0{sys.version}\0".encode())
    rules = package.parent / "rules"  # a checkout's rule files (installed: inside the package)
    for root in (package, rules):
        for directory, subdirectories, names in sorted(os.walk(root)):
            subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
            for name in sorted(names):
                path = os.path.join(directory, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def settings_key(settings: Settings) -> str:
    """The settings that decide a file's findings, as stable text (sets have no order)."""
    values = {
        f.name: getattr(settings, f.name)
        for f in fields(settings)
        if f.name not in ("explicit", "debounce")
    }
    return json.dumps(values, sort_keys=True)


def text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# (pack, key, entry): what a worker hands back for the command to write (`ResultCache.write`).
Entry = tuple[str, str, str]
PACK_SUFFIX = ".pack"


class ResultCache:
    """The entries of one tf2-lsp fingerprint under `root` (sent to worker processes, which
    only make entries: the packs this process has read stay here)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._read: dict[str, dict[str, str]] = {}  # pack -> its entries, as `load` read them

    def __getstate__(self) -> dict[str, Any]:
        return {"root": self.root, "_read": {}}

    @classmethod
    def open(cls, directory: Path, create: bool = True) -> ResultCache | None:
        """The cache in `directory` (created, with its .gitignore), or None with a warning
        on stderr if it cannot be. With `create` False (`fix`, which only forgets entries),
        None if there is no cache yet."""
        if not create and not directory.is_dir():
            return None
        try:
            directory.mkdir(parents=True, exist_ok=True)
            for name, content in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
                marker = directory / name
                if not marker.exists():
                    _write_atomic(marker, content)
            root = directory / code_fingerprint()
            if not root.is_dir():
                root.mkdir(exist_ok=True)
                _forget_other_versions(directory, root)
        except OSError as error:
            reason = error.strerror or str(error)
            print(
                f"tf2-lsp: warning: cannot use the cache directory {directory}: {reason}; "
                "running without a cache",
                file=sys.stderr,
            )
            return None
        return cls(root)

    def is_empty(self) -> bool:
        """Whether no result is stored yet (a first run looks none up)."""
        try:
            with os.scandir(self.root) as entries:
                return next(entries, None) is None
        except OSError:
            return True

    def _pack(self, path: Path) -> str:
        """The pack that keeps the entries of the file `path`: one per directory."""
        directory = os.path.dirname(os.path.abspath(path))
        return str(self.root / (text_digest(os.fsdecode(directory)) + PACK_SUFFIX))

    @staticmethod
    def _key(path: Path, name: str, settings: Settings) -> str:
        return f"{os.path.basename(path)}/{text_digest(name + chr(0) + settings_key(settings))}"

    def load(self, path: Path, name: str, settings: Settings, digest: str) -> FileResult | None:
        """The stored result of the file `path` reported as `name`, if its text is unchanged."""
        pack = self._pack(path)
        if pack not in self._read:
            self._read[pack] = _read_pack(pack)
        stored = self._read[pack].get(self._key(path, name, settings))
        if stored is None:
            return None
        try:
            entry = json.loads(stored)
            if entry["digest"] != digest:
                return None
            if any(modified_ns(other) != when for other, when in entry.get("depends", ())):
                return None  # another project file the findings depended on changed
            records = [
                Record(**dict(zip(_RECORD_FIELDS, item, strict=True))) for item in entry["records"]
            ]
            return FileResult(name, records=records, lines=int(entry["lines"]))
        except (ValueError, KeyError, TypeError):
            return None  # damaged: analyse again

    def entry(
        self,
        path: Path,
        settings: Settings,
        digest: str,
        result: FileResult,
        depends: Sequence[tuple[str, int]] = (),
    ) -> Entry:
        """Where `result` (a complete, readable file's) is kept for the next run, and what is
        kept (`write`): with the other files it depends on and their modification times.
        Made where the file was analysed: encoding it is part of the parallel work."""
        entry: dict[str, Any] = {
            "digest": digest,
            "depends": sorted(set(depends)),
            "lines": result.lines,
            "records": [[getattr(r, f) for f in _RECORD_FIELDS] for r in result.records],
        }
        key = self._key(path, result.path, settings)
        return self._pack(path), key, json.dumps(entry, separators=(",", ":"))

    @staticmethod
    def write(entries: Iterable[Entry]) -> None:
        """Write `entries`, each pack once, merged with what it holds; best effort."""
        by_pack: dict[str, dict[str, str]] = defaultdict(dict)
        for pack, key, content in entries:
            by_pack[pack][key] = content
        for pack, new in by_pack.items():
            with contextlib.suppress(OSError, ValueError):
                _write_pack(pack, {**_read_pack(pack), **new})

    def forget(self, paths: Iterable[Path]) -> None:
        """Drop every entry of the files `paths` (`fix` rewrote them)."""
        by_pack: dict[str, set[str]] = defaultdict(set)
        for path in paths:
            by_pack[self._pack(path)].add(os.path.basename(path) + "/")
        for pack, prefixes in by_pack.items():
            entries = _read_pack(pack)
            kept = {k: v for k, v in entries.items() if not k.startswith(tuple(prefixes))}
            if len(kept) == len(entries):
                continue
            with contextlib.suppress(OSError, ValueError):
                if kept:
                    _write_pack(pack, kept)
                else:
                    os.unlink(pack)


def _read_pack(pack: str) -> dict[str, str]:
    """A pack's entries by key, each still JSON text (decoded only when used); a damaged line
    is left out, a pack that cannot be read holds none."""
    try:
        with open(pack, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, ValueError):
        return {}
    entries = {}
    for line in text.split("\n"):
        key, tab, entry = line.partition("\t")
        if not tab:
            continue
        try:
            decoded = json.loads(key)
        except ValueError:
            continue
        if isinstance(decoded, str):
            entries[decoded] = entry
    return entries


def _write_pack(pack: str, entries: dict[str, str]) -> None:
    # JSON escapes tabs and line breaks inside strings: a line is always one whole entry.
    lines = (f"{json.dumps(key)}\t{entry}\n" for key, entry in sorted(entries.items()))
    _write_atomic(Path(pack), "".join(lines))


# Each version (each upgrade) starts a fingerprint directory of its own; the others' entries
# are never read again by it. The most recently written few stay, for versions used side by
# side (two environments sharing a project).
KEPT_VERSIONS = 4
_FINGERPRINT = re.compile(r"[0-9a-f]{16}")


def _forget_other_versions(directory: Path, new: Path) -> None:
    """Remove all but the `KEPT_VERSIONS` most recently written fingerprint directories
    (`new` among them); best effort, and nothing whose name is not a fingerprint."""
    try:
        with os.scandir(directory) as entries:
            versions = [
                (entry.stat().st_mtime, entry.path)
                for entry in entries
                if _FINGERPRINT.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)
            ]
    except OSError:
        return
    versions.sort(reverse=True)
    for _, path in versions[KEPT_VERSIONS:]:
        if path != str(new):
            shutil.rmtree(path, ignore_errors=True)


def _write_atomic(target: Path, content: str) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
