"""What the call model says about a call (`verdict`), and how its notes name TensorFlow."""

from __future__ import annotations

from tf2_lsp.analysis.call_model.verdict import (
    UNCHANGED,
    CallVerdict,
    display,
    renamed_only,
    same_name,
)
from tf2_lsp.model import CallEdit


def test_a_verdict_needs_a_change_when_it_edits_or_refuses() -> None:
    assert not UNCHANGED.needs_change
    assert CallVerdict(CallEdit("tensorflow.math.log", None)).needs_change
    assert CallVerdict(None, refused="why").needs_change


def test_a_rename_onto_the_functions_own_name_changes_nothing() -> None:
    assert renamed_only("tensorflow.log", "tensorflow.log") == UNCHANGED
    assert renamed_only("log", "tensorflow.log") == UNCHANGED
    assert renamed_only("tensorflow.log", "tensorflow.math.log") == CallVerdict(
        CallEdit("tensorflow.math.log", None)
    )
    assert same_name("nn.relu") == "tensorflow.nn.relu"


def test_notes_write_tensorflow_as_tf() -> None:
    assert display("tensorflow.compat.v1.cond") == "tf.compat.v1.cond"
