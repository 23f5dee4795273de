"""Every TensorFlow name covered: a name under a TensorFlow alias that the target lacks is an error.

Rules explain the names TF2 removed or changed; anything else written under a TensorFlow alias
must exist in the target's public API, or the program fails with AttributeError or
ImportError when it gets there (a typo such as `tf.summary.historgram`, or a name removed
before TF 1.15). The check walks the name from the left: every module on the way must exist,
and it stops at the first class, function or value (their members are not in the API lists).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tf2_lsp.catalogue.api import PRIVATE_PACKAGES, Api, Namespace, slim_names

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
        if dotted not in namespace.modules or dotted in namespace.opaque:
            return None  # a class, function, value or foreign module: members not listed
    return None


def missing_target(target: str) -> str | None:
    """Why a fix may not write `target`: a `tf_slim` name the package does not export."""
    if not target.startswith("tf_slim."):
        return None
    slim = slim_names()
    parts = target.split(".")
    if slim is None:
        return None
    if parts[1] not in slim.top:
        return f"tf_slim has no `{parts[1]}`"
    if len(parts) > 2 and parts[1] == "layers" and parts[2] not in slim.layers:
        return f"`tf_slim.layers` has no `{parts[2]}`"
    return None


def slim_layers_miss(dotted: list[str]) -> int | None:
    """Index in the `dotted` parts of a name looked up in `tf_slim.layers` that only the
    package's top level has (`tf_slim.layers.l2_regularizer` -> 2), else None."""
    if dotted[:2] != ["tf_slim", "layers"] or len(dotted) < 3:
        return None
    slim = slim_names()
    if (
        slim is None
        or dotted[2] in slim.layers
        or dotted[2] not in slim.top
        or dotted[2] == "layers"
    ):
        return None
    return 2


_INTERNAL = re.compile(r"\.python\.(?:(?:slim|layers|ops|framework)\.)?")


def slim_target(target: str) -> str:
    """A `tf_slim` target without contrib's internal `python` paths, which tf_slim lacks:
    `tf_slim.python.ops.add_arg_scope` -> `tf_slim.add_arg_scope`,
    `tf_slim.layers.python.layers.initializers` -> `tf_slim.layers.initializers`,
    `tf_slim.python.slim.nets.inception_v3` -> `tf_slim.nets.inception_v3`."""
    if not target.startswith("tf_slim.") or ".python." not in target + ".":
        return target
    last = target.rsplit(".", 1)[-1]
    slim = slim_names()
    if slim is not None and last in slim.top and last != "python":
        return f"tf_slim.{last}"
    return _INTERNAL.sub(".", target + ".").rstrip(".")
