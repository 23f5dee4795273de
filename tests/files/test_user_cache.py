"""tf2-lsp's directory in the user's cache (files/user_cache.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tf2_lsp.files.user_cache import user_cache_directory


@pytest.mark.skipif(sys.platform == "win32", reason="Windows uses LOCALAPPDATA")
def test_xdg_cache_home_is_honoured_else_the_home_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_directory() == tmp_path / "xdg" / "tf2-lsp"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_cache_directory() == tmp_path / "home" / ".cache" / "tf2-lsp"
