"""Cost of many findings on one line: `x = [tf.Session(), tf.Session(), ...]`.

Per-finding work must not grow with the length of the finding's line, or a generated file
with one long line costs time quadratic in its findings. Measured, for 10k/20k/40k items on
one line (and, for comparison, the same items one per line):

* ``analyse``: the engine's detection (what both faces run);
* ``publish``: turning the findings into LSP diagnostics JSON (``PublishedDiagnostics``),
  UTF-16 columns, the line holding a non-ASCII string so columns need converting;
  ``republish``: the same for the next version after an edit elsewhere (JSON reused);
* ``check``: ``python -m tf2_lsp check FILE --format json`` in a child process, wall time.

    python benchmarks/bench_long_line.py [--items 10000 20000 40000] [--json]

It reports; it does not gate (exit 0 whatever the figures). Times vary 2-4x between runs on
shared machines: compare figures from one run, or runs on one quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if "PYTHONPATH" not in os.environ:  # PYTHONPATH names the checkout measured (before/after)
    sys.path.insert(0, str(REPO))


def one_line(items: int) -> str:
    return "import tensorflow as tf\nx = ['é', " + ", ".join(["tf.Session()"] * items) + "]\n"


def one_per_line(items: int) -> str:
    return "import tensorflow as tf\nx = ['é',\n" + ",\n".join(["tf.Session()"] * items) + "]\n"


def measure(source: str) -> dict[str, float]:
    from tf2_lsp.catalogue.load import load_catalogue
    from tf2_lsp.engine import analyse
    from tf2_lsp.lsp.convert import PublishedDiagnostics
    from tf2_lsp.settings import Settings
    from tf2_lsp.text import split_lines

    catalogue = load_catalogue()
    start = time.perf_counter()
    detection = analyse(source, catalogue, Settings())
    analysed = time.perf_counter()
    published_diagnostics = PublishedDiagnostics()
    published_diagnostics.json(detection.findings, split_lines(source), "utf-16")
    published = time.perf_counter()
    # The next version (an edit elsewhere): the same findings on a line of the same text.
    published_diagnostics.json(detection.findings, split_lines(source + "y = 1\n"), "utf-16")
    republished = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "long.py"
        path.write_text(source, encoding="utf-8")
        # The checkout measured: PYTHONPATH if set (to compare two checkouts), else this one.
        env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(REPO))}
        command = [sys.executable, "-m", "tf2_lsp", "check", str(path), "--format", "json"]
        checked = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, check=False)
        ended = time.perf_counter()
    findings = len(json.loads(done.stdout)) if done.returncode in (0, 1) else -1
    return {
        "findings": len(detection.findings),
        "check_findings": findings,
        "analyse_s": round(analysed - start, 2),
        "publish_s": round(published - analysed, 2),
        "republish_s": round(republished - published, 2),
        "check_s": round(ended - checked, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, nargs="+", default=[10_000, 20_000, 40_000])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    rows = []
    for items in args.items:
        for layout, make in (("one line", one_line), ("one per line", one_per_line)):
            rows.append({"items": items, "layout": layout, **measure(make(items))})
            if not args.json:
                row = rows[-1]
                print(
                    f"{items:>6} {layout:<13} analyse {row['analyse_s']:>6.2f} s  "
                    f"publish {row['publish_s']:>6.2f} s  republish {row['republish_s']:>5.2f} s  "
                    f"check {row['check_s']:>6.2f} s  "
                    f"({row['findings']} findings)",
                    flush=True,
                )
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
