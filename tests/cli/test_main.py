"""The command line, as users run it: a subprocess for the real entry point, `main()` in-process."""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tf2_lsp.cli import main as cli
from tf2_lsp.cli import pool

ROOT = Path(__file__).resolve().parents[2]
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
    assert lines[2] == (
        f"Found 2 finding(s) in 1 of 2 file(s); 2 fixable with "
        f"`tf2-lsp fix {root / 'a.py'} {root / 'clean.py'}`."
    )


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
        (["check", "missing.py"], "no such file or directory: missing.py"),
        (["check", "--select", "XX", "."], "--select: invalid value 'XX'"),
        (["check", "--ignore", "TF1x", "."], "--ignore: invalid value 'TF1x'"),
        (["check", "--target-version", "3.0", "."], "--target-version: invalid value '3.0'"),
        (["check", "--level", "modern", "."], "--level: invalid value 'modern'"),
        (["check", "--format", "xml", "."], "--format: invalid value 'xml'"),
        (["check", "--jobs", "-1", "."], "--jobs: invalid value '-1'"),
        (["fix", "--jobs", "many", "."], "--jobs: invalid value 'many'"),
        (["check", "-", "a.py"], "cannot be combined"),
        (["check", "--stdin-filename", "x.py", "a.py"], "needs `-`"),
        (["check", "--baseline", "b.json", "--write-baseline", "c.json", "."], "combined"),
        (["check", "--baseline", "missing.json", "."], "cannot read baseline missing.json"),
        (["frobnicate"], "invalid choice"),
        (["check"], "required"),
    ],
)
def test_usage_errors_say_invalid_and_abort_with_exit_2(
    args: list[str], message: str, tmp_path: Path
) -> None:
    project(tmp_path, {"a.py": TF1})
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.rstrip().endswith("aborting")
    assert "using" not in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


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

    monkeypatch.setattr(cli, "write_source", refuse)
    assert cli.main(["fix", "--jobs", "1", str(root)]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err
    # Only what reached the disk counts as applied.
    assert "Applied 0 fix(es) in 0 of 1 file(s); 2 finding(s) left" in err
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

    monkeypatch.setattr(pool.multiprocessing, "get_context", spy)
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
    # TF 2.21 defaults to Keras 3: the compat rewrite needs tf_keras, so it is only unsafe.
    assert new["severity"] == "error" and new["fix"]["safety"] == "unsafe"
    assert "TF_USE_LEGACY_KERAS=1" in new["message"]
    (root / "pyproject.toml").write_text("[tool.tf2-lsp]\ntarget-version = '2.15'\n")
    [old] = json.loads(run("check", "--format", "json", root).stdout)
    assert old["severity"] == "warning" and old["fix"]["safety"] == "safe"


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


# -- output: streaming, formats, statistics --------------------------------------------------------

UNSAFE = (
    "import tensorflow as tf\n"
    "f = tf.gfile.FastGFile(p)\n"  # TF302: native fix unsafe
    "o = tf.train.AdamOptimizer(0.1)\n"  # TF911: native fix unsafe
    "h = tf.contrib.training.HParams(a=1)\n"  # TF407: manual
)


def test_text_output_is_streamed_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, {"a.py": TF1, "b.py": TF1})
    seen_before_b: list[str] = []
    real = cli.check_file

    def spy(path: Path, **kwargs: object) -> cli.FileResult:
        if path.name == "b.py":
            seen_before_b.append(capsys.readouterr().out)
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cli, "check_file", spy)
    assert cli.main(["check", "--jobs", "1", str(root / "a.py"), str(root / "b.py")]) == 1
    [early] = seen_before_b
    assert early.count(f"{root / 'a.py'}:") == 2  # a.py's findings were out before b.py began


def test_json_stream_is_one_array(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1, "b.py": TF1, "clean.py": "x = 1\n"})
    result = run("check", "--format", "json", root)
    records = json.loads(result.stdout)
    assert result.stdout == json.dumps(records) + "\n"  # same bytes as one json.dumps
    assert len(records) == 4
    empty = run("check", "--format", "json", root / "clean.py")
    assert (empty.returncode, empty.stdout) == (0, "[]\n")


