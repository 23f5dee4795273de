"""Helpers of the command-line tests: a project on disk, the CLI as a subprocess."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tf2_lsp.cli.cache import CACHE_DIR_NAME

ROOT = Path(__file__).resolve().parents[2]
TF1 = "import tensorflow as tf\ns = tf.Session()\ny = tf.log(x)\n"
FIXED = "import tensorflow as tf\ns = tf.compat.v1.Session()\ny = tf.math.log(x)\n"
UNSAFE = (
    "import tensorflow as tf\n"
    "f = tf.gfile.FastGFile(p)\n"  # TF302: native fix unsafe
    "o = tf.train.AdamOptimizer(0.1)\n"  # TF911: native fix unsafe
    "h = tf.contrib.training.HParams(a=1)\n"  # TF407: manual
    "o.apply_gradients(gv)\n"  # a TF2 training step's use: the optimizer may become Keras's
)


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`tf2-lsp ARGS` as a shell sees it: its exit status, stdout and stderr as text.

    It runs `cli.main` in this process, with the standard streams and working directory
    swapped for the call: a Python start-up per call cost ~0.35 s of CPU, over a hundred calls.
    What only a real process shows (the console script, pipes, terminals, signals, file names
    printed as bytes) is tested with `run_process` and the other subprocess helpers."""
    return _in_process([str(arg) for arg in args], None, cwd or ROOT)


def run_process(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m tf2_lsp ARGS` in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "tf2_lsp", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        check=False,
    )


def _in_process(argv: list[str], stdin: str | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    from tf2_lsp.cli import main as cli

    out, err = _stream(b""), _stream(b"")
    given = _stream(stdin.encode()) if stdin is not None else sys.stdin
    saved = sys.stdin, sys.stdout, sys.stderr
    previous = Path.cwd()
    os.chdir(cwd)
    sys.stdin, sys.stdout, sys.stderr = given, out, err
    try:
        try:
            code = cli.main(argv)
        except SystemExit as exit:  # argparse's errors
            code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        os.chdir(previous)
    return subprocess.CompletedProcess(["tf2-lsp", *argv], code, _text(out), _text(err))


def _stream(initial: bytes) -> io.TextIOWrapper:
    """A text stream over bytes, as a pipe is (it has a `buffer` for binary output)."""
    return io.TextIOWrapper(io.BytesIO(initial), encoding="utf-8")


def _text(stream: io.TextIOWrapper) -> str:
    """What `subprocess.run(text=True)` would have read: UTF-8, universal newlines."""
    stream.flush()
    data = stream.buffer.getvalue().decode()  # type: ignore[attr-defined]
    return data.replace("\r\n", "\n").replace("\r", "\n")


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    # A pyproject.toml at the root stops the config search from reaching outer directories.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode())
    return tmp_path


def snapshot(directory: Path) -> dict[str, bytes]:
    """The project's files (the result cache that `check` keeps beside them left out)."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and CACHE_DIR_NAME not in p.relative_to(directory).parts
    }


def run_stdin(*args: str | Path, text: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """As `run`, with `text` on stdin."""
    return _in_process([str(arg) for arg in args], text, cwd)


def _unprivileged_prefix() -> list[str]:
    """Run as `nobody` when the tests run as root (root reads everything)."""
    if os.geteuid() != 0:
        return []
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    try:
        subprocess.run([*prefix, sys.executable, "-c", ""], check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("cannot run Python as an unprivileged user here")
    return prefix


def shared_project(files: dict[str, str]) -> Path:
    """A project in a directory another user may enter (pytest's tmp_path is root-only)."""
    root = Path(tempfile.mkdtemp(prefix="tf2-lsp-test-"))
    root.chmod(0o755)
    project(root, files)
    return root


def run_unprivileged(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [*_unprivileged_prefix(), sys.executable, "-m", "tf2_lsp", *map(str, args)],
        capture_output=True,
        text=True,
        cwd="/",
        env=env,
        check=False,
        timeout=60,
    )


def run_on_terminal(
    args: list[str], env: dict[str, str], cwd: Path | None = None, *, stdout: bool = True
) -> tuple[int, str]:
    """The CLI with stderr (and stdout, unless `stdout` is False) on a pseudo-terminal: its
    exit status and everything the terminal received."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tf2_lsp", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=follower if stdout else subprocess.DEVNULL,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    code = process.wait(timeout=120)
    os.close(leader)
    return code, b"".join(chunks).decode()
