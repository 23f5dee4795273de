"""`tf2-lsp report` (cli/report/command.py): its fix commands, write errors, progress."""

from __future__ import annotations

import os
from pathlib import Path

from tests.cli.conftest import ROOT, TF1, project, run, run_on_terminal
from tests.cli.report.conftest import report_json


def test_fix_command_applies_what_the_report_calls_safe(tmp_path: Path) -> None:
    root = project(
        tmp_path, {"pkg/a.py": TF1, "pkg/b.py": TF1 + "h = tf.contrib.training.HParams()\n"}
    )
    data = report_json("pkg", cwd=root)
    safe = data["totals"]["fix_classes"]["safe"]
    command = data["commands"]["fix_safe"].split()
    assert command[:2] == ["tf2-lsp", "fix"]
    fixed = run(*command[1:], cwd=root)
    assert f"Applied {safe} fix(es)" in fixed.stderr
    after = report_json("pkg", cwd=root)
    assert after["totals"]["fix_classes"]["safe"] == 0
    assert after["totals"]["findings"] == data["totals"]["findings"] - safe


def test_write_error_exits_2(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    result = run("report", ".", "-o", "missing/dir/r.html", cwd=root)
    assert result.returncode == 2
    assert "cannot write missing/dir/r.html" in result.stderr
    assert "Traceback" not in result.stderr


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    root = project(tmp_path, {f"m{i}.py": TF1 for i in range(20)})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["report", ".", "-o", "r.html", "--jobs", "1"]
    code, stderr = run_on_terminal(args, env, root, stdout=False)
    assert code == 0
    assert "Scanning [" in stderr and "20/20 files (100%)" in stderr
    piped = run("report", ".", "-o", "r.html", cwd=root)
    assert "Scanning" not in piped.stderr and "Wrote r.html" in piped.stderr


def test_the_report_suggests_the_commands_the_summaries_suggest(tmp_path: Path) -> None:
    root = project(tmp_path, {"my pkg/a.py": TF1 + "f = tf.gfile.FastGFile(p)\n"})
    commands = report_json("my pkg", "--select", "TF1,TF3", "--level", "native", cwd=root)[
        "commands"
    ]
    fixed = run("fix", "--select", "TF1,TF3", "--level", "native", "my pkg", cwd=root)
    # The summary names the unsafe command for what is left, spelled as the report spells it.
    assert f"with `{commands['fix_unsafe']}`" in fixed.stderr
    assert commands["fix_unsafe_diff"] == commands["fix_unsafe"].replace(
        " --unsafe ", " --unsafe --diff "
    )
