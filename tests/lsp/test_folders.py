"""The settings in force for a file: the editor's, under its own project's pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from tf2_lsp.lsp.folders import FolderSettings


class Said:
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.once: dict[str, str] = {}

    def settings(self) -> FolderSettings:
        return FolderSettings(self.warnings.append, self.once.__setitem__)


def project(folder: Path, section: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(f"[tool.tf2-lsp]\n{section}\n")
    return folder


def test_the_editors_settings_are_read_under_the_tf2_lsp_key_or_bare() -> None:
    said = Said()
    folders = said.settings()
    folders.apply_editor({"tf2-lsp": {"level": "native", "debounce": 50}})
    assert (folders.editor.level, folders.editor.debounce) == ("native", 50)
    assert folders.editor_raw == {"level": "native", "debounce": 50}
    folders.apply_editor({"level": "compat"})
    assert folders.editor.level == "compat"
    assert said.warnings == []


def test_a_bad_editor_setting_is_named_and_its_default_used() -> None:
    said = Said()
    folders = said.settings()
    folders.apply_editor(["not", "an", "object"])
    folders.apply_editor({"level": "sideways", "debounce": 10})
    assert said.warnings[0] == "settings must be an object; using the defaults"
    assert any("sideways" in warning for warning in said.warnings[1:])
    assert (folders.editor.level, folders.editor.debounce) == ("compat", 10)


def test_a_files_project_overrides_the_editor_and_is_read_again_when_told(
    tmp_path: Path,
) -> None:
    said = Said()
    folders = said.settings()
    folders.apply_editor({"level": "native", "debounce": 30})
    inside = project(tmp_path / "proj", 'level = "compat"')
    outside = tmp_path / "loose" / "b.py"
    deep = (inside / "pkg" / "a.py").as_uri()
    settings = folders.for_uri(deep)
    assert (settings.level, settings.debounce) == ("compat", 30)  # the rest is the editor's
    assert folders.for_uri(outside.as_uri()).level == "native"

    project(inside, 'level = "native"')
    assert folders.for_uri(deep).level == "compat"  # read once per folder
    folders.forget_projects()
    assert folders.for_uri(deep).level == "native"


def test_a_project_turning_on_unsafe_fixes_is_said(tmp_path: Path) -> None:
    said = Said()
    folders = said.settings()
    folder = project(tmp_path, 'unsafe-fixes = true\nlevel = "ancient"')
    folders.for_uri((folder / "a.py").as_uri())
    pyproject = folder / "pyproject.toml"
    assert list(said.once) == [f"unsafe-fixes:{pyproject}"]
    assert "fix-all and fix-on-save will also apply" in said.once[f"unsafe-fixes:{pyproject}"]
    assert [w for w in said.warnings if str(pyproject) in w and "ancient" in w]


def test_a_uri_without_a_path_gets_the_editors_settings() -> None:
    folders = Said().settings()
    folders.apply_editor({"level": "native"})
    assert folders.for_uri("untitled:Untitled-1").level == "native"
