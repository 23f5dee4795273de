"""`tf2-lsp verify OLD NEW --entry module:function`: compare a function before and after
migration by running both (TensorFlow runs in child processes, never in this one)."""

from __future__ import annotations

import argparse
import sys

from tf2_lsp.cli.status import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from tf2_lsp.verify.harness import HarnessError, run_cases, tensorflow_available
from tf2_lsp.verify.migration import VerifyError, migration_case, report


def run_verify(args: argparse.Namespace) -> int:
    if not tensorflow_available():
        print(
            "tf2-lsp verify: TensorFlow is not installed in this Python environment; install "
            "it (pip install tensorflow tf_keras) and run verify from that environment",
            file=sys.stderr,
        )
        return EXIT_ERROR
    try:
        case = migration_case(
            args.old, args.new, args.entry, args.inputs, args.train_step, args.rtol, args.atol
        )
    except VerifyError as error:
        print(f"tf2-lsp verify: {error}", file=sys.stderr)
        return EXIT_ERROR
    if sys.stderr.isatty():
        print("running OLD (TF1 semantics) and NEW (TF2) in TensorFlow ...", file=sys.stderr)
    try:
        (outcome,) = run_cases([case])
    except HarnessError as error:
        print(f"tf2-lsp verify: {error}", file=sys.stderr)
        return EXIT_ERROR
    print("\n".join(report(outcome)))
    return EXIT_CLEAN if outcome.status in ("proven", "ran") else EXIT_FINDINGS
