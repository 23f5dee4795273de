"""Read Python files as Python does (BOM, PEP 263 cookie) and write them back safely.

Writing keeps what the file system knows about the file: a symlink stays a symlink (its target
is rewritten), a hard-linked file keeps its inode, and owner, group and mode stay as they were.
A file is replaced atomically (temp file + rename) when that keeps all of this, extended
attributes and ACLs included; otherwise (hard links, an owner we cannot give the new file, an
attribute we cannot copy) it is rewritten in place. A read-only file, or one
that changed since it was read, is not written at all (`WriteSkipped` says why).
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import re
import secrets
import signal
import stat
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MAX_BYTES = 20 * 1024 * 1024  # larger files are generated data, not code to migrate
TEMP_SUFFIX = ".tf2-lsp"  # of the temporary file a write renames over the original
_TEMP_NAME = re.compile(r"^\..+\.[0-9a-f]{8}" + re.escape(TEMP_SUFFIX) + "$")
_DEFERRED_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class SourceError(Exception):
    """The file cannot be analysed; the message says why.

    `io` is true when the file could not be read at all (a run error), false when it was read
    but is not Python text we can analyse (reported as a finding on the file).
    """

    def __init__(self, message: str, *, io: bool = False) -> None:
        super().__init__(message)
        self.io = io


class WriteSkipped(Exception):
    """The fixed text was deliberately not written; the message says why."""


# What identifies one version of a file's content: device, inode, size, mtime and ctime (ns).
Stamp = tuple[int, int, int, int, int]


def _stamp(info: os.stat_result) -> Stamp:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    text: str
    encoding: str
    bom: bool
    stamp: Stamp | None = None  # the file as it was read; None for text not read from disk


def file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def read_source(path: Path) -> SourceFile:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        # Non-blocking: opening a named pipe must not wait for a writer.
        fd = os.open(path, flags)
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}", io=True) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"cannot read: {file_kind(info.st_mode)}, not a file", io=True)
        if info.st_size > MAX_BYTES:
            raise SourceError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB; skipped")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}", io=True) from None
    finally:
        os.close(fd)
    return replace(decode_source(data, path), stamp=_stamp(info))


def decode_source(data: bytes, path: Path) -> SourceFile:
    """Bytes (a file's, or stdin's) decoded as Python decodes source."""
    if len(data) > MAX_BYTES:
        raise SourceError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB; skipped")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if "invalid or missing encoding declaration" in str(error):
            # tokenize's wording for "the first lines are not UTF-8 and no cookie says what
            # they are": most often a file saved in a legacy encoding, with no declaration.
            raise SourceError(
                "not valid UTF-8 text, and no coding declaration (PEP 263) names its encoding"
            ) from None
        raise SourceError(f"bad encoding declaration: {error}") from None
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        encoding = "utf-8"
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise SourceError(
            f"not valid {encoding} text ({error.__class__.__name__}: {error})"
        ) from None
    return SourceFile(path, text, encoding, bom)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C / SIGTERM / SIGHUP until the write is complete or cleaned up."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_source(source: SourceFile, text: str) -> None:
    """Write `text` over the file `source` was read from (see the module docstring).

    Raises WriteSkipped when the file is read-only or changed since it was read, OSError or
    UnicodeEncodeError when the write failed (the file is then unchanged).
    """
    data = text.encode(source.encoding)
    if source.bom:
        data = codecs.BOM_UTF8 + data
    target = Path(os.path.realpath(source.path))  # a symlink's target; the link stays
    with _signals_deferred():
        current = os.stat(target)
        if not current.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise WriteSkipped("read-only file; not changed")
        if not os.access(target, os.W_OK):
            raise WriteSkipped("no permission to write it; not changed")
        _check_unchanged(source, current)
        if current.st_nlink == 1 and _replace_atomically(source, target, data, current):
            return
        _rewrite_in_place(source, target, data)


def _check_unchanged(source: SourceFile, current: os.stat_result) -> None:
    if source.stamp is not None and _stamp(current) != source.stamp:
        raise WriteSkipped("changed on disk since it was read; not changed (run again)")


def _replace_atomically(
    source: SourceFile, target: Path, data: bytes, current: os.stat_result
) -> bool:
    """Temp file + rename, with the original's owner, group and mode; False if that cannot
    reproduce them (the caller then rewrites in place)."""
    # The name is chosen before the file exists, so an interruption at any point after its
    # creation (even before os.open returns) is inside the `try` that removes it.
    temp = target.parent / f".{target.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
    try:
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError:
            return False  # the directory is not writable; the file itself may be
        _hold(fd)
        with os.fdopen(fd, "wb") as handle:
            mine = os.fstat(handle.fileno())
            if (mine.st_uid, mine.st_gid) != (current.st_uid, current.st_gid):
                try:
                    os.fchown(handle.fileno(), current.st_uid, current.st_gid)
                except OSError:
                    os.unlink(temp)
                    return False
            os.fchmod(handle.fileno(), stat.S_IMODE(current.st_mode))
            if not _copy_extended_attributes(target, handle.fileno()):
                os.unlink(temp)
                return False
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _check_unchanged(source, os.stat(target))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return True


def _hold(fd: int) -> None:
    """Lock a temporary file while it is written: the lock ends with the process, so a temp
    file nobody holds was left by a writer that was killed (`remove_stale_temps`)."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)


def remove_stale_temps(directory: Path) -> list[Path]:
    """Remove the temporary files a killed `fix` left in `directory` (SIGKILL cannot wait for
    a write to finish); the ones removed. A temp file another running `fix` holds is kept."""
    if fcntl is None:  # pragma: no cover - Windows: no lock tells a live writer apart
        return []
    removed = []
    try:
        entries = [e for e in os.scandir(directory) if _TEMP_NAME.match(e.name)]
    except OSError:
        return []
    for entry in entries:
        try:
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # Still the file that was locked (not a new one under the same name).
            if os.path.samestat(os.fstat(fd), os.lstat(entry.path)):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass  # held by a live writer, or already gone
        finally:
            os.close(fd)
    return removed


def _copy_extended_attributes(original: Path, fd: int) -> bool:
    """Give the new file `fd` every extended attribute of `original` (POSIX ACLs are the
    `system.posix_acl_*` ones); False when one cannot be read or set (the caller then
    rewrites in place, which keeps them all)."""
    if not hasattr(os, "listxattr"):  # pragma: no cover - not Linux
        return True
    try:
        names = os.listxattr(original)
    except OSError as error:
        return error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP)  # a file system without any
    for name in names:
        try:
            value = os.getxattr(original, name)
            with contextlib.suppress(OSError):
                if os.getxattr(fd, name) == value:
                    continue  # the new file has it already (an SELinux label)
            os.setxattr(fd, name, value)
        except OSError:
            return False
    return True


def _rewrite_in_place(source: SourceFile, target: Path, data: bytes) -> None:
    """Keeps the inode (hard links), owner, group, mode and ACLs; not atomic."""
    with open(target, "r+b") as handle:
        _check_unchanged(source, os.fstat(handle.fileno()))
        handle.write(data)
        handle.truncate()
