"""`tf.compat.v1.disable_v2_behavior()` inserted where a TF1 graph program starts.

Where it goes is decided by the program analysis (`analysis.program`); this unit writes it.
"""

from __future__ import annotations

from tf2_lsp.transforms.base import Names, Transform, never

DISABLE_V2 = "tensorflow.compat.v1.disable_v2_behavior"


def statement(names: Names) -> str:
    return names.name(DISABLE_V2) + "()"


# No call is matched: the program analysis reports it.
TRANSFORMS = (Transform("disable_v2_behavior", never, (DISABLE_V2,), statement=statement),)
