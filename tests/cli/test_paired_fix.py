"""A model module and the reader of its penalties in another module, fixed as one unit before
the rest of the run: both results, the files kept from the rest, and no move where one of
the files may not be written."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.support import reader_package
from tests.cli.conftest import project
from tf2_lsp.cli.fix import fix_text, real_roots
from tf2_lsp.cli.paired_fix import fix_pairs
from tf2_lsp.settings import Settings

NATIVE_UNSAFE = Settings(level="native", unsafe_fixes=True)


def test_both_files_are_fixed_and_left_out_of_the_rest(tmp_path: Path) -> None:
    model = reader_package(project(tmp_path, {}))
    files = sorted((tmp_path / "pkg").glob("*.py"))
    losses = tmp_path / "pkg" / "losses.py"
    results, done = fix_pairs(files, NATIVE_UNSAFE, True, None, fix_text)
    assert done == {model, losses}
    by_path = {Path(r.path): r for r in results}
    assert set(by_path) == {model, losses}
    assert "+from pkg.model import tower" in by_path[losses].diff
    assert by_path[losses].applied == 1  # the reader; nothing else there is TF1
    assert "class Tower" in by_path[model].diff
    assert "def tower(x):" in model.read_text()  # a diff writes nothing


def test_a_reader_outside_the_paths_given_moves_nothing(tmp_path: Path) -> None:
    # The reader is a symlink to a file outside the tree being fixed: it may not be
    # written, so the model is not moved either.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    tree = tmp_path / "tree"
    tree.mkdir()
    model = reader_package(project(tree, {}))
    losses = tree / "pkg" / "losses.py"
    outside = elsewhere / "losses.py"
    outside.write_text(losses.read_text())
    losses.unlink()
    losses.symlink_to(outside)
    files = sorted((tree / "pkg").glob("*.py"))
    results, done = fix_pairs(files, NATIVE_UNSAFE, False, real_roots([tree]), fix_text)
    assert (results, done) == ([], set())
    assert "def tower(x):" in model.read_text()
    # `--write-outside-paths` (no roots): the same files move.
    assert fix_pairs(files, NATIVE_UNSAFE, True, None, fix_text)[1] == {model, losses}
