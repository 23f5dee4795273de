"""`[tool.tf2-lsp]` and editor settings: validated, a bad value named and its default kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from tf2_lsp.settings import (
    Settings,
    find_pyproject,
    ignored_codes,
    load_project_settings,
    parse_settings,
    unknown_codes,
)


def pyproject(directory: Path, body: str) -> Path:
    path = directory / "pyproject.toml"
    path.write_text("[project]\nname = 'x'\n\n[tool.tf2-lsp]\n" + body, encoding="utf-8")
    return path


def test_defaults() -> None:
    settings, problems = parse_settings({}, "toml")
    assert problems == []
    assert settings == Settings()
    assert (settings.level, settings.target_version, settings.select) == ("compat", "2.21", ())


def test_every_toml_key(tmp_path: Path) -> None:
    pyproject(
        tmp_path,
        'select = ["TF1", "TF201"]\nignore = ["TF105"]\nlevel = "native"\n'
        'target-version = "2.15"\nexclude = ["gen/*"]\nunsafe-fixes = true\n'
        'severity = { TF101 = "error" }\n',
    )
    settings, problems, path = load_project_settings(tmp_path / "src" / "a.py")
    assert problems == []
    assert path == tmp_path / "pyproject.toml"
    assert settings == Settings(
        level="native",
        select=("TF1", "TF201"),
        ignore=("TF105",),
        severity=(("TF101", "error"),),
        target_version="2.15",
        exclude=("gen/*",),
        unsafe_fixes=("TF",),
    )


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('level = "modern"\n', "level"),
        ('select = ["XX1"]\n', "select"),
        ("select = 3\n", "select"),
        ('ignore = ["TF1x"]\n', "ignore"),
        ('target-version = "1.15"\n', "target-version"),
        ("target-version = 2.15\n", "target-version"),
        ('exclude = "gen"\n', "exclude"),
        ('unsafe-fixes = "yes"\n', "unsafe-fixes"),
        ('severity = { TF101 = "fatal" }\n', "severity"),
        ('severity = "error"\n', "severity"),
        ('unsafe-fixes = ["XX"]\n', "unsafe-fixes"),
        ('extend-safe-fixes = "TF9x"\n', "extend-safe-fixes"),
        ("extend-unsafe-fixes = [1]\n", "extend-unsafe-fixes"),
        ('per-file-ignores = ["tests/*"]\n', "per-file-ignores"),
        ('per-file-ignores = { "tests/*" = ["T1"] }\n', "per-file-ignores"),
    ],
)
def test_invalid_value_names_the_key_and_keeps_the_default(
    body: str, key: str, tmp_path: Path
) -> None:
    pyproject(tmp_path, body)
    settings, problems, _ = load_project_settings(tmp_path)
    assert settings == Settings()
    [problem] = problems
    assert f"'{key}'" in problem
    assert str(tmp_path / "pyproject.toml") in problem


def test_one_bad_value_does_not_drop_the_others(tmp_path: Path) -> None:
    pyproject(tmp_path, 'level = "modern"\nselect = ["TF1"]\n')
    settings, problems, _ = load_project_settings(tmp_path)
    assert settings.select == ("TF1",)
    assert settings.level == "compat"
    assert len(problems) == 1


def test_unknown_key_is_a_warning(tmp_path: Path) -> None:
    pyproject(tmp_path, 'selct = ["TF1"]\n')
    settings, problems, _ = load_project_settings(tmp_path)
    assert settings == Settings()
    [problem] = problems
    assert "unknown setting 'selct'" in problem


def test_nearest_pyproject_wins(tmp_path: Path) -> None:
    pyproject(tmp_path, 'level = "native"\n')
    inner = tmp_path / "pkg"
    inner.mkdir()
    pyproject(inner, 'select = ["TF2"]\n')
    settings, _, path = load_project_settings(inner / "mod.py")
    assert path == inner / "pyproject.toml"
    assert settings.select == ("TF2",)
    assert settings.level == "compat"  # the outer file is not merged in


def test_no_pyproject(tmp_path: Path) -> None:
    assert find_pyproject(tmp_path) != tmp_path / "pyproject.toml"
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    settings, problems, path = load_project_settings(tmp_path)
    assert (settings, problems, path) == (Settings(), [], tmp_path / "pyproject.toml")


def test_broken_pyproject_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tf2-lsp\n", encoding="utf-8")
    settings, problems, _ = load_project_settings(tmp_path)
    assert settings == Settings()
    assert len(problems) == 1 and "cannot read" in problems[0]


def test_section_must_be_a_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool]\n"tf2-lsp" = 3\n', encoding="utf-8")
    settings, problems, _ = load_project_settings(tmp_path)
    assert settings == Settings()
    assert problems and "must be a table" in problems[0]


@pytest.mark.parametrize(
    ("body", "table"),
    [
        ("tool = 5\n", "[tool]"),
        ("tool = [1]\n", "[tool]"),
        ('tool = "tf2-lsp"\n', "[tool]"),
        ("tool = 2024-01-01\n", "[tool]"),
        ("[[tool]]\nx = 1\n", "[tool]"),
        ("[tool]\ntf2-lsp = 3\n", "[tool.tf2-lsp]"),
        ('[tool]\ntf2-lsp = "native"\n', "[tool.tf2-lsp]"),
        ('[[tool.tf2-lsp]]\nlevel = "native"\n', "[tool.tf2-lsp]"),
    ],
)
def test_a_tool_value_that_is_not_a_table_is_a_warning_naming_the_file(
    body: str, table: str, tmp_path: Path
) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(body, encoding="utf-8")
    settings, problems, found = load_project_settings(tmp_path)
    assert (settings, found) == (Settings(), path)
    assert problems == [f"{path}: {table} must be a table; using defaults"]


def test_a_symlink_loop_as_the_start_is_no_crash(tmp_path: Path) -> None:
    (tmp_path / "a.py").symlink_to(tmp_path / "b.py")
    (tmp_path / "b.py").symlink_to(tmp_path / "a.py")
    pyproject(tmp_path, 'level = "native"\n')
    settings, problems, _ = load_project_settings(tmp_path / "a.py")
    assert (settings.level, problems) == ("native", [])


def test_editor_style_keys() -> None:
    settings, problems = parse_settings(
        {"targetVersion": "2.16", "unsafeFixes": True, "debounce": 300, "path": "x"}, "editor"
    )
    assert problems == []
    assert (settings.target_version, settings.unsafe_fixes, settings.debounce) == (
        "2.16",
        ("TF",),
        300,
    )
    _, problems = parse_settings({"target-version": "2.16"}, "editor")
    assert problems and "target-version" in problems[0]


@pytest.mark.parametrize("value", [-1, 10_000, True, "fast"])
def test_debounce_range(value: object) -> None:
    settings, problems = parse_settings({"debounce": value}, "editor")
    assert settings.debounce == Settings().debounce
    assert len(problems) == 1 and "debounce" in problems[0]


def test_codes_accept_a_comma_separated_string() -> None:
    settings, problems = parse_settings({"select": "TF1, TF201"}, "toml")
    assert problems == []
    assert settings.select == ("TF1", "TF201")


def test_overrides_apply_on_top_of_a_base() -> None:
    base = Settings(level="native", select=("TF1",))
    settings, problems = parse_settings({"select": "TF2"}, "toml", base=base)
    assert problems == []
    assert (settings.level, settings.select) == ("native", ("TF2",))


def test_deeply_nested_pyproject_is_a_warning_and_the_defaults(tmp_path: Path) -> None:
    path = pyproject(tmp_path, "level = " + "[" * 50_000 + "]" * 50_000 + "\n")
    settings, problems, found = load_project_settings(tmp_path)
    assert (settings, found) == (Settings(), path)
    assert problems == [
        f"{path}: cannot read [tool.tf2-lsp]: values are nested too deeply; using defaults"
    ]


def test_a_huge_bad_value_is_shown_short() -> None:
    nested: object = "x" * 10_000
    for _ in range(500):
        nested = [nested]
    _, problems = parse_settings({"level": nested, "select": "y" * 10_000}, "toml")
    assert len(problems) == 2
    assert all(len(problem) < 300 for problem in problems), problems


def test_unsafe_fix_selection_keys(tmp_path: Path) -> None:
    pyproject(
        tmp_path,
        'unsafe-fixes = ["TF911", "TF93"]\nextend-safe-fixes = ["TF302"]\n'
        'extend-unsafe-fixes = ["TF1"]\n',
    )
    settings, problems, _ = load_project_settings(tmp_path)
    assert problems == []
    assert settings.unsafe_fixes == ("TF911", "TF93")
    assert settings.safety("TF302", "unsafe") == "safe"
    assert settings.safety("TF301", "unsafe") == "unsafe"
    assert settings.safety("TF101", "safe") == "unsafe"
    assert settings.safety("TF201", "safe") == "safe"
    assert parse_settings({"unsafe-fixes": False}, "toml")[0].unsafe_fixes == ()


def test_per_file_ignores_are_anchored_at_the_pyproject(tmp_path: Path) -> None:
    pyproject(tmp_path, 'per-file-ignores = { "tests/*" = ["TF1"], "conftest.py" = ["TF"] }\n')
    settings, problems, _ = load_project_settings(tmp_path / "src")
    assert problems == []
    root = tmp_path.as_posix()
    assert settings.per_file_ignores == ((f"{root}/tests/*", ("TF1",)), ("conftest.py", ("TF",)))
    assert settings.for_file(f"{root}/tests/a/t.py").ignore == ("TF1",)
    assert settings.for_file(f"{root}/src/tests/t.py").ignore == ()
    assert settings.for_file(f"{root}/src/conftest.py").ignore == ("TF",)
    assert settings.for_file(None).ignore == ()


def test_per_file_ignores_without_a_root_match_the_path_end() -> None:
    pairs = (("tests/*", ("TF1",)), ("*_pb2.py", ("TF",)))
    assert ignored_codes(pairs, "/w/x/tests/t.py") == ("TF1",)
    assert ignored_codes(pairs, "/w/x/model_pb2.py") == ("TF",)
    assert ignored_codes(pairs, "/w/x/model.py") == ()


def test_unknown_codes_are_named_with_their_setting(catalogue: object) -> None:
    settings, _ = parse_settings(
        {
            "select": ["TF1", "TF99"],
            "severity": {"TF999": "hint"},
            "per-file-ignores": {"a.py": ["TF000", "TF8888"]},
        },
        "toml",
    )
    assert unknown_codes(settings, ["TF101", "TF201"]) == [
        ("select", "TF99"),
        ("severity", "TF999"),
        ("per-file-ignores", "TF8888"),
    ]


def test_options_wants_by_prefix() -> None:
    settings = Settings(select=("TF1", "TF2"), ignore=("TF21",))
    assert [settings.wants(c) for c in ("TF101", "TF201", "TF211", "TF301")] == [
        True,
        True,
        False,
        False,
    ]


def test_a_source_remembers_which_settings_it_set() -> None:
    settings, problems = parse_settings({"level": "compat", "select": 3}, "toml")
    assert problems and settings.explicit == {"level"}  # the bad `select` was not set
    assert Settings().explicit == frozenset()


def test_pyproject_values_equal_to_the_defaults_win_over_the_editor(tmp_path: Path) -> None:
    """The bug that was: "equals the default" was read as "not set"."""
    editor, _ = parse_settings(
        {"level": "native", "targetVersion": "2.15", "select": ["TF2"]}, "editor"
    )
    pyproject(tmp_path, 'level = "compat"\ntarget-version = "2.21"\n')
    project, problems, _ = load_project_settings(tmp_path)
    assert problems == []
    merged = project.over(editor)
    assert (merged.level, merged.target_version) == ("compat", "2.21")
    assert merged.select == ("TF2",)  # not set by the project: the editor's
    # A project that sets nothing leaves the editor's settings alone.
    assert Settings().over(editor) == editor


def test_command_line_options_override_only_what_they_name(tmp_path: Path) -> None:
    pyproject(tmp_path, 'level = "native"\nselect = ["TF1"]\n')
    project, _, _ = load_project_settings(tmp_path)
    merged, problems = parse_settings({"level": "compat"}, "toml", base=project)
    assert problems == []
    assert (merged.level, merged.select) == ("compat", ("TF1",))
