from __future__ import annotations

import pytest

from tf2_lsp.verify import isolation


def test_the_names_module_level_code_assigns() -> None:
    code = "a = 1\nb, (c, d) = f()\ne += 1\nf: int = 2\ndef g():\n    h = 3\nx.y = 4\n"
    assert isolation.assigned_names(code) == {"a", "b", "c", "d", "e", "f"}
    assert isolation.assigned_names("a = (") == set()  # not Python: nothing assigned


def test_flags_a_case_defined_are_forgotten_and_can_be_defined_again() -> None:
    flags = pytest.importorskip("absl.flags")
    before = isolation.flag_names()
    flags.DEFINE_integer("tf2lsp_isolation_probe", 1, "defined by a case")
    assert "tf2lsp_isolation_probe" in isolation.flag_names()
    isolation.forget_flags(before)
    assert isolation.flag_names() == before
    flags.DEFINE_integer("tf2lsp_isolation_probe", 2, "the next case defines it again")
    isolation.forget_flags(before)
