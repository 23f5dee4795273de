"""Benchmark the tf2-lsp command line on a generated TF1 corpus.

Measures, each in its own child process:

* ``python -m tf2_lsp check TREE --format json`` — wall time, lines/s, files/s, peak RSS;
  warm (from its cache), serial (``--jobs 1``), and with the analysis taken out (each file
  only parsed: the floor any analysis adds to);
* ``python -m tf2_lsp fix COPY --level compat`` on a fresh copy of the tree — wall time,
  peak RSS, and that every rewritten file still parses with ``ast``.

Peak RSS is the command's own ``ru_maxrss``, read with ``os.wait4`` by a fresh, small
wrapper interpreter that starts it (see ``_WRAPPER``), so each command is measured in
isolation.  The script reports; it does not gate: the exit
code is 0 whatever the figures (2 only for bad arguments).

    python benchmarks/bench_cli.py                     # generate 150k lines in a temp dir
    python benchmarks/bench_cli.py --tree PATH --json  # use an existing tree
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.corpus import generate_tree  # noqa: E402

MIB = 1024 * 1024
TARGETS = {
    "check_wall_s": 1.0,
    "check_rss_mib": 150.0,
    "fix_compat_wall_s": 3.0,
    "converter_ratio": 30.0,  # tf_upgrade_v2's time / a cold check's, at least
    "parse_ratio": 2.0,  # a cold check's time / `ast.parse` of the same files', at most
    "warm_wall_s": 0.5,
}
# `ast.parse` of every file of the tree, in a process of its own: the floor a check builds on.
_PARSE_ALL = r"""
import ast, os, sys
for directory, _, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith(".py"):
            with open(os.path.join(directory, name), "rb") as handle:
                try:
                    ast.parse(handle.read())
                except (SyntaxError, ValueError):
                    pass
"""

# The same `check` with the analysis taken out: each file read, parsed with `ast` and reported
# clean, through the same workers, records and output. What no analysis can go below; the
# room left for it is the cold check's time minus this one's.
_PARSE_ONLY_CHECK = r"""
import ast, sys
import tf2_lsp.engine
from tf2_lsp.model import Detection


def parse_only(source, catalogue, settings=None, receiver_hints=None):
    try:
        ast.parse(source)
    except (SyntaxError, ValueError) as error:
        return Detection([], syntax_error=SyntaxError(str(error)))
    return Detection([])


tf2_lsp.engine.detect = parse_only
from tf2_lsp.cli.main import main

sys.exit(main(sys.argv[1:]))
"""


@dataclass
class Run:
    cmd: list[str]
    wall_s: float
    returncode: int
    maxrss_mib: float
    tree_rss_mib: float = 0.0
    stdout: bytes = b""
    stderr_tail: str = ""
    timed_out: bool = False


@dataclass
class Result:
    name: str
    runs: list[float] = field(default_factory=list)
    first_s: float = 0.0
    median_s: float = 0.0
    min_s: float = 0.0
    peak_rss_mib: float = 0.0
    peak_tree_rss_mib: float = 0.0
    returncodes: list[int] = field(default_factory=list)
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


# A fresh, small interpreter runs each measured command.  Linux carries a process's RSS
# high-water mark across fork+exec, so a child forked straight from this (large) process
# would report at least our own peak; forked from this ~10 MiB wrapper it reports its own.
_WRAPPER = r"""
import json, os, subprocess, sys, threading, time
out_path, timeout, interval, cmd = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
fired = []
peak_tree = [0]
done = threading.Event()

