"""Benchmark `tf2-lsp report` against `tf2-lsp check` on the same tree, in one run.

Both commands scan the same files with the same workers; the difference is what the report
adds (aggregation, the page). Runs alternate (check, report HTML, report JSON, ...) so a busy
machine slows them alike. Wall time and peak RSS (the command's own, and of its process tree
with the workers) come from `bench_cli.run_measured`. The script reports; it does not gate.

    python benchmarks/bench_report.py                    # generate 150k lines in a temp dir
    python benchmarks/bench_report.py --tree PATH --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.bench_cli import Run, run_measured, tree_stats  # noqa: E402
from benchmarks.corpus import generate_tree  # noqa: E402

TARGET_OVERHEAD = 1.5  # the report may take at most 1.5x what check takes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time `tf2-lsp report` next to `check`.")
    parser.add_argument("--tree", type=Path, help="an existing tree (default: generate one)")
    parser.add_argument("--lines", type=int, default=150_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tf2lsp-bench-report-") as work:
        tree = args.tree
        if tree is None:
            tree = Path(work) / "tree"
            generate_tree(tree, args.lines, 0)
        files, lines = tree_stats(tree)
        out = Path(work) / "report.html"
        commands = {
            "check --format json": [
                args.python,
                "-m",
                "tf2_lsp",
                "check",
                str(tree),
                "--format",
                "json",
            ],
            "report -o report.html": [
                args.python,
                "-m",
                "tf2_lsp",
                "report",
                str(tree),
                "-o",
                str(out),
            ],
            "report --format json": [
                args.python,
                "-m",
                "tf2_lsp",
                "report",
                str(tree),
                "--format",
                "json",
            ],
        }
        runs: dict[str, list[Run]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                run = run_measured(command, args.timeout)
                if run.timed_out or run.returncode not in (0, 1):
                    print(f"{name}: exit {run.returncode}: {run.stderr_tail[-500:]}")
                    return 1
                runs[name].append(run)
        size = out.stat().st_size
    print(f"tree: {len(files)} files, {lines:,} lines; {args.repeat} run(s) each, alternating")
    print(f"{'command':24} {'median s':>9} {'min s':>7} {'RSS MiB':>8} {'tree RSS MiB':>13}")
    medians = {}
    for name, measured in runs.items():
        walls = [r.wall_s for r in measured]
        medians[name] = statistics.median(walls)
        print(
            f"{name:24} {medians[name]:9.2f} {min(walls):7.2f} "
            f"{max(r.maxrss_mib for r in measured):8.0f} "
            f"{max(r.tree_rss_mib for r in measured):13.0f}"
        )
    ratio = medians["report -o report.html"] / medians["check --format json"]
    verdict = "ok" if ratio <= TARGET_OVERHEAD else "SLOWER THAN TARGET"
    print(f"HTML page: {size / 1024:,.0f} KiB")
    print(f"report / check wall time: {ratio:.2f} (target <= {TARGET_OVERHEAD}): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
