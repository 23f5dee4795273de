"""vscode-client/scripts/package_vsix.py: which dependencies a platform package must bundle.

pip evaluates dependency markers for the machine it runs on, whatever `--platform` and
`--python-version` say; the script evaluates them itself for each target and Python version.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "vscode-client" / "scripts" / "package_vsix.py"


@pytest.fixture(scope="module")
def package_vsix() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("package_vsix_under_test", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def _dist(libs: Path, name: str, version: str, requires: list[str], pure: bool = True) -> None:
    info = libs / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    # A multi-line header (as libcst's License) must not end the header block.
    lines = [f"Name: {name}", f"Version: {version}", "License: MIT", "        ", "        more"]
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    (info / "METADATA").write_text("\n".join(lines) + "\n\nlong description\n", "utf-8")
    purelib = "true" if pure else "false"
    (info / "WHEEL").write_text(f"Wheel-Version: 1.0\nRoot-Is-Purelib: {purelib}\n", "utf-8")


@pytest.fixture
def libs(tmp_path: Path) -> Path:
    _dist(tmp_path, "tf2-lsp", "0.1.0", ["libcst>=1.1", "tomli>=2.0; python_version < '3.11'"])
    _dist(
        tmp_path,
        "libcst",
        "1.9.0",
        [
            'pyyaml>=5.2; python_version < "3.13"',
            'pyyaml-ft>=8.0.0; python_version == "3.13"',
            'typing-extensions; python_version < "3.10"',
            'pytest; extra == "dev"',
        ],
        pure=False,
    )
    _dist(tmp_path, "PyYAML", "6.0.4", [], pure=False)
    _dist(tmp_path, "cattrs", "26.2.1", ['colorama; sys_platform == "win32"'])
    return tmp_path


def test_a_backport_is_needed_on_the_old_python_only(package_vsix: ModuleType, libs: Path) -> None:
    linux = package_vsix.TARGETS["linux-x64"]
    assert package_vsix.missing_requirements(linux, "3.10", libs) == ["tomli>=2.0"]
    assert package_vsix.missing_requirements(linux, "3.12", libs) == []
    assert package_vsix.missing_requirements(linux, "3.13", libs) == ["pyyaml-ft>=8.0.0"]


def test_platform_markers_are_the_targets_not_this_machines(
    package_vsix: ModuleType, libs: Path
) -> None:
    windows = package_vsix.TARGETS["win32-x64"]
    assert package_vsix.missing_requirements(windows, "3.12", libs) == ["colorama"]
    darwin = package_vsix.TARGETS["darwin-arm64"]
    assert package_vsix.missing_requirements(darwin, "3.12", libs) == []


def test_distributions_say_which_are_compiled(package_vsix: ModuleType, libs: Path) -> None:
    found = package_vsix.installed_distributions(libs)
    assert sorted(name for name, dist in found.items() if dist.compiled) == ["libcst", "pyyaml"]
    assert found["libcst"].version == "1.9.0"
    assert len(found["libcst"].requires) == 4


def test_every_target_is_a_vsce_target_with_wheel_tags(package_vsix: ModuleType) -> None:
    vsce_targets = {
        "win32-x64",
        "win32-arm64",
        "linux-x64",
        "linux-arm64",
        "linux-armhf",
        "alpine-x64",
        "alpine-arm64",
        "darwin-x64",
        "darwin-arm64",
    }
    for name, target in package_vsix.TARGETS.items():
        assert name in vsce_targets
        assert target.platforms, name
