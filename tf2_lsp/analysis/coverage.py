"""Every TensorFlow name covered: a name under a TensorFlow alias that the target lacks is an error.

Rules explain the names TF2 removed or changed; anything else written under a TensorFlow alias
must exist in the target's public API, or the program fails with AttributeError or
ImportError when it gets there (a typo such as `tf.summary.historgram`, or a name removed
before TF 1.15). The check walks the name from the left: every module on the way must exist,
and it stops at the first class, function or value (their members are not in the API lists).
"""

from __future__ import annotations

from dataclasses import dataclass

from tf2_lsp.catalogue.api import PRIVATE_PACKAGES, Api, Namespace

UNKNOWN_NAME_RULE = "TF990"
_ROOT = "tensorflow"


@dataclass(frozen=True, slots=True)
class Missing:
    parts: int  # how many dotted parts of the name reach the first missing one
    suggestion: str | None = None  # a close existing name, fully qualified
    compat_only: bool = False  # `tensorflow.compat.v1.<same>` exists


def missing_prefix(qualified: str, api: Api) -> Missing | None:
    """Where `qualified` stops naming anything in `api`, or None when it is fine.

    `tensorflow.summary.historgram.x` -> Missing(3, "tensorflow.summary.histogram").
    """
    parts = qualified.split(".")
    if parts[0] != _ROOT or len(parts) == 1:
        return None
    start = 1
    namespace: Namespace = api.v2
    prefix = _ROOT
    if parts[1:3] == ["compat", "v1"]:
        start, namespace, prefix = 3, api.v1, "tensorflow.compat.v1"
    elif parts[1:3] == ["compat", "v2"]:
        start, prefix = 3, "tensorflow.compat.v2"
    if start == 1 and parts[1] in PRIVATE_PACKAGES:
        return None
    for end in range(start, len(parts)):
        last = parts[end]
        if last.startswith("__") and last.endswith("__"):
            return None  # `tf.__version__`, `tf.Tensor.__class__`: module and object attributes
        dotted = ".".join(parts[start : end + 1])
        if dotted not in namespace.names:
            if namespace is api.v2 and dotted in api.v1.names:
                return Missing(end + 1, compat_only=True)
            close = namespace.close_matches(dotted)
            return Missing(end + 1, f"{prefix}.{close[0]}" if close else None)
        if dotted not in namespace.modules:
            return None  # a class, function or value: its members are not listed
    return None
