"""How a call-map transform places each TF1 argument (transforms/call_map.py): the rewrite and
detection's binding check share `arrange`; the rewrites are run by the rule examples."""

from __future__ import annotations

from tf2_lsp.transforms.call_map import arrange
from tf2_lsp.transforms.keras import KERAS_LAYERS, KERAS_OPTIMIZERS
from tf2_lsp.transforms.tf2_twin import TF2_TWINS


def test_positional_while_the_slots_line_up_then_keywords() -> None:
    adam = KERAS_OPTIMIZERS["tensorflow.train.AdamOptimizer"]
    placed, pins = arrange(adam, [("learning_rate", True), ("beta1", True), ("epsilon", False)])
    assert placed == ["", "", "epsilon"]
    assert pins == []


def test_dropped_arguments_and_pinned_defaults() -> None:
    adam = KERAS_OPTIMIZERS["tensorflow.train.AdamOptimizer"]
    placed, pins = arrange(adam, [("learning_rate", True), ("use_locking", False)])
    assert placed == ["", None]
    assert pins == ["epsilon"]


def test_positions_past_the_targets_go_by_keyword() -> None:
    ctc = TF2_TWINS["tensorflow.nn.ctc_loss_v2"]
    named = [("labels", True), ("logits", True), ("label_length", True), ("logit_length", True)]
    assert arrange(ctc, named) == (["", "", "label_length", "logit_length"], [])


def test_layer_input_and_call_time_arguments_are_not_the_targets() -> None:
    dropout = KERAS_LAYERS["tensorflow.layers.dropout"]
    placed, pins = arrange(dropout, [("inputs", True), ("rate", True), ("training", False)])
    assert placed == [None, "", None]
    assert pins == []
