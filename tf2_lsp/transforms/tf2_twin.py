"""TF1's `_v2` transition functions -> the plain TF2 name (native level)."""

from __future__ import annotations

from tf2_lsp.transforms.call_map import CallMap, call_map_transform, refusing

# TF1 exported the TF2 behaviour of these under `_v2` names; TF2 gave it the plain name, which
# TF1 code uses for the old function. The rewrite writes the one form TF1 code cannot contain:
# labels and logits by position (TF1's softmax_cross_entropy_with_logits took keywords only),
# and ctc_loss's lengths by keyword (TF1's ctc_loss had sequence_length in that position).
TF2_TWINS: dict[str, CallMap] = {
    "tensorflow.nn.softmax_cross_entropy_with_logits_v2": CallMap(
        "tensorflow.nn.softmax_cross_entropy_with_logits",
        ("labels", "logits", "axis", "name", "dim"),
        ("labels", "logits"),
        rename=(("dim", "axis"),),
        positional=("labels", "logits"),
    ),
    "tensorflow.nn.ctc_loss_v2": CallMap(
        "tensorflow.nn.ctc_loss",
        (
            "labels",
            "logits",
            "label_length",
            "logit_length",
            "logits_time_major",
            "unique",
            "blank_index",
            "name",
        ),
        ("labels", "logits"),
    ),
}


TRANSFORMS = (call_map_transform("tf2_twin", TF2_TWINS, refusing(frozenset(), "TF2")),)
