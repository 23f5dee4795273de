"""Receiver types from jedi, for method rules our own resolution could not settle.

Only called off the keystroke path (a background thread of the server) and only for files whose
detection produced candidates; jedi is imported on first use, never at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence

from tf2_lsp.analysis import receivers
from tf2_lsp.model import ReceiverCandidate

# What jedi calls TensorFlow's classes (their defining modules), mapped to our type names.
_JEDI_TYPES = (
    ("dataset_ops.", receivers.DATASET),
    ("tensorflow.data.", receivers.DATASET),
    ("session.", receivers.SESSION),
    ("saver.", receivers.SAVER),
    ("optimizer.", receivers.OPTIMIZER),
)


def type_from_jedi_name(full_name: str | None, module_name: str | None) -> str | None:
    """Our type name for a jedi inference result, or None if it is not a known TF type."""
    if not full_name or not (module_name or "").startswith("tensorflow"):
        return None
    for marker, our_type in _JEDI_TYPES:
        if marker in full_name:
            return our_type
    last = full_name.rsplit(".", 1)[-1]
    if "Dataset" in last:  # DatasetV2, TFRecordDatasetV2, ...
        return receivers.DATASET
    return None


def infer_receivers(
    source: str, path: str | None, candidates: Sequence[ReceiverCandidate]
) -> dict[tuple[int, int], str]:
    """Hints for `detect(receiver_hints=...)`: candidate key -> receiver type."""
    if not candidates:
        return {}
    import jedi

    script = jedi.Script(source, path=path)
    hints: dict[tuple[int, int], str] = {}
    for candidate in candidates:
        try:
            names = script.infer(candidate.line, max(candidate.column - 1, 0))
        except Exception:  # jedi raises on odd positions/code; a hint is optional
            continue
        for name in names:
            our_type = type_from_jedi_name(name.full_name, name.module_name)
            if our_type is not None:
                hints[candidate.key] = our_type
                break
    return hints
