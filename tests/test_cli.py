"""The command line, as users run it: a subprocess for the real entry point, `main()` in-process."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tf2_lsp.cli import main as cli

ROOT = Path(__file__).resolve().parents[1]
TF1 = "import tensorflow as tf\ns = tf.Session()\ny = tf.log(x)\n"
FIXED = "import tensorflow as tf\ns = tf.compat.v1.Session()\ny = tf.math.log(x)\n"
JSON_KEYS = [
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "code",
    "severity",
    "message",
    "symbol",
    "fix",
]


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "tf2_lsp", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        check=False,
    )


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
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


# -- check ----------------------------------------------------------------------------------------


def test_check_text_format(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1, "clean.py": "x = 1\n"})
    result = run("check", root / "a.py", root / "clean.py")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{root / 'a.py'}:2:5: TF101 `tf.Session`")
    assert lines[0].endswith("[fix]")
    assert lines[1].startswith(f"{root / 'a.py'}:3:5: TF201 ")
    assert lines[2] == "Found 2 finding(s) in 1 of 2 file(s); 2 fixable with `tf2-lsp fix`."


def test_check_clean_exits_0(tmp_path: Path) -> None:
    root = project(tmp_path, {"clean.py": "import tensorflow as tf\ny = tf.math.log(x)\n"})
    result = run("check", root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "No TensorFlow 1.x API uses found in 1 file(s)."


def test_check_json_schema(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1 + "h = tf.contrib.training.HParams()\n"})
    result = run("check", "--format", "json", root)
    assert result.returncode == 1
    records = json.loads(result.stdout)
    assert [list(r) for r in records] == [JSON_KEYS] * 3
    first = records[0]
    assert first["path"] == str(root / "a.py")
    assert (first["line"], first["column"], first["end_line"], first["end_column"]) == (2, 5, 2, 15)
    assert (first["code"], first["severity"], first["symbol"]) == (
        "TF101",
        "warning",
        "tensorflow.Session",
    )
    assert first["fix"] == {
        "title": "TF101: Replace `tf.Session` with `tf.compat.v1.Session`",
        "safety": "safe",
        "level": "compat",
    }
    assert records[2]["code"] == "TF407" and records[2]["fix"] is None


def test_check_sarif_shape(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1, "bad.py": "def f(:\n"})
    result = run("check", "--format", "sarif", root)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    assert "sarif" in log["$schema"]
    [run_] = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "tf2-lsp"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == sorted(set(rule_ids)) == ["TF000", "TF101", "TF201"]
    for result_ in run_["results"]:
        assert result_["ruleId"] in rule_ids
        assert rule_ids[result_["ruleIndex"]] == result_["ruleId"]
        assert result_["level"] in ("error", "warning", "note", "none")
        assert result_["message"]["text"]
        [location] = result_["locations"]
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert location["physicalLocation"]["artifactLocation"]["uri"]


def test_columns_are_characters(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "import tensorflow as tf\ns = '你好😀'; t = tf.Session()\n"})
    records = json.loads(run("check", "--format", "json", root).stdout)
    assert (records[0]["column"], records[0]["end_column"]) == (16, 26)


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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "missing.py"], "no such file or directory"),
        (["check", "--select", "XX", "."], "select"),
        (["check", "--ignore", "TF1x", "."], "ignore"),
        (["check", "--target-version", "3.0", "."], "target-version"),
        (["check", "--format", "xml", "."], "invalid choice"),
        (["frobnicate"], "invalid choice"),
        (["check"], "required"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    project(tmp_path, {"a.py": TF1})
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_suppression_comments(tmp_path: Path) -> None:
    source = (
        "import tensorflow as tf\n"
        "s = tf.log(tf.Session())  # tf2-lsp: ignore[TF101]\n"
        "t = tf.log(tf.Session())  # tf2-lsp: ignore\n"
    )
    root = project(tmp_path, {"a.py": source})
    records = json.loads(run("check", "--format", "json", root).stdout)
    assert [(r["line"], r["code"]) for r in records] == [(2, "TF201")]


# -- files that cannot be analysed ---------------------------------------------------------------


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


# -- fix ------------------------------------------------------------------------------------------


def test_fix_in_place(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1, "pkg/b.py": TF1, "clean.py": "x = 1\n"})
    result = run("fix", root)
    assert result.returncode == 0, result.stderr
    assert (root / "a.py").read_text() == FIXED
    assert (root / "pkg" / "b.py").read_text() == FIXED
    assert "Applied 4 fix(es) in 2 of 3 file(s); 0 finding(s) left for review." in result.stderr
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


def test_fix_leaves_manual_findings_and_exits_1(tmp_path: Path) -> None:
    source = "import tensorflow as tf\nh = tf.contrib.training.HParams(a=1)\n"
    root = project(tmp_path, {"a.py": source})
    result = run("fix", root)
    assert result.returncode == 1
    assert (root / "a.py").read_text() == source
    assert "1 finding(s) left for review" in result.stderr


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

    monkeypatch.setattr(cli, "write_source", refuse)
    assert cli.main(["fix", "--jobs", "1", str(root)]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert (root / "a.py").read_text() == TF1


# -- discovery -----------------------------------------------------------------------------------


def test_directories_skip_vcs_virtualenvs_and_node_modules(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "src/a.py": TF1,
            "src/notes.txt": TF1,
            ".git/hooks/h.py": TF1,
            "env/pyvenv.cfg": "home = /usr\n",
            "env/lib/x.py": TF1,
            "node_modules/pkg/y.py": TF1,
            "__pycache__/z.py": TF1,
        },
    )
    records = json.loads(run("check", "--format", "json", root).stdout)
    assert {Path(r["path"]).relative_to(root).as_posix() for r in records} == {"src/a.py"}


def test_a_file_named_directly_is_always_checked(tmp_path: Path) -> None:
    root = project(tmp_path, {"node_modules/x.py": TF1})
    assert run("check", root / "node_modules" / "x.py").returncode == 1


def test_many_files_use_the_pool_with_the_same_output(tmp_path: Path) -> None:
    files = {f"pkg{i % 3}/m{i:02d}.py": TF1 if i % 2 else "x = 1\n" for i in range(40)}
    files["pkg0/bad.py"] = "def f(:\n"
    root = project(tmp_path, files)
    serial = run("check", "--format", "json", "--jobs", "1", root)
    parallel = run("check", "--format", "json", "--jobs", "3", root)
    assert serial.returncode == parallel.returncode == 1
    assert parallel.stdout == serial.stdout
    assert len(json.loads(serial.stdout)) == 41


def test_pool_is_used_for_more_than_16_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import multiprocessing

    root = project(tmp_path, {f"m{i:02d}.py": TF1 for i in range(cli.PARALLEL_MIN_FILES + 1)})
    contexts: list[str] = []
    real = multiprocessing.get_context

    def spy(method: str | None = None) -> object:
        contexts.append(str(method))
        return real(method)

    monkeypatch.setattr(cli.multiprocessing, "get_context", spy)
    assert cli.main(["fix", "--jobs", "2", str(root)]) == 0
    assert contexts == ["fork"]
    assert all((root / f"m{i:02d}.py").read_text() == FIXED for i in range(17))
    assert "Applied 34 fix(es) in 17 of 17 file(s)" in capsys.readouterr().err


# -- configuration -------------------------------------------------------------------------------


def test_pyproject_config_applies(tmp_path: Path) -> None:
    root = project(tmp_path, {"src/a.py": TF1, "gen/b.py": TF1})
    (root / "pyproject.toml").write_text(
        "[tool.tf2-lsp]\nselect = ['TF1']\nexclude = ['gen']\nseverity = { TF101 = 'error' }\n",
        encoding="utf-8",
    )
    records = json.loads(run("check", "--format", "json", root).stdout)
    assert [(Path(r["path"]).name, r["code"], r["severity"]) for r in records] == [
        ("a.py", "TF101", "error")
    ]


def test_pyproject_level_and_unsafe_fixes(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "import tensorflow as tf\nf = tf.gfile.FastGFile(p)\n"})
    (root / "pyproject.toml").write_text(
        "[tool.tf2-lsp]\nlevel = 'native'\nunsafe-fixes = true\n", encoding="utf-8"
    )
    assert run("fix", root).returncode == 0
    assert (root / "a.py").read_text().endswith("f = tf.io.gfile.GFile(p)\n")


def test_pyproject_target_version(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "import tensorflow as tf\ny = tf.layers.dense(x, 3)\n"})
    [new] = json.loads(run("check", "--format", "json", root).stdout)
    assert new["severity"] == "error" and new["fix"] is None
    (root / "pyproject.toml").write_text("[tool.tf2-lsp]\ntarget-version = '2.15'\n")
    [old] = json.loads(run("check", "--format", "json", root).stdout)
    assert old["severity"] == "warning" and old["fix"] is not None


def test_bad_config_value_warns_and_uses_the_default(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    (root / "pyproject.toml").write_text(
        "[tool.tf2-lsp]\nlevel = 'modern'\nselcet = ['TF1']\nselect = ['TF2']\n"
    )
    result = run("check", "--format", "json", root)
    assert result.returncode == 1
    assert [r["code"] for r in json.loads(result.stdout)] == ["TF201"]
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 2
    assert "'level'" in warnings[0] and "using 'compat'" in warnings[0]
    assert "unknown setting 'selcet'" in warnings[1]


def test_command_line_overrides_pyproject(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    (root / "pyproject.toml").write_text("[tool.tf2-lsp]\nselect = ['TF2']\n")
    records = json.loads(run("check", "--format", "json", "--select", "TF1", root).stdout)
    assert [r["code"] for r in records] == ["TF101"]


# -- rules ----------------------------------------------------------------------------------------


def test_rules_listing_and_one_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "TF101" in listing and "TF214" in listing
    assert cli.main(["rules", "tf101"]) == 0
    assert "Session" in capsys.readouterr().out
    assert cli.main(["rules", "TF999"]) == 2
    assert "no rule TF999" in capsys.readouterr().err


def test_fix_reports_where_the_syntax_error_is(tmp_path: Path) -> None:
    root = project(tmp_path, {"broken.py": "import tensorflow as tf\n\ns = tf.Session(\n"})
    result = run("fix", root / "broken.py")
    assert result.returncode == 1
    assert f"{root / 'broken.py'}:3:" in result.stderr
    assert "syntax error" in result.stderr


def test_diff_headers_for_absolute_and_relative_paths(tmp_path: Path) -> None:
    root = project(tmp_path, {"pkg/a.py": "import tensorflow as tf\ns = tf.Session()\n"})
    absolute = run("fix", "--diff", root / "pkg" / "a.py")
    assert f"--- {(root / 'pkg' / 'a.py').as_posix()}\n" in absolute.stdout
    relative = run("fix", "--diff", "pkg/a.py", cwd=root)
    assert "--- a/pkg/a.py\n+++ b/pkg/a.py\n" in relative.stdout
