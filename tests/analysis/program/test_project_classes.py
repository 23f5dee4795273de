"""Classes imported from the project's other files: which of them are test cases."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from tf2_lsp.analysis.program.graph_mode import _is_test_case
from tf2_lsp.analysis.program.project_classes import derives_from_test_case

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
