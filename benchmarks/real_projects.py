"""Real-code verification: convert pinned TF1-era projects and run their own tests on TF 2.

For each project (pinned releases from PyPI, fetched with `pip download --no-deps` and cached):

1. unpack it and make up to three copies: the original code (the baseline), one converted
   with `tf2-lsp fix --level compat --unsafe` (`--level native` for the native level) and one
   with TensorFlow's `tf_upgrade_v2`, timing both converters in the same run;
2. run the project's own test files in each copy, one `pytest` process per file with a
   timeout, under the TensorFlow of `--python` (meant to be TF 2.21 + tf_slim + tf_keras);
3. print, per project and copy: files, findings (`tf2-lsp check --format json` before the
   fix), test files passing / total, and the commonest failure causes (exception type and
   message, grouped), each mapped to the tf2-lsp rule code that should have handled it, or
   "missing rule". Failures that have nothing to do with TensorFlow (a missing optional
   dependency, a data file not shipped) are counted apart, never hidden.

Not run in CI: it downloads, and a full run takes tens of minutes. Typical use:

    python benchmarks/real_projects.py --python /path/to/tf221-venv/bin/python \
        --tf2-lsp "tf2-lsp" --install-deps [--projects gpflow,tflearn] [--json]

tf2-lsp is called only through its CLI, so any installed version can be measured.
"""

from __future__ import annotations

import argparse
import bisect
import difflib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

DEFAULT_CACHE = Path.home() / ".cache" / "tf2-lsp-real-projects"
TOOLS = ("original", "tf2-lsp", "tf_upgrade_v2")


@dataclass(frozen=True)
class Project:
    """A pinned TF1-era release and how to run its own tests."""

    name: str
    requirement: str
    tests: tuple[str, ...]  # globs relative to the unpacked root
    deps: tuple[str, ...] = ()  # what its tests import besides TensorFlow (pip requirements)
    env: tuple[tuple[str, str], ...] = ()
    exclude: tuple[str, ...] = ()  # test globs left out (say why in the comment beside them)


PROJECTS: dict[str, Project] = {
    project.name: project
    for project in (
        Project(
            "gpflow",
            "gpflow==1.5.1",
            ("tests/test_*.py",),
            deps=(
                "numpy<2",
                "scipy",
                "pandas",
                "multipledispatch",
                "decorator",
                "h5py",
                "matplotlib",
                "mock",
                "tqdm",
                "tensorboard",
            ),
        ),
        Project(
            "tflearn",
            "tflearn==0.3.2",
            ("tests/test*.py",),
            deps=("numpy<2", "six", "Pillow<10", "h5py", "scipy"),  # Image.ANTIALIAS
        ),
        Project(
            "tensorpack",
            "tensorpack==0.9.8",
            ("tensorpack/**/*_test.py", "tensorpack/**/unit_tests.py", "tensorpack/models/pool.py"),
            deps=(
                "numpy<2",
                "six",
                "termcolor",
                "tabulate",
                "tqdm",
                "msgpack",
                "msgpack-numpy",
                "pyzmq",
                "psutil",
                "opencv-python-headless",
            ),
        ),
        Project(
            "magenta",
            "magenta==1.1.7",
            ("magenta/**/*_test.py",),
            deps=(
                "numpy<2",
                "scipy",
                "pandas",
                "matplotlib",
                "Pillow",
                "pretty_midi",
                "mido",
                "intervaltree",
                "pygtrie",
                "librosa",
                "bokeh",
                "IPython",
                "sox",
                "joblib",
                "tensorflow-probability",
            ),
            # its generated *_pb2.py files predate protobuf 4's C++/upb descriptors
            env=(("PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION", "python"),),
        ),
    )
}

# Python 3.11 and numpy 1.26 removed aliases that TF1-era code used everywhere
# (`collections.Mapping`, `np.bool`, `np.float`...). They have nothing to do with TensorFlow,
# and would hide what the converters did, so a `sitecustomize` puts them back, in every copy
# alike (`--no-shims` to measure without it).
SHIMS = """
import collections, collections.abc
for _name in collections.abc.__all__:
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))
try:
    import numpy
    for _name, _value in (("bool", bool), ("int", int), ("float", float), ("complex", complex),
                          ("object", object), ("str", str), ("long", int), ("unicode", str)):
        if _name not in numpy.__dict__:
            setattr(numpy, _name, _value)
except ImportError:
    pass
"""

