"""Running a command over files (cli/scan.py): reading guards, worker processes."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.conftest import (
    FIXED,
    ROOT,
    TF1,
    project,
    run,
    run_process,
    run_unprivileged,
    shared_project,
    snapshot,
)
from tf2_lsp.cli import main as cli
from tf2_lsp.cli import pool, scan
from tf2_lsp.files.notebookfile import Notebook


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("import tensorflow as tf\ndef f(:\n    tf.Session()\n", "syntax error"),
        (b"import tensorflow as tf\ns = '\xff'\n", "UTF-8"),
        (b"# coding: ascii\nimport tensorflow as tf\ns = '\xe9'\n", "ascii"),
    ],
)
def test_unreadable_file_is_one_tf000_and_never_written(
    content: str | bytes, words: str, tmp_path: Path
) -> None:
    root = project(tmp_path, {"bad.py": content})
    before = snapshot(root)
    check = run("check", "--format", "json", root)
    assert check.returncode == 1
    [record] = json.loads(check.stdout)
    assert record["code"] == "TF000" and record["severity"] == "error"
    assert words.lower() in record["message"].lower()
    fix = run("fix", root)
    assert "Traceback" not in fix.stderr
    assert "TF000" in fix.stderr and "not changed" in fix.stderr
    assert snapshot(root) == before


def test_many_files_use_the_pool_with_the_same_output(tmp_path: Path) -> None:
    files = {f"pkg{i % 3}/m{i:02d}.py": TF1 if i % 2 else "x = 1\n" for i in range(40)}
    files["pkg0/bad.py"] = "def f(:\n"
    root = project(tmp_path, files)
    # Processes of their own: the pool forks, and this worker may hold TensorFlow's threads.
    serial = run_process("check", "--format", "json", "--jobs", "1", root)
    parallel = run_process("check", "--format", "json", "--jobs", "3", root)
    assert serial.returncode == parallel.returncode == 1
    assert parallel.stdout == serial.stdout
    assert len(json.loads(serial.stdout)) == 41


def test_pool_is_used_for_more_than_16_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import multiprocessing

    root = project(tmp_path, {f"m{i:02d}.py": TF1 for i in range(scan.PARALLEL_MIN_FILES + 1)})
    contexts: list[str] = []
    real = multiprocessing.get_context

    def spy(method: str | None = None) -> object:
        contexts.append(str(method))
        return real(method)

    monkeypatch.setattr(pool.multiprocessing, "get_context", spy)
    assert cli.main(["fix", "--jobs", "2", str(root)]) == 0
    assert contexts == ["fork"]
    assert all((root / f"m{i:02d}.py").read_text() == FIXED for i in range(17))
    assert "Applied 34 fix(es) in 17 of 17 file(s)" in capsys.readouterr().err


def test_an_unreadable_file_is_reported_with_its_reason() -> None:
    root = shared_project({"ok.py": TF1, "secret.py": TF1})
    try:
        (root / "secret.py").chmod(0)
        for target in (root, root / "secret.py"):
            result = run_unprivileged("check", target)
            assert result.returncode == 2
            assert f"{root / 'secret.py'}: cannot read: Permission denied" in result.stderr
            assert "Traceback" not in result.stderr
    finally:
        shutil.rmtree(root)


def test_an_unreadable_path_is_not_called_missing() -> None:
    root = shared_project({"ok.py": TF1, "secret/a.py": TF1})
    try:
        (root / "secret").chmod(0o700)  # root's: nobody may not look inside
        for command in (["check"], ["fix"], ["report", "-o", "-"]):
            result = run_unprivileged(*command, root / "secret" / "a.py")
            assert result.returncode == 2, command
            assert f"{root / 'secret' / 'a.py'}: cannot read: Permission denied" in result.stderr
            assert "no such file" not in result.stderr
    finally:
        shutil.rmtree(root)


def test_pipes_devices_loops_and_empty_paths_are_errors_not_hangs(tmp_path: Path) -> None:
    root = project(tmp_path, {"ok.py": TF1})
    os.mkfifo(root / "pipe.py")
    (root / "loop").mkdir()
    (root / "loop" / "a.py").symlink_to("b.py")
    (root / "loop" / "b.py").symlink_to("a.py")
    (root / "loop" / "self.py").symlink_to("self.py")
    loop = f"{root / 'loop' / 'a.py'}: cannot read: Too many levels of symbolic links"
    cases = [
        ([os.devnull], f"{os.devnull}: cannot read: a character device"),
        ([root / "pipe.py"], f"{root / 'pipe.py'}: cannot read: a named pipe"),
        ([root], f"{root / 'pipe.py'}: cannot read: a named pipe"),
        ([""], "an empty PATH"),
        ([root / "loop" / "a.py"], loop),
        ([root / "loop" / "self.py", root / "ok.py"], "self.py: cannot read: Too many levels"),
        ([root / "loop"], loop),
    ]
    for command in (["check"], ["fix"], ["report", "-o", "r.html"]):
        for paths, message in cases:
            result = subprocess.run(
                [sys.executable, "-m", "tf2_lsp", *command, *map(str, paths)],
                capture_output=True,
                text=True,
                cwd=root,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                timeout=60,
                check=False,
            )
            assert result.returncode == 2, (command, paths, result.stderr)
            assert message in result.stderr
            assert "Traceback" not in result.stderr


def test_a_worker_killed_mid_run_does_not_hang_it(tmp_path: Path) -> None:
    root = project(tmp_path, {f"m{i:02d}.py": TF1 * 300 for i in range(40)})
    command = [sys.executable, "-m", "tf2_lsp", "check", "--format", "json", "--jobs", "2"]
    process = subprocess.Popen(
        [*command, str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + 30
    workers: list[str] = []
    while not workers and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        with contextlib.suppress(OSError):
            workers = children.read_text().split()
    assert workers, "no worker process started"
    time.sleep(0.3)
    os.kill(int(workers[0]), signal.SIGKILL)  # as the out-of-memory killer would
    try:
        stdout, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the run hung after a worker died")
    assert b"Traceback" not in stderr
    # Every file is accounted for: analysed again alone, or named as lost.
    analysed = {Path(r["path"]).name for r in json.loads(stdout)}
    lost = {line.split(":")[1].strip() for line in stderr.decode().splitlines() if "died" in line}
    assert analysed | {Path(p).name for p in lost} == {f"m{i:02d}.py" for i in range(40)}


def test_read_file_says_why_a_file_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_bytes(b"s = '\xff'\n")
    (tmp_path / "bad.ipynb").write_text("{not json")
    (tmp_path / "ok.ipynb").write_text('{"cells": []}')
    missing = scan.read_file(tmp_path / "gone.py")
    assert isinstance(missing, scan.FileResult) and missing.records == []
    assert missing.io_error is not None and missing.io_error.startswith("cannot read")
    for name in ("bad.py", "bad.ipynb"):
        result = scan.read_file(tmp_path / name, "; not changed")
        assert isinstance(result, scan.FileResult) and result.io_error is None
        [record] = result.records
        assert record.code == "TF000" and record.message.endswith("; not changed")
    assert isinstance(scan.read_file(tmp_path / "ok.ipynb"), Notebook)


def test_a_file_run_prints_io_errors_as_they_arrive_and_fails(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [Path("a.py"), Path("b.py")]
    run_ = scan.FileRun(files, 1, "Checking")

    def work(path: Path) -> scan.FileResult:
        if path.name == "a.py":
            return scan.FileResult(str(path), io_error="cannot read: gone")
        raise ValueError("a bug")

    results = list(run_.results(work))
    assert [r.path for r in results] == ["a.py", "b.py"]
    assert run_.errors
    assert capsys.readouterr().err.splitlines() == [
        "tf2-lsp: a.py: cannot read: gone",
        "tf2-lsp: b.py: internal error, please report it: ValueError('a bug')",
    ]


def test_files_are_analysed_with_the_collector_paused_and_it_runs_again_after(
    tmp_path: Path,
) -> None:
    paths = [tmp_path / "a.py", tmp_path / "b.py"]
    seen: list[bool] = []

    def analyse(path: Path) -> scan.FileResult:
        seen.append(gc.isenabled())
        if path.name == "b.py":
            raise ValueError("a bug")
        return scan.FileResult(str(path))

    assert gc.isenabled()
    results = list(scan.map_files(analyse, paths, jobs=1))
    assert seen == [False, False]
    assert results[1].io_error == "internal error, please report it: ValueError('a bug')"
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # what the run froze is the collector's again


def _analysed_in_a_worker(path: Path) -> scan.FileResult:
    return scan.FileResult(str(path), io_error=f"analysed in {os.getpid()}")


def test_known_results_are_answered_first_and_only_the_others_are_analysed(
    tmp_path: Path,
) -> None:
    # A warm result cache answers in the command's own process; what it cannot answer goes
    # to the workers, and the results still come in file order.
    paths = [tmp_path / f"m{i:02d}.py" for i in range(40)]
    stored = {path: scan.FileResult(str(path), lines=7) for path in paths[::3]}
    results = list(scan.map_files(_analysed_in_a_worker, paths, jobs=2, known=stored.get))
    assert [r.path for r in results] == [str(p) for p in paths]
    assert [r.lines == 7 for r in results] == [p in stored for p in paths]
    analysed_by = {r.io_error for r in results if r.io_error}
    assert len([r for r in results if r.io_error]) == len(paths) - len(stored)
    assert f"analysed in {os.getpid()}" not in analysed_by  # 26 misses: worker processes
    # When every file is known, nothing is analysed, in this process or any other.
    assert all(
        r.lines == 7 for r in scan.map_files(_analysed_in_a_worker, paths[::3], 2, stored.get)
    )
