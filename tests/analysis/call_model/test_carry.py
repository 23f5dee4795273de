"""Step 2 of the call model (`carry`): each bound TF1 argument carried onto the target."""

from __future__ import annotations

import ast

import pytest

from tests.analysis.call_model.support import COND_STRICT, call_of, rewrite_of
from tf2_lsp.analysis.call_model.bind import BoundCall, bind_tf1
from tf2_lsp.analysis.call_model.carry import (
    Carried,
    carry_arguments,
    converted_call,
    keeps_tf1,
)
from tf2_lsp.analysis.call_model.verdict import CallVerdict
from tf2_lsp.catalogue.rules import ArgChange
from tf2_lsp.catalogue.signatures import Signatures
from tf2_lsp.model import ArgumentEdit

# As the generated rule says: `verify_shape` does nothing without a `shape`.
CONSTANT = ArgChange(keep={"verify_shape": ("False",)}, inert_without={"verify_shape": "shape"})


def carry(
    sigs: Signatures, code: str, target: str, change: ArgChange | None = None
) -> Carried | CallVerdict:
    call = call_of(code)
    symbol = "tensorflow." + ast.unparse(call.func).removeprefix("tf.")
    rewrite = rewrite_of(sigs, symbol, target, change)
    bound = bind_tf1(call, rewrite.tf1, rewrite.short)
    assert isinstance(bound, BoundCall)
    return carry_arguments(rewrite, bound)


def carried(sigs: Signatures, code: str, target: str, change: ArgChange | None = None) -> Carried:
    result = carry(sigs, code, target, change)
    assert isinstance(result, Carried)
    return result


def test_an_argument_in_the_same_slot_needs_no_edit_and_no_note(sigs: Signatures) -> None:
    result = carried(sigs, "tf.reduce_sum(x, 1)", "tensorflow.reduce_sum")
    assert result == Carried((ArgumentEdit(0, None), ArgumentEdit(1, None)), ())


def test_a_renamed_keyword_is_written_under_its_tf2_name(sigs: Signatures) -> None:
    result = carried(sigs, "tf.reduce_sum(x, keep_dims=True)", "tensorflow.reduce_sum")
    assert result.edits == (ArgumentEdit(0, None), ArgumentEdit(1, "keepdims"))
    assert result.notes == ((1, "`keep_dims=` is `keepdims=` in TensorFlow 2"),)


def test_after_a_dropped_argument_the_next_positional_one_goes_by_keyword(
    sigs: Signatures,
) -> None:
    code = "tf.nn.conv2d(x, w, s, 'SAME', True, 'NHWC')"
    result = carried(sigs, code, "tensorflow.nn.conv2d")
    assert result.edits[-1] == ArgumentEdit(5, "data_format")
    assert 4 not in [edit.source for edit in result.edits]  # `use_cudnn_on_gpu=True`: dropped
    assert (
        4,
        "`use_cudnn_on_gpu` was removed in TensorFlow 2; `True` is its TF1 default: dropped",
    ) in result.notes


def test_an_argument_without_the_one_it_needs_is_dropped(sigs: Signatures) -> None:
    result = carried(sigs, "tf.constant(v, verify_shape=check)", "tensorflow.constant", CONSTANT)
    assert result.edits == (ArgumentEdit(0, None),)
    assert "without `shape` it has no effect: dropped" in result.notes[0][1]
    # With a shape it matters: TF2 has no such check, so the call stays TF1's.
    kept = carry(
        sigs, "tf.constant(v, shape=s, verify_shape=check)", "tensorflow.constant", CONSTANT
    )
    assert isinstance(kept, CallVerdict) and kept.edit is not None
    assert kept.edit.target == "tensorflow.compat.v1.constant"


def test_a_value_that_changes_results_keeps_the_call_on_compat_v1(sigs: Signatures) -> None:
    verdict = carry(sigs, "tf.cond(p, a, b, strict=False)", "tensorflow.cond", COND_STRICT)
    assert isinstance(verdict, CallVerdict) and verdict.edit is not None
    assert verdict.edit.target == "tensorflow.compat.v1.cond" and verdict.edit.arguments is None
    assert verdict.params == ("pred", "true_fn", "false_fn", "strict")
    assert verdict.notes == (
        (
            3,
            "`strict=False` has no TensorFlow 2 counterpart; "
            "`tf.compat.v1.cond` keeps TF1 behaviour",
        ),
    )


def test_a_positional_argument_that_must_move_beside_a_star_is_refused(sigs: Signatures) -> None:
    verdict = carry(sigs, "tf.argmax(x, 1, 'n', *rest)", "tensorflow.math.argmax")
    assert isinstance(verdict, CallVerdict) and verdict.refused is not None
    assert "*args/**kwargs hide" in verdict.refused


@pytest.mark.parametrize(
    ("code", "change", "keeps"),
    [
        ("cond(strict=False)", None, True),  # TF1's default
        ("cond(strict=True)", None, False),
        ("cond(strict=True)", COND_STRICT, True),  # the rule's keep list
        ("cond(strict=False)", COND_STRICT, False),  # even TF1's default: TF2 differs
        ("cond(strict=1)", COND_STRICT, False),  # `1` is not `True`
        ("cond(strict=s)", None, False),  # not a literal
    ],
)
def test_dropping_keeps_tf1_behaviour_only_for_known_values(
    sigs: Signatures, code: str, change: ArgChange | None, keeps: bool
) -> None:
    tf1 = sigs.tf1("tensorflow.cond")
    assert tf1 is not None
    value = call_of(code).keywords[0].value
    assert keeps_tf1(tf1, "strict", value, change)[0] is keeps


def test_a_converted_call_rewrites_only_the_converted_keywords() -> None:
    convert = {"num_gpus": "devices:gpu_devices", "cross_tower_ops": "cross_device_ops:same"}
    call = call_of("MirroredStrategy(num_gpus=2, cross_tower_ops=ops, **kw)")
    edit = converted_call(call, convert, "tensorflow.distribute.MirroredStrategy")
    assert edit is not None and edit.target == "tensorflow.distribute.MirroredStrategy"
    assert edit.arguments == (
        ArgumentEdit(0, "devices", "gpu_devices"),
        ArgumentEdit(1, "cross_device_ops"),
        ArgumentEdit(2, None),
    )
    assert [index for index, _ in edit.notes] == [0, 1]
    assert converted_call(call_of("MirroredStrategy(devices=d)"), convert, "x") is None
