"""engine: one fix-all for both faces, plans made once per document version."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import DocumentFixes, analyse, fix_all
from tf2_lsp.lsp import actions
from tf2_lsp.lsp.capabilities import Capabilities
from tf2_lsp.lsp.snapshot import DocumentSnapshot, analyse_text
from tf2_lsp.settings import Settings

from .lsp.conftest import apply, edits_of

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "tf1_model"
MIXED = """\
import tensorflow as tf
from tensorflow.contrib import slim

a = tf.to_float(tf.shape(x)[0])
d = slim.conv2d(x, 3, [3, 3], weights_initializer=tf.contrib.layers.xavier_initializer())
f = tf.nn.dropout(tf.layers.dense(x, 3), keep_prob=0.5)
g = tf.reduce_mean(tf.squared_difference(a, b), keep_dims=True)
with tf.variable_scope("a", reuse=tf.AUTO_REUSE):
    w = tf.get_variable("w", [3], initializer=tf.contrib.layers.variance_scaling_initializer())
m = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=tf.log(x))
sess = tf.Session(config=tf.ConfigProto(allow_soft_placement=True))
"""


def cli_fix(directory: Path, *options: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "tf2_lsp", "fix", *options, str(directory)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr


def editor_fix_all(catalogue: Catalogue, text: str, settings: Settings) -> str:
    snapshot = DocumentSnapshot(
        uri="file:///work/a.py",
        analysis=analyse_text(text, catalogue, settings),
        capabilities=Capabilities(document_changes=True),
    )
    edit = actions.bulk_edit(snapshot, None)
    return text if edit is None else apply(text, edits_of(edit))


@pytest.mark.parametrize("level", ["compat", "native"])
def test_cli_fix_and_editor_fix_all_write_the_same_example(
    catalogue: Catalogue, tmp_path: Path, level: str
) -> None:
    work = tmp_path / "tf1_model"
    shutil.copytree(EXAMPLE, work)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # stops the search
    cli_fix(work, "--level", level)
    settings = Settings(level=level)  # type: ignore[arg-type]
    for original in sorted(EXAMPLE.glob("*.py")):
        text = original.read_text(encoding="utf-8")
        fixed = (work / original.name).read_text(encoding="utf-8")
        assert fixed != text, f"{original.name}: nothing to fix?"
        assert editor_fix_all(catalogue, text, settings) == fixed, original.name


def test_cli_fix_and_editor_fix_all_agree_on_unsafe_fixes(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "m.py").write_text(MIXED, encoding="utf-8")
    cli_fix(tmp_path / "m.py", "--level", "native", "--unsafe")
    fixed = (tmp_path / "m.py").read_text(encoding="utf-8")
    settings = Settings(level="native", unsafe_fixes=("TF",))
    assert fixed != MIXED
    assert editor_fix_all(catalogue, MIXED, settings) == fixed


def test_fix_all_runs_rounds_until_nothing_changes(catalogue: Catalogue) -> None:
    """What one round's fixes leave fixable, the next round fixes (both faces run this)."""
    settings = Settings(level="native", unsafe_fixes=("TF",))
    outcome = fix_all(MIXED, catalogue, settings, unsafe=True)
    assert outcome.error is None
    again = fix_all(outcome.source, catalogue, settings, unsafe=True)
    assert again.source == outcome.source and not again.applied


def test_plans_are_made_once_per_version(catalogue: Catalogue) -> None:
    settings = Settings()
    detection = analyse(MIXED, catalogue, settings)
    fixes = DocumentFixes(MIXED, detection, catalogue, settings)
    finding = next(f for f in detection.findings if f.fix is not None)
    assert fixes.plan_for(finding) is fixes.plan_for(finding)
    assert fixes.plan_for(finding).edits
    assert fixes.fix_all() is fixes.fix_all()
    assert fixes.fix_all().source == fix_all(MIXED, catalogue, settings).source
