"""Which files a run covers: real trees on disk (links, loops, hidden and vendored trees)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from tf2_lsp.files.discover import iter_python_files

ROOT = Path(__file__).resolve().parents[2]


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def covered(
    paths: Iterable[Path], root: Path, exclude: Iterable[str] = ()
) -> tuple[list[str], list[tuple[str, str]]]:
    """The files yielded (relative to `root`, in order) and the errors reported."""
    errors: list[tuple[str, str]] = []
    files = iter_python_files(paths, exclude, lambda path, why: errors.append((str(path), why)))
    return [Path(os.path.relpath(f, root)).as_posix() for f in files], errors


def test_a_tree_yields_python_files_and_notebooks_in_a_stable_order(tmp_path: Path) -> None:
    touch(tmp_path, "b.py", "a.py", "pkg/z.py", "pkg/m.ipynb", "notes.txt", "stub.pyi", "c.pyc")
    files, errors = covered([tmp_path], tmp_path)
    assert files == ["a.py", "b.py", "pkg/m.ipynb", "pkg/z.py"]
    assert errors == []


def test_vcs_caches_vendored_and_virtual_environments_are_skipped(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "keep.py",
        ".git/hooks/pre-commit.py",
        "node_modules/pkg/build.py",
        "__pycache__/keep.py",
        ".venv/lib/a.py",
        "venv/lib/a.py",
        ".tox/py311/a.py",
        "lib/site-packages/dep.py",
        # A virtual environment under any name is known by its pyvenv.cfg.
        "tf1-env/lib/python3.7/tensorflow/a.py",
    )
    (tmp_path / "tf1-env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert covered([tmp_path], tmp_path) == (["keep.py"], [])


def test_other_hidden_directories_are_source(tmp_path: Path) -> None:
    touch(tmp_path, ".github/scripts/release.py", ".config/train.py")
    files, _ = covered([tmp_path], tmp_path)
    assert files == [".config/train.py", ".github/scripts/release.py"]


def test_jupyter_checkpoints_are_not_checked_twice(tmp_path: Path) -> None:
    # Jupyter keeps a stale copy of each notebook there; checking (or fixing) it is noise.
    touch(tmp_path, "train.ipynb", ".ipynb_checkpoints/train-checkpoint.ipynb")
    assert covered([tmp_path], tmp_path) == (["train.ipynb"], [])


def test_a_named_file_is_covered_whatever_its_name_or_place(tmp_path: Path) -> None:
    touch(tmp_path, "venv/lib/a.py", "script", "gen/out.py")
    named = [tmp_path / "venv/lib/a.py", tmp_path / "script", tmp_path / "gen/out.py"]
    files, errors = covered(named, tmp_path, exclude=["gen"])
    assert files == ["venv/lib/a.py", "script", "gen/out.py"]
    assert errors == []


def test_exclude_matches_names_paths_and_directories(tmp_path: Path) -> None:
    touch(tmp_path, "a.py", "test_a.py", "build/x.py", "pkg/gen/y.py", "pkg/b.py", "pkg/c_pb2.py")
    files, _ = covered([tmp_path], tmp_path, exclude=["test_*.py", "build", "pkg/gen", "*_pb2.py"])
    assert files == ["a.py", "pkg/b.py"]


def test_a_name_glob_does_not_reach_into_directories_of_that_name(tmp_path: Path) -> None:
    # fnmatch's `*` matches `/` too: `test_*.py` must not exclude `test_utils/model.py`.
    touch(tmp_path, "test_utils/model.py", "test_utils/test_model.py", "test_run.py")
    files, _ = covered([tmp_path], tmp_path, exclude=["test_*.py"])
    assert files == ["test_utils/model.py"]


def test_a_file_reached_twice_is_yielded_once(tmp_path: Path) -> None:
    touch(tmp_path, "src/a.py", "src/b.py")
    (tmp_path / "src" / "link.py").symlink_to(tmp_path / "src" / "a.py")
    os.link(tmp_path / "src" / "b.py", tmp_path / "src" / "hard.py")
    named_too = [tmp_path / "src", tmp_path / "src" / "a.py", tmp_path / "src"]
    files, errors = covered(named_too, tmp_path)
    assert files == ["src/a.py", "src/b.py"]
    assert errors == []


def test_a_directory_symlink_loop_ends(tmp_path: Path) -> None:
    touch(tmp_path, "pkg/a.py")
    (tmp_path / "pkg" / "again").symlink_to(tmp_path)
    (tmp_path / "pkg" / "self").symlink_to(tmp_path / "pkg")
    files, errors = covered([tmp_path], tmp_path)
    assert files == ["pkg/a.py"]
    assert errors == []


def test_paths_that_cannot_be_covered_are_reported_not_skipped(tmp_path: Path) -> None:
    touch(tmp_path, "a.py")
    loop = tmp_path / "loop.py"
    loop.symlink_to(loop)
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    missing = tmp_path / "missing.py"
    files, errors = covered([missing, loop, fifo, tmp_path / "a.py"], tmp_path)
    assert files == ["a.py"]
    assert [path for path, _ in errors] == [str(missing), str(loop), str(fifo)]
    assert all(why.startswith("cannot read: ") for _, why in errors)
    assert "No such file" in errors[0][1]
    assert "named pipe" in errors[2][1]


def test_without_a_reporter_bad_paths_are_simply_not_yielded(tmp_path: Path) -> None:
    touch(tmp_path, "a.py")
    found = list(iter_python_files([tmp_path / "missing", tmp_path / "a.py"]))
    assert found == [tmp_path / "a.py"]


def test_a_broken_link_in_a_tree_is_yielded_so_reading_it_reports_why(tmp_path: Path) -> None:
    (tmp_path / "gone.py").symlink_to(tmp_path / "nowhere.py")
    assert covered([tmp_path], tmp_path) == (["gone.py"], [])


def test_names_that_are_not_utf8_are_covered(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.py")
    try:
        (tmp_path / name).write_text("x = 1\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take non-UTF-8 names")
    found = list(iter_python_files([tmp_path]))
    assert found == [tmp_path / name]
    assert os.fsencode(found[0].name) == b"caf\xe9.py"
    assert found[0].read_text() == "x = 1\n"


_WALK = """
import json, sys
from pathlib import Path
from tf2_lsp.files.discover import iter_python_files
errors = []
files = iter_python_files([Path(sys.argv[1])], (), lambda p, why: errors.append([str(p), why]))
print(json.dumps({"files": [str(f) for f in files], "errors": errors}))
"""


def test_a_directory_that_cannot_be_listed_is_reported_and_the_rest_walked() -> None:
    root = Path(tempfile.mkdtemp(prefix="tf2-lsp-discover-"))
    try:
        root.chmod(0o755)
        touch(root, "a.py", "locked/secret.py", "z/b.py")
        for directory in (root, root / "z"):
            directory.chmod(0o755)
        (root / "locked").chmod(0o000)
        prefix = []
        if os.geteuid() == 0:  # root lists everything: walk as `nobody`
            prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            if shutil.which("setpriv") is None:
                pytest.skip("cannot drop root's privileges here")
        walk = subprocess.run(
            [*prefix, sys.executable, "-c", _WALK, str(root)],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=True,
        )
        result = json.loads(walk.stdout)
        assert result["files"] == [str(root / "a.py"), str(root / "z" / "b.py")]
        assert result["errors"] == [
            [str(root / "locked"), "cannot read directory: Permission denied"]
        ]
    finally:
        (root / "locked").chmod(0o755)
        shutil.rmtree(root)
