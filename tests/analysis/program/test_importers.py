"""Who else uses a module's functions: each way a file can import the module and refer to
its functions is found; files that only mention the name elsewhere are not; what was read is
noted for the result caches."""

from __future__ import annotations

from pathlib import Path

import pytest

from tf2_lsp.analysis.program import importers
from tf2_lsp.analysis.program.importers import (
    ALL,
    project_files,
    project_root,
    uses_elsewhere,
)
from tf2_lsp.analysis.program.project_classes import reads_recorded


def tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def found(root: Path, *names: str) -> list[tuple[str, int, str, bool]]:
    callee = str(root / "pkg" / "layers.py")
    return [
        (Path(u.path).relative_to(root).as_posix(), u.line, u.name, u.called)
        for u in uses_elsewhere(callee, frozenset(names or ("conv",)))
    ]


PACKAGE = {"pkg/__init__.py": "", "pkg/layers.py": "def conv(x):\n    return x\n"}


@pytest.mark.parametrize(
    ("caller", "line"),
    [
        ("from pkg import layers\n\nlayers.conv(1)\n", 3),
        ("from pkg import layers as l\n\nl.conv(1)\n", 3),
        ("from pkg.layers import conv\n\nconv(1)\n", 3),
        ("from pkg.layers import conv as c\n\nc(1)\n", 3),
        ("import pkg.layers\n\npkg.layers.conv(1)\n", 3),
        ("import pkg.layers as m\n\nm.conv(1)\n", 3),
        ("from . import layers\n\ndef f():\n    return layers.conv(1)\n", 4),
        ("from .layers import *\n\nconv(1)\n", 3),
        ("def f():\n    from pkg import layers\n    return layers.conv(1)\n", 3),
        # Loaded by a name written out and bound: read as `import pkg.layers as m`.
        ("import importlib\n\nm = importlib.import_module('pkg.layers')\nm.conv(1)\n", 4),
        ('from importlib import import_module\n\nm = import_module("pkg.layers")\nm.conv(1)\n', 4),
    ],
)
def test_each_way_of_importing_and_calling_is_found(tmp_path: Path, caller: str, line: int) -> None:
    tree(tmp_path, {**PACKAGE, "pkg/run.py": caller})
    assert found(tmp_path) == [("pkg/run.py", line, "conv", True)]


def test_a_use_says_where_its_reference_starts_on_its_line(tmp_path: Path) -> None:
    # Two calls on one line: each is found by its own position (model_calls reads its call).
    caller = "from pkg import layers\nfrom pkg.layers import conv\n\ny = conv(layers.conv(1))\n"
    tree(tmp_path, {**PACKAGE, "pkg/run.py": caller})
    callee = str(tmp_path / "pkg" / "layers.py")
    uses = [(u.line, u.column) for u in uses_elsewhere(callee, frozenset({"conv"}))]
    assert sorted(uses) == [(4, 4), (4, 9)]


def test_a_function_handed_on_or_the_module_itself_is_not_a_call(tmp_path: Path) -> None:
    caller = "from pkg import layers\n\nrun(layers.conv)\nmods = [layers]\n"
    tree(tmp_path, {**PACKAGE, "pkg/run.py": caller})
    assert found(tmp_path) == [("pkg/run.py", 3, "conv", False), ("pkg/run.py", 4, ALL, False)]


def test_a_module_loaded_by_name_and_not_bound_is_handed_on(tmp_path: Path) -> None:
    caller = (
        "import importlib\n\n"
        "importlib.import_module('pkg.layers').conv(1)\n"  # where its calls are not followed
        "top = __import__('pkg.layers')\n"  # the top package, `pkg`, with the module in it
        "importlib.import_module(NAME)\n"  # a name not written out: cannot be followed
        "importlib.import_module('pkg.other')\n"
    )
    tree(tmp_path, {**PACKAGE, "pkg/other.py": "", "pkg/run.py": caller})
    assert found(tmp_path) == [("pkg/run.py", 3, ALL, False), ("pkg/run.py", 4, ALL, False)]


