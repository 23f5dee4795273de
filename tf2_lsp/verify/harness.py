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
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tf2_lsp.verify.cases import Case, Outcome
from tf2_lsp.verify.code_tokens import dotted_names

LEGACY_KERAS_MARKS = ("compat.v1.layers", "rnn_cell", "tf_keras", "tf_slim", "compat.v1.keras")
TIMEOUT_SECONDS = 900
POLL_SECONDS = 0.2  # how often a running process is checked for cancellation


class HarnessError(Exception):
    """TensorFlow is missing, or a TensorFlow process failed as a whole."""


class Cancelled(HarnessError):
    """The caller cancelled the run; its TensorFlow processes were stopped."""


def tensorflow_available(python: str = sys.executable) -> bool:
    """Whether `python` can import TensorFlow; asked of another interpreter in a process of
    its own (finding the package, never importing it)."""
    if python == sys.executable:
        return importlib.util.find_spec("tensorflow") is not None
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('tensorflow') is None)"
    try:
        done = subprocess.run([python, "-c", probe], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def needs_legacy_keras(code: str) -> bool:
    """The code names a Keras 2 object (`tf.compat.v1.layers.dense`, `tf_slim`): read from the
    names it writes, so a comment or a string that mentions one changes nothing."""
    # Whole parts only: `tf_slim` in `import tf_slim`, not in `my_tf_slim_helper`.
    names = [f".{name}." for name in dotted_names(code)]
    return any(f".{mark}." in name for name in names for mark in LEGACY_KERAS_MARKS)


def runs_legacy_keras(case: Case) -> bool:
    """Whether the new side runs with Keras 2: as its run table says (`keras`), or else as
    the code it runs names."""
    if case.run.keras != "auto":
        return case.run.keras == "2"
    return needs_legacy_keras(case.new) or needs_legacy_keras(case.run.setup)


def run_cases(
    cases: Sequence[Case],
    python: str = sys.executable,
    cancel: threading.Event | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> list[Outcome]:
    """Each case's outcome, in the order given; skipped cases are not run. Setting `cancel`
    stops the TensorFlow process at work and raises Cancelled; a process that gives no
    answer within `timeout` seconds is stopped and its case reported as an error."""
    if not tensorflow_available(python):
        raise HarnessError(
            f"TensorFlow is not installed in this Python environment ({python}): "
            "pip install tensorflow tf_keras"
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
            run = _Run(python, cancel or threading.Event(), timeout)
            outcomes.update(_run(runnable, Path(folder), run))
    return [outcomes[name] for name in names]


@dataclass(frozen=True, slots=True)
class _Run:
    python: str
    cancel: threading.Event
    timeout: float


def _run(cases: list[Case], folder: Path, run: _Run) -> dict[str, Outcome]:
    sides = folder / "tf1.pickle"
    outcomes = _until_done(
        run, "tf1", cases, folder, sides, [], legacy=True, done=lambda: _side_names(sides)
    )
    ran = [c for c in cases if c.name not in outcomes]
    for legacy in (False, True):
        group = [c for c in ran if runs_legacy_keras(c) == legacy]
        report = folder / f"report-{legacy}.jsonl"
        if group:
            outcomes.update(
                _until_done(
                    run,
                    "tf2",
                    group,
                    folder,
                    report,
                    [str(sides)],
                    legacy,
                    done=lambda path=report: set(_read_report(path)),  # type: ignore[misc]
                )
            )
            outcomes.update(_read_report(report))
    return outcomes


def _until_done(
    run: _Run,
    mode: str,
    cases: list[Case],
    folder: Path,
    output: Path,
    extra: list[str],
    legacy: bool,
    done: Callable[[], set[str]],
) -> dict[str, Outcome]:
    """Run `cases` in as few processes as possible: when one dies, the case it was running
    is reported as an error and a new process takes the rest."""
    failures: dict[str, Outcome] = {}
    remaining = list(cases)
    while remaining:
        failed = _child(run, mode, remaining, folder / f"{mode}-cases.json", output, extra, legacy)
        finished = done()
        remaining = [c for c in remaining if c.name not in finished]
        if not failed or not remaining:
            break
        culprit = remaining.pop(0)
        side = "TF1" if mode == "tf1" else "TF2"
        failures[culprit.name] = Outcome(
            culprit.name, "error", f"{side} process died running it: {failed}"
        )
    return failures


def _side_names(path: Path) -> set[str]:
    """The cases the tf1 process has finished: it writes each name after its result."""
    names = path.with_suffix(".names")
    return set(names.read_text(encoding="utf-8").splitlines()) if names.exists() else set()


def _read_report(path: Path) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    if not path.exists():
        return outcomes
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            outcome = Outcome.from_json(json.loads(line))
        except (ValueError, KeyError):
            continue  # a line cut short by a dying process
        outcomes[outcome.name] = outcome
    return outcomes


def _child(
    run: _Run,
    mode: str,
    cases: list[Case],
    path: Path,
    output: Path,
    extra: list[str],
    legacy: bool,
) -> str:
    """Run one TensorFlow process; "" when it succeeded, else the end of its stderr."""
    path.write_text(json.dumps([c.to_json() for c in cases]), encoding="utf-8")
    # Temporary files of the code run (the inputs' folders, checkpoints, TensorFlow's own) go
    # into the run's folder, which goes with the run, even when a child is killed: each case
    # used to leave a folder in the system's temporary directory (50k after a day of tests).
    env = dict(
        os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1", TMPDIR=str(path.parent)
    )
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")) if p
    )
    if legacy:
        env["TF_USE_LEGACY_KERAS"] = "1"
    else:
        env.pop("TF_USE_LEGACY_KERAS", None)
    command = [run.python, "-m", "tf2_lsp.verify.child", mode, str(path), str(output), *extra]
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors
            )
        except OSError as error:
            raise HarnessError(f"cannot start {run.python}: {error}") from None
        deadline = time.monotonic() + run.timeout
        while process.poll() is None:
            if run.cancel.is_set():
                _stop(process)
                raise Cancelled("cancelled")
            if time.monotonic() > deadline:
                _stop(process)
                return f"no answer within {run.timeout:g} s"
            run.cancel.wait(POLL_SECONDS)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    if process.returncode != 0:
        lines = [line for line in stderr.strip().splitlines() if not line.startswith(" ")]
        return f"exit status {process.returncode}: " + " | ".join(lines[-2:])[:300]
    return ""


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.wait()
