"""Headless Neovim 0.7.2 (Debian 12's) as a real client: push diagnostics, hover, quick fix.

Runs `tests/e2e/nvim/drive.lua` inside `nvim --headless --clean -u NONE` on a TF1 file and
checks what it recorded and the file it wrote. Skipped only when `nvim` is missing outside CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, SERVER_ENV

pytestmark = pytest.mark.neovim

NVIM = shutil.which("nvim")
DRIVER = REPO / "tests" / "e2e" / "nvim" / "drive.lua"
SOURCE = (
    "import tensorflow as tf\n"
    "# 日本語のコメント\n"
    'x = "日本語"; sess = tf.Session()\n'
    'y = ("🙂", tf.log(x))\n'
)
EXPECTED = SOURCE.replace("tf.Session()", "tf.compat.v1.Session()")


def readme_setup(tmp_path: Path) -> Path:
    """The README's Neovim 0.7 snippet, verbatim but for the server command (this checkout's)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Neovim 0.7**", 1)[1]
    snippet = section.split("```lua\n", 1)[1].split("```", 1)[0]
    command = 'cmd = { "tf2-lsp", "serve" },'
    assert snippet.count(command) == 1
    snippet = snippet.replace(command, 'cmd = vim.fn.json_decode(os.getenv("TF2LSP_SERVER_CMD")),')
    path = tmp_path / "readme_setup.lua"
    path.write_text(snippet, encoding="utf-8")
    return path


def test_neovim_diagnostics_hover_and_quick_fix(tmp_path: Path) -> None:
    if NVIM is None:
        if not os.environ.get("CI"):
            pytest.skip("nvim is not installed (CI installs Debian's neovim 0.7.2)")
        pytest.fail("nvim is not on PATH under CI")
    target = tmp_path / "legacy.py"
    target.write_text(SOURCE, encoding="utf-8")
    second = tmp_path / "other.py"
    second.write_text("import tensorflow as tf\nz = tf.log(y)\n", encoding="utf-8")
    out = tmp_path / "results.json"
    env = {
        **SERVER_ENV,
        "TF2LSP_SERVER_CMD": json.dumps([sys.executable, "-m", "tf2_lsp", "serve"]),
        "TF2LSP_OUT": str(out),
        "TF2LSP_SETUP": str(readme_setup(tmp_path)),
        "TF2LSP_FIRST": str(target),
        "TF2LSP_SECOND": str(second),
        "XDG_STATE_HOME": str(tmp_path / "state"),  # Neovim's LSP log stays in tmp
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    proc = subprocess.run(
        [NVIM, "--headless", "--clean", "-u", "NONE", "-c", f"luafile {DRIVER}", str(target)],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.is_file(), f"drive.lua wrote no results: {proc.stdout}\n{proc.stderr}"
    results = json.loads(out.read_text())
    assert results["errors"] == [], results["errors"]
    # The README's way: one server for the session, every Python buffer attached to it.
    assert results["clients"] == 1
    assert results["attached"] == {"first": True, "second": True}

    assert results["offset_encoding"] == "utf-16"
    diagnostics = {d["code"]: d for d in results["diagnostics"]}
    assert sorted(diagnostics) == ["TF101", "TF201"]
    assert all(d["source"] == "tf2-lsp" for d in results["diagnostics"])
    # Neovim turns the server's UTF-16 columns into byte columns: both must land on the symbol.
    lines = SOURCE.encode("utf-8").splitlines()
    session = diagnostics["TF101"]
    assert lines[session["lnum"]][session["col"] : session["end_col"]] == b"tf.Session"
    log = diagnostics["TF201"]
    assert lines[log["lnum"]][log["col"] : log["end_col"]] == b"tf.log"

    hover = results["hover"]
    assert "TF101" in hover
    assert "tf.compat.v1.Session()" in hover
    assert "**TF1:**" in hover and "**TF2:**" in hover

    assert any(t.startswith("TF101: Replace") for t in results["action_titles"])
    assert any(t.startswith("TF101: Disable") for t in results["action_titles"])
    assert results["written"] is True
    assert results["final_codes"] == ["TF201"]
    assert target.read_text(encoding="utf-8") == EXPECTED
