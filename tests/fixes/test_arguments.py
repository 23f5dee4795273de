"""`arguments` fixes: keywords renamed, moved positions passed by keyword, arguments dropped."""

from __future__ import annotations

import libcst as cst
import pytest

from tf2_lsp.catalogue.rules import ArgChange
from tf2_lsp.fixes.arguments import plan_arguments, rewrite_arguments
from tf2_lsp.transforms.base import FixError

# Same slots, new names: `reduce(x, dim, keep_dims)` -> `reduce(x, axis, keepdims)`.
RENAMED = ArgChange(
    rename={"dim": "axis", "keep_dims": "keepdims"},
    v1=("x", "dim", "keep_dims", "name"),
    v2=("x", "axis", "keepdims", "name"),
)
# A parameter removed from the middle: the ones after it change slot.
SHIFTED = ArgChange(remove=("validate",), v1=("a", "validate", "b", "c"), v2=("a", "b", "c"))


def rewritten(code: str, change: ArgChange) -> str:
    call = cst.parse_expression(code)
    assert isinstance(call, cst.Call)
    return cst.Module([]).code_for_node(rewrite_arguments(call, change))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("f(t, keep_dims=True)", "f(t, keepdims=True)"),
        ("f(t, dim=1, keep_dims=False)", "f(t, axis=1, keepdims=False)"),
        # Renamed in the same slot: a positional argument means the same parameter.
        ("f(t, 1, True)", "f(t, 1, True)"),
        ("f(t, 1, keep_dims=True, name='s')", "f(t, 1, keepdims=True, name='s')"),
        ("f(*args, keep_dims=True, **kw)", "f(*args, keepdims=True, **kw)"),
    ],
)
def test_keywords_are_renamed_and_stable_slots_stay(before: str, after: str) -> None:
    assert rewritten(before, RENAMED) == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("f(x, True, y, z)", "f(x, b=y, c=z)"),
        ("f(x, True, y)", "f(x, b=y)"),
        ("f(x, validate=True, b=y)", "f(x, b=y)"),
        ("f(x)", "f(x)"),
    ],
)
def test_removed_arguments_go_and_later_positions_become_keywords(before: str, after: str) -> None:
    assert rewritten(before, SHIFTED) == after


def test_formatting_and_comments_around_arguments_are_kept() -> None:
    before = "f(\n    t,  # the input\n    keep_dims=True,\n)"
    assert rewritten(before, RENAMED) == "f(\n    t,  # the input\n    keepdims=True,\n)"


def test_the_plan_says_what_happens_to_each_argument() -> None:
    plan = plan_arguments(SHIFTED, 4, [])
    assert plan.dropped_positions == {1}
    assert plan.to_keyword == {2: "b", 3: "c"}
    assert plan.removed == {"validate"}
    renames = plan_arguments(RENAMED, 1, ["dim", "keep_dims", "name"])
    assert renames.renamed == {"dim": "axis", "keep_dims": "keepdims"}
    assert renames.to_keyword == {} and renames.removed == frozenset()


@pytest.mark.parametrize(
    ("code", "change", "reason"),
    [
        # The keyword the rename writes is passed already: the call would pass it twice.
        ("f(t, dim=1, axis=2)", RENAMED, "already passed"),
        ("f(t, 1, axis=2)", RENAMED, "already passed"),
        ("f(x, True, y, c=z, b=w)", SHIFTED, "already passed"),
        ("f(1, 2, 3, 4, 5)", SHIFTED, "more positional arguments"),
        ("f(t, keep_dim=True)", RENAMED, "TF2 has no parameter `keep_dim`"),
    ],
)
def test_a_rewrite_that_changes_the_meaning_is_refused(
    code: str, change: ArgChange, reason: str
) -> None:
    with pytest.raises(FixError, match=reason):
        rewritten(code, change)


def test_without_a_tf2_signature_unknown_keywords_pass_through() -> None:
    change = ArgChange(rename={"keep_prob": "rate"}, v1=("x", "keep_prob"))
    assert rewritten("f(x, keep_prob=p, seed=1)", change) == "f(x, rate=p, seed=1)"
