"""Step 3 of the call model (`verify`): the emitted call bound to the target's signature; and
the binding checks detection asks outside a plan."""

from __future__ import annotations

import ast

import pytest

from tests.analysis.call_model.support import call_of, rewrite_of
from tf2_lsp.analysis.call_model.bind import BoundCall, bind_tf1
from tf2_lsp.analysis.call_model.carry import Carried
from tf2_lsp.analysis.call_model.parameters import Rewrite
from tf2_lsp.analysis.call_model.stars import STARS_PASSED
from tf2_lsp.analysis.call_model.verdict import UNCHANGED
from tf2_lsp.analysis.call_model.verify import (
    binding_problem,
    call_map_problem,
    required_parameters,
    verified,
)
from tf2_lsp.catalogue.signatures import Signatures
from tf2_lsp.model import ArgumentEdit
from tf2_lsp.transforms.call_map import CallMap


def bound_to(sigs: Signatures, code: str, target: str) -> tuple[Rewrite, BoundCall]:
    call = call_of(code)
    symbol = "tensorflow." + ast.unparse(call.func).removeprefix("tf.")
    rewrite = rewrite_of(sigs, symbol, target)
    bound = bind_tf1(call, rewrite.tf1, rewrite.short)
    assert isinstance(bound, BoundCall)
    return rewrite, bound


def test_a_carried_call_that_binds_is_offered_with_its_notes(sigs: Signatures) -> None:
    rewrite, bound = bound_to(
        sigs, "tf.reduce_sum(x, keep_dims=True)", "tensorflow.math.reduce_sum"
    )
    note = (1, "`keep_dims=` is `keepdims=` in TensorFlow 2")
    carried = Carried((ArgumentEdit(0, None), ArgumentEdit(1, "keepdims")), (note,))
    verdict = verified(rewrite, bound, carried, None)
    assert verdict.edit is not None and verdict.refused is None
    assert verdict.edit.target == "tensorflow.math.reduce_sum"
    assert verdict.edit.arguments == carried.edits and verdict.notes == (note,)
    assert verdict.params == ("input_tensor", "keep_dims")


def test_a_call_whose_arguments_stay_as_written_is_only_renamed(sigs: Signatures) -> None:
    rewrite, bound = bound_to(sigs, "tf.reduce_sum(x, axis=1)", "tensorflow.reduce_sum")
    as_written = Carried((ArgumentEdit(0, None), ArgumentEdit(1, "axis")), ())
    assert verified(rewrite, bound, as_written, None) == UNCHANGED
    rewrite, bound = bound_to(sigs, "tf.reduce_sum(x, axis=1)", "tensorflow.math.reduce_sum")
    verdict = verified(rewrite, bound, as_written, None)
    assert verdict.edit is not None and verdict.edit.target == "tensorflow.math.reduce_sum"
    assert verdict.edit.arguments is None


def test_a_call_that_would_not_bind_is_refused_with_the_reason(sigs: Signatures) -> None:
    rewrite, bound = bound_to(
        sigs, "tf.reduce_sum(x, keep_dims=a, keepdims=b)", "tensorflow.reduce_sum"
    )
    twice = Carried(
        (ArgumentEdit(0, None), ArgumentEdit(1, "keepdims"), ArgumentEdit(2, "keepdims")), ()
    )
    verdict = verified(rewrite, bound, twice, None)
    assert verdict.edit is None and verdict.refused == (
        "the rewritten call would not bind to `tf.reduce_sum`: `keepdims` is passed twice"
    )


def test_stars_that_may_raise_are_named_or_refuse_a_call_left_as_written(
    sigs: Signatures,
) -> None:
    rewrite, bound = bound_to(sigs, "tf.reduce_sum(x, *a)", "tensorflow.reduce_sum")
    untouched = Carried((ArgumentEdit(0, None), ArgumentEdit(1, None)), ())
    refused = verified(rewrite, bound, untouched, "loud")
    assert refused.edit is None and refused.refused is not None
    rewrite, bound = bound_to(sigs, "tf.reduce_sum(x, *a, keep_dims=k)", "tensorflow.reduce_sum")
    note = (2, "`keep_dims=` is `keepdims=` in TensorFlow 2")
    renamed = Carried(
        (ArgumentEdit(0, None), ArgumentEdit(1, None), ArgumentEdit(2, "keepdims")), (note,)
    )
    verdict = verified(rewrite, bound, renamed, "loud")
    assert verdict.edit is not None and verdict.notes == (note, (None, STARS_PASSED))


def test_a_complete_tf1_call_must_fill_what_both_require_an_unfinished_one_only_new_ones(
    sigs: Signatures,
) -> None:
    rewrite, complete = bound_to(sigs, "tf.nn.conv2d(x, w, s, 'SAME')", "tensorflow.nn.conv2d")
    assert required_parameters(rewrite, complete) == {"input"}
    rewrite, unfinished = bound_to(sigs, "tf.nn.conv2d(filter=w)", "tensorflow.nn.conv2d")
    assert required_parameters(rewrite, unfinished) == set()


@pytest.mark.parametrize(
    ("code", "symbol", "problem"),
    [
        ("tf.sqrt(x)", "tensorflow.sqrt", None),
        ("tf.sqrt(x, keepdims=True)", "tensorflow.sqrt", "has no parameter `keepdims`"),
        ("tf.sqrt(x, y, z, w)", "tensorflow.sqrt", "positional arguments"),
        ("tf.sqrt(*a, keepdims=True)", "tensorflow.sqrt", None),  # stars hide what is passed
        (
            "tf.keras.layers.Dense(u, nope=1)",
            "tensorflow.keras.layers.Dense",
            None,
        ),  # Keras: left out
        ("tf.reduce_sum(keep_dims=True)", "tensorflow.reduce_sum", "needs `input_tensor`"),
    ],
)
def test_a_call_that_fits_no_signature_tensorflow_ever_gave_is_named(
    sigs: Signatures, code: str, symbol: str, problem: str | None
) -> None:
    found = binding_problem(call_of(code), symbol, (sigs,))
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_a_required_argument_left_out_may_be_overlooked(sigs: Signatures) -> None:
    call = call_of("tf.reduce_sum(keep_dims=True)")
    assert binding_problem(call, "tensorflow.reduce_sum", (sigs,), required=False) is None


# `tf.log(x, base)` mapped onto TF2's `tf.math.log(x, name=None)`, once correctly, once not.
LOG_MAP = CallMap("tensorflow.math.log", v1=("x", "base"), v2=("x",), drop=("base",))
BROKEN_LOG_MAP = CallMap("tensorflow.math.log", v1=("x", "base"), v2=("x", "base"))


@pytest.mark.parametrize(
    ("code", "mapping", "problem"),
    [
        ("tf.log(x, 2)", LOG_MAP, None),
        ("tf.log(x, base=2)", LOG_MAP, None),
        ("tf.log(x)", BROKEN_LOG_MAP, None),
        ("tf.log(x, base=2)", BROKEN_LOG_MAP, "would not bind to `tf.math.log`"),
        ("tf.log(*a, base=2)", BROKEN_LOG_MAP, None),  # stars: the rewrite decides
        ("tf.log(x)", CallMap("mylib.log", v1=("x",), v2=("x",)), None),  # no data
    ],
)
def test_call_map_rewrites_are_bound_to_the_target(
    sigs: Signatures, code: str, mapping: CallMap, problem: str | None
) -> None:
    found = call_map_problem(call_of(code), mapping, sigs)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found
