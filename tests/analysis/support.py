"""Helpers for tests that run the whole detection over a source string."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings

TF = "import tensorflow as tf\n"


def findings(source: str, catalogue: Catalogue, **options: object) -> list[Finding]:
    detection = detect(source, catalogue, Settings(**options))  # type: ignore[arg-type]
    assert detection.syntax_error is None
    # Whole-file notes (graph-mode programs, compat.v1 files) have their own tests.
    return [f for f in detection.findings if f.anchor_kind != "program"]


def codes_at(source: str, catalogue: Catalogue, **options: object) -> list[tuple[int, int, str]]:
    """(line, 1-based character column, code) of each finding."""
    found = findings(source, catalogue, **options)
    return [(f.span.line, f.span.column + 1, f.code) for f in found]


def run_tensorflow(script: str, sources: list[str]) -> Any:
    """What `script` prints last (JSON), run with `sources` on stdin in a TensorFlow process."""
    run = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])
