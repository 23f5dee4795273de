"""What the call model says about one call, and how its notes name things."""

from __future__ import annotations

from dataclasses import dataclass

from tf2_lsp.analysis.names.spelling import through_tensorflow
from tf2_lsp.catalogue.signatures import TF
from tf2_lsp.model import CallEdit

Note = tuple[int | None, str]


@dataclass(frozen=True, slots=True)
class CallVerdict:
    """What the call model says about one call.

    `edit` is the verified rewrite (None when refused or when nothing changes), `refused` why
    there is no rewrite, `notes` what changed, per argument (source index) or for the call.
    """

    edit: CallEdit | None
    refused: str | None = None
    notes: tuple[Note, ...] = ()
    params: tuple[str, ...] = ()  # the TF1 parameter each argument of the call fills

    @property
    def needs_change(self) -> bool:
        return self.edit is not None or self.refused is not None


UNCHANGED = CallVerdict(None)

CONVERSION_TEXT = {
    "one_minus": "= 1 - the TF1 value",
    "gpu_devices": "the count written as that many GPU device names",
}


def renamed_only(symbol: str, target: str) -> CallVerdict:
    """The call as written, under the target's name (nothing at all when that is its own)."""
    if target == same_name(symbol):
        return UNCHANGED
    return CallVerdict(CallEdit(target, None))


def same_name(symbol: str) -> str:
    return symbol if symbol.startswith(TF) else TF + symbol


def display(qualified: str) -> str:
    """The call model knows no file, so its notes write TensorFlow as `tf`."""
    return through_tensorflow(qualified, "tf")
