"""Read Python files as Python does (BOM, PEP 263 cookie) and write them back atomically."""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024  # larger files are generated data, not code to migrate


class SourceError(Exception):
    """The file cannot be read as Python source; the message says why."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    text: str
    encoding: str
    bom: bool


def read_source(path: Path) -> SourceFile:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None
    return decode_source(data, path)


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


def write_source(source: SourceFile, text: str) -> None:
    """Replace the file atomically (temp file + rename), keeping encoding, BOM and mode."""
    data = text.encode(source.encoding)
    if source.bom:
        data = codecs.BOM_UTF8 + data
    directory = source.path.parent
    fd, temp = tempfile.mkstemp(prefix=f".{source.path.name}.", suffix=".tf2-lsp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        with contextlib.suppress(OSError):
            os.chmod(temp, source.path.stat().st_mode & 0o7777)
        os.replace(temp, source.path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
