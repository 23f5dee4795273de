"""How a file writes a qualified name: through the names its imports bind.

The one rule for every place that shows or writes a target: the longest bound prefix wins
(`tf.math.log` under `import tensorflow as tf`, `slim.conv2d` under `import tf_slim as slim`).
Messages spell targets through the file's TensorFlow alias (`findings.collect`); fixes
through every name they may reuse, adding an import when none fits (tf2_lsp.fixes.imports).
"""

from __future__ import annotations

from collections.abc import Iterable

TENSORFLOW = "tensorflow"


def spelled(qualified: str, bindings: Iterable[tuple[str, str]]) -> str | None:
    """`qualified` through the binding (local name, what it names) with the longest prefix of
    it; the first such binding on a tie. None when no binding covers it."""
    best: tuple[str, str] | None = None
    for local, bound in bindings:
        if (qualified == bound or qualified.startswith(bound + ".")) and (
            best is None or len(bound) > len(best[1])
        ):
            best = (local, bound)
    if best is None:
        return None
    return best[0] + qualified[len(best[1]) :]


def through_tensorflow(qualified: str, alias: str) -> str:
    """`qualified` with `tensorflow` written as `alias`; other names as they are."""
    return spelled(qualified, ((alias, TENSORFLOW),)) or qualified
