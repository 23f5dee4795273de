"""Mapping jedi's inference results to receiver types, and what jedi may take from a workspace."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.names import receivers
from tf2_lsp.analysis.names.infer import infer_receivers, jedi_project, type_from_jedi_name
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import ReceiverCandidate


@pytest.mark.parametrize(
    ("full_name", "module", "expected"),
    [
        (
            "tensorflow.python.data.ops.dataset_ops.DatasetV2",
            "tensorflow.python.data.ops.dataset_ops",
            receivers.DATASET,
        ),
        (
            "tensorflow.python.data.ops.readers.TFRecordDatasetV2",
            "tensorflow.python.data.ops.readers",
            receivers.DATASET,
        ),
        ("PIL.Image.Image", "PIL.Image", None),
        ("mylib.Dataset", "mylib", None),  # not TensorFlow's
        (None, None, None),
    ],
)
def test_type_from_jedi_name(
    full_name: str | None, module: str | None, expected: str | None
) -> None:
    assert type_from_jedi_name(full_name, module) == expected


SOURCE = """import tensorflow as tf

def run(ds):
    return ds.make_one_shot_iterator()
"""


def test_unknown_receivers_become_candidates_and_hints_settle_them(catalogue: Catalogue) -> None:
    first = detect(SOURCE, catalogue)
    assert first.findings == []
    assert [(c.line, c.method) for c in first.candidates] == [(4, "make_one_shot_iterator")]
    key = first.candidates[0].key
    typed = detect(SOURCE, catalogue, receiver_hints={key: receivers.DATASET})
    assert [f.code for f in typed.findings] == ["TF702"]
    assert typed.candidates == []
    missed = detect(SOURCE, catalogue, receiver_hints={key: ""})
    assert missed.findings == [] and missed.candidates == []


def test_annotated_parameter_is_typed_without_jedi(catalogue: Catalogue) -> None:
    source = (
        "import tensorflow as tf\n\n"
        "def run(ds: tf.data.Dataset):\n"
        "    return ds.make_one_shot_iterator()\n"
    )
    assert [f.code for f in detect(source, catalogue).findings] == ["TF702"]


def _hostile_workspace(root: Path) -> tuple[Path, Path]:
    """A checked-out repository whose `.jedi/project.json` names a program to run (jedi 0.19.2
    executes it to probe the environment) and a `sys_path` holding a fake `tensorflow`."""
    marker = root / "ENVIRONMENT_RAN"
    program = root / "evil-python"
    program.write_text(f'#!/bin/sh\ntouch "{marker}"\nexec {sys.executable} "$@"\n')
    program.chmod(0o755)
    vendor = root / "vendor" / "tensorflow"
    (vendor / "client").mkdir(parents=True)
    (vendor / "__init__.py").write_text("from tensorflow.client.session import Session\n")
    (vendor / "client" / "__init__.py").write_text("")
    (vendor / "client" / "session.py").write_text("class Session:\n    def run(self, x): ...\n")
    (root / ".jedi").mkdir()
    settings = {
        "path": str(root),
        "environment_path": str(program),
        "load_unsafe_extensions": True,
        "sys_path": [str(root / "vendor")],
    }
    (root / ".jedi" / "project.json").write_text(json.dumps([1, settings]))
    module = root / "model.py"
    module.write_text("import tensorflow as tf\nsess = tf.Session()\nsess.run(1)\n")
    return module, marker


def test_jedi_takes_nothing_from_the_workspace_project_file(tmp_path: Path) -> None:
    module, marker = _hostile_workspace(tmp_path)
    candidate = ReceiverCandidate((3, 5), line=3, column=5, method="run")
    hints = infer_receivers(module.read_text(), str(module), [candidate])
    assert not marker.exists(), "jedi ran the environment named by the workspace"
    # The workspace's sys_path (with its fake `tensorflow.client.session.Session`) was not used:
    # jedi answered, with no TensorFlow type.
    assert hints == {(3, 5): ""}
    project = jedi_project(str(module))
    assert project.added_sys_path == [] and not project.load_unsafe_extensions


def _parsed_paths() -> set[str]:
    import parso.cache

    return {str(path) for cached in parso.cache.parser_cache.values() for path in cached}


def test_closing_a_file_releases_what_jedi_parsed_for_it(tmp_path: Path) -> None:
    from tf2_lsp.analysis.names.infer import forget_file

    module = tmp_path / "model.py"
    module.write_text("import tensorflow as tf\nsess = tf.Session()\nsess.run(1)\n")
    candidate = ReceiverCandidate((3, 5), line=3, column=5, method="run")
    infer_receivers(module.read_text(), str(module), [candidate])
    assert str(module) in _parsed_paths()
    forget_file(str(module))
    assert str(module) not in _parsed_paths()
    infer_receivers(module.read_text(), str(module), [candidate])
    assert _parsed_paths()
    forget_file(None, everything=True)  # the last open file closed: all jedi kept goes
    assert not _parsed_paths()


def test_what_jedi_fails_on_is_no_answer(tmp_path: Path) -> None:
    """A miss is an answer ("", remembered); a position jedi raises on is none (asked again)."""
    module = tmp_path / "m.py"
    module.write_text("x = 1\nx.run()\n")
    miss = ReceiverCandidate((2, 0), line=2, column=1, method="run")
    failing = ReceiverCandidate((2, 90), line=2, column=99, method="run")  # past the line's end
    assert infer_receivers(module.read_text(), str(module), [miss, failing]) == {(2, 0): ""}
