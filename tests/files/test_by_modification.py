"""Values kept per file until the file changes (files/by_modification.py)."""

from __future__ import annotations

import os
from pathlib import Path

from tf2_lsp.files.by_modification import ByModification


def test_a_value_is_computed_once_per_modification_time(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("a\n")
    reads: list[str] = []
    values = ByModification("")

    def read(name: str, _info: os.stat_result) -> str:
        reads.append(name)
        return Path(name).read_text()

    assert values.get(str(path), read) == "a\n"
    assert values.get(str(path), read) == "a\n"
    assert len(reads) == 1
    path.write_text("b\n")
    os.utime(path, ns=(1, path.stat().st_mtime_ns + 1_000_000))  # a new time, whatever the clock
    assert values.get(str(path), read) == "b\n"
    assert len(reads) == 2


def test_a_path_that_cannot_be_read_is_absent_and_noted(tmp_path: Path) -> None:
    noted: list[tuple[str, int]] = []
    values = ByModification("none", note=lambda path, modified: noted.append((path, modified)))
    missing = str(tmp_path / "gone.py")
    assert values.get(missing, lambda _p, _i: "never") == "none"
    assert noted == [(missing, -1)]


def test_a_file_asked_about_while_it_is_being_read_gets_the_provisional_answer(
    tmp_path: Path,
) -> None:
    """Modules importing each other: the question comes back round and ends there."""
    path = str(tmp_path / "cycle.py")
    Path(path).write_text("")
    values: ByModification[str] = ByModification("absent", provisional="in progress")

    def read(name: str, _info: os.stat_result) -> str:
        return "read, inner: " + values.get(name, read)

    assert values.get(path, read) == "read, inner: in progress"
