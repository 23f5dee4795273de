"""The editor's "Verify migration of this function" without TensorFlow: which function the
cursor is in, the file at git HEAD, and every reason the case cannot be built, named."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tf2_lsp.verify.function import buffer_case, defines_function, enclosing_function, text_at_head
from tf2_lsp.verify.migration import VerifyError

MODULE = """\
import tensorflow as tf

SCALE = 2.0


@tf.function
def build(x, training, *, depth=2, name):
    return tf.reduce_sum(x * SCALE, reduction_indices=[1])


class Model:
    def call(self, x):
        return x
"""


def git(root: Path, *arguments: str) -> None:
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "-C", str(root), *identity, *arguments], check=True, capture_output=True)


def test_the_enclosing_top_level_function_and_its_required_parameters() -> None:
    for line in (5, 6, 7):  # the decorator, the def, the body
        found = enclosing_function(MODULE, line)
        assert found is not None and found.name == "build"
    assert found.parameters == ("x", "training", "name")
    assert (found.first_line, found.last_line) == (6, 7)
    assert enclosing_function(MODULE, 2) is None  # module level
    assert enclosing_function(MODULE, 12) is None  # a method: not a top-level function
    assert enclosing_function("def broken(:\n", 0) is None
    assert defines_function(MODULE, "build") and not defines_function(MODULE, "call")


def test_the_file_at_head_and_why_there_is_none(tmp_path: Path) -> None:
    path = tmp_path / "pkg" / "model.py"
    path.parent.mkdir()
    path.write_text(MODULE, encoding="utf-8")
    with pytest.raises(VerifyError, match="is not in a git repository: give a file"):
        text_at_head(path)
    git(tmp_path, "init", "-q")
    with pytest.raises(VerifyError, match=r"model\.py is not in the last commit"):
        text_at_head(path)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "one")
    path.write_text("edited = True\n", encoding="utf-8")
    assert text_at_head(path) == MODULE  # the committed text, not the edited file


def test_a_case_compares_the_buffer_with_head(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(MODULE, encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "one")
    buffer = MODULE.replace("reduction_indices=[1]", "axis=[1]")
    inputs = "x=2x3:float32, training=False, name='b'"
    function, case, origin = buffer_case(path, buffer, 7, inputs=inputs)
    assert (function.name, origin) == ("build", "model.py at git HEAD")
    assert "reduction_indices" in case.old and "axis=[1]" in case.new
    assert "reduction_indices" not in case.new
    assert case.run.compare == ("outputs",) and "_inputs['x']" in case.run.setup


def test_every_reason_a_case_cannot_be_built_is_named(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    other = tmp_path / "other.py"
    other.write_text("def unrelated():\n    pass\n", encoding="utf-8")
    with pytest.raises(VerifyError, match="put the cursor inside a top-level function"):
        buffer_case(path, MODULE, 2, against=other)
    with pytest.raises(VerifyError, match=r"other.py has no top-level function 'build'"):
        buffer_case(path, MODULE, 7, against=other)
    with pytest.raises(VerifyError, match=r"cannot read .*missing.py"):
        buffer_case(path, MODULE, 7, against=tmp_path / "missing.py")
    other.write_text(MODULE, encoding="utf-8")
    with pytest.raises(VerifyError, match="build takes training, name: give their values"):
        buffer_case(path, MODULE, 7, against=other, inputs="x=2x3:float32")
    with pytest.raises(VerifyError, match="neither SHAPE:DTYPE"):
        buffer_case(path, MODULE, 7, against=other, inputs="x=2x3:float32,training=oops,name=1")
