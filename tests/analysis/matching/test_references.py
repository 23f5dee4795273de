"""References, imports and patterns: which rules a use of a name matches."""

from __future__ import annotations

import ast

import pytest

from tests.analysis.support import TF, findings
from tf2_lsp.analysis.findings.collect import Findings
from tf2_lsp.analysis.findings.policy import FixPolicy
from tf2_lsp.analysis.matching.call_rules import CallMatcher
from tf2_lsp.analysis.matching.references import Matcher
from tf2_lsp.analysis.names import coverage
from tf2_lsp.analysis.names.resolve import NOT_TF, Binding
from tf2_lsp.analysis.names.scopes import Scopes
from tf2_lsp.analysis.nodes import SourceText, attribute_chain
from tf2_lsp.analysis.program import graph_mode
from tf2_lsp.catalogue.api import api_for
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings
from tf2_lsp.text import Span


@pytest.mark.parametrize(
    "body",
    ["n = x.shape[-1].value\n", "n = x.get_shape()[1].value\n", "n = self.x.shape[0].value\n"],
)
def test_dimension_value(body: str, catalogue: Catalogue) -> None:
    assert [f.code for f in findings(TF + body, catalogue)] == ["TF701"]


@pytest.mark.parametrize("body", ["n = x.shape.value\n", "n = d[0].value\n", "n = x.value\n"])
def test_dimension_value_needs_a_shape_subscript(body: str, catalogue: Catalogue) -> None:
    assert findings(TF + body, catalogue) == []


def test_dimension_value_outside_tensorflow_files_is_silent(catalogue: Catalogue) -> None:
    assert findings("import numpy as np\nn = x.shape[0].value\n", catalogue) == []


def matcher_for(catalogue: Catalogue, source: str, **names: str) -> Matcher:
    """A Matcher on its own: the names bound by hand, no walk."""
    settings = Settings()
    scopes = Scopes()
    for local, qualified in names.items():
        scopes.bind(local, Binding(qualified))
    text = SourceText(source)
    policy = FixPolicy(catalogue, settings)
    collected = Findings(policy, scopes)
    facts = graph_mode.ProgramFacts()
    calls = CallMatcher(catalogue, scopes, text, policy, collected, facts, {})
    return Matcher(catalogue, scopes, text, collected, calls, facts, api_for("2.21"))


def dotted_name_findings(catalogue: Catalogue, source: str) -> list[Finding]:
    """What the matcher reports for the dotted name `source` is, `tf` bound to TensorFlow."""
    matcher = matcher_for(catalogue, source, tf="tensorflow")
    node = ast.parse(source).body[0].value  # type: ignore[attr-defined]
    chain = attribute_chain(node)
    assert chain is not None and isinstance(chain[0], ast.Name)
    matcher.check_chain(node, chain[0])
    return matcher.findings.found


def test_the_longest_prefix_with_rules_wins(catalogue: Catalogue) -> None:
    source = "tf.contrib.layers.xavier_initializer\n"
    [finding] = dotted_name_findings(catalogue, source)
    assert finding.symbol == "tensorflow.contrib.layers.xavier_initializer"
    assert finding.span == Span(1, 0, 1, len(source) - 1)


def test_a_name_under_tensorflow_that_does_not_exist(catalogue: Catalogue) -> None:
    [finding] = dotted_name_findings(catalogue, "tf.math.lgo\n")
    assert finding.code == coverage.UNKNOWN_NAME_RULE
    assert finding.written == "tf.math.lgo"


def test_an_import_whose_rename_covers_its_uses(catalogue: Catalogue) -> None:
    source = "from tensorflow.contrib import slim\n"
    matcher = matcher_for(catalogue, source)
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.ImportFrom)
    covered = matcher.check_import(node, "slim", "tensorflow.contrib.slim", "tensorflow.contrib")
    assert covered
    [finding] = matcher.findings.found
    assert finding.anchor_kind == "import" and finding.shown_target == "import tf_slim as slim"


def test_exact_type_test(catalogue: Catalogue) -> None:
    source = "type(x) == tf.Tensor\n"
    matcher = matcher_for(catalogue, source, tf="tensorflow")
    node = ast.parse(source).body[0].value  # type: ignore[attr-defined]
    matcher.check_compare(node)
    assert [f.anchor_kind for f in matcher.findings.found] == ["pattern"]
    matcher.scopes.bind("type", NOT_TF)  # a rebound `type` is not the builtin
    matcher.check_compare(node)
    assert len(matcher.findings.found) == 1


@pytest.mark.parametrize(
    "body",
    [
        "y = apply(tf.reduce_sum, x, reduction_indices=[1])\n",
        "ops = [tf.reduce_max, tf.sqrt]\n",
        "y = helper(fn=tf.nn.softmax)\n",
    ],
)
def test_a_function_whose_signature_changed_passed_as_a_value_keeps_tf1(
    body: str, catalogue: Catalogue
) -> None:
    [finding] = findings(TF + body, catalogue)
    assert finding.fix is not None and finding.fix.safety == "safe"
    assert finding.target is not None and finding.target.startswith("tensorflow.compat.v1.")
    assert "passed as a value" in finding.message


@pytest.mark.parametrize(
    "body",
    [
        "f = tf.reduce_sum\n",  # an alias: its calls are judged
        "ok = isinstance(v, tf.Variable)\n",  # a class: TF2's class is meant
        "ops = [tf.sqrt, tf.exp]\n",  # signatures unchanged
        "y = tf.reduce_sum(x)\n",
    ],
)
def test_values_that_keep_their_meaning_are_not_reported(body: str, catalogue: Catalogue) -> None:
    assert findings(TF + body, catalogue) == []


KERAS2_OPTIMIZER = (
    "class MyOpt(tf.keras.optimizers.Optimizer):\n"
    "    def _resource_apply_dense(self, grad, var, apply_state=None):\n"
    "        return var.assign_sub(grad)\n"
)


def test_a_keras_2_optimizer_subclass_gets_the_legacy_base(catalogue: Catalogue) -> None:
    [finding] = findings(TF + KERAS2_OPTIMIZER, catalogue)
    assert (
        finding.code == "TF917" and finding.target == "tensorflow.keras.optimizers.legacy.Optimizer"
    )
    assert finding.fix is not None and finding.fix.safety == "unsafe"  # 2.21: needs tf_keras
    assert "TF_USE_LEGACY_KERAS=1" in finding.message
    keras3 = KERAS2_OPTIMIZER.replace("_resource_apply_dense", "update_step")
    assert findings(TF + keras3, catalogue) == []


def test_a_subclassed_tf1_class_keeps_its_tf1_base(catalogue: Catalogue) -> None:
    source = TF + "class Init(tf.initializers.random_normal):\n    pass\n"
    [finding] = findings(source, catalogue)
    assert finding.target == "tensorflow.compat.v1.initializers.random_normal"
    assert "subclassed" in finding.message
    [variable] = findings(TF + "class V(tf.Variable):\n    pass\n", catalogue)
    assert variable.target == "tensorflow.compat.v1.Variable"
