"""The settings in force for a file: the editor's, under those of the file's own project.

A folder's `[tool.tf2-lsp]` (from the pyproject.toml above it) is read once and kept until
the server is told that a pyproject.toml or the editor's settings changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pygls.uris import to_fs_path

from tf2_lsp.lsp.convert import SOURCE
from tf2_lsp.settings import Settings, load_project_settings, parse_settings


class FolderSettings:
    def __init__(self, warn: Callable[[str], None], say_once: Callable[[str, str], None]) -> None:
        self._warn = warn  # a bad setting: shown to the user each time it is read
        self._say_once = say_once  # (topic, message): shown once
        self.editor_raw: dict[str, Any] = {}  # as the editor sent them (debug info)
        self.editor = Settings()
        self._projects: dict[Path, tuple[Settings, Path | None]] = {}

    def apply_editor(self, raw: object) -> None:
        """The editor's settings (`initializationOptions` or `didChangeConfiguration`), checked;
        a bad one is named and its default used."""
        if isinstance(raw, dict) and isinstance(raw.get(SOURCE), dict):
            raw = raw[SOURCE]
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self._warn("settings must be an object; using the defaults")
            raw = {}
        settings, problems = parse_settings(raw, "editor")
        for problem in problems:
            self._warn(problem)
        self.editor_raw = dict(raw)
        self.editor = settings

    def forget_projects(self) -> None:
        """A pyproject.toml changed (or may have): each folder's is read again."""
        self._projects.clear()

    def for_uri(self, uri: str) -> Settings:
        """Editor settings, overridden by the `[tool.tf2-lsp]` of the file's own project."""
        path = to_fs_path(uri)
        if not path:
            return self.editor
        directory = Path(path).parent
        cached = self._projects.get(directory)
        if cached is None:
            project, problems, pyproject = load_project_settings(directory)
            for problem in problems:
                self._warn(problem)
            if project.unsafe_fixes and pyproject is not None:
                # A repository must not quietly make fix-all (and fix-on-save) change behaviour.
                self._say_once(
                    f"unsafe-fixes:{pyproject}",
                    f"tf2-lsp: {pyproject} turns on unsafe fixes (unsafe-fixes): fix-all and "
                    "fix-on-save will also apply fixes that may change behaviour",
                )
            cached = (project, pyproject)
            self._projects[directory] = cached
        project, _ = cached
        # Keys the project sets win; the rest come from the editor.
        # This file's per-file-ignores join the ignores.
        return project.over(self.editor).for_file(os.path.realpath(path))
