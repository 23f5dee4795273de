"""Reading files as Python does (BOM, PEP 263 cookies) and writing them back byte-exactly."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest

from tf2_lsp.cli.sourcefile import MAX_BYTES, SourceError, read_source, write_source


def test_utf8(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes("s = '你好'\n".encode())
    source = read_source(path)
    assert (source.text, source.encoding, source.bom) == ("s = '你好'\n", "utf-8", False)


def test_bom_is_kept_on_write(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(codecs.BOM_UTF8 + "x = 'é'\r\n".encode())
    source = read_source(path)
    assert source.bom and source.text == "x = 'é'\r\n"
    write_source(source, "y = 'é'\r\n")
    assert path.read_bytes() == codecs.BOM_UTF8 + "y = 'é'\r\n".encode()


def test_coding_cookie_is_honoured_both_ways(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes("# -*- coding: latin-1 -*-\ns = 'café'\n".encode("latin-1"))
    source = read_source(path)
    assert source.encoding == "iso-8859-1"
    assert source.text == "# -*- coding: latin-1 -*-\ns = 'café'\n"
    write_source(source, source.text.replace("café", "thé"))
    assert path.read_bytes() == "# -*- coding: latin-1 -*-\ns = 'thé'\n".encode("latin-1")


def test_crlf_is_not_translated(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"a = 1\r\nb = 2\rc = 3\n")
    source = read_source(path)
    assert source.text == "a = 1\r\nb = 2\rc = 3\n"
    write_source(source, source.text)
    assert path.read_bytes() == b"a = 1\r\nb = 2\rc = 3\n"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"x = '\xff\xfe'\n", "not valid UTF-8"),
        (b"x = 1\ny = 2\nz = '\xff'\n", "utf-8"),
        (b"# -*- coding: no-such-codec -*-\nx = 1\n", "encoding"),
        (b"# coding: ascii\nx = '\xe9'\n", "ascii"),
    ],
)
def test_undecodable_files(data: bytes, words: str, tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(data)
    with pytest.raises(SourceError, match=words):
        read_source(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read"):
        read_source(tmp_path / "nope.py")


def test_huge_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "big.py"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(SourceError, match="larger than"):
        read_source(path)


def test_write_keeps_the_mode_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "run.py"
    path.write_text("x = 1\n", encoding="utf-8")
    os.chmod(path, 0o750)
    write_source(read_source(path), "x = 2\n")
    assert path.read_text(encoding="utf-8") == "x = 2\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.py"]


def test_failed_write_leaves_the_original_and_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes("# coding: latin-1\nx = 1\n".encode("latin-1"))
    source = read_source(path)
    with pytest.raises(UnicodeEncodeError):
        write_source(source, "# coding: latin-1\nx = '你好'\n")
    assert path.read_bytes() == b"# coding: latin-1\nx = 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]