def test_unsafe_only_fix_is_marked_and_summarised(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": UNSAFE})
    lines = run("check", "--level", "native", root / "a.py").stdout.splitlines()
    assert lines[0].endswith("[unsafe fix]") and lines[1].endswith("[unsafe fix]")
    assert not lines[2].endswith("]")  # HParams: manual
    assert lines[3] == (
        "Found 3 finding(s) in 1 of 1 file(s); 0 fixable with "
        f"`tf2-lsp fix --level native {root / 'a.py'}`, 2 more with "
        f"`tf2-lsp fix --level native --unsafe {root / 'a.py'}` (review them)."
    )


def test_statistics_text_and_json(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": UNSAFE + "s = tf.Session()\nt = tf.Session()\n"})
    text = run("check", "--statistics", "--level", "native", root)
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["count", "code", "rule", "safe", "unsafe", "manual"]
    assert lines[1].split() == ["2", "TF101", "session", "2", "0", "0"]
    assert [line.split()[1] for line in lines[2:5]] == ["TF302", "TF407", "TF911"]
    assert lines[-1].split() == ["5", "total", "2", "2", "1"]
    rows = json.loads(
        run("check", "--statistics", "--format", "json", "--level", "native", root).stdout
    )
    assert rows[0] == {
        "code": "TF101",
        "name": "session",
        "count": 2,
        "safe": 2,
        "unsafe": 0,
        "manual": 0,
    }
    assert {row["code"]: row["unsafe"] for row in rows} == {
        "TF101": 0,
        "TF302": 1,
        "TF407": 0,
        "TF911": 1,
    }


def test_github_annotations(tmp_path: Path) -> None:
    root = project(tmp_path, {"dir,with:odd/a.py": TF1})
    result = run("check", "--format", "github", "dir,with:odd/a.py", cwd=root)
    assert result.returncode == 1
    first, second = result.stdout.splitlines()
    assert first.startswith(
        "::warning file=dir%2Cwith%3Aodd/a.py,line=2,col=5,endLine=2,endColumn=15,"
        "title=tf2-lsp TF101::TF101 `tf.Session`"
    )
    assert second.startswith("::warning file=dir%2Cwith%3Aodd/a.py,line=3,col=5,")
    bad = run("check", "--format", "github", root / "dir,with:odd" / "a.py", "--select", "TF000")
    assert bad.stdout == ""


def test_sarif_fingerprints_survive_moved_lines(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1 + "t = tf.Session()\nu = tf.Session()\n"})

    def prints() -> list[tuple[int, str]]:
        log = json.loads(run("check", "--format", "sarif", "a.py", cwd=root).stdout)
        return [
            (
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["partialFingerprints"]["tf2LspFinding/v1"],
            )
            for r in log["runs"][0]["results"]
        ]

    before = prints()
    assert len({fingerprint for _, fingerprint in before}) == len(before) == 4
    (root / "a.py").write_text(
        "import os\n\n"
        + TF1.replace("import tensorflow as tf\n", "import tensorflow as tf\n# moved\n")
        + "t = tf.Session()\nu = tf.Session()\n"
    )
    after = prints()
    assert [line for line, _ in after] == [line + 3 for line, _ in before]
    assert [f for _, f in after] == [f for _, f in before]


# -- fix: --diff gate, summary, unsafe selection ---------------------------------------------------


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


# -- configuration: per-file ignores, unknown codes -----------------------------------------------


def test_per_file_ignores(tmp_path: Path) -> None:
    root = project(
        tmp_path, {"src/a.py": TF1, "tests/t.py": TF1, "src/conftest.py": TF1, "x/tests/b.py": TF1}
    )
    (root / "pyproject.toml").write_text(
        "[tool.tf2-lsp]\nper-file-ignores = { 'tests/*' = ['TF101'], 'conftest.py' = ['TF'] }\n"
    )
    records = json.loads(run("check", "--format", "json", ".", cwd=root).stdout)
    assert sorted((r["path"], r["code"]) for r in records) == [
        ("src/a.py", "TF101"),
        ("src/a.py", "TF201"),
        ("tests/t.py", "TF201"),
        ("x/tests/b.py", "TF101"),  # anchored at the pyproject.toml's directory
        ("x/tests/b.py", "TF201"),
    ]
    # The same from another working directory, and for `fix`.
    records = json.loads(
        run("check", "--format", "json", root / "tests", cwd=tmp_path.parent).stdout
    )
    assert [r["code"] for r in records] == ["TF201"]
    run("fix", root / "tests")
    assert (root / "tests" / "t.py").read_text() == TF1.replace("tf.log", "tf.math.log")


def test_unknown_rule_codes_in_config_are_warned_about(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    (root / "pyproject.toml").write_text(
        "[tool.tf2-lsp]\nseverity = { TF999 = 'hint', TF101 = 'error' }\nignore = ['TF88']\n"
    )
    result = run("check", "--select", "TF77,TF1", root)
    assert result.returncode == 1
    warnings = result.stderr.splitlines()
    assert warnings == [
        f"tf2-lsp: warning: {root / 'pyproject.toml'}: setting 'ignore': no rule has the code "
        "'TF88' (`tf2-lsp rules` lists them)",
        f"tf2-lsp: warning: {root / 'pyproject.toml'}: setting 'severity': no rule has the code "
        "'TF999' (`tf2-lsp rules` lists them)",
        "tf2-lsp: warning: --select: no rule has the code 'TF77' (`tf2-lsp rules` lists them)",
    ]


# -- stdin -----------------------------------------------------------------------------------------


def run_stdin(*args: str | Path, text: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "tf2_lsp", *map(str, args)],
        input=text,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
    )


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


# -- baseline --------------------------------------------------------------------------------------


def test_baseline_reports_only_new_findings(tmp_path: Path) -> None:
    root = project(tmp_path, {"pkg/a.py": TF1, "b.py": TF1})
    written = run("check", "--write-baseline", "tf1.json", ".", cwd=root)
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    assert "Wrote 4 finding(s) in 2 file(s) to tf1.json." in written.stderr
    baseline = json.loads((root / "tf1.json").read_text())
    assert baseline["findings"][0] == {
        "path": "b.py",
        "code": "TF101",
        "symbol": "tensorflow.Session",
        "line": "s = tf.Session()",
        "count": 1,
    }
    known = run("check", "--baseline", "tf1.json", ".", cwd=root)
    assert known.returncode == 0
    assert (
        known.stdout == "No TensorFlow 1.x API uses found in 2 file(s) (4 more in the baseline).\n"
    )
    # Moved lines stay known; one more identical use, and an edited line, are new.
    (root / "pkg" / "a.py").write_text(
        "import tensorflow as tf\n\n\ns = tf.Session()\ns = tf.Session()\ny = tf.log(z)\n"
    )
    new = run("check", "--format", "json", "--baseline", root / "tf1.json", root, cwd=tmp_path)
    assert new.returncode == 1
    assert [(Path(r["path"]).name, r["line"], r["code"]) for r in json.loads(new.stdout)] == [
        ("a.py", 5, "TF101"),
        ("a.py", 6, "TF201"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ("[]", "not a tf2-lsp baseline"),
        ('{"tool": "tf2-lsp", "version": 9, "findings": []}', "version 9"),
        ('{"tool": "tf2-lsp", "version": 1, "findings": [{"path": 1}]}', "findings[0]"),
    ],
)
def test_bad_baseline_aborts(content: str, message: str, tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    (root / "b.json").write_text(content)
    result = run("check", "--baseline", "b.json", ".", cwd=root)
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.rstrip().endswith("aborting")
    assert "Traceback" not in result.stderr


# -- terminal: colour and progress -----------------------------------------------------------------


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


def _run_in_pty(args: list[str], env: dict[str, str]) -> str:
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tf2_lsp", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
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
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode()


def test_terminal_gets_colour_and_a_progress_line(tmp_path: Path) -> None:
    from tf2_lsp.cli.terminal import PROGRESS_MIN_FILES

    root = project(tmp_path, {f"m{i:02d}.py": TF1 for i in range(PROGRESS_MIN_FILES)})
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm")
    screen = _run_in_pty(["check", "--jobs", "1", str(root)], env)
    assert f"Checking {PROGRESS_MIN_FILES}/{PROGRESS_MIN_FILES} files (100%)" in screen
    assert "\x1b[1;31mTF101\x1b[0m" in screen
    # The progress line is erased before each finding: what stays visible on each line
    # (the text after its last carriage return) is the finding, from its first column.
    for line in screen.replace("\r\n", "\n").split("\n"):
        if "TF101" in line:
            visible = line.split("\r")[-1].removeprefix("\x1b[K")
            assert visible.startswith(f"\x1b[1m{root}"), repr(line)
    small = _run_in_pty(["check", str(root / "m00.py")], {**env, "NO_COLOR": "1"})
    assert "Checking" not in small and "\x1b[" not in small


# -- help and rules -------------------------------------------------------------------------------


def test_help_describes_every_argument_with_examples_and_exit_codes() -> None:
    import argparse

    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            assert action.help, f"{name}: {action.dest} has no help"
        text = sub.format_help()
        assert "examples:" in text and "exit status:" in text
    result = run("check", "--help")
    assert result.returncode == 0
    assert "--statistics" in result.stdout and "  2  a usage" in result.stdout


def test_rules_listing_is_sorted_with_a_header(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["CODE", "NAME", "SEVERITY"]
    codes = [line.split()[0] for line in lines[1:]]
    assert codes == sorted(codes) and len(codes) > 100


def test_rule_text_indents_code_instead_of_printing_fences(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["rules", "TF931"]) == 0
    text = capsys.readouterr().out
    assert "```" not in text and "\npython\n" not in text
    assert "\n    h = tf.compat.v1.layers.dense(x, 128, activation=tf.nn.relu)\n" in text
    assert cli.main(["rules", "TF931", "--format", "markdown"]) == 0
    assert "```python\n" in capsys.readouterr().out


# -- paths that cannot be covered are reported, never skipped ------------------------------------


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


@pytest.mark.parametrize("mode", [0o311, 0o644], ids=["not listable", "not enterable"])
def test_a_directory_that_cannot_be_read_is_reported(mode: int) -> None:
    root = shared_project({"ok.py": TF1, "locked/hidden.py": TF1})
    try:
        (root / "locked").chmod(mode)
        result = run_unprivileged("check", root)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert f"{root / 'locked'}" in result.stderr
        assert "Permission denied" in result.stderr
        assert "ok.py" in result.stdout  # the rest is still checked
    finally:
        (root / "locked").chmod(0o755)
        shutil.rmtree(root)


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


def test_pipes_devices_and_empty_paths_are_errors_not_hangs(tmp_path: Path) -> None:
    root = project(tmp_path, {"ok.py": TF1})
    os.mkfifo(root / "pipe.py")
    cases = [
        ([os.devnull], f"{os.devnull}: cannot read: a character device"),
        ([root / "pipe.py"], f"{root / 'pipe.py'}: cannot read: a named pipe"),
        ([root], f"{root / 'pipe.py'}: cannot read: a named pipe"),
        ([""], "an empty PATH"),
    ]
    for command in ("check", "fix"):
        for paths, message in cases:
            result = subprocess.run(
                [sys.executable, "-m", "tf2_lsp", command, *map(str, paths)],
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


def test_file_names_that_are_not_utf8_are_printed_as_their_bytes(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    name = os.fsencode(root) + b"/caf\xe9.py"
    with open(name, "wb") as handle:
        handle.write(TF1.encode())
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    for args in (["check"], ["fix", "--diff"]):
        result = subprocess.run(
            [sys.executable, "-m", "tf2_lsp", *args, str(root)],
            capture_output=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert b"Traceback" not in result.stderr, args
        assert b"caf\xe9.py" in result.stdout, args
    as_json = subprocess.run(
        [sys.executable, "-m", "tf2_lsp", "check", "--format", "json", str(root)],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    # JSON carries the name as Python does (a surrogate escape): os.fsencode gives it back.
    assert {os.fsencode(r["path"]) for r in json.loads(as_json.stdout)} == {name}
    fixed = subprocess.run(
        [sys.executable, "-m", "tf2_lsp", "fix", str(root)], env=env, timeout=60, check=False
    )
    assert fixed.returncode == 0
    assert Path(os.fsdecode(name)).read_text() == FIXED


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


def test_fix_through_a_symlink_keeps_the_link_and_fixes_the_file_once(tmp_path: Path) -> None:
    root = project(tmp_path, {"real.py": TF1})
    (root / "link.py").symlink_to("real.py")
    result = run("fix", root)
    assert "Applied 2 fix(es) in 1 of 1 file(s)" in result.stderr
    assert (root / "link.py").is_symlink()
    assert (root / "real.py").read_text() == FIXED


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


@pytest.mark.parametrize(
    ("value", "address"),
    [("[::1]:2087", ("::1", 2087)), ("2087", ("127.0.0.1", 2087)), ("0.0.0.0:80", ("0.0.0.0", 80))],
)
def test_tcp_addresses(value: str, address: tuple[str, int]) -> None:
    assert cli.tcp_address(value) == address


@pytest.mark.parametrize(
    "value", ["999999", "localhost:999999", "host:", "[::1", "::1:2087", "a:b"]
)
def test_bad_tcp_addresses_are_usage_errors(value: str) -> None:
    result = run("serve", "--tcp", value)
    assert result.returncode == 2
    assert "--tcp" in result.stderr and "Traceback" not in result.stderr


def test_serve_on_ipv6_loopback(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET6) as probe:
        probe.bind(("::1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "tf2_lsp", "serve", "--tcp", f"[::1]:{port}"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("::1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else b""
                assert time.monotonic() < deadline, "the server did not listen on [::1]"
                time.sleep(0.1)
    finally:
        server.kill()
        server.wait()
