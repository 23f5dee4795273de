"""Run equivalence cases in TensorFlow subprocesses and collect their outcomes.

Three kinds of process, each importing TensorFlow once for many cases: one runs every old
side with TF1 semantics, then one per Keras flavour runs the new sides as TF2 and compares
(`TF_USE_LEGACY_KERAS=1` where the new code still uses Keras 2 objects: `tf.compat.v1.layers`,
`tf.compat.v1.nn.rnn_cell`, tf_keras, tf_slim). This process never imports TensorFlow.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tf2_lsp.verify.cases import Case, Outcome

LEGACY_KERAS_MARKS = ("compat.v1.layers", "rnn_cell", "tf_keras", "tf_slim", "compat.v1.keras")
TIMEOUT_SECONDS = 900


class HarnessError(Exception):
    """TensorFlow is missing, or a TensorFlow process failed as a whole."""


def tensorflow_available() -> bool:
    return importlib.util.find_spec("tensorflow") is not None


def needs_legacy_keras(code: str) -> bool:
    return any(mark in code for mark in LEGACY_KERAS_MARKS)


def run_cases(cases: Sequence[Case], python: str = sys.executable) -> list[Outcome]:
    """Each case's outcome, in the order given; skipped cases are not run."""
    if not tensorflow_available():
        raise HarnessError(
            "TensorFlow is not installed in this Python environment "
            "(pip install tensorflow tf_keras)"
        )
    names = [case.name for case in cases]
    if len(set(names)) != len(names):
        raise HarnessError("case names must be unique")
    outcomes: dict[str, Outcome] = {
        c.name: Outcome(c.name, "skipped", c.run.skip) for c in cases if c.run.skip
    }
    runnable = [c for c in cases if not c.run.skip]
    if runnable:
        with tempfile.TemporaryDirectory(prefix="tf2-lsp-verify-") as folder:
            outcomes.update(_run(runnable, Path(folder), python))
    return [outcomes[name] for name in names]


def _run(cases: list[Case], folder: Path, python: str) -> dict[str, Outcome]:
    sides = folder / "tf1.pickle"
    failed = _child(python, "tf1", cases, folder / "tf1.json", [str(sides)], legacy=True)
    if failed:
        return {c.name: Outcome(c.name, "error", f"TF1 process: {failed}") for c in cases}
    outcomes: dict[str, Outcome] = {}
    for legacy in (False, True):
        group = [c for c in cases if needs_legacy_keras(c.new) == legacy]
        if not group:
            continue
        report = folder / f"report-{legacy}.json"
        failed = _child(
            python, "tf2", group, folder / f"tf2-{legacy}.json", [str(report), str(sides)], legacy
        )
        if failed:
            outcomes.update(
                {c.name: Outcome(c.name, "error", f"TF2 process: {failed}") for c in group}
            )
            continue
        for item in json.loads(report.read_text(encoding="utf-8")):
            outcome = Outcome.from_json(item)
            outcomes[outcome.name] = outcome
    return outcomes


def _child(
    python: str, mode: str, cases: list[Case], path: Path, outputs: list[str], legacy: bool
) -> str:
    """Run one TensorFlow process; "" when it succeeded, else the end of its stderr."""
    path.write_text(json.dumps([c.to_json() for c in cases]), encoding="utf-8")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1")
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")) if p
    )
    if legacy:
        env["TF_USE_LEGACY_KERAS"] = "1"
    else:
        env.pop("TF_USE_LEGACY_KERAS", None)
    output = outputs[0]
    command = [python, "-m", "tf2_lsp.verify.child", mode, str(path), output, *outputs[1:]]
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        return f"no answer within {TIMEOUT_SECONDS} s"
    if done.returncode != 0 or not Path(output).exists():
        tail = done.stderr.strip().splitlines()[-3:]
        return f"exit status {done.returncode}: " + " | ".join(tail)
    return ""