def test_a_package_that_loads_its_modules_by_computed_names_may_reexport_them(
    tmp_path: Path,
) -> None:
    init = (
        "import importlib\n\n"
        "for name in NAMES:\n"
        "    importlib.import_module('.' + name, __name__)\n"
    )
    tree(tmp_path, {**PACKAGE, "pkg/__init__.py": init})
    callee = str(tmp_path / "pkg" / "layers.py")
    [use] = uses_elsewhere(callee, frozenset({"conv"}))
    assert (use.path, use.line, use.name, use.called, use.exported_as) == (
        str(tmp_path / "pkg" / "__init__.py"),
        4,
        "conv",
        False,
        "conv",
    )


def test_a_package_that_reexports_the_function_hands_it_on(tmp_path: Path) -> None:
    tree(tmp_path, {**PACKAGE, "pkg/__init__.py": "from pkg.layers import conv as c2\n"})
    callee = str(tmp_path / "pkg" / "layers.py")
    [use] = uses_elsewhere(callee, frozenset({"conv"}))
    assert (use.line, use.name, use.called, use.exported_as) == (1, "conv", False, "c2")


def test_other_modules_and_other_functions_are_not_uses(tmp_path: Path) -> None:
    files = {
        **PACKAGE,
        "pkg/other.py": "def conv(x):\n    return x\n",
        "pkg/a.py": "from pkg import other\n\nother.conv(1)\n",  # another module's conv
        "pkg/b.py": "from pkg import layers\n\nlayers.helper(1)\n",  # another function
        "pkg/c.py": "layers = object()\nlayers.conv(1)\n",  # no import of the module
    }
    tree(tmp_path, files)
    assert found(tmp_path) == []
    assert found(tmp_path, "helper") == [("pkg/b.py", 3, "helper", True)]


def test_the_project_is_the_folder_above_the_topmost_package(tmp_path: Path) -> None:
    tree(tmp_path, {**PACKAGE, "pkg/sub/__init__.py": "", "pkg/sub/deep.py": ""})
    assert project_root(str(tmp_path / "pkg" / "sub" / "deep.py")) == str(tmp_path)
    assert project_root(str(tmp_path / "script.py")) == str(tmp_path)  # in no package


def test_callers_in_tests_beside_the_package_count_and_virtualenvs_do_not(tmp_path: Path) -> None:
    caller = "from pkg import layers\n\nlayers.conv(1)\n"
    files = {
        **PACKAGE,
        "tests/test_layers.py": caller,
        "venv/pyvenv.cfg": "",
        "venv/lib/x.py": caller,
        ".git/hooks/x.py": caller,
    }
    tree(tmp_path, files)
    assert found(tmp_path) == [("tests/test_layers.py", 3, "conv", True)]
    assert [Path(f).relative_to(tmp_path).as_posix() for f in project_files(str(tmp_path))] == [
        "pkg/__init__.py",
        "pkg/layers.py",
        "tests/test_layers.py",
    ]


def test_every_folder_and_file_consulted_is_noted(tmp_path: Path) -> None:
    tree(tmp_path, {**PACKAGE, "pkg/run.py": "from pkg import layers\n\nlayers.conv(1)\n"})
    with reads_recorded() as read:
        found(tmp_path)
    noted = {Path(path).relative_to(tmp_path).as_posix() for path, _ in read}
    assert noted >= {".", "pkg", "pkg/__init__.py", "pkg/run.py"}


def test_a_file_that_does_not_parse_has_no_uses(tmp_path: Path) -> None:
    tree(tmp_path, {**PACKAGE, "pkg/run.py": "from pkg import layers\nlayers.conv(\n"})
    assert found(tmp_path) == []


def test_a_large_tree_is_listed_nearest_folders_first_within_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(tmp_path, {"a/b/c/deep.py": "", "a/near.py": "", "top.py": ""})
    monkeypatch.setattr(importers, "MAX_FOLDERS", 2)
    listed = [Path(f).relative_to(tmp_path).as_posix() for f in project_files(str(tmp_path))]
    assert listed == ["a/near.py", "top.py"]
