"""Step 1 of the call model (`bind`): each argument of a TF1 call bound to its TF1 parameter."""

from __future__ import annotations

import pytest

from tests.analysis.call_model.support import call_of
from tf2_lsp.analysis.call_model.bind import BoundArgument, BoundCall, bind_tf1
from tf2_lsp.analysis.call_model.verdict import CallVerdict
from tf2_lsp.catalogue.signatures import Signatures


def bound(sigs: Signatures, code: str, symbol: str = "tensorflow.reduce_sum") -> BoundCall:
    tf1 = sigs.tf1(symbol)
    assert tf1 is not None
    result = bind_tf1(call_of(code), tf1, symbol.removeprefix("tensorflow."))
    assert isinstance(result, BoundCall)
    return result


def refusal(sigs: Signatures, code: str, symbol: str = "tensorflow.reduce_sum") -> str:
    tf1 = sigs.tf1(symbol)
    assert tf1 is not None
    result = bind_tf1(call_of(code), tf1, symbol.removeprefix("tensorflow."))
    assert isinstance(result, CallVerdict) and result.edit is None and result.refused
    return result.refused


def test_positional_arguments_fill_tf1_slots_and_keywords_their_names(sigs: Signatures) -> None:
    call = bound(sigs, "tf.reduce_sum(x, 1, keep_dims=True)")
    assert call.params == ("input_tensor", "axis", "keep_dims")
    assert [a.positional for a in call.arguments] == [True, True, False]
    assert [a.keyword for a in call.arguments] == [None, None, "keep_dims"]
    assert not call.has_stars and not call.starred


def test_arguments_are_bound_in_source_order(sigs: Signatures) -> None:
    # `*args` after a keyword is still a positional argument in Python's reading.
    call = bound(sigs, "tf.reduce_sum(x, keep_dims=True, *rest)")
    assert call.params == ("input_tensor", "keep_dims", "")
    assert call.arguments[2].star and call.starred


def test_stars_are_passed_on_and_only_args_count_as_starred(sigs: Signatures) -> None:
    call = bound(sigs, "tf.reduce_sum(x, **options)")
    [_, kwargs] = call.arguments
    assert kwargs == BoundArgument("", kwargs.value, positional=False, star=True)
    assert call.has_stars and not call.starred


def test_the_values_given_for_a_parameter_are_found_by_name(sigs: Signatures) -> None:
    call = bound(sigs, "tf.reduce_sum(x, axis=a)")
    [value] = call.given("axis")
    assert value is call.arguments[1].value
    assert call.given("keepdims") == []


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("tf.reduce_sum(x, nope=1)", "TF1 `reduce_sum` has no parameter `nope`"),
        (
            "tf.reduce_sum(x, 1, True, 'n', None, None, 7)",
            "more positional arguments than TF1 `reduce_sum` takes",
        ),
        ("tf.reduce_sum(*a, x)", "*args/**kwargs hide which parameter each value fills"),
    ],
)
def test_a_call_that_does_not_bind_to_tf1_is_refused(
    sigs: Signatures, code: str, reason: str
) -> None:
    assert reason in refusal(sigs, code)
