"""A writer caught in the middle of `write_source`: a real process, stopped in its fsync."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Writes sys.argv[1] with a disk that never finishes its fsync: says "syncing", then waits.
_SLOW_DISK = """
import os, sys, time
from pathlib import Path
from tf2_lsp.files.sourcefile import read_source, write_source

def fsync(fd):
    print("syncing", flush=True)
    time.sleep(600)

os.fsync = fsync
path = Path(sys.argv[1])
write_source(read_source(path), read_source(path).text + "# rewritten\\n")
"""


def writer_in_fsync(path: Path) -> subprocess.Popen[str]:
    """A process writing `path`, now inside the fsync of its temporary file."""
    process = subprocess.Popen(
        [sys.executable, "-c", _SLOW_DISK, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "syncing\n"
    return process


def temp_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tf2-lsp"))
