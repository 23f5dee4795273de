"""Which target parameter each TF1 parameter becomes (`parameters`), on the recorded signatures."""

from __future__ import annotations

import pytest

from tests.analysis.call_model.support import DROPOUT, rewrite_of
from tf2_lsp.analysis.call_model.parameters import merge_changes, parameter_map
from tf2_lsp.catalogue.rules import ArgChange
from tf2_lsp.catalogue.signatures import Signatures


@pytest.mark.parametrize(
    ("symbol", "target", "change", "param", "becomes"),
    [
        # The same name in the target.
        ("tensorflow.reduce_sum", "tensorflow.reduce_sum", None, "axis", ("axis", None)),
        # TF1's own deprecated pairs, from the signature data.
        ("tensorflow.reduce_sum", "tensorflow.reduce_sum", None, "keep_dims", ("keepdims", None)),
        ("tensorflow.cond", "tensorflow.cond", None, "fn1", ("true_fn", None)),
        # A renamed function: the parameter in the same slot, equally required.
        (
            "tensorflow.gfile.IsDirectory",
            "tensorflow.io.gfile.isdir",
            None,
            "dirname",
            ("path", None),
        ),
        # An optional parameter onto the one whose name contains its own.
        (
            "tensorflow.multinomial",
            "tensorflow.random.categorical",
            None,
            "output_dtype",
            ("dtype", None),
        ),
        # The rule's conversion.
        (
            "tensorflow.nn.dropout",
            "tensorflow.nn.dropout",
            DROPOUT,
            "keep_prob",
            ("rate", "one_minus"),
        ),
        # Removed in TF2, with no counterpart.
        ("tensorflow.cond", "tensorflow.cond", None, "strict", (None, None)),
        # A slot whose target parameter TF1 had under its own name is not taken by position.
        (
            "tensorflow.image.resize_images",
            "tensorflow.image.resize",
            None,
            "align_corners",
            (None, None),
        ),
        # ... but the rule's rename table names it.
        (
            "tensorflow.image.resize_images",
            "tensorflow.image.resize",
            ArgChange(rename={"align_corners": "antialias"}),
            "align_corners",
            ("antialias", None),
        ),
    ],
)
def test_each_tf1_parameter_is_mapped_onto_its_target_counterpart(
    sigs: Signatures,
    symbol: str,
    target: str,
    change: ArgChange | None,
    param: str,
    becomes: tuple[str | None, str | None],
) -> None:
    assert rewrite_of(sigs, symbol, target, change).mapping[param] == becomes


def test_a_conversion_onto_a_parameter_the_target_lacks_is_no_mapping(sigs: Signatures) -> None:
    nowhere = ArgChange(convert={"keep_prob": "probability:one_minus"})
    rewrite = rewrite_of(sigs, "tensorflow.nn.dropout", "tensorflow.nn.dropout", nowhere)
    assert rewrite.mapping["keep_prob"] == (None, None)


def test_the_map_is_remembered_per_table_and_not_shared_between_tables(sigs: Signatures) -> None:
    tf1, goal = sigs.tf1("tensorflow.nn.dropout"), sigs.target("tensorflow.nn.dropout")
    assert tf1 is not None and goal is not None
    first = parameter_map(
        tf1, goal, "tensorflow.nn.dropout", "tensorflow.nn.dropout", sigs, DROPOUT
    )
    again = parameter_map(
        tf1, goal, "tensorflow.nn.dropout", "tensorflow.nn.dropout", sigs, DROPOUT
    )
    plain = parameter_map(tf1, goal, "tensorflow.nn.dropout", "tensorflow.nn.dropout", sigs, None)
    assert again is first
    assert plain["keep_prob"] == (None, None) and first["keep_prob"] == ("rate", "one_minus")


def test_a_rewrite_names_its_tf1_function_without_the_package(sigs: Signatures) -> None:
    rewrite = rewrite_of(sigs, "tensorflow.gfile.IsDirectory", "tensorflow.io.gfile.isdir")
    assert rewrite.short == "gfile.IsDirectory"


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
