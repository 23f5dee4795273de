"""`fix --diff` output (cli/diff.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import project, run
from tf2_lsp.cli.diff import colour_diff, unified_diff
from tf2_lsp.cli.terminal import Style


def test_diff_headers_for_absolute_and_relative_paths(tmp_path: Path) -> None:
    root = project(tmp_path, {"pkg/a.py": "import tensorflow as tf\ns = tf.Session()\n"})
    absolute = run("fix", "--diff", root / "pkg" / "a.py")
    assert f"--- {(root / 'pkg' / 'a.py').as_posix()}\n" in absolute.stdout
    relative = run("fix", "--diff", "pkg/a.py", cwd=root)
    assert "--- a/pkg/a.py\n+++ b/pkg/a.py\n" in relative.stdout


def test_a_diff_is_coloured_only_when_the_style_is_on() -> None:
    diff = unified_diff("a\nb\n", "a\nc\n", Path("m.py"))
    assert diff.startswith("--- a/m.py\n+++ b/m.py\n@@ ")
    assert colour_diff(diff, Style(False)) == diff
    coloured = colour_diff(diff, Style(True))
    assert "\x1b[1;31m-b\x1b[0m\n" in coloured and "\x1b[32m+c\x1b[0m\n" in coloured
    assert coloured.startswith("\x1b[1m--- a/m.py\x1b[0m\n")


def test_a_form_feed_does_not_cut_a_line_of_the_diff() -> None:
    before = "import tensorflow as tf\n#\x0cpage \u2028\nx = 1\n"
    diff = unified_diff(before, before.replace("x = 1", "x = 2"), Path("a.py"))
    assert " #\x0cpage \u2028\n-x = 1\n+x = 2\n" in diff


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch program")
@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("from pkg import f", "from pkg import f\nimport tensorflow as tf\nx = 1"),
        ("a = 1\nb = tf.log(x)", "a = 1\nb = tf.math.log(x)"),
        ("a = 1\nb = tf.log(x)", "a = 1\nb = tf.math.log(x)\n"),
        ("a = 1\nb = tf.log(x)\n", "a = 1\nb = tf.math.log(x)"),
    ],
)
def test_a_diff_of_a_file_without_a_final_line_break_applies_with_patch(
    tmp_path: Path, before: str, after: str
) -> None:
    (tmp_path / "m.py").write_text(before)
    diff = unified_diff(before, after, Path("m.py"))
    assert all(line.endswith("\n") for line in diff.splitlines(keepends=True))
    subprocess.run(["patch", "-p1", "--quiet"], input=diff, text=True, cwd=tmp_path, check=True)
    assert (tmp_path / "m.py").read_text() == after
