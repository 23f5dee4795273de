"""A reader of TF1's `REGULARIZATION_LOSSES` -> the `losses` of the Keras layers that now hold
the penalties (analysis/program/penalty_readers.py decides when; TF934 makes the layers):

    tf.losses.get_regularization_loss()                         -> tf.add_n(tower.losses)
    tf.losses.get_regularization_losses()                       -> list(tower.losses)
    tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)       -> list(tower.losses)

With several layers, their penalties are joined in the order the module defines them
(`[*tower.losses, *head.losses]`). The layers are the fix's target: their instance names,
separated by spaces.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import FixError, Names, Site, Transform, never

if TYPE_CHECKING:
    import libcst as cst

PENALTY_READER_TRANSFORM = "penalty_reader"
_ADD_N = "tensorflow.add_n"
# Each reader: whether it returned the sum of the penalties or their list.
READERS = {
    "tensorflow.losses.get_regularization_loss": "sum",
    "tensorflow.losses.get_regularization_losses": "list",
    "tensorflow.get_collection": "list",
}


def read_from_layers(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
    """The reader's call, written as the sum or the list of the layers' `losses`."""
    import libcst as cst

    layers = (site.target or "").split()
    if not layers or not all(layer.isidentifier() for layer in layers):
        raise FixError("no layer to read the penalties from")
    kind = READERS.get(site.symbol)
    if kind is None:
        raise FixError(f"`{site.symbol}` is not a reader of the penalties")
    add_n = names.name(_ADD_N) if kind == "sum" else ""
    return cst.parse_expression(layers_read(kind, layers, add_n))


def layers_read(kind: str, layers: Sequence[str], add_n: str) -> str:
    """The penalties of `layers` as a reader of `kind` ("sum" or "list") returned them;
    `add_n`: how the file spells `tf.add_n` (for a sum)."""
    if len(layers) == 1:
        joined = f"{layers[0]}.losses"
        listed = f"list({joined})"
    else:
        joined = listed = "[" + ", ".join(f"*{layer}.losses" for layer in layers) + "]"
    return f"{add_n}({joined})" if kind == "sum" else listed


TRANSFORMS = (Transform(PENALTY_READER_TRANSFORM, never, (_ADD_N,), rewrite=read_from_layers),)