# Converted code that spells these needs Keras 2 (tf_keras) under TF >= 2.16.
LEGACY_KERAS = re.compile(
    r"\b(?:compat\.v1\.(?:layers|keras)|rnn_cell|tf_keras|(?:tf|tensorflow)\.(?:layers|keras))\b"
)
# Errors of graph-mode code run with TF2 behaviour on: what TF801 (disable_v2_behavior) is for.
EAGER_ONLY = re.compile(
    r"not compatible with eager execution|not supported when eager execution is enabled"
    r"|Session graph is empty|Connecting to invalid output \d+ of source node .*while"
    r"|tensor\.op is undefined when eager|output_all_intermediates"
    r"|'NoneType' object has no attribute 'run'"  # tf.test.TestCase.test_session() when eager
)
# Messages of other libraries' API changes met in these projects (pytest, h5py 3's read-only
# default, numpy indexing, TensorBoard not installed in the test environment).
KNOWN_UNRELATED = re.compile(
    r"fixture '\w+' not found|Skip\.__init__\(\) got an unexpected keyword argument"
    r"|Unable to (?:synchronously )?(?:open|create) file|TBNotInstalledError"
    r"|only integers, slices \(`:`\), ellipsis"  # numpy >= 1.23: a list of slices as index
    r"|'float' object cannot be interpreted as an integer"  # numpy.linspace(num=<float>)
    # TF's assertProtoEquals under PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python (magenta)
    r"|'FieldDescriptor' object has no attribute 'label'"
)
# Exceptions that are not about TensorFlow at all: counted apart.
UNRELATED_MODULE = re.compile(r"No module named '([\w.]+)'")
TF_MODULES = ("tensorflow", "tf_slim", "tf_keras", "keras", "tensorboard")
LOCATION = re.compile(r"^(?P<path>[^\s:][^:]*\.py):(?P<line>\d+): (?:in |\w)")
ERROR_LINE = re.compile(
    r"^E\s+(?P<type>[A-Za-z_][\w.]*(?:Error|Exception|Exit|Warning|Interrupt"
    r"|Failure|NotFound|Expired))(?::\s?(?P<message>.*))?$"
)


