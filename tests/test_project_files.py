"""What a new user copies from the docs works: venv-first quick start, installable metadata."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_license_is_an_spdx_expression_with_a_backend_that_reads_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "Apache-2.0"
    requires = project["build-system"]["requires"]
    setuptools = next(r for r in requires if r.startswith("setuptools"))
    # PEP 639 license expressions need setuptools 77 or later.
    assert int(re.search(r">=(\d+)", setuptools).group(1)) >= 77  # type: ignore[union-attr]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").lstrip().startswith("Apache License")


def test_quick_start_creates_a_virtual_environment_before_pip() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Two commands", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    assert quick.index("python3 -m venv") < quick.index("pip install")
    assert "python3 -m pip install" not in quick  # the system pip refuses on Debian/Ubuntu


def test_ci_prerequisites_are_stated() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    header = script.split("set -euo pipefail", 1)[0]
    for words in ("root", "Node.js >= 20", ".venv-ci", "GiB"):
        assert words in header, words
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Node.js >= 20" in readme and "needs root" in readme


def _extension_install_section() -> str:
    readme = (ROOT / "vscode-client" / "README.md").read_text(encoding="utf-8")
    return readme.split("## Install", 1)[1].split("### How the server is found", 1)[0]


def test_extension_readme_installs_the_bundled_package_not_a_checkout() -> None:
    install = _extension_install_section()
    assert "code --install-extension tf2-lsp-linux-x64.vsix" in install
    assert '"fromEnvironment"' in install  # the way back to a server installed by hand
    for readme in (ROOT / "README.md", ROOT / "vscode-client" / "README.md"):
        text = readme.read_text(encoding="utf-8")
        assert "pip install tf2-lsp" not in text  # not a published package
        assert "/path/to/tf2-lsp" not in text  # users start from the wheel or the .vsix


def test_extension_readme_lists_every_platform_package_the_script_builds() -> None:
    script = ROOT / "vscode-client" / "scripts" / "package_vsix.py"
    spec = importlib.util.spec_from_file_location("package_vsix", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    install = _extension_install_section()
    listed = set(re.findall(r"`tf2-lsp-([a-z0-9]+-[a-z0-9]+)\.vsix`", install))
    assert listed == set(module.TARGETS)


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"^(python -m pytest [^#\n]*?)\s*#", readme, re.M)
    assert command is not None, "no test command in the README's Development section"
    words = command.group(1).split()
    ran = next(line for line in script.splitlines() if line.startswith("python -m pytest"))
    assert [w for w in ran.split() if w not in ("-q", "-p", "no:cacheprovider")] == words
