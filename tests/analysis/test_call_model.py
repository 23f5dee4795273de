"""The call model: real TF1 calls bound to TensorFlow's recorded signatures (no TensorFlow)."""

from __future__ import annotations

import ast

import pytest

from tf2_lsp.analysis.call_model import (
    UNCHANGED,
    CallVerdict,
    call_map_problem,
    merge_changes,
    plan_call,
)
from tf2_lsp.catalogue.rules import ArgChange
from tf2_lsp.catalogue.signatures import Signatures, signatures_for
from tf2_lsp.model import ArgumentEdit
from tf2_lsp.transforms.call_map import CallMap

DROPOUT = ArgChange(convert={"keep_prob": "rate:one_minus"})  # as the dropout rule says
COND_STRICT = ArgChange(keep={"strict": ("True",)})  # TF2's cond is always strict


@pytest.fixture(scope="module")
def sigs() -> Signatures:
    return signatures_for("2.21")


def call_of(code: str) -> ast.Call:
    node = ast.parse(code, mode="eval").body
    assert isinstance(node, ast.Call)
    return node


def plan(
    sigs: Signatures,
    code: str,
    target: str,
    change: ArgChange | None = None,
) -> CallVerdict | None:
    """`code` is a call of TF1 `tf.<name>`, the name read from the code itself."""
    call = call_of(code)
    symbol = "tensorflow." + ast.unparse(call.func).removeprefix("tf.")
    return plan_call(call, symbol, target, change, sigs)


def keywords(verdict: CallVerdict | None) -> list[str | None]:
    """The keyword each argument is written with (None: stays positional)."""
    assert verdict is not None and verdict.edit is not None and verdict.edit.arguments
    return [edit.keyword for edit in verdict.edit.arguments]


@pytest.mark.parametrize(
    ("code", "target"),
    [
        ("tf.reduce_sum(x, 1, True)", "tensorflow.reduce_sum"),  # keep_dims's slot is keepdims's
        ("tf.reduce_sum(x, 1, keepdims=True)", "tensorflow.reduce_sum"),
        ("tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME')", "tensorflow.nn.conv2d"),
        ("tf.log(x)", "tensorflow.compat.v1.log"),  # TF1's own function under compat.v1
        # Unfinished TF1 code is not held to more in TF2 than in TF1.
        ("tf.nn.conv2d(x, w)", "tensorflow.nn.conv2d"),
    ],
)
def test_calls_that_bind_to_the_target_as_written_are_unchanged(
    sigs: Signatures, code: str, target: str
) -> None:
    verdict = plan(sigs, code, target)
    assert verdict == UNCHANGED
    assert not verdict.needs_change


@pytest.mark.parametrize(
    ("code", "target"),
    [
        ("tf.log(x)", "tensorflow.math.log"),
        ("tf.log(*args, **kwargs)", "tensorflow.math.log"),  # same signature: stars bind alike
        ("tf.gfile.IsDirectory(d)", "tensorflow.io.gfile.isdir"),  # `dirname` -> `path`, slot 0
        ("tf.random_uniform([2], 0, 1)", "tensorflow.random.uniform"),
    ],
)
def test_a_renamed_function_whose_arguments_carry_over_is_only_renamed(
    sigs: Signatures, code: str, target: str
) -> None:
    verdict = plan(sigs, code, target)
    assert verdict is not None and verdict.edit is not None
    assert verdict.edit.target == target
    assert verdict.edit.arguments is None
    assert verdict.refused is None


@pytest.mark.parametrize(
    ("code", "target", "written", "note"),
    [
        (
            "tf.reduce_sum(x, keep_dims=True)",
            "tensorflow.reduce_sum",
            [None, "keepdims"],
            "`keep_dims=` is `keepdims=` in TensorFlow 2",
        ),
        (
            "tf.reduce_sum(x, reduction_indices=[1])",
            "tensorflow.reduce_sum",
            [None, "axis"],
            "`reduction_indices=` is `axis=` in TensorFlow 2",
        ),
        ("tf.nn.softmax(x, dim=-1)", "tensorflow.nn.softmax", [None, "axis"], "`dim=` is `axis=`"),
        # A renamed function's parameter in the same slot, by keyword.
        ("tf.gfile.IsDirectory(dirname=d)", "tensorflow.io.gfile.isdir", ["path"], "`path=`"),
        (
            "tf.cond(p, fn1=a, fn2=b)",
            "tensorflow.cond",
            [None, "true_fn", "false_fn"],
            "`fn1=` is `true_fn=`",
        ),
        # TF2's argmax put `output_type` in `name`'s slot: `name` is passed by keyword.
        (
            "tf.argmax(x, 1, 'n')",
            "tensorflow.math.argmax",
            [None, None, "name"],
            "the argument in position 3 (`name`) is passed as `name=`",
        ),
    ],
)
def test_arguments_are_renamed_or_moved_to_keywords_with_a_note(
    sigs: Signatures, code: str, target: str, written: list[str | None], note: str
) -> None:
    verdict = plan(sigs, code, target)
    assert keywords(verdict) == written
    assert verdict is not None and any(note in text for _, text in verdict.notes)
    assert verdict.refused is None


