"""`tf2-lsp check` (cli/check.py): files and stdin, reported as they arrive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.analysis.support import reader_package
from tests.cli.conftest import TF1, project, run, run_stdin
from tf2_lsp.cli import check
from tf2_lsp.cli import main as cli
from tf2_lsp.cli.scan import FileResult


def test_check_clean_exits_0(tmp_path: Path) -> None:
    root = project(tmp_path, {"clean.py": "import tensorflow as tf\ny = tf.math.log(x)\n"})
    result = run("check", root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "No TensorFlow 1.x API uses found in 1 file(s)."


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (["--select", "TF1"], ["TF101"]),
        (["--select", "TF2,TF101"], ["TF101", "TF201"]),
        (["--ignore", "TF2"], ["TF101"]),
        (["--select", "TF", "--ignore", "TF101"], ["TF201"]),
    ],
)
def test_select_and_ignore(args: list[str], codes: list[str], tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    result = run("check", "--format", "json", *args, root)
    assert [r["code"] for r in json.loads(result.stdout)] == codes


def test_suppression_comments(tmp_path: Path) -> None:
    source = (
        "import tensorflow as tf\n"
        "s = tf.log(tf.Session())  # tf2-lsp: ignore[TF101]\n"
        "t = tf.log(tf.Session())  # tf2-lsp: ignore\n"
    )
    root = project(tmp_path, {"a.py": source})
    records = json.loads(run("check", "--format", "json", root).stdout)
    assert [(r["line"], r["code"]) for r in records] == [(2, "TF201")]


def test_text_output_is_streamed_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, {"a.py": TF1, "b.py": TF1})
    seen_before_b: list[str] = []
    real = check.check_file

    def spy(path: Path, **kwargs: object) -> FileResult:
        if path.name == "b.py":
            seen_before_b.append(capsys.readouterr().out)
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(check, "check_file", spy)
    assert cli.main(["check", "--jobs", "1", str(root / "a.py"), str(root / "b.py")]) == 1
    [early] = seen_before_b
    assert early.count(f"{root / 'a.py'}:") == 2  # a.py's findings were out before b.py began


def test_stdin_check_uses_the_stdin_filename(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    (root / "pyproject.toml").write_text("[tool.tf2-lsp]\nper-file-ignores = {'gen/*' = ['TF2']}\n")
    result = run_stdin("check", "-", "--stdin-filename", "pkg/m.py", text=TF1, cwd=root)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("pkg/m.py:2:5: TF101")
    ignored = run_stdin(
        "check", "--format", "json", "-", "--stdin-filename", "gen/m.py", text=TF1, cwd=root
    )
    assert [r["code"] for r in json.loads(ignored.stdout)] == ["TF101"]
    anonymous = run_stdin("check", "-", text="x = 1\n", cwd=root)
    assert (anonymous.returncode, anonymous.stdout) == (
        0,
        "No TensorFlow 1.x API uses found in 1 file(s).\n",
    )
    broken = run_stdin("check", "-", text="def f(:\n", cwd=root)
    assert broken.returncode == 1 and "-:1:7: TF000" in broken.stdout


def test_a_model_whose_penalties_another_module_reads_is_kept_and_the_reader_named(
    tmp_path: Path,
) -> None:
    model = reader_package(project(tmp_path, {}))
    selected = ("--level", "native", "--select", "TF934,TF935,TF938", "--no-cache")
    found = json.loads(run("check", tmp_path, *selected, "--format", "json").stdout)
    (model,) = found
    assert model["path"].endswith("model.py") and model["code"] == "TF938"
    assert model["fix"] is None
    assert "`pkg/losses.py` line 5 reads `REGULARIZATION_LOSSES`" in model["message"]
    # Fixed without the reader's file, the model stays as it is.
    diff = run("fix", model, *selected, "--unsafe", "--diff")
    assert "model.py" not in diff.stdout
