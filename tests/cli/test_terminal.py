"""Colour and the progress line on a terminal (cli/terminal.py)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import ROOT, TF1, project, run, run_on_terminal
from tf2_lsp.cli.terminal import Progress


def test_colour_only_on_a_terminal_and_never_with_no_color(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    plain = run("check", root)
    assert "\x1b[" not in plain.stdout
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FORCE_COLOR": "1"}
    forced = subprocess.run(
        [sys.executable, "-m", "tf2_lsp", "check", str(root)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "\x1b[1;31mTF101\x1b[0m" in forced.stdout
    env["NO_COLOR"] = "1"
    off = subprocess.run(
        [sys.executable, "-m", "tf2_lsp", "check", str(root)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "\x1b[" not in off.stdout


def test_terminal_gets_colour_and_a_progress_line(tmp_path: Path) -> None:
    from tf2_lsp.cli.terminal import PROGRESS_MIN_FILES

    root = project(tmp_path, {f"m{i:02d}.py": TF1 for i in range(PROGRESS_MIN_FILES)})
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm")
    _, screen = run_on_terminal(["check", "--jobs", "1", str(root)], env)
    assert f"Checking {PROGRESS_MIN_FILES}/{PROGRESS_MIN_FILES} files (100%)" in screen
    assert "\x1b[1;31mTF101\x1b[0m" in screen
    # The progress line is erased before each finding: what stays visible on each line
    # (the text after its last carriage return) is the finding, from its first column.
    for line in screen.replace("\r\n", "\n").split("\n"):
        if "TF101" in line:
            visible = line.split("\r")[-1].removeprefix("\x1b[K")
            assert visible.startswith(f"\x1b[1m{root}"), repr(line)
    _, small = run_on_terminal(["check", str(root / "m00.py")], {**env, "NO_COLOR": "1"})
    assert "Checking" not in small and "\x1b[" not in small


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_is_drawn_in_place_and_cleared() -> None:
    stream = _Terminal()
    progress = Progress(stream, 20, "Scanning", bar=True)
    for _ in range(20):
        progress.advance()
    progress.clear()
    text = stream.getvalue()
    assert text.startswith("\r\x1b[KScanning [#.............................] 1/20 files (5%)")
    assert f"\r\x1b[KScanning [{'#' * 30}] 20/20 files (100%)" in text
    assert text.endswith("\r\x1b[K")
    assert Progress(io.StringIO(), 20, "Checking").enabled is False  # not a terminal
