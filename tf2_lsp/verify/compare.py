"""Compare what the two sides of a case computed (numpy only; runs in the tf2 process)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tf2_lsp.verify.cases import Case, Difference, Outcome


@dataclass
class Side:
    """What one side computed: numpy leaves per compared expression, trainable variables
    (name, shape), their values after one training step, the total regularization loss."""

    error: str = ""
    values: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    variables: list[tuple[str, str]] = field(default_factory=list)
    trained: dict[str, Any] = field(default_factory=dict)
    regularization: float | None = None
    initial: dict[str, Any] = field(default_factory=dict)  # every variable's first value (TF1)


def compare(case: Case, old: Side, new: Side) -> Outcome:
    if old.error:
        return Outcome(case.name, "error", f"TF1 side: {old.error}")
    if new.error:
        return Outcome(case.name, "error", f"TF2 side: {new.error}")
    rows: list[Difference] = []
    for label, leaves in old.values.items():
        if not leaves:
            continue  # an op (an initializer, a train op): it has no value to compare
        if label not in new.values:
            rows.append(Difference(label, detail="not computed by the new code", equal=False))
            continue
        rows.extend(_leaves(case, label, leaves, new.values[label]))
    rows.extend(_variables(old.variables, new.variables))
    if old.regularization is not None or new.regularization is not None:
        rows.append(_numbers(case, "regularization loss", old.regularization, new.regularization))
    for name, value in old.trained.items():
        if name in new.trained:
            rows.append(_array(case, f"{name} after one step", value, new.trained[name]))
    if not all(row.equal for row in rows):
        wrong = next(row for row in rows if not row.equal)
        detail = f": {wrong.detail}" if wrong.detail else ""
        return Outcome(case.name, "differs", f"{wrong.what}{detail}", tuple(rows))
    if not rows:
        return Outcome(case.name, "ran", "both sides ran; nothing to compare")
    return Outcome(case.name, "proven", "", tuple(rows))


def _leaves(
    case: Case, label: str, old: list[tuple[str, Any]], new: list[tuple[str, Any]]
) -> list[Difference]:
    if [path for path, _ in old] != [path for path, _ in new]:
        return [Difference(label, detail="different structure", equal=False)]
    return [
        _array(case, f"{label}{path}", a, b) for (path, a), (_, b) in zip(old, new, strict=True)
    ]


def _array(case: Case, what: str, old: Any, new: Any) -> Difference:
    import numpy as np

    if isinstance(old, str) or isinstance(new, str):
        return Difference(
            what, detail="" if old == new else f"{old!r} != {new!r}", equal=old == new
        )
    a, b = np.asarray(old), np.asarray(new)
    if a.shape != b.shape:
        return Difference(what, detail=f"shape {a.shape} != {b.shape}", equal=False)
    if a.dtype.kind in "OSUV" or b.dtype.kind in "OSUV":
        same = bool(np.array_equal(a, b))
        return Difference(what, detail="" if same else "values differ", equal=same)
    if a.dtype != b.dtype and (a.dtype.kind == "b") != (b.dtype.kind == "b"):
        return Difference(what, detail=f"dtype {a.dtype} != {b.dtype}", equal=False)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    if a64.size == 0:
        return Difference(what, 0.0, 0.0)
    diff = np.abs(a64 - b64)
    max_abs = float(np.max(diff)) if np.all(np.isfinite(diff)) else float("inf")
    scale = np.abs(b64)
    rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
    max_rel = float(np.max(rel)) if np.all(np.isfinite(rel)) else float("inf")
    nan_same = bool(np.array_equal(np.isnan(a64), np.isnan(b64)))
    close = nan_same and bool(np.allclose(a64, b64, rtol=case.rtol, atol=case.atol, equal_nan=True))
    detail = "" if close else f"max abs diff {max_abs:.3g}, max rel diff {max_rel:.3g}"
    if a.dtype != b.dtype and close:
        detail = f"dtype {a.dtype} != {b.dtype}"
        close = a.dtype.kind == b.dtype.kind or {a.dtype.kind, b.dtype.kind} <= {"i", "u"}
    return Difference(what, max_abs, max_rel, detail, close)


def _numbers(case: Case, what: str, old: float | None, new: float | None) -> Difference:
    if old is None or new is None:
        side = "TF1" if old is not None else "TF2"
        return Difference(what, detail=f"only the {side} code has one", equal=False)
    return _array(case, what, old, new)


def _variables(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[Difference]:
    if sorted(old) == sorted(new):
        return [Difference(f"variable {n} {s}") for n, s in old]
    missing = sorted(set(old) - set(new))
    extra = sorted(set(new) - set(old))
    parts = []
    if missing:
        parts.append("missing " + ", ".join(f"{n} {s}" for n, s in missing))
    if extra:
        parts.append("extra " + ", ".join(f"{n} {s}" for n, s in extra))
    if not parts:
        parts.append(f"{len(old)} variables in TF1, {len(new)} in TF2")
    return [Difference("trainable variables", detail="; ".join(parts), equal=False)]


# The fewest values whose spread says how a variable was drawn, and how far apart two draws
# of one initialiser may land: the standard deviation's ratio, the means in standard errors.
_SPREAD_SIZE = 100
_SPREAD_RATIO = 1.5
_MEAN_ERRORS = 6.0


def other_spread(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """Why the new code's initial weights come from another distribution than TF1's (a
    constant where TF1 had another, a range of another width or centre), or None. Variables
    are matched by name; a name only one side has, or too few values, says nothing."""
    import numpy as np

    for name, first in old.items():
        if name not in new:
            continue
        a, b = np.asarray(first), np.asarray(new[name])
        if a.shape != b.shape or a.dtype.kind != "f" or b.dtype.kind != "f" or a.size == 0:
            continue
        a64, b64 = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
        if not (np.all(np.isfinite(a64)) and np.all(np.isfinite(b64))):
            continue
        mean_a, mean_b = float(a64.mean()), float(b64.mean())
        std_a, std_b = float(a64.std()), float(b64.std())
        shown = f"mean {mean_a:.3g} / {mean_b:.3g}, std {std_a:.3g} / {std_b:.3g}"
        if np.ptp(a64) == 0.0 or np.ptp(b64) == 0.0:  # a constant on either side
            if not np.allclose(a64, b64, rtol=1e-6, atol=1e-6):
                return f"initial {name}: drawn otherwise than TF1's ({shown})"
            continue
        if a.size < _SPREAD_SIZE:
            continue
        error = float(np.sqrt((std_a**2 + std_b**2) / a.size))
        wide = max(std_a, std_b) / min(std_a, std_b) > _SPREAD_RATIO
        if wide or abs(mean_a - mean_b) > _MEAN_ERRORS * error:
            return f"initial {name}: drawn from another range than TF1's ({shown})"
    return None
