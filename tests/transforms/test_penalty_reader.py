"""A reader of `REGULARIZATION_LOSSES` rewritten to read the layers' `losses`
(transforms/penalty_reader.py)."""

from __future__ import annotations

import libcst as cst
import pytest

from tf2_lsp.transforms.base import FixError, Site
from tf2_lsp.transforms.penalty_reader import read_from_layers


class _Names:
    def name(self, qualified: str) -> str:
        return qualified.replace("tensorflow", "tf", 1)


def _read(symbol: str, layers: str, call: str = "tf.losses.get_regularization_loss()") -> str:
    node = cst.parse_expression(call)
    new = read_from_layers(node, Site(symbol, layers), _Names())
    return cst.Module(body=[]).code_for_node(new)


@pytest.mark.parametrize(
    ("symbol", "layers", "written"),
    [
        ("tensorflow.losses.get_regularization_loss", "tower", "tf.add_n(tower.losses)"),
        ("tensorflow.losses.get_regularization_losses", "tower", "list(tower.losses)"),
        ("tensorflow.get_collection", "tower", "list(tower.losses)"),
        (
            "tensorflow.losses.get_regularization_loss",
            "tower head",
            "tf.add_n([*tower.losses, *head.losses])",
        ),
        ("tensorflow.get_collection", "tower head", "[*tower.losses, *head.losses]"),
    ],
)
def test_the_sum_or_the_list_of_the_layers_penalties(
    symbol: str, layers: str, written: str
) -> None:
    assert _read(symbol, layers) == written


@pytest.mark.parametrize(
    ("symbol", "layers"),
    [
        ("tensorflow.losses.get_regularization_loss", ""),
        ("tensorflow.losses.get_regularization_loss", "not-a-name"),
        ("tensorflow.losses.get_total_loss", "tower"),
    ],
)
def test_no_rewrite_without_layers_or_for_another_reader(symbol: str, layers: str) -> None:
    with pytest.raises(FixError):
        _read(symbol, layers)