def tree_rss_kib(root):
    parents = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    parents[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(c for c, pp in parents.items() if pp == pid)
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total

def sample():
    while not done.wait(interval):
        peak_tree[0] = max(peak_tree[0], tree_rss_kib(proc.pid))

t0 = time.perf_counter()
proc = subprocess.Popen(cmd)
def _kill():
    fired.append(1)
    proc.kill()
timer = threading.Timer(timeout, _kill)
timer.start()
sampler = threading.Thread(target=sample, daemon=True)
if interval > 0:
    sampler.start()
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - t0
done.set()
timer.cancel()
proc.returncode = os.waitstatus_to_exitcode(status)
with open(out_path, "w") as f:
    json.dump({"wall": wall, "rc": proc.returncode, "maxrss_kib": usage.ru_maxrss,
               "tree_rss_kib": peak_tree[0], "timed_out": bool(fired)}, f)
"""


def run_measured(cmd: Sequence[str], timeout: float, sample_s: float = 0.05) -> Run:
    """Run `cmd` via the wrapper; return wall time, exit code and the child's peak RSS."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as tmp,
    ):
        result_path = Path(tmp) / "result.json"
        wrapper = [
            sys.executable,
            "-c",
            _WRAPPER,
            str(result_path),
            str(timeout),
            str(sample_s),
            *cmd,
        ]
        proc = subprocess.Popen(
            wrapper, stdout=out, stderr=err, cwd=REPO, env=_env(), start_new_session=True
        )
        try:
            proc.wait(timeout + 30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        out.seek(0)
        err.seek(0)
        stdout = out.read()
        stderr = err.read().decode("utf-8", "replace")
        try:
            res = json.loads(result_path.read_text())
        except (OSError, json.JSONDecodeError):
            res = {
                "wall": float("nan"),
                "rc": -1,
                "maxrss_kib": 0,
                "tree_rss_kib": 0,
                "timed_out": True,
            }
    return Run(
        cmd=list(cmd),
        wall_s=float(res["wall"]),
        returncode=int(res["rc"]),
        maxrss_mib=res["maxrss_kib"] / 1024.0,  # Linux reports KiB
        tree_rss_mib=res["tree_rss_kib"] / 1024.0,
        stdout=stdout,
        stderr_tail=stderr[-2000:],
        timed_out=bool(res["timed_out"]),
    )


def count_findings(payload: Any) -> int:
    """Count objects that look like findings (a dict with a `code` like 'TF123')."""
    if isinstance(payload, dict):
        code = payload.get("code")
        own = 1 if isinstance(code, str) and code.startswith("TF") else 0
        return own + sum(count_findings(v) for v in payload.values())
    if isinstance(payload, list):
        return sum(count_findings(v) for v in payload)
    return 0


def tree_stats(root: Path) -> tuple[list[Path], int]:
    files = sorted(root.rglob("*.py"))
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    return files, lines


def _summarise(res: Result, runs: list[Run]) -> None:
    walls = [r.wall_s for r in runs]
    res.runs = [round(w, 4) for w in walls]
    res.first_s = walls[0]
    res.median_s = statistics.median(walls)
    res.min_s = min(walls)
    res.peak_rss_mib = max(r.maxrss_mib for r in runs)
    res.peak_tree_rss_mib = max(r.tree_rss_mib for r in runs)
    res.returncodes = [r.returncode for r in runs]


def _failed(res: Result, run: Run, ok: tuple[int, ...] = (0, 1)) -> bool:
    if run.timed_out or run.returncode not in ok:
        res.error = (
            f"exit {run.returncode}{' (timed out)' if run.timed_out else ''}: "
            f"{run.stderr_tail.strip()[-800:]}"
        )
        return True
    return False


def bench_check(
    python: str,
    tree: Path,
    repeat: int,
    timeout: float,
    work: Path,
    converter: str | None,
    converter_repeat: int,
) -> dict[str, Result]:
    """In turns, round by round, so that a drift in the machine's speed hits all alike:
    a cold `check` (empty cache), the warm one after it (same cache), a cold `--jobs 1`,
    `ast.parse` of the same files, and TensorFlow's `tf_upgrade_v2` (first rounds only)."""
    base = [python, "-m", "tf2_lsp", "check", str(tree), "--format", "json"]
    results = {
        name: Result(name)
        for name in (
            "check",
            "check warm",
            "check --jobs 1",
            "check, parse only",
            "ast.parse",
            "tf_upgrade_v2",
        )
    }
    runs: dict[str, list[Run]] = {name: [] for name in results}
    for round_ in range(repeat):
        cache = work / f"cache_{round_}"
        serial_cache = work / f"cache_serial_{round_}"
        commands = {
            "check": [*base, "--cache-dir", str(cache)],
            "check warm": [*base, "--cache-dir", str(cache)],
            "check --jobs 1": [*base, "--jobs", "1", "--cache-dir", str(serial_cache)],
            "check, parse only": [python, "-c", _PARSE_ONLY_CHECK, *base[3:], "--no-cache"],
            "ast.parse": [python, "-c", _PARSE_ALL, str(tree)],
        }
        if converter is not None and round_ < converter_repeat:
            out = work / f"converted_{round_}"
            commands["tf_upgrade_v2"] = [
                converter,
                "--intree",
                str(tree),
                "--outtree",
                str(out),
                "--reportfile",
                str(work / f"report_{round_}.txt"),
            ]
        for name, cmd in commands.items():
            res = results[name]
            if res.error:
                continue
            run = run_measured(cmd, timeout)
            if not _failed(res, run):
                runs[name].append(run)
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(serial_cache, ignore_errors=True)
        shutil.rmtree(work / f"converted_{round_}", ignore_errors=True)
    for name, res in results.items():
        if runs[name]:
            _summarise(res, runs[name])
    cold, warm = runs["check"], runs["check warm"]
    if cold and warm:
        if cold[-1].stdout != warm[-1].stdout:
            results["check warm"].error = "the warm run's output differs from the cold run's"
        try:
            results["check"].extra["findings"] = count_findings(json.loads(cold[-1].stdout))
        except json.JSONDecodeError as exc:
            results["check"].error = f"stdout is not JSON: {exc}: {cold[-1].stdout[:200]!r}"
        results["check"].extra["stdout_kib"] = round(len(cold[-1].stdout) / 1024, 1)
    if converter is None:
        results["tf_upgrade_v2"].error = "not found (--tf-upgrade-v2 PATH)"
    return results


def find_converter(given: str | None, python: str) -> str | None:
    """TensorFlow's converter: given, beside `python`, or on PATH."""
    if given:
        return given
    beside = Path(python).parent / "tf_upgrade_v2"
    if beside.exists():
        return str(beside)
    return shutil.which("tf_upgrade_v2")


def bench_fix(python: str, tree: Path, repeat: int, timeout: float, work: Path) -> Result:
    res = Result("fix --level compat")
    runs: list[Run] = []
    originals = {p.relative_to(tree): p.read_bytes() for p in tree.rglob("*.py")}
    for i in range(repeat):
        copy = work / f"fix_{i}"
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(tree, copy)
        cmd = [python, "-m", "tf2_lsp", "fix", str(copy), "--level", "compat"]
        run = run_measured(cmd, timeout)
        runs.append(run)
        if run.timed_out or run.returncode not in (0, 1):
            res.error = (
                f"exit {run.returncode}{' (timed out)' if run.timed_out else ''}: "
                f"{run.stderr_tail.strip()[-800:]}"
            )
            break
        if i == 0:
            changed = 0
            broken: list[str] = []
            for rel, before in originals.items():
                after = (copy / rel).read_bytes()
                if after != before:
                    changed += 1
                try:
                    ast.parse(after, filename=str(rel))
                except SyntaxError as exc:
                    broken.append(f"{rel}:{exc.lineno}: {exc.msg}")
            res.extra["files_changed"] = changed
            res.extra["files_not_parsing"] = len(broken)
            if broken:
                res.extra["not_parsing_examples"] = broken[:10]
            # Information only: what a compat-level fix leaves behind.
            after_check = run_measured(
                [python, "-m", "tf2_lsp", "check", str(copy), "--format", "json", "--no-cache"],
                timeout,
            )
            if after_check.returncode in (0, 1):
                with contextlib.suppress(json.JSONDecodeError):
                    res.extra["findings_after_fix"] = count_findings(
                        json.loads(after_check.stdout or b"null")
                    )
        shutil.rmtree(copy, ignore_errors=True)
    _summarise(res, runs)
    return res


def byte_compile(python: str) -> None:
    """Compile the package's modules once, as installing the wheel does: a checkout that
    was never imported (or an environment with PYTHONDONTWRITEBYTECODE set) would otherwise
    compile every module in every measured run (about 0.1 s of CPU per start)."""
    subprocess.run(
        [python, "-m", "compileall", "-q", str(REPO / "tf2_lsp")],
        check=False,
        stdout=subprocess.DEVNULL,
        env={k: v for k, v in _env().items() if k != "PYTHONDONTWRITEBYTECODE"},
    )


def verdict(value: float, target: float, ok: bool) -> str:
    if not ok:
        return "ERROR"
    return "PASS" if value <= target else "MISS"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark `tf2_lsp check` and `tf2_lsp fix`.")
    ap.add_argument("--tree", type=Path, help="existing tree to use (default: generate one)")
    ap.add_argument("--lines", type=int, default=150_000, help="lines to generate")
    ap.add_argument("--seed", type=int, default=0, help="corpus seed")
    ap.add_argument("--repeat", type=int, default=3, help="runs per command (median)")
    ap.add_argument("--fix-repeat", type=int, help="runs of fix (default: --repeat)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per command")
    ap.add_argument("--python", default=sys.executable, help="interpreter for the CLI")
    ap.add_argument("--json", action="store_true", help="print JSON only")
    ap.add_argument(
        "--tf-upgrade-v2",
        metavar="PATH",
        help="TensorFlow's converter (default: beside --python, else on PATH)",
    )
    ap.add_argument(
        "--converter-repeat", type=int, default=1, help="runs of tf_upgrade_v2 (~30 s each)"
    )
    args = ap.parse_args(argv)
    fix_repeat = args.repeat if args.fix_repeat is None else args.fix_repeat
    if args.repeat < 1 or fix_repeat < 1:
        ap.error("--repeat and --fix-repeat must be >= 1")

    with tempfile.TemporaryDirectory(prefix="tf2lsp-bench-") as tmp:
        work = Path(tmp)
        if args.tree is not None:
            tree = args.tree.resolve()
            if not tree.is_dir():
                ap.error(f"not a directory: {tree}")
        else:
            tree = work / "corpus"
            t0 = time.perf_counter()
            generate_tree(tree, args.lines, args.seed)
            gen_s = time.perf_counter() - t0
            if not args.json:
                print(f"generated {args.lines} lines in {gen_s:.2f}s -> {tree}", flush=True)
        files, lines = tree_stats(tree)

        converter = find_converter(args.tf_upgrade_v2, args.python)
        byte_compile(args.python)
        compared = bench_check(
            args.python, tree, args.repeat, args.timeout, work, converter, args.converter_repeat
        )
        check = compared["check"]
        fix = bench_fix(args.python, tree, fix_repeat, args.timeout, work)

    check_ok = not check.error and bool(check.runs)
    fix_ok = not fix.error and bool(fix.runs)
    if fix_ok and fix.extra.get("files_not_parsing"):
        fix.error = f"{fix.extra['files_not_parsing']} fixed file(s) no longer parse"
    # Memory: the larger of the biggest single process (ru_maxrss) and the sampled sum
    # over the whole process tree (the CLI may fan out to worker processes).
    check_mem = max(check.peak_rss_mib, check.peak_tree_rss_mib)
    warm, parse, tf_upgrade = (
        compared["check warm"],
        compared["ast.parse"],
        compared["tf_upgrade_v2"],
    )
    ok = {name: not res.error and bool(res.runs) for name, res in compared.items()}
    converter_ratio = tf_upgrade.median_s / check.median_s if check.median_s else 0.0
    parse_ratio = check.median_s / parse.median_s if parse.median_s else float("inf")
    serial = compared["check --jobs 1"]
    serial_ratio = serial.median_s / parse.median_s if parse.median_s else float("inf")
    floor = compared["check, parse only"]
    # The cold check that the converter's time allows at the target ratio, against the floor.
    allowed = tf_upgrade.median_s / TARGETS["converter_ratio"] if tf_upgrade.median_s else 0.0
    targets = [
        {
            "target": "cold check >= 30x faster than tf_upgrade_v2",
            "value": round(converter_ratio, 1),
            "limit": TARGETS["converter_ratio"],
            "verdict": "ERROR"
            if not (ok["check"] and ok["tf_upgrade_v2"])
            else ("PASS" if converter_ratio >= TARGETS["converter_ratio"] else "MISS"),
        },
        {
            "target": "cold check <= 2x ast.parse of the same files",
            "value": round(parse_ratio, 2),
            "limit": TARGETS["parse_ratio"],
            "verdict": verdict(
                parse_ratio, TARGETS["parse_ratio"], ok["check"] and ok["ast.parse"]
            ),
        },
        {
            "target": "warm check (median) <= 0.5 s",
            "value": round(warm.median_s, 3),
            "limit": TARGETS["warm_wall_s"],
            "verdict": verdict(warm.median_s, TARGETS["warm_wall_s"], ok["check warm"]),
        },
        {
            "target": "check wall (median) <= 1.0 s",
            "value": round(check.median_s, 3),
            "limit": TARGETS["check_wall_s"],
            "verdict": verdict(check.median_s, TARGETS["check_wall_s"], check_ok),
        },
        {
            "target": "check peak RSS <= 150 MiB",
            "value": round(check_mem, 1),
            "limit": TARGETS["check_rss_mib"],
            "verdict": verdict(check_mem, TARGETS["check_rss_mib"], check_ok),
        },
        {
            "target": "fix --level compat wall (median) <= 3.0 s",
            "value": round(fix.median_s, 3),
            "limit": TARGETS["fix_compat_wall_s"],
            "verdict": verdict(fix.median_s, TARGETS["fix_compat_wall_s"], fix_ok),
        },
        {
            "target": "every fixed file parses",
            "value": fix.extra.get("files_not_parsing"),
            "limit": 0,
            "verdict": "PASS"
            if fix_ok and fix.extra.get("files_not_parsing") == 0
            else ("MISS" if fix.extra.get("files_not_parsing") else "ERROR"),
        },
    ]
    report: dict[str, Any] = {
        "tree": {"files": len(files), "lines": lines, "generated": args.tree is None},
        "python": args.python,
        "cpu_count": os.cpu_count(),
        "check": asdict(check)
        | {
            "lines_per_s": round(lines / check.median_s) if check.median_s else None,
            "files_per_s": round(len(files) / check.median_s) if check.median_s else None,
        },
        "compared": {name: asdict(res) for name, res in compared.items() if name != "check"},
        "ratios": {
            "tf_upgrade_v2_over_check": round(converter_ratio, 2),
            "check_over_ast_parse": round(parse_ratio, 2),
            "check_jobs_1_over_ast_parse": round(serial_ratio, 2),
            "tf_upgrade_v2_over_parse_only_check": round(tf_upgrade.median_s / floor.median_s, 2)
            if floor.median_s
            else None,
        },
        "fix_compat": asdict(fix)
        | {"lines_per_s": round(lines / fix.median_s) if fix.median_s else None},
        "targets": targets,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0

    print(
        f"\ntree: {len(files)} files, {lines} lines   (repeat: check {args.repeat}, "
        f"fix {fix_repeat}; {os.cpu_count()} CPUs)"
    )
    hdr = f"{'command':<20}{'first s':>8}{'median s':>9}{'min s':>8}{'proc MiB':>9}{'tree MiB':>9}"
    hdr += f"{'lines/s':>10}{'files/s':>9}  exit codes"
    print(hdr)
    print("-" * len(hdr))
    for res in (*compared.values(), fix):
        lps = round(lines / res.median_s) if res.median_s else 0
        fps = round(len(files) / res.median_s) if res.median_s else 0
        print(
            f"{res.name:<20}{res.first_s:>8.3f}{res.median_s:>9.3f}{res.min_s:>8.3f}"
            f"{res.peak_rss_mib:>9.1f}{res.peak_tree_rss_mib:>9.1f}{lps:>10}{fps:>9}"
            f"  {res.returncodes}"
        )
    print()
    print("  proc MiB: peak RSS of the largest single process (ru_maxrss);")
    print("  tree MiB: peak of the summed RSS of the command's process tree, sampled / 50 ms")
    print(
        f"  tf_upgrade_v2 / cold check: {converter_ratio:.1f}x; cold check / ast.parse: "
        f"{parse_ratio:.2f}x; check --jobs 1 / ast.parse: {serial_ratio:.2f}x"
    )
    if floor.median_s and allowed:
        print(
            f"  check, parse only: {floor.median_s:.3f} s; {TARGETS['converter_ratio']:.0f}x"
            f" tf_upgrade_v2 allows a cold check {allowed:.3f} s: the analysis has"
            f" {allowed - floor.median_s:.3f} s, it takes {check.median_s - floor.median_s:.3f} s"
        )
    for res in (*compared.values(), fix):
        for k, v in res.extra.items():
            print(f"  {res.name}: {k} = {v}")
        if res.error:
            print(f"  {res.name}: ERROR {res.error}")
    print()
    for t in targets:
        print(f"  [{t['verdict']:<5}] {t['target']:<45} measured {t['value']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