# --- small helpers ------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(
    command: Sequence[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> tuple[int | None, str, str, float]:
    """Run a command in its own process group; (exit code or None on time-out, out, err, s)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        code = None
    return code, out, err, time.perf_counter() - started


def split_command(text: str) -> list[str]:
    return shlex.split(text)


# --- fetch and unpack ---------------------------------------------------------------------


def fetch(project: Project, cache: Path, python: str) -> Path:
    """The project's archive, downloaded once into `cache/downloads`."""
    downloads = cache / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    name, _, version = project.requirement.partition("==")
    prefix = _normalised(f"{name}-{version}") + "_"

    def cached() -> Path | None:
        return next(
            (
                path
                for path in sorted(downloads.iterdir())
                if _normalised(path.name).startswith(prefix)
            ),
            None,
        )

    archive = cached()
    if archive is not None:
        return archive
    command = [
        python,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "-q",
        "-d",
        str(downloads),
        project.requirement,
    ]
    code, _out, err, _ = run(command, timeout=600)
    if code != 0:
        raise RuntimeError(f"pip download {project.requirement} failed: {err.strip()[-500:]}")
    archive = cached()
    if archive is not None:
        return archive
    raise RuntimeError(f"pip download {project.requirement}: no archive in {downloads}")


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def unpack(archive: Path, destination: Path) -> None:
    """Unpack a wheel or sdist so that the project's packages and tests sit at the top."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    if archive.suffix == ".whl" or archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(destination)
    else:
        with tarfile.open(archive) as bundle:
            bundle.extractall(destination, filter="data")
    entries = [entry for entry in destination.iterdir()]
    if len(entries) == 1 and entries[0].is_dir():  # an sdist's `name-version/` folder
        top = entries[0]
        for child in top.iterdir():
            child.rename(destination / child.name)
        top.rmdir()
    for metadata in [*destination.glob("*.dist-info"), *destination.glob("*.egg-info")]:
        shutil.rmtree(metadata)


def python_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if path.is_file())


def count_lines(files: Iterable[Path]) -> int:
    return sum(path.read_bytes().count(b"\n") for path in files)


# --- tf2-lsp and tf_upgrade_v2 ------------------------------------------------------------


@dataclass
class Conversion:
    tool: str
    seconds: float | None = None
    exit_code: int | None = None
    files_changed: int = 0
    message: str = ""  # the tool's closing line, or why it failed


def check(tf2_lsp: list[str], root: Path) -> list[dict[str, Any]]:
    """`tf2-lsp check --format json` on a tree: its records, with paths relative to root."""
    code, out, err, _ = run([*tf2_lsp, "check", "--format", "json", "."], cwd=root, timeout=1800)
    if code not in (0, 1) or not out.strip():
        raise RuntimeError(f"tf2-lsp check failed ({code}): {err.strip()[-800:]}")
    data = json.loads(out)
    records: list[dict[str, Any]] = data if isinstance(data, list) else data.get("findings", [])
    for record in records:
        record["path"] = Path(record["path"]).as_posix().removeprefix("./")
    return records


def convert_tf2_lsp(
    tf2_lsp: list[str], source: Path, copy: Path, level: str = "compat"
) -> Conversion:
    shutil.copytree(source, copy)
    code, _out, err, seconds = run(
        [*tf2_lsp, "fix", "--level", level, "--unsafe", "."], cwd=copy, timeout=3600
    )
    lines = [line for line in err.splitlines() if line.strip()]
    closing = next((line for line in reversed(lines) if "fix(es)" in line), "")
    message = closing or (lines[-1] if lines else "")
    if code not in (0, 1):
        message = f"exit {code}: " + " | ".join(lines[-5:])
    return Conversion("tf2-lsp", seconds, code, changed_files(source, copy), message)


def convert_tf_upgrade_v2(tf_upgrade_v2: list[str], source: Path, copy: Path) -> Conversion:
    report = copy.parent / "tf_upgrade_v2_report.txt"
    code, out, err, seconds = run(
        [
            *tf_upgrade_v2,
            "--intree",
            str(source),
            "--outtree",
            str(copy),
            "--reportfile",
            str(report),
        ],
        timeout=3600,
    )
    text = out + err
    summary = re.search(r"TensorFlow 2\.0 Upgrade Script.*?(\d+ files).*?$", text, re.S | re.M)
    lines = [line for line in text.splitlines() if line.strip()]
    message = summary.group(1) if summary else (lines[-1] if lines else "")
    if code != 0:
        message = f"exit {code}: " + " | ".join(lines[-5:])
    if not copy.exists():  # it failed before writing: run the tests on nothing converted
        shutil.copytree(source, copy)
    return Conversion("tf_upgrade_v2", seconds, code, changed_files(source, copy), message)


def changed_files(source: Path, copy: Path) -> int:
    changed = 0
    for path in python_files(source):
        other = copy / path.relative_to(source)
        if not other.exists() or other.read_bytes() != path.read_bytes():
            changed += 1
    return changed


# --- running the tests --------------------------------------------------------------------


@dataclass
class Failure:
    """One failed or erroring test case (or a file that failed to collect)."""

    test: str
    type: str
    message: str
    path: str | None = None  # the deepest frame inside the project, relative to the copy
    line: int | None = None
    code: str = ""  # that frame's source line


@dataclass
class FileRun:
    test_file: str
    status: str  # pass | fail | unrelated | timeout | no-tests | error
    seconds: float
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)
    legacy_keras: bool = False
    tail: str = ""  # the last output lines, when nothing else explains the status


def is_unrelated(failure: Failure) -> bool:
    """True when the failure has nothing to do with TensorFlow or its migration."""
    text = f"{failure.type}: {failure.message}"
    missing = UNRELATED_MODULE.search(text)
    if missing and failure.type.endswith(("ModuleNotFoundError", "ImportError")):
        return not is_tf_module(missing.group(1))
    if failure.type.endswith(("FileNotFoundError", "URLError", "ConnectionError", "gaierror")):
        return "tensorflow" not in failure.message
    if failure.type == "NotFoundError" and "No such file or directory" in failure.message:
        return True  # a data file that the release does not ship, read through tf.io.gfile
    module = re.search(r"module '([\w.]+)' has no attribute", text)
    if module and not is_tf_module(module.group(1), own=True):
        return True  # numpy, PIL, scipy... removed an alias the project used
    if KNOWN_UNRELATED.search(text):
        return True
    source = re.search(r"cannot import name '\w+' from '([\w.]+)'", text)
    return source is not None and not is_tf_module(source.group(1), own=True)


def is_tf_module(name: str, own: bool = False) -> bool:
    """TensorFlow itself (not tensorflow_datasets etc.), or with `own` a project's package."""
    top = name.split(".")[0]
    return top in TF_MODULES or (own and top in PROJECTS)


def find_tests(project: Project, root: Path) -> list[str]:
    found: set[str] = set()
    for pattern in project.tests:
        found.update(path.relative_to(root).as_posix() for path in root.glob(pattern))
    excluded = {p.relative_to(root).as_posix() for g in project.exclude for p in root.glob(g)}
    return sorted(found - excluded)


def needs_legacy_keras(root: Path) -> bool:
    return any(LEGACY_KERAS.search(path.read_text(errors="replace")) for path in python_files(root))


# A fork server: imports TensorFlow (and pytest) once, then forks one child per test file,
# each in its own session, so a test file still runs in a fresh process of its own without
# paying TensorFlow's import (seconds, tens of seconds on a loaded machine) each time.
# TensorFlow reads TF_USE_LEGACY_KERAS at import, so there is one server per copy (its env).
ZYGOTE = r"""
import json, os, signal, sys, time
sys.argv = ["zygote"]
import pytest
try:
    import tensorflow
except Exception as error:  # the tests will say it again, per file
    print("zygote: tensorflow import failed:", error, file=sys.stderr)
print(json.dumps({"ready": True}), flush=True)
for request in sys.stdin:
    job = json.loads(request)
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.chdir(job["cwd"])
            sys.path.insert(0, job["cwd"])
            sys.argv = ["pytest", *job["argv"]]
            code = pytest.main(job["argv"])
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException as error:
            print("zygote child:", repr(error), file=sys.stderr, flush=True)
            code = 3
        os._exit(int(code))
    deadline = started + job["timeout"]
    code = None
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            break
        if time.perf_counter() > deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            break
        time.sleep(0.05)
    reply = {"code": code, "seconds": time.perf_counter() - started}
    print(json.dumps(reply), flush=True)
"""


class Zygote:
    """One fork server; `run` is not thread-safe, so give each worker thread its own."""

    def __init__(self, python: str, root: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [python, "-c", ZYGOTE],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        ready = self.process.stdout.readline()
        if not ready.strip():
            raise RuntimeError("the fork server did not start")

    def run(
        self, cwd: Path, argv: list[str], log_path: Path, timeout: float
    ) -> tuple[int | None, str, float]:
        assert self.process.stdin is not None and self.process.stdout is not None
        job = {"cwd": str(cwd), "argv": argv, "log": str(log_path), "timeout": timeout}
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the fork server died")
        reply = json.loads(line)
        output = log_path.read_text(errors="replace") if log_path.exists() else ""
        return reply["code"], output, float(reply["seconds"])

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Runner:
    """Runs test files of one copy: in fork servers (one per worker thread), or plainly."""

    def __init__(self, python: str, root: Path, env: dict[str, str], fork: bool) -> None:
        self.python, self.root, self.env, self.fork = python, root, env, fork
        self.local = threading.local()
        self.zygotes: list[Zygote] = []
        self.lock = threading.Lock()

    def zygote(self) -> Zygote:
        zygote: Zygote | None = getattr(self.local, "zygote", None)
        if zygote is None or zygote.process.poll() is not None:
            zygote = Zygote(self.python, self.root, self.env)
            self.local.zygote = zygote
            with self.lock:
                self.zygotes.append(zygote)
        return zygote

    def run(self, argv: list[str], log_path: Path, timeout: float) -> tuple[int | None, str, float]:
        if self.fork:
            try:
                return self.zygote().run(self.root, argv, log_path, timeout)
            except (RuntimeError, OSError, ValueError) as error:
                log(f"fork server failed ({error}); running the file in a fresh process")
        code, out, err, seconds = run(
            [self.python, "-m", "pytest", *argv], cwd=self.root, env=self.env, timeout=timeout
        )
        return code, out + err, seconds

    def close(self) -> None:
        for zygote in self.zygotes:
            zygote.close()


def run_test_file(
    runner: Runner,
    test_file: str,
    results: Path,
    timeout: float,
    reuse: bool = False,
) -> FileRun:
    root, env = runner.root, runner.env
    stem = test_file.replace("/", "__")
    junit = results / (stem + ".xml")
    junit.parent.mkdir(parents=True, exist_ok=True)
    argv = [
        "-q",
        "-p",
        "no:cacheprovider",
        "--tb=short",
        "-o",
        "addopts=",
        "-o",
        "junit_family=xunit1",
        f"--rootdir={root}",
        f"--junitxml={junit}",
        test_file,
    ]
    log_path, status_path = results / (stem + ".log"), results / (stem + ".status.json")
    if reuse and status_path.exists() and log_path.exists():
        saved = json.loads(status_path.read_text())
        code, seconds = saved["code"], saved["seconds"]
        output = log_path.read_text(errors="replace")
    else:
        junit.unlink(missing_ok=True)
        code, output, seconds = runner.run(argv, log_path, timeout)
        status_path.write_text(json.dumps({"code": code, "seconds": seconds}))
    legacy = env.get("TF_USE_LEGACY_KERAS") == "1"
    tail = "\n".join(output.strip().splitlines()[-6:])
    if code is None:
        log(f"  {root.name} {test_file}: timeout ({seconds:.0f} s)")
        return FileRun(test_file, "timeout", seconds, legacy_keras=legacy, tail=tail)
    if not junit.exists():  # a conftest that does not import, a crash
        failure = parse_failure("<collection>", output, "", root)
        if failure.type == "Failure":
            failure = Failure("<process>", "Crash", f"exit {code}: {tail[-300:]}")
        status = "unrelated" if is_unrelated(failure) else "fail"
        status = "error" if failure.type == "Crash" else status
        log(f"  {root.name} {test_file}: {status} (no report, {seconds:.0f} s)")
        return FileRun(
            test_file, status, seconds, failures=[failure], legacy_keras=legacy, tail=tail
        )
    passed, failed, skipped, failures = read_junit(junit, root)
    if code == 0:
        status = "pass"
    elif code == 5:
        status = "no-tests"
    elif failures and all(is_unrelated(failure) for failure in failures):
        status = "unrelated"
    elif code < 0:
        status = "error"
        failures.append(Failure("<process>", "Crash", f"killed by signal {-code}"))
    else:
        status = "fail"
    if status not in ("pass", "no-tests") and not failures:
        failures = [Failure("<process>", "Crash", f"exit {code}: {tail[-300:]}")]
        status = "error" if code != 1 else status
    result = FileRun(test_file, status, seconds, passed, failed, skipped, failures, legacy, tail)
    log(f"  {root.name} {test_file}: {status} ({passed}/{passed + failed}, {seconds:.0f} s)")
    return result


def read_junit(junit: Path, root: Path) -> tuple[int, int, int, list[Failure]]:
    """Passed, failed, skipped test cases and the failures; a test that fails and then errors
    in its teardown is reported twice by JUnit and counted once here."""
    outcome: dict[str, str] = {}
    failures: list[Failure] = []
    tree = ET.parse(junit)
    for case in tree.iter("testcase"):
        name = f"{case.get('classname', '')}.{case.get('name', '')}".strip(".")
        problems = [child for child in case if child.tag in ("failure", "error")]
        if problems:
            if outcome.get(name) != "failed":
                failures.append(
                    parse_failure(
                        name, problems[0].text or "", problems[0].get("message") or "", root
                    )
                )
            outcome[name] = "failed"
        elif any(child.tag == "skipped" for child in case):
            outcome.setdefault(name, "skipped")
        else:
            outcome.setdefault(name, "passed")
    counts = Counter(outcome.values())
    return counts["passed"], counts["failed"], counts["skipped"], failures


def parse_failure(name: str, text: str, message: str, root: Path) -> Failure:
    """Exception type, message and the deepest project frame of a `--tb=short` report."""
    kind, detail = "", ""
    lines = text.splitlines()
    for index in range(len(lines) - 1, -1, -1):
        match = ERROR_LINE.match(lines[index].strip())
        if match:
            kind, detail = match.group("type"), (match.group("message") or "").strip()
            # "Graph execution error:", "in user code:": the message is on the next E lines
            following = [
                line.strip()[1:].strip()
                for line in lines[index + 1 : index + 8]
                if line.startswith("E ") and line[1:].strip()
            ]
            while following and (not detail or detail.endswith(":")):
                detail = f"{detail} {following.pop(0)}".strip()
            break
    if not kind:
        head = message.splitlines()[0] if message else "unknown failure"
        kind, _, detail = head.partition(": ")
        if not re.fullmatch(r"[A-Za-z_][\w.]*", kind):
            kind, detail = "Failure", head
    path: str | None = None
    line: int | None = None
    for raw in text.splitlines():
        located = LOCATION.match(raw.strip())
        if not located:
            continue
        candidate = Path(located.group("path"))
        if candidate.is_absolute():
            try:
                candidate = candidate.relative_to(root)
            except ValueError:
                continue
        if "site-packages" in candidate.parts or not (root / candidate).is_file():
            continue
        path, line = candidate.as_posix(), int(located.group("line"))
    code = ""
    if path and line:
        lines = (root / path).read_text(errors="replace").splitlines()
        code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return Failure(name, kind.rsplit(".", 1)[-1], detail[:400], path, line, code)


# --- causes and rule mapping --------------------------------------------------------------


def normalise(message: str) -> str:
    message = re.sub(r"0x[0-9a-fA-F]+", "0x…", message)
    message = re.sub(r"-[0-9a-f]{8}-\d+\b", "-…", message)  # gpflow's unique node names
    message = re.sub(r"/[^\s'\"]*/", "…/", message)
    message = re.sub(r"\b_\d+\b|:\d+\b", "…", message)
    return message[:160]


class LineMap:
    """Maps a converted file's line numbers back to the original file's."""

    def __init__(self, original: list[str], converted: list[str]) -> None:
        matcher = difflib.SequenceMatcher(None, original, converted, autojunk=False)
        self.starts: list[int] = []
        self.blocks: list[tuple[int, int, int, int]] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            self.starts.append(j1)
            self.blocks.append((i1, i2, j1, j2) if tag != "delete" else (i1, i2, j1, j1))

    def original_line(self, converted_line: int) -> int:
        index = bisect.bisect_right(self.starts, converted_line - 1) - 1
        if index < 0:
            return converted_line
        i1, i2, j1, j2 = self.blocks[index]
        offset = converted_line - 1 - j1
        if i2 - i1 == j2 - j1:
            return i1 + offset + 1
        return i1 + min(offset, max(i2 - i1 - 1, 0)) + 1


class RuleMapper:
    """Which tf2-lsp rule codes cover a failure: findings on its original line, else a probe."""

    def __init__(self, tf2_lsp: list[str], original: Path, findings: list[dict[str, Any]]):
        self.tf2_lsp = tf2_lsp
        self.original = original
        self.by_line: dict[tuple[str, int], set[str]] = defaultdict(set)
        for record in findings:
            for line in range(record["line"], record.get("end_line", record["line"]) + 1):
                self.by_line[(record["path"], line)].add(record["code"])
        self.maps: dict[tuple[str, str], LineMap] = {}
        self.probes: dict[str, list[str]] = {}

    def original_line(self, copy: Path, path: str, line: int) -> int:
        key = (str(copy), path)
        if key not in self.maps:
            before = self.original / path
            after = copy / path
            if not before.exists() or not after.exists():
                return line
            self.maps[key] = LineMap(
                before.read_text(errors="replace").splitlines(),
                after.read_text(errors="replace").splitlines(),
            )
        return self.maps[key].original_line(line)

    def codes_at(self, copy: Path, failure: Failure) -> list[str]:
        if not failure.path or not failure.line:
            return []
        line = self.original_line(copy, failure.path, failure.line)
        codes: set[str] = set()
        for near in (line - 1, line, line + 1) if failure.type == "SyntaxError" else (line,):
            codes |= self.by_line.get((failure.path, near), set())
        return sorted(codes - {"TF801"}) or sorted(codes)

    def probe(self, failures: Iterable[Failure]) -> None:
        """`tf2-lsp check` on one-line snippets for `module 'tensorflow...' has no attribute`."""
        wanted: dict[str, str] = {}
        for failure in failures:
            symbol = missing_tf_symbol(failure)
            if symbol and symbol not in self.probes:
                wanted[symbol] = f"import tensorflow\n_ = {symbol}\n"
        if not wanted:
            return
        with tempfile.TemporaryDirectory(prefix="tf2lsp-probe-") as folder:
            names = {}
            for index, (symbol, text) in enumerate(sorted(wanted.items())):
                name = f"probe_{index}.py"
                (Path(folder) / name).write_text(text)
                names[name] = symbol
            try:
                records = check(self.tf2_lsp, Path(folder))
            except (RuntimeError, ValueError) as error:
                log(f"probe failed: {error}")
                records = []
            for symbol in names.values():
                self.probes.setdefault(symbol, [])
            for record in records:
                symbol = names.get(Path(record["path"]).name)
                if symbol and record["code"] not in self.probes[symbol]:
                    self.probes[symbol].append(record["code"])

    def rules_for(self, copy: Path, failure: Failure) -> list[str]:
        codes = self.codes_at(copy, failure)
        if EAGER_ONLY.search(failure.message):
            codes = ["TF801", *(code for code in codes if code != "TF801")]
        symbol = missing_tf_symbol(failure)
        if symbol:
            codes = sorted(set(codes) | set(self.probes.get(symbol, [])))
        return codes


def missing_tf_symbol(failure: Failure) -> str | None:
    found = re.search(r"module '(tensorflow[\w.]*)' has no attribute '(\w+)'", failure.message)
    if not found:
        return None
    module = re.sub(r"\._api\.v2\b", "", found.group(1)).replace(".python.", ".")
    return f"{module}.{found.group(2)}"


@dataclass
class Cause:
    type: str
    message: str
    tests: int
    files: list[str]
    rules: list[str]
    example: dict[str, Any]
    unrelated: bool


def group_causes(
    runs: list[FileRun], copy: Path, mapper: RuleMapper | None, top: int
) -> list[Cause]:
    grouped: dict[tuple[str, str], list[tuple[str, Failure]]] = defaultdict(list)
    for file_run in runs:
        if file_run.status == "timeout":
            grouped[("Timeout", "test file timed out")].append(
                (file_run.test_file, Failure("<file>", "Timeout", "test file timed out"))
            )
        for failure in file_run.failures:
            grouped[(failure.type, normalise(failure.message))].append(
                (file_run.test_file, failure)
            )
    causes = []
    for (kind, message), items in grouped.items():
        unrelated = all(is_unrelated(failure) for _, failure in items)
        rules: Counter[str] = Counter()
        if mapper is not None and not unrelated:
            for _, failure in items:
                rules.update(mapper.rules_for(copy, failure))
        example_failure = next((f for _, f in items if f.path), items[0][1])
        example = {
            "test": example_failure.test,
            "path": example_failure.path,
            "line": example_failure.line,
            "code": example_failure.code,
            "message": example_failure.message,
        }
        if mapper is not None and example_failure.path and example_failure.line:
            original = mapper.original_line(copy, example_failure.path, example_failure.line)
            lines = (
                (mapper.original / example_failure.path).read_text(errors="replace").splitlines()
            )
            example["original_line"] = original
            example["original_code"] = lines[original - 1].strip() if original <= len(lines) else ""
        causes.append(
            Cause(
                kind,
                message,
                len(items),
                sorted({name for name, _ in items}),
                [code for code, _ in rules.most_common()],
                example,
                unrelated,
            )
        )
    causes.sort(key=lambda cause: (cause.unrelated, -cause.tests, cause.type))
    return causes[:top] if top else causes


# --- one project --------------------------------------------------------------------------


@dataclass
class CopyReport:
    tool: str
    files: int
    lines: int
    findings: int | None
    conversion: Conversion | None
    legacy_keras: bool
    test_files: int
    status: dict[str, int]
    tests_passed: int
    tests_failed: int
    causes: list[Cause]
    runs: list[FileRun]


@dataclass
class ProjectReport:
    project: str
    requirement: str
    findings_by_rule: dict[str, int]
    copies: list[CopyReport]
    error: str = ""


def run_project(project: Project, args: argparse.Namespace) -> ProjectReport:
    cache: Path = args.cache
    tf2_lsp = split_command(args.tf2_lsp)
    archive = fetch(project, cache, args.python)
    work = args.work / project.name
    original = work / "original"
    saved = work / "conversions.json"
    reuse = args.reuse and saved.exists() and original.exists()
    if not reuse:
        log(f"{project.name}: unpacking {archive.name}")
        if work.exists():
            shutil.rmtree(work)
        unpack(archive, original)
    files = python_files(original)
    findings = check(tf2_lsp, original)
    by_rule = Counter(record["code"] for record in findings)
    log(f"{project.name}: {len(files)} files, {len(findings)} findings before the fix")

    conversions: dict[str, Conversion] = {}
    if reuse:
        conversions = {k: Conversion(**v) for k, v in json.loads(saved.read_text()).items()}
    copies: dict[str, tuple[Path, Conversion | None]] = {}
    if "original" in args.tools:
        copies["original"] = (original, None)
    if "tf2-lsp" in args.tools:
        if "tf2-lsp" not in conversions or not (work / "tf2-lsp").exists():
            conversions["tf2-lsp"] = convert_tf2_lsp(
                tf2_lsp, original, work / "tf2-lsp", args.level
            )
        conversion = conversions["tf2-lsp"]
        log(f"{project.name}: tf2-lsp fix {conversion.seconds or 0:.1f} s: {conversion.message}")
        copies["tf2-lsp"] = (work / "tf2-lsp", conversion)
    if "tf_upgrade_v2" in args.tools:
        if "tf_upgrade_v2" not in conversions or not (work / "tf_upgrade_v2").exists():
            conversions["tf_upgrade_v2"] = convert_tf_upgrade_v2(
                split_command(args.tf_upgrade_v2), original, work / "tf_upgrade_v2"
            )
        conversion = conversions["tf_upgrade_v2"]
        log(f"{project.name}: tf_upgrade_v2 {conversion.seconds or 0:.1f} s: {conversion.message}")
        copies["tf_upgrade_v2"] = (work / "tf_upgrade_v2", conversion)
    saved.write_text(json.dumps({k: asdict(v) for k, v in conversions.items()}))

    tests = find_tests(project, original)
    if args.max_tests:
        tests = tests[: args.max_tests]
    mapper = RuleMapper(tf2_lsp, original, findings)
    reports = []
    for tool, (root, converted) in copies.items():
        env = dict(os.environ)
        env.update(project.env)
        path = [str(root)]
        if not args.no_shims:
            shims = work / "shims"
            shims.mkdir(exist_ok=True)
            (shims / "sitecustomize.py").write_text(SHIMS)
            path.append(str(shims))
        env.update(
            {
                "CUDA_VISIBLE_DEVICES": "",
                "TF_CPP_MIN_LOG_LEVEL": "2",
                "PYTHONPATH": os.pathsep.join(path),
                "PYTHONDONTWRITEBYTECODE": "1",
                "MPLBACKEND": "Agg",
            }
        )
        legacy = needs_legacy_keras(root)
        if legacy:
            env["TF_USE_LEGACY_KERAS"] = "1"
        else:
            env.pop("TF_USE_LEGACY_KERAS", None)
        results = work / "results" / tool
        log(
            f"{project.name}/{tool}: {len(tests)} test files"
            f"{' (TF_USE_LEGACY_KERAS=1)' if legacy else ''}"
        )
        runner = Runner(args.python, root, env, fork=not args.no_fork)
        try:
            with ThreadPoolExecutor(max_workers=args.jobs) as pool:
                runs = list(
                    pool.map(
                        partial(
                            run_test_file,
                            runner,
                            results=results,
                            timeout=args.timeout,
                            reuse=args.reuse,
                        ),
                        tests,
                    )
                )
        finally:
            runner.close()
        mapper.probe(failure for file_run in runs for failure in file_run.failures)
        status = Counter(file_run.status for file_run in runs)
        reports.append(
            CopyReport(
                tool,
                len(files),
                count_lines(files),
                len(findings),
                converted,
                legacy,
                len(tests),
                dict(status),
                sum(r.passed for r in runs),
                sum(r.failed for r in runs),
                group_causes(runs, root, mapper, args.top),
                runs,
            )
        )
    return ProjectReport(project.name, project.requirement, dict(by_rule.most_common()), reports)


# --- output -------------------------------------------------------------------------------


def print_table(reports: list[ProjectReport], out: Any = None) -> None:
    out = out or sys.stdout
    header = (
        f"{'project':<11} {'copy':<14} {'files':>5} {'findings':>8} {'convert':>8} "
        f"{'files pass':>10} {'fail':>4} {'unrel':>5} {'t/o':>3} {'err':>3} "
        f"{'tests pass':>12}"
    )
    print(header, file=out)
    print("-" * len(header), file=out)
    for report in reports:
        if report.error:
            print(f"{report.project:<11} ERROR {report.error}", file=out)
            continue
        for copy in report.copies:
            seconds = copy.conversion.seconds if copy.conversion else None
            convert = f"{seconds:.1f} s" if seconds is not None else "-"
            counted = copy.test_files - copy.status.get("no-tests", 0)
            tests = copy.tests_passed + copy.tests_failed
            print(
                f"{report.project:<11} {copy.tool:<14} {copy.files:>5} "
                f"{copy.findings if copy.findings is not None else '-':>8} {convert:>8} "
                f"{copy.status.get('pass', 0):>4} / {counted:<3} "
                f"{copy.status.get('fail', 0):>4} {copy.status.get('unrelated', 0):>5} "
                f"{copy.status.get('timeout', 0):>3} {copy.status.get('error', 0):>3} "
                f"{copy.tests_passed:>5} / {tests:<5}",
                file=out,
            )
    print(file=out)
    for report in reports:
        for copy in report.copies:
            if not copy.causes:
                continue
            print(
                f"{report.project} / {copy.tool}: top failure causes (tests, files, rule)", file=out
            )
            for cause in copy.causes:
                rule = (
                    "unrelated to TF"
                    if cause.unrelated
                    else ", ".join(cause.rules)
                    if cause.rules
                    else "missing rule"
                )
                print(
                    f"  {cause.tests:>4} {len(cause.files):>3}  {cause.type}: "
                    f"{cause.message[:110]}  [{rule}]",
                    file=out,
                )
                example = cause.example
                if example.get("path"):
                    print(
                        f"            at {example['path']}:{example['line']}: "
                        f"{example['code'][:100]}",
                        file=out,
                    )
                    if (
                        copy.tool != "original"
                        and example.get("original_code") is not None
                        and example.get("original_code") != example["code"]
                    ):
                        print(
                            f"            was line {example['original_line']}: "
                            f"{example['original_code'][:100]}",
                            file=out,
                        )
            print(file=out)
    for report in reports:
        if report.error:
            continue
        top = ", ".join(f"{code} {n}" for code, n in list(report.findings_by_rule.items())[:12])
        print(f"{report.project} findings by rule: {top}", file=out)


# --- main ---------------------------------------------------------------------------------


def default_tool(python: str, name: str) -> str:
    beside = Path(python).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--projects",
        default="gpflow,tflearn,tensorpack,magenta",
        help=f"comma-separated, from: {', '.join(PROJECTS)}",
    )
    parser.add_argument(
        "--tools",
        default=",".join(TOOLS),
        help="copies to test: original (baseline), tf2-lsp, tf_upgrade_v2",
    )
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="download cache (default %(default)s)"
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="where the copies go (default CACHE/work; wiped per project)",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the Python with TensorFlow 2 that runs the tests (and pip)",
    )
    parser.add_argument(
        "--tf2-lsp", default=None, help="tf2-lsp command (default: beside --python, else on PATH)"
    )
    parser.add_argument(
        "--tf-upgrade-v2",
        default=None,
        help="tf_upgrade_v2 command (default: beside --python, else on PATH)",
    )
    parser.add_argument(
        "--level",
        choices=("compat", "native"),
        default="compat",
        help="the level tf2-lsp converts at (always with --unsafe)",
    )
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per test file")
    parser.add_argument("--jobs", type=int, default=2, help="test files run at once")
    parser.add_argument(
        "--no-fork",
        action="store_true",
        help="start a fresh interpreter per test file instead of forking one "
        "that has imported TensorFlow (slower, more isolated)",
    )
    parser.add_argument(
        "--no-shims",
        action="store_true",
        help="leave out the sitecustomize that restores `collections.Mapping`, "
        "`np.bool` and the like (Python 3.10 / numpy 1.24 removals)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep WORK's copies and test results from an earlier run; run only "
        "the test files that have none (to re-render or resume a report)",
    )
    parser.add_argument("--max-tests", type=int, default=0, help="test files per project (0=all)")
    parser.add_argument("--top", type=int, default=12, help="failure causes per copy (0=all)")
    parser.add_argument(
        "--install-deps",
        action="store_true",
        help="pip install the projects' test dependencies into --python first",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable report on stdout")
    parser.add_argument(
        "--report", type=Path, default=None, help="also write the JSON report to this file"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.cache = args.cache.expanduser().resolve()
    args.work = (args.work or args.cache / "work").expanduser().resolve()
    args.tf2_lsp = args.tf2_lsp or default_tool(args.python, "tf2-lsp")
    args.tf_upgrade_v2 = args.tf_upgrade_v2 or default_tool(args.python, "tf_upgrade_v2")
    args.tools = [tool.strip() for tool in args.tools.split(",") if tool.strip()]
    unknown_tools = set(args.tools) - set(TOOLS)
    names = [name.strip() for name in args.projects.split(",") if name.strip()]
    unknown = [name for name in names if name not in PROJECTS]
    if unknown or unknown_tools:
        print(f"unknown: {', '.join([*unknown, *sorted(unknown_tools)])}", file=sys.stderr)
        return 2
    projects = [PROJECTS[name] for name in names]
    if args.install_deps:
        deps = sorted({dep for project in projects for dep in project.deps})
        log(f"installing into {args.python}: {' '.join(deps)}")
        code, _, err, _ = run([args.python, "-m", "pip", "install", "-q", *deps], timeout=3600)
        if code != 0:
            print(f"pip install failed: {err.strip()[-1000:]}", file=sys.stderr)
            return 1
    reports = []
    for project in projects:
        try:
            reports.append(run_project(project, args))
        except (RuntimeError, OSError, ValueError, subprocess.SubprocessError) as error:
            log(f"{project.name}: {error}")
            reports.append(ProjectReport(project.name, project.requirement, {}, [], str(error)))
    data = {
        "python": args.python,
        "tf2_lsp": args.tf2_lsp,
        "tf_upgrade_v2": args.tf_upgrade_v2,
        "timeout": args.timeout,
        "projects": [asdict(report) for report in reports],
    }
    if args.report:
        args.report.write_text(json.dumps(data, indent=2))
    if args.json:
        json.dump(data, sys.stdout, indent=2)
        print()
    else:
        print_table(reports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
