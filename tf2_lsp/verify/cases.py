"""What one equivalence case is, and what running it found (plain data, JSON on the wire)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

RandomMode = Literal["num_random_ops", "constant"]
GraphMode = Literal["auto", "graph", "eager"]
KerasMode = Literal["auto", "2", "3"]
Status = Literal["proven", "ran", "differs", "error", "skipped"]

# Default tolerances of the TF migration guide's numerical-equivalence checks.
RTOL = 1e-6
ATOL = 1e-5


@dataclass(frozen=True, slots=True)
class RunTable:
    """How to run one example: inputs, what to compare, whether to take a training step.

    `setup` runs on both sides after the example's imports (numpy is bound as `np`);
    `feeds` maps a placeholder's name in the code to a numpy expression fed to it (graph mode
    on both sides); `compare` lists expressions evaluated on both sides after the code (by
    default every new name bound to a tensor, variable, array or number); `train` names a
    scalar loss: both sides take one gradient-descent step and compare the variables after it.
    `steps` is an expression that takes one training step of the code's own (`train_step()`):
    the TF1 side builds it once and runs it `times` times in a session, the TF2 side evaluates
    it `times` times; what each step returns is compared, and `compare` after the last.
    """

    setup: str = ""
    feeds: dict[str, str] = field(default_factory=dict)
    compare: tuple[str, ...] = ()
    train: str = ""
    random: RandomMode = "num_random_ops"
    skip: str = ""  # why this example cannot be run; non-empty = not run
    # How the new side runs: "auto" = in a graph where it feeds or opens a Session.
    graph: GraphMode = "auto"
    steps: str = ""
    times: int = 3
    # Which Keras the new side runs with: "auto" = Keras 2 (`TF_USE_LEGACY_KERAS=1`) where its
    # code names a Keras 2 object (`tf.compat.v1.layers`, `tf_slim`, ...), else Keras 3.
    keras: KerasMode = "auto"

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> RunTable:
        return cls(
            setup=str(data.get("setup", "")),
            feeds={str(k): str(v) for k, v in dict(data.get("feeds", {})).items()},
            compare=tuple(str(c) for c in data.get("compare", ())),
            train=str(data.get("train", "")),
            random=data.get("random", "num_random_ops"),
            skip=str(data.get("skip", "")),
            graph=data.get("graph", "auto"),
            steps=str(data.get("steps", "")),
            times=int(data.get("times", 3)),
            keras=data.get("keras", "auto"),
        )


@dataclass(frozen=True, slots=True)
class Case:
    """TF1 code (`old`, run under tensorflow.compat.v1 with v2 behaviour off) and its rewrite."""

    name: str
    old: str
    new: str
    run: RunTable = field(default_factory=RunTable)
    rtol: float = RTOL
    atol: float = ATOL

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Case:
        return cls(
            name=data["name"],
            old=data["old"],
            new=data["new"],
            run=RunTable.from_mapping(data.get("run", {})),
            rtol=float(data.get("rtol", RTOL)),
            atol=float(data.get("atol", ATOL)),
        )


@dataclass(frozen=True, slots=True)
class Difference:
    """One compared quantity: an output, a variable, the regularization loss."""

    what: str
    max_abs: float | None = None
    max_rel: float | None = None
    detail: str = ""
    equal: bool = True


@dataclass(frozen=True, slots=True)
class Outcome:
    """What running a case found.

    `proven`: both sides ran and every compared value, variable and loss agreed (at least one
    was compared); `ran`: both sides ran but there was nothing to compare; `differs`: a value,
    variable name or shape differs; `error`: one side failed (the reason says which);
    `skipped`: the case was not run (its run table says why).
    """

    name: str
    status: Status
    reason: str = ""
    rows: tuple[Difference, ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        return cls(
            name=data["name"],
            status=data["status"],
            reason=data.get("reason", ""),
            rows=tuple(Difference(**row) for row in data.get("rows", ())),
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
