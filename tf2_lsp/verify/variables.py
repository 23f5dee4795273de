"""Variables in the child process: their checkpoint names (Keras 3 ones by path), shapes, and
a creator that starts TF2 variables from the TF1 side's values. Takes TensorFlow objects; never
imports TensorFlow itself."""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any


def copying(weights: dict[str, Any]) -> Any:
    """A variable creator that starts each variable from the TF1 value of the same name, or
    else from the next unused TF1 value of the same shape (Keras names differ). A Keras
    optimizer's own variables (its scalar learning rate, its slots) start as Keras starts
    them: by shape, its learning rate took TF1's `beta1_power`."""
    unused = list(weights.items())

    def create(next_creator: Any, **kwargs: Any) -> Any:
        if not unused:
            return next_creator(**kwargs)
        name = str(kwargs.get("name") or "").split(":")[0]
        value = weights.get(name)
        if value is None and not _made_by_keras_optimizer():
            initial = kwargs.get("initial_value")
            shape = _initial_shape(initial)
            for candidate, array in unused:
                if shape is not None and tuple(array.shape) == shape:
                    name, value = candidate, array
                    break
        if value is not None:
            unused[:] = [(n, a) for n, a in unused if n != name]
            kwargs["initial_value"] = value
            kwargs.pop("initializer", None)
        return next_creator(**kwargs)

    return create


def _made_by_keras_optimizer() -> bool:
    """Whether a Keras optimizer (Keras 3's or tf_keras's) is creating the variable: a method
    of one is on the stack."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        owner = frame.f_locals.get("self")
        if owner is not None and ".optimizers." in type(owner).__module__:
            return True
        frame = frame.f_back
    return False


def _initial_shape(initial: Any) -> tuple[int, ...] | None:
    try:
        value = initial() if callable(initial) else initial
        return tuple(int(d) for d in value.shape)
    except Exception:  # an initial value we cannot evaluate here: no match by shape
        return None


def unique(variables: list[Any]) -> list[Any]:
    seen: set[int] = set()
    kept = []
    for variable in variables:
        if id(variable) not in seen:
            seen.add(id(variable))
            kept.append(variable)
    return kept


def names(variables: list[Any], paths: dict[int, str] | None = None) -> list[tuple[str, str]]:
    """Each variable's checkpoint name and shape; `paths`: Keras 3 paths by the id of the
    TensorFlow variable under them (Keras 3 names that one `kernel`, its path is
    `tower/hidden/kernel`)."""
    paths = paths or {}
    return [(paths.get(id(v)) or v.name.split(":")[0], _shape(v.shape)) for v in variables]


def keras_paths(namespace: dict[str, Any]) -> dict[int, str]:
    """The paths of the Keras 3 variables of the layers the code bound to names."""
    paths: dict[int, str] = {}
    for value in list(namespace.values()):
        variables = getattr(value, "variables", None) if not isinstance(value, type) else None
        if not isinstance(variables, list):
            continue
        for variable in variables:
            path, inner = getattr(variable, "path", None), getattr(variable, "_value", None)
            if isinstance(path, str) and inner is not None:
                paths[id(inner)] = path
    return paths


def _shape(shape: Any) -> str:
    return "unknown" if shape.rank is None else str(tuple(shape.as_list()))