def test_a_converted_argument_carries_its_conversion(sigs: Signatures) -> None:
    verdict = plan(sigs, "tf.nn.dropout(x, 0.5)", "tensorflow.nn.dropout", DROPOUT)
    assert verdict is not None and verdict.edit is not None
    assert verdict.edit.arguments == (ArgumentEdit(0, None), ArgumentEdit(1, "rate", "one_minus"))
    assert verdict.notes == ((1, "`keep_prob` became `rate` (= 1 - the TF1 value)"),)
    assert verdict.params == ("x", "keep_prob")


@pytest.mark.parametrize(
    ("code", "change"),
    [
        ("tf.cond(p, a, b, strict=False)", None),  # TF1's default
        ("tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME', True)", None),  # use_cudnn_on_gpu default
        ("tf.cond(p, a, b, strict=True)", COND_STRICT),  # the rule: TF2 behaves this way
    ],
)
def test_a_removed_argument_is_dropped_only_when_its_value_keeps_tf1_behaviour(
    sigs: Signatures, code: str, change: ArgChange | None
) -> None:
    target = "tensorflow." + code.split("(")[0].removeprefix("tf.")
    verdict = plan(sigs, code, target, change)
    assert verdict is not None and verdict.edit is not None and verdict.edit.arguments
    dropped = len(call_of(code).args) + len(call_of(code).keywords) - 1
    assert [e.source for e in verdict.edit.arguments] == list(range(dropped))
    assert any(index == dropped and "dropped" in text for index, text in verdict.notes)


@pytest.mark.parametrize(
    ("code", "change"),
    [
        ("tf.cond(p, a, b, strict=s)", None),  # not a literal: unknown
        ("tf.cond(p, a, b, strict=False)", COND_STRICT),  # the rule says TF2 differs
        ("tf.cond(p, a, b, strict=1)", COND_STRICT),  # `1` is not `True` for a keep list
    ],
)
def test_a_removed_argument_that_matters_keeps_tf1_through_compat_v1(
    sigs: Signatures, code: str, change: ArgChange | None
) -> None:
    # At either level: the native level falls back to tf.compat.v1 for such a call too.
    verdict = plan(sigs, code, "tensorflow.cond", change)
    assert verdict is not None and verdict.edit is not None
    assert verdict.edit.target == "tensorflow.compat.v1.cond"
    assert verdict.refused is None
    assert "`tf.compat.v1.cond` keeps TF1 behaviour" in verdict.notes[0][1]


@pytest.mark.parametrize(
    ("code", "target", "change", "reason"),
    [
        ("tf.reduce_sum(*dims)", "tensorflow.reduce_sum", None, "*args/**kwargs hide"),
        ("tf.nn.softmax(x, **options)", "tensorflow.nn.softmax", None, "*args/**kwargs hide"),
        ("tf.reduce_sum(x, nope=1)", "tensorflow.reduce_sum", None, "has no parameter `nope`"),
        (
            "tf.reduce_sum(x, 1, True, 'n', None, None, 7)",
            "tensorflow.reduce_sum",
            None,
            "more positional arguments than TF1 `reduce_sum` takes",
        ),
        # The binding verifier: each of these would pass one parameter twice in TF2.
        (
            "tf.reduce_sum(x, keep_dims=True, keepdims=True)",
            "tensorflow.reduce_sum",
            None,
            "would not bind to `tf.reduce_sum`: `keepdims` is passed twice",
        ),
        (
            "tf.nn.dropout(x, keep_prob=k, rate=r)",
            "tensorflow.nn.dropout",
            DROPOUT,
            "`rate` is passed twice",
        ),
    ],
)
def test_a_rewrite_that_would_not_bind_is_refused_with_the_reason(
    sigs: Signatures, code: str, target: str, change: ArgChange | None, reason: str
) -> None:
    verdict = plan(sigs, code, target, change)
    assert verdict is not None
    assert verdict.edit is None
    assert verdict.refused is not None and reason in verdict.refused
    assert verdict.needs_change


@pytest.mark.parametrize(
    ("code", "target"),
    [
        ("tf.contrib.layers.flatten(x)", "tensorflow.keras.layers.Flatten"),
        ("tf.log(x)", "numpy.log"),
    ],
)
def test_without_signature_data_the_rule_decides(sigs: Signatures, code: str, target: str) -> None:
    assert plan(sigs, code, target) is None


def test_merged_tables_keep_every_rules_entries_and_the_first_wins_a_conflict() -> None:
    first = ArgChange(
        rename={"dim": "axis"}, remove=("a",), keep={"strict": ("True",)}, v1=("x", "dim")
    )
    second = ArgChange(
        rename={"dim": "axes", "keep_dims": "keepdims"},
        remove=("a", "b"),
        keep={"strict": ("1",)},
        convert={"keep_prob": "rate:one_minus"},
        v1=("other",),
    )
    merged = merge_changes([first, second])
    assert merged.rename == {"dim": "axis", "keep_dims": "keepdims"}
    assert sorted(merged.remove) == ["a", "b"]
    assert sorted(merged.keep["strict"]) == ["1", "True"]
    assert merged.convert == {"keep_prob": "rate:one_minus"}
    assert merged.v1 == ("x", "dim")


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
