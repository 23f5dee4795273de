"""`tf2-lsp fix` (cli/fix.py): files in place, --diff, stdin, and the summary of what is left."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from tests.analysis.support import GRAPH_CALLER, TF2_CALLER, model_package, reader_package
from tests.cli.conftest import FIXED, TF1, UNSAFE, project, run, run_stdin, snapshot
from tests.files.support import temp_files, writer_in_fsync
from tf2_lsp.cli import fix
from tf2_lsp.cli import main as cli


def test_fix_in_place(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1, "pkg/b.py": TF1, "clean.py": "x = 1\n"})
    result = run("fix", root)
    assert result.returncode == 0, result.stderr
    assert (root / "a.py").read_text() == FIXED
    assert (root / "pkg" / "b.py").read_text() == FIXED
    assert "Applied 4 fix(es) in 2 of 3 file(s); 0 finding(s) left." in result.stderr
    assert not [p for p in root.rglob("*") if "tf2-lsp" in p.name]  # no temp files left
    assert run("check", root).returncode == 0


def test_fix_diff_writes_nothing(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    before = snapshot(root)
    result = run("fix", "--diff", root)
    assert snapshot(root) == before
    assert f"{(root / 'a.py').as_posix()}\n" in result.stdout.splitlines(keepends=True)[0]
    assert "\n-s = tf.Session()\n" in result.stdout
    assert "\n+s = tf.compat.v1.Session()\n" in result.stdout
    assert "Would apply 2 fix(es)" in result.stderr


def test_fix_level_native_and_unsafe(tmp_path: Path) -> None:
    source = "import tensorflow as tf\ntf.logging.info('x')\nf = tf.gfile.FastGFile(p)\n"
    root = project(tmp_path, {"a.py": source})
    result = run("fix", "--level", "native", root)
    assert result.returncode == 1  # the unsafe FastGFile fix is left for review
    assert (root / "a.py").read_text() == (
        "import tensorflow as tf\nfrom absl import logging\nlogging.info('x')\n"
        "f = tf.gfile.FastGFile(p)\n"
    )
    result = run("fix", "--level", "native", "--unsafe", root)
    assert result.returncode == 0, result.stderr
    assert (root / "a.py").read_text().endswith("f = tf.io.gfile.GFile(p)\n")


def test_native_fix_keeps_a_model_function_another_module_runs_from_graph_code(
    tmp_path: Path,
) -> None:
    # `pkg/run.py` reuses the variables of `layers.conv` under a Session: a layer would lose
    # that reuse, so the function stays and `check` names the caller; with a TF2 caller
    # instead, the same function becomes the shim layer.
    for caller, becomes_layer in ((GRAPH_CALLER, False), (TF2_CALLER, True)):
        root = tmp_path / ("tf2" if becomes_layer else "graph")
        root.mkdir()
        callee = model_package(project(root, {}), caller)
        assert run("fix", "--level", "native", "--unsafe", root).returncode in (0, 1)
        assert ("class Conv(tf.keras.layers.Layer):" in callee.read_text()) is becomes_layer
        reported = run("check", "--level", "native", "--select", "TF938", root).stdout
        says = "pkg/layers.py:4:5: TF938" in reported and "`pkg/run.py` line 9 calls it" in reported
        assert says is not becomes_layer


def test_fix_leaves_manual_findings_and_exits_1(tmp_path: Path) -> None:
    source = "import tensorflow as tf\nh = tf.contrib.training.HParams(a=1)\n"
    root = project(tmp_path, {"a.py": source})
    result = run("fix", root)
    assert result.returncode == 1
    assert (root / "a.py").read_text() == source
    assert "1 finding(s) left: 1 to migrate by hand" in result.stderr


def test_fix_keeps_bom_cookie_and_line_endings_byte_exact(tmp_path: Path) -> None:
    bom = codecs.BOM_UTF8 + "import tensorflow as tf\r\n# 注释 😀\r\ns = tf.Session()\r\n".encode()
    latin = "# -*- coding: latin-1 -*-\nimport tensorflow as tf\ns = 'café'; t = tf.log(x)\n"
    root = project(tmp_path, {"bom.py": bom, "latin.py": latin.encode("latin-1")})
    result = run("fix", root)
    assert result.returncode == 0, result.stderr
    assert (root / "bom.py").read_bytes() == bom.replace(b"tf.Session", b"tf.compat.v1.Session")
    assert (root / "latin.py").read_bytes() == latin.replace("tf.log", "tf.math.log").encode(
        "latin-1"
    )


def test_fix_never_writes_code_that_would_not_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tf2_lsp.fixes import apply

    root = project(tmp_path, {"a.py": TF1})
    before = snapshot(root)
    broken = apply.apply_line_edits

    def breaking(source: str, edits: object) -> str:
        return broken(source, edits) + "def (:\n"  # type: ignore[arg-type]

    monkeypatch.setattr(apply, "apply_line_edits", breaking)
    assert cli.main(["fix", "--jobs", "1", str(root)]) == 1
    assert snapshot(root) == before
    assert "would not parse" in capsys.readouterr().err


def test_fix_reports_a_write_error_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, {"a.py": TF1})

    def refuse(source: object, text: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fix, "write_source", refuse)
    assert cli.main(["fix", "--jobs", "1", str(root)]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err
    # Only what reached the disk counts as applied.
    assert "Applied 0 fix(es) in 0 of 1 file(s); 2 finding(s) left" in err
    assert (root / "a.py").read_text() == TF1


def test_fix_reports_where_the_syntax_error_is(tmp_path: Path) -> None:
    root = project(tmp_path, {"broken.py": "import tensorflow as tf\n\ns = tf.Session(\n"})
    result = run("fix", root / "broken.py")
    assert result.returncode == 1
    assert f"{root / 'broken.py'}:3:" in result.stderr
    assert "syntax error" in result.stderr


def test_fix_diff_exits_1_when_there_is_a_diff_and_0_when_clean(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1, "clean.py": "import tensorflow as tf\n"})
    assert run("fix", "--diff", root / "a.py").returncode == 1
    clean = run("fix", "--diff", root / "clean.py")
    assert (clean.returncode, clean.stdout) == (0, "")


def test_fix_summary_names_the_command_for_what_is_left(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": UNSAFE + "y = tf.layers.dense(x, 3)\n"})
    result = run("fix", "--select", "TF3,TF4,TF9", root)
    assert result.returncode == 1
    assert result.stderr.strip().endswith(
        # tf.layers at TF 2.21: its compat fix needs tf_keras, so it is unsafe
        "2 finding(s) left: 1 fixable after review with "
        f"`tf2-lsp fix --select TF3,TF4,TF9 --unsafe {root}`, "
        "1 to migrate by hand (`tf2-lsp check` lists them)."
    )
    result = run("fix", "--level", "native", "--unsafe", "--select", "TF3,TF4,TF9", root)
    assert result.stderr.strip().endswith(
        "1 finding(s) left: 1 to migrate by hand (`tf2-lsp check` lists them)."
    )


def test_unsafe_fixes_selects_codes(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": UNSAFE})
    result = run("fix", "--level", "native", "--unsafe-fixes", "TF91", root)
    assert result.returncode == 1
    text = (root / "a.py").read_text()
    assert "tf.keras.optimizers.Adam(" in text and "tf.gfile.FastGFile(p)" in text
    assert "1 fixable after review with `tf2-lsp fix --level native --unsafe" in result.stderr


def test_unsafe_fixes_and_extend_safe_fixes_in_pyproject(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": UNSAFE, "b.py": UNSAFE})
    (root / "pyproject.toml").write_text(
        "[tool.tf2-lsp]\nlevel = 'native'\nextend-safe-fixes = ['TF302']\n"
    )
    lines = run("check", root / "a.py").stdout.splitlines()
    assert lines[0].startswith(f"{root / 'a.py'}:2:5: TF302") and lines[0].endswith(" [fix]")
    assert lines[1].endswith("[unsafe fix]")
    assert run("fix", root / "a.py").returncode == 1
    assert "tf.io.gfile.GFile(p)" in (root / "a.py").read_text()
    assert "AdamOptimizer" in (root / "a.py").read_text()
    (root / "pyproject.toml").write_text(
        "[tool.tf2-lsp]\nlevel = 'native'\nunsafe-fixes = ['TF911']\n"
        "extend-unsafe-fixes = ['TF101']\n"
    )
    run("fix", root / "b.py")
    text = (root / "b.py").read_text()
    assert "tf.keras.optimizers.Adam(" in text and "tf.gfile.FastGFile(p)" in text
    (root / "c.py").write_text(TF1)
    lines = run("check", root / "c.py").stdout.splitlines()
    assert lines[0].endswith("[unsafe fix]") and lines[1].endswith(" [fix]")


def test_stdin_fix_writes_the_result_to_stdout(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    result = run_stdin("fix", "-", "--stdin-filename", "m.py", text=TF1, cwd=root)
    assert (result.returncode, result.stdout) == (0, FIXED)
    assert "Applied 2 fix(es) in 1 of 1 file(s)" in result.stderr
    diff = run_stdin("fix", "--diff", "-", text=TF1, cwd=root)
    assert diff.returncode == 1
    assert diff.stdout.startswith("--- a/-\n+++ b/-\n")
    assert "\n-s = tf.Session()\n" in diff.stdout
    assert "\n+s = tf.compat.v1.Session()\n" in diff.stdout
    clean = run_stdin("fix", "-", text="x = 1\n", cwd=root)
    assert (clean.returncode, clean.stdout) == (0, "x = 1\n")


def test_fix_skips_a_read_only_file_and_does_not_count_it(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1, "b.py": TF1})
    (root / "a.py").chmod(0o444)
    result = run("fix", root)
    assert f"{root / 'a.py'}: read-only file; not changed" in result.stderr
    assert "Applied 2 fix(es) in 1 of 2 file(s); 2 finding(s) left: 2 fixed but not written" in (
        result.stderr
    )
    assert result.returncode == 1
    assert (root / "a.py").read_text() == TF1
    assert (root / "b.py").read_text() == FIXED


def test_fix_does_not_write_through_a_symlink_out_of_the_paths_given(tmp_path: Path) -> None:
    root = project(tmp_path, {"tree/in.py": TF1, "elsewhere/x.py": TF1, "elsewhere/n.ipynb": ""})
    notebook = '{"cells": [{"cell_type": "code", "source": "import tensorflow as tf\\ntf.log(1)"}]}'
    (root / "elsewhere" / "n.ipynb").write_text(notebook)
    (root / "tree" / "link.py").symlink_to("../elsewhere/x.py")
    (root / "tree" / "nb.ipynb").symlink_to(root / "elsewhere" / "n.ipynb")
    result = run("fix", "tree", cwd=root)
    assert result.returncode == 1  # findings left: the ones not written
    for link, target in (("link.py", "x.py"), ("nb.ipynb", "n.ipynb")):
        real = root / "elsewhere" / target
        assert f"tree/{link}: a symlink to {real}, outside the paths given; not changed" in (
            result.stderr
        )
    assert (root / "elsewhere" / "x.py").read_text() == TF1
    assert (root / "elsewhere" / "n.ipynb").read_text() == notebook
    assert (root / "tree" / "in.py").read_text() == FIXED
    assert "Applied 2 fix(es) in 1 of 3 file(s)" in result.stderr

    # Named directly, a link's file is one the user asked for; the option allows the rest.
    assert run("fix", "tree/link.py", cwd=root).returncode == 0
    assert (root / "elsewhere" / "x.py").read_text() == FIXED
    assert run("fix", "--write-outside-paths", "tree", cwd=root).returncode == 0
    assert "tf.math.log(1)" in (root / "elsewhere" / "n.ipynb").read_text()


def test_fix_through_a_symlink_keeps_the_link_and_fixes_the_file_once(tmp_path: Path) -> None:
    root = project(tmp_path, {"real.py": TF1})
    (root / "link.py").symlink_to("real.py")
    result = run("fix", root)
    assert "Applied 2 fix(es) in 1 of 1 file(s)" in result.stderr
    assert (root / "link.py").is_symlink()
    assert (root / "real.py").read_text() == FIXED


def test_the_next_fix_removes_a_temp_file_a_killed_fix_left(tmp_path: Path) -> None:
    root = project(tmp_path, {"pkg/a.py": TF1, "pkg/b.py": TF1})
    writer = writer_in_fsync(root / "pkg" / "a.py")
    writer.kill()  # kill -9 during the fsync
    writer.wait()
    [left] = temp_files(root / "pkg")
    result = run("fix", "pkg/b.py", cwd=root)  # another file of that directory
    removed = f"tf2-lsp: removed {root / 'pkg' / left}, left by a fix that was killed"
    assert removed in result.stderr
    assert temp_files(root / "pkg") == []
    assert (root / "pkg" / "a.py").read_text() == TF1
    assert (root / "pkg" / "b.py").read_text() == FIXED


def test_a_tree_fix_rewrites_a_model_and_the_reader_of_its_penalties_together(
    tmp_path: Path,
) -> None:
    model = reader_package(project(tmp_path, {}))
    losses = tmp_path / "pkg" / "losses.py"
    before = losses.read_text()
    diff = run("fix", tmp_path, "--level", "native", "--unsafe", "--diff")
    assert "+from pkg.model import tower" in diff.stdout and "class Tower" in diff.stdout
    assert losses.read_text() == before  # --diff writes nothing
    run("fix", tmp_path, "--level", "native", "--unsafe")
    assert "tf.add_n(tower.losses)" in losses.read_text()
    assert "class Tower(tf.keras.layers.Layer):" in model.read_text()
    left = json.loads(run("check", tmp_path, "--level", "native", "--format", "json").stdout)
    assert not [f for f in left if f["code"] in ("TF934", "TF935", "TF938")]


@pytest.mark.parametrize(
    "options",
    [
        ("--level", "native"),  # safe fixes only: the layer is an unsafe fix
        ("--level", "native", "--unsafe", "--select", "TF938"),  # the readers' TF935 left out
    ],
)
def test_without_both_parts_neither_the_model_nor_its_reader_moves(
    tmp_path: Path, options: tuple[str, ...]
) -> None:
    model = reader_package(project(tmp_path, {}))
    losses = tmp_path / "pkg" / "losses.py"
    run("fix", tmp_path, *options)
    assert "def tower(x):" in model.read_text()
    assert "get_regularization_loss()" in losses.read_text()


def test_a_fix_of_the_model_file_alone_leaves_it_a_function(tmp_path: Path) -> None:
    model = reader_package(project(tmp_path, {}))
    run("fix", model, "--level", "native", "--unsafe")
    assert "def tower(x):" in model.read_text()
    assert "get_regularization_loss()" in (tmp_path / "pkg" / "losses.py").read_text()
