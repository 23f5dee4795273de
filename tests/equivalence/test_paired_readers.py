"""Issue #20: a model module and the reader of its penalties in another module, rewritten
together by `tf2-lsp fix --level native --unsafe` on the whole tree, compute what TF1 did.

The project of `tests.analysis.support` (the model in `pkg/model.py`, the loss that reads
`REGULARIZATION_LOSSES` in `pkg/losses.py`, neither importing the other) is fixed by the
command line in a temporary folder; the two modules, then the step `pkg/train.py` takes, run
as one program with TF1 semantics and as fixed code through the equivalence harness (the
import of the layer the fix adds is the one line the joined program leaves out). The loss
with its penalty must agree. The same model fixed alone, its reader only renamed to
`tf.compat.v1` (what a fix of the model's file by itself would have done before the reader
was looked for), must not: in eager code that reader sums an empty collection.
"""

from __future__ import annotations

import pytest

from tests.analysis.support import reader_package
from tests.cli.conftest import project, run
from tf2_lsp.verify.cases import Case, Outcome, RunTable
from tf2_lsp.verify.examples import DEFAULT_SETUP

pytestmark = [pytest.mark.tensorflow, pytest.mark.xdist_group("equivalence-paired-readers")]

STEP = "out = tower(x)\nloss = total(tf.reduce_sum(tf.square(out - 1.0)))\n"
TABLE = RunTable(setup=DEFAULT_SETUP, compare=("out", "loss"))
OUTPUT = RunTable(setup=DEFAULT_SETUP, compare=("out",))
IMPORT = "from pkg.model import tower\n"


def _joined(model: str, losses: str) -> str:
    """The two modules and the training step as one program."""
    return f"{model}\n{losses.replace(IMPORT, '')}\n{STEP}"


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str, str]:
    """(model, losses) before the fix and after it."""
    root = tmp_path_factory.mktemp("paired")
    model = reader_package(project(root, {}))
    losses = root / "pkg" / "losses.py"
    before = (model.read_text(), losses.read_text())
    result = run("fix", root, "--level", "native", "--unsafe", "--no-cache")
    assert result.returncode in (0, 1), result.stderr
    return (*before, model.read_text(), losses.read_text())


@pytest.fixture(scope="module")
def outcomes(fixed: tuple[str, str, str, str], tensorflow_installed: None) -> dict[str, Outcome]:
    from tf2_lsp.verify.harness import run_cases

    model, losses, new_model, new_losses = fixed
    alone = losses.replace("tf.losses.", "tf.compat.v1.losses.")
    old = _joined(model, losses)
    cases = [
        Case("together", old, _joined(new_model, new_losses), TABLE),
        Case("model alone", old, _joined(new_model, alone), TABLE),
        Case("model alone, output", old, _joined(new_model, alone), OUTPUT),
    ]
    return {case.name: outcome for case, outcome in zip(cases, run_cases(cases), strict=True)}


def test_the_fix_rewrites_the_reader_with_the_model(fixed: tuple[str, str, str, str]) -> None:
    _, _, new_model, new_losses = fixed
    assert "class Tower(tf.keras.layers.Layer):" in new_model
    assert IMPORT in new_losses and "tf.add_n(tower.losses)" in new_losses


def test_the_model_and_its_reader_fixed_together_keep_the_loss(
    outcomes: dict[str, Outcome],
) -> None:
    outcome = outcomes["together"]
    assert outcome.status == "proven", outcome.reason


def test_the_model_fixed_alone_loses_the_penalty(outcomes: dict[str, Outcome]) -> None:
    # The layer computes TF1's output; only the loss, which lost its penalty, differs.
    output = outcomes["model alone, output"]
    assert output.status == "proven", output.reason
    outcome = outcomes["model alone"]
    assert outcome.status == "differs", outcome.reason
