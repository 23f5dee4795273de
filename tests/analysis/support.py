"""Helpers for tests that run the whole detection over a source string."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
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


# -- a package whose model function another module calls (analysis.callers) ---------------

CALLEE = textwrap.dedent(
    """\
    import tensorflow as tf


    def conv(x, name):
        with tf.variable_scope(name):
            w = tf.get_variable("w", [4, 4], initializer=tf.ones_initializer())
            return tf.matmul(x, w)
    """
)

# Another module of the package runs a Session and reuses the callee's variables.
GRAPH_CALLER = textwrap.dedent(
    """\
    import numpy as np
    import tensorflow as tf

    from pkg import layers


    def build(x):
        with tf.variable_scope("net", reuse=tf.AUTO_REUSE):
            return layers.conv(x, "a") + layers.conv(x, "a")


    def main():
        x = tf.placeholder(tf.float32, [None, 4])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return sess.run(build(x), {x: np.ones([1, 4])})
    """
)

# The same package with a caller that is TF2 code already.
TF2_CALLER = textwrap.dedent(
    """\
    import tensorflow as tf

    from pkg.layers import conv


    @tf.function
    def forward(x):
        return conv(x, "a")
    """
)


def native(path: Path) -> Settings:
    """Native-level settings for the file at `path`."""
    return Settings(level="native").for_file(str(path))


def model_finding(path: Path, catalogue: Catalogue) -> Finding:
    """The one model-function finding (TF934 or TF938) of the file at `path`."""
    (found,) = [
        f
        for f in detect(path.read_text(), catalogue, native(path)).findings
        if f.code in {"TF934", "TF938"}
    ]
    return found


def model_package(root: Path, caller: str) -> Path:
    """`pkg/layers.py` (the model function) and `pkg/run.py` (its caller); the callee's path."""
    (root / "pkg").mkdir(exist_ok=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "layers.py").write_text(CALLEE)
    write(root / "pkg" / "run.py", caller)
    return root / "pkg" / "layers.py"


def write(path: Path, text: str) -> None:
    """Write `text`, with a modification time of its own: caches are keyed by it, and two
    writes within one clock tick of the file system would share one."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    if before:
        os.utime(path, ns=(before + 10**9, before + 10**9))


# -- a model whose penalties another module of its program reads (collection_readers) ------

PENALISED_MODEL = textwrap.dedent(
    """\
    import tensorflow as tf


    def tower(x):
        with tf.variable_scope("tower", reuse=tf.AUTO_REUSE):
            penalty = lambda w: 0.05 * tf.nn.l2_loss(w)
            h = tf.layers.dense(x, 4, kernel_regularizer=penalty, name="hidden")
            return tf.layers.dense(h, 2)
    """
)

# The loss module reads the penalties; neither it nor the model imports the other.
PENALTY_READER = textwrap.dedent(
    """\
    import tensorflow as tf


    def total(data_loss):
        return data_loss + tf.losses.get_regularization_loss()
    """
)
NO_READER = "def total(data_loss):\n    return data_loss\n"

# The entry point loads both: one program.
ENTRY = textwrap.dedent(
    """\
    from pkg.losses import total
    from pkg.model import tower


    def step(x, y):
        out = tower(x)
        return total(((out - y) ** 2).sum())
    """
)


def reader_package(root: Path, reader: str = PENALTY_READER) -> Path:
    """`pkg/model.py`, `pkg/losses.py` (`reader`) and `pkg/train.py` (loads both); the
    model module's path."""
    (root / "pkg").mkdir(exist_ok=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "model.py").write_text(PENALISED_MODEL)
    write(root / "pkg" / "losses.py", reader)
    (root / "pkg" / "train.py").write_text(ENTRY)
    return root / "pkg" / "model.py"
