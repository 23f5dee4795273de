"""The entry point (cli/main.py): discovery, settings from pyproject.toml and options, serve."""

from __future__ import annotations

import json
import os
import shutil
import socket
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
)


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


@pytest.mark.parametrize("body", ["tool = 5\n", "[tool]\ntf2-lsp = 3\n", "[[tool]]\nx = 1\n"])
def test_a_malformed_tool_table_is_a_warning_and_the_defaults_run(
    body: str, tmp_path: Path
) -> None:
    root = project(tmp_path, {"a.py": TF1})
    (root / "pyproject.toml").write_text(body, encoding="utf-8")
    # The documented statuses: findings (check), a diff (fix --diff), a written report.
    for command, status in ((["check"], 1), (["fix", "--diff"], 1), (["report", "-o", "-"], 0)):
        result = run(*command, "a.py", cwd=root)
        assert result.returncode == status, (command, result.stderr)
        assert f"tf2-lsp: warning: {root / 'pyproject.toml'}: [tool" in result.stderr
        assert "must be a table; using defaults" in result.stderr
        assert "Traceback" not in result.stderr
    assert run("fix", "a.py", cwd=root).returncode == 0
    assert (root / "a.py").read_text() == FIXED


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


def test_python_s_warnings_about_the_code_checked_are_not_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`"\\d"` in a checked file makes Python 3.12+ print a SyntaxWarning for every parse
    (3.11: a DeprecationWarning, shown here by asking Python to show every warning)."""
    monkeypatch.setenv("PYTHONWARNINGS", "default")
    root = project(tmp_path, {"a.py": 'import re\nr = re.compile("\\d+")\n' + TF1})
    checked = run("check", root)
    assert (checked.returncode, checked.stderr) == (1, "")
    assert "a.py:4:5: TF101" in checked.stdout
    fixed = run("fix", "--diff", root)
    assert fixed.returncode == 1
    assert "+s = tf.compat.v1.Session()" in fixed.stdout
    assert "Warning" not in fixed.stderr, fixed.stderr


def test_the_command_line_runs_as_a_process_of_its_own(tmp_path: Path) -> None:
    """`python -m tf2_lsp`, as CI and pre-commit start it (the other tests call `cli.main`)."""
    root = project(tmp_path, {"a.py": TF1})
    checked = run_process("check", "a.py", cwd=root)
    assert checked.returncode == 1
    assert checked.stdout.startswith("a.py:2:5: TF101 ")
    fixed = run_process("fix", "a.py", cwd=root)
    assert fixed.returncode == 0, fixed.stderr
    assert (root / "a.py").read_text() == FIXED
    assert run_process("check", "a.py", cwd=root).returncode == 0
