"""Classes imported from the project's other files: which of them are test cases."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from tf2_lsp.analysis.program.graph_mode import _is_test_case
from tf2_lsp.analysis.program.project_classes import derives_from_test_case, project_imports

MODULE = "from tests.base import BaseTest\n\nclass NetTest(BaseTest):\n    pass\n"


def derives(tmp_path: Path, source: str = MODULE) -> bool:
    return derives_from_test_case(ast.parse(source), str(tmp_path / "net.py"), _is_test_case)


def test_a_base_class_edited_on_disk_is_read_again(tmp_path: Path) -> None:
    base = tmp_path / "tests" / "base.py"
    base.parent.mkdir()
    base.write_text("class BaseTest(object):\n    pass\n")
    assert not derives(tmp_path)
    base.write_text("import unittest\nclass BaseTest(unittest.TestCase):\n    pass\n")
    os.utime(base, ns=(1, 1))  # a new modification time, whatever the clock's resolution
    assert derives(tmp_path)


def test_missing_unreadable_and_cyclic_bases_are_no_test_cases(tmp_path: Path) -> None:
    assert not derives(tmp_path)  # tests/base.py does not exist
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "base.py").write_text("class BaseTest(:\n")
    assert not derives(tmp_path)  # a syntax error
    (tmp_path / "tests" / "base.py").write_text(
        "from tests.base import BaseTest as Other\nclass BaseTest(Other):\n    pass\n"
    )
    assert not derives(tmp_path)  # imports itself: the depth limit ends it


def test_imported_project_files_are_found_where_python_finds_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    for name in ("pkg/__init__.py", "pkg/model.py", "pkg/sub/__init__.py", "pkg/sub/ops.py"):
        (tmp_path / name).write_text("x = 1\n")
    source = (
        "import pkg.model\nfrom pkg.sub import ops\nfrom . import missing\nfrom .. import model\n"
    )
    tree = ast.parse(source)
    found = [file for file, _ in project_imports(tree, str(tmp_path / "pkg" / "sub" / "t.py"))]
    assert found == [
        str(tmp_path / "pkg" / "model.py"),
        str(tmp_path / "pkg" / "sub" / "__init__.py"),
        str(tmp_path / "pkg" / "sub" / "ops.py"),
    ]
    # A relative path (a file named on the command line) gives relative paths, as written.
    monkeypatch.chdir(tmp_path)
    relative = [file for file, _ in project_imports(tree, "pkg/sub/t.py")]
    assert relative == ["pkg/model.py", "pkg/sub/__init__.py", "pkg/sub/ops.py"]
    top = [file for file, _ in project_imports(ast.parse("from pkg import model\n"), "t.py")]
    assert top == ["pkg/__init__.py", "pkg/model.py"]
