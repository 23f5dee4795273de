"""Calls and methods: which rules judge them, and what the call model makes of the arguments."""

from __future__ import annotations

import ast

import pytest

from tests.analysis.support import TF, findings
from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.findings.collect import Findings
from tf2_lsp.analysis.findings.policy import FixPolicy
from tf2_lsp.analysis.matching.call_rules import CallMatcher
from tf2_lsp.analysis.names import receivers
from tf2_lsp.analysis.names.resolve import Binding
from tf2_lsp.analysis.names.scopes import Scopes
from tf2_lsp.analysis.nodes import SourceText
from tf2_lsp.analysis.program import graph_mode
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.model import ReceiverCandidate
from tf2_lsp.settings import Settings
from tf2_lsp.text import Span


def test_refused_fix_keeps_the_finding_with_the_reason(catalogue: Catalogue) -> None:
    [finding] = findings(TF + "y = tf.reduce_sum(x, None, None, None, [1], *rest)\n", catalogue)
    assert finding.code == "TF211"
    assert finding.fix is None
    assert finding.refused is not None
    assert "*args" in finding.message


@pytest.mark.parametrize(
    "body",
    [
        "ds = tf.data.Dataset.range(3)\nit = ds.make_one_shot_iterator()\n",
        "it = tf.data.TFRecordDataset(f).map(g).batch(3).make_one_shot_iterator()\n",
        "ds = tf.data.Dataset.range(3)\nds = ds.shuffle(3).repeat()\n"
        "it = ds.make_initializable_iterator()\n",
    ],
)
def test_dataset_iterator_methods_on_datasets(body: str, catalogue: Catalogue) -> None:
    assert [f.code for f in findings(TF + body, catalogue)] == ["TF702"]


@pytest.mark.parametrize(
    "body",
    [
        "it = loader.make_one_shot_iterator()\n",
        "img.save('x.png')\n",
        "def f(ds):\n    return ds.make_one_shot_iterator()\n",
        "ds = tf.data.Dataset.range(3)\nds = load()\nit = ds.make_one_shot_iterator()\n",
    ],
)
def test_method_rules_need_a_known_receiver(body: str, catalogue: Catalogue) -> None:
    assert findings(TF + body, catalogue) == []


def calls_for(
    catalogue: Catalogue, source: str, hints: dict[tuple[int, int], str] | None = None
) -> tuple[CallMatcher, ast.Call]:
    """A CallMatcher on its own, `tf` bound by hand, and the first call of `source`."""
    scopes = Scopes()
    scopes.bind("tf", Binding("tensorflow"))
    policy = FixPolicy(catalogue, Settings())
    collected = Findings(policy, scopes)
    text = SourceText(source)
    calls = CallMatcher(
        catalogue, scopes, text, policy, collected, graph_mode.ProgramFacts(), hints or {}
    )
    call = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call))
    return calls, call


def test_a_call_rule_judges_the_call(catalogue: Catalogue) -> None:
    calls, call = calls_for(catalogue, "tf.nn.dropout(x, 0.5)\n")
    calls.note_call(call)
    assert calls.is_callee(call.func) and not calls.is_callee(call)
    calls.check(call)
    [finding] = calls.findings.found
    assert finding.code == "TF214" and finding.anchor_kind == "call"
    assert finding.anchor == Span(1, 0, 1, 21)


def test_a_method_with_an_unknown_receiver_is_a_candidate_for_jedi(catalogue: Catalogue) -> None:
    calls, call = calls_for(catalogue, "it = ds.make_one_shot_iterator()\n")
    calls.check(call)
    assert calls.findings.found == []
    assert calls.candidates == [ReceiverCandidate((1, 5), 1, 7, "make_one_shot_iterator")]
    hinted, call = calls_for(
        catalogue, "it = ds.make_one_shot_iterator()\n", {(1, 5): receivers.DATASET}
    )
    hinted.check(call)
    assert [f.code for f in hinted.findings.found] == ["TF702"]
    assert hinted.candidates == []


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("y = tf.sqrt(x, keepdims=True)\n", "no parameter `keepdims`"),
        ("s = tf.summary.image('img', t, max_images=10)\n", "no parameter `max_images`"),
        ("e = tf.errors.UnimplementedError('msg')\n", "needs `op`"),
        ("y = tf.compat.v1.sqrt(x, y, z)\n", "positional"),
    ],
)
def test_a_call_that_fits_no_signature_is_reported(
    body: str, why: str, catalogue: Catalogue
) -> None:
    found = [f for f in findings(TF + body, catalogue) if f.code == "TF993"]
    assert len(found) == 1 and why in found[0].message and found[0].fix is None


@pytest.mark.parametrize(
    "body",
    [
        "y = tf.nn.conv2d(x, filters=k, strides=1, padding='SAME')\n",  # TF2's signature
        "y = tf.reduce_sum(x, reduction_indices=[1], keep_dims=True)\n",  # TF1's
        "y = tf.sqrt(*args)\n",
        "y = tf.keras.layers.Dense(3, kernel_initializer='ones', weird=1)\n",  # Keras: not ours
        "e = tf.errors.UnimplementedError(None, None, 'msg')\n",
    ],
)
def test_a_call_that_fits_a_signature_is_not_reported(body: str, catalogue: Catalogue) -> None:
    assert "TF993" not in [f.code for f in findings(TF + body, catalogue)]


def test_a_class_may_take_keywords_its_init_does_not_list(catalogue: Catalogue) -> None:
    # tf.Variable's metaclass hands extra keywords to variable creators.
    body = "v = tf.Variable(initial_value=1.0, per_worker_variable=True)\n"
    assert "TF993" not in [f.code for f in findings(TF + body, catalogue)]


@pytest.mark.parametrize("target", ["2.15", "2.21"])
def test_a_call_written_for_tf2s_function_of_the_same_name_is_left_alone(
    target: str, catalogue: Catalogue
) -> None:
    """Half-migrated code: `step=` fits only TF2's `tf.summary.histogram`, so the call is TF2
    code already; renaming it to `tf.compat.v1.summary.histogram` would break it."""
    source = (
        "import tensorflow as tf\n"
        "a = tf.summary.histogram('w', w, step=3)\n"
        "b = tf.summary.scalar(name='loss', data=loss)\n"
        "c = tf.summary.histogram('w', w)\n"  # fits both: TF1's, as the tool assumes
        "d = tf.summary.histogram('w', w, ['mine'])\n"  # TF1's collections
    )
    found = detect(source, catalogue, Settings(target_version=target)).findings
    assert [(f.code, f.span.line) for f in found] == [("TF923", 4), ("TF923", 5)]
    fixed = fix_all(source, catalogue, Settings(target_version=target)).source.splitlines()
    assert fixed[1:3] == source.splitlines()[1:3]
