"""Which fix a finding gets at a level and target version."""

from __future__ import annotations

import ast
from dataclasses import replace

from tests.analysis.support import TF, findings
from tf2_lsp.analysis.findings.policy import FixPolicy
from tf2_lsp.catalogue.rules import Catalogue, Rule
from tf2_lsp.model import CallEdit
from tf2_lsp.settings import Settings


def test_compat_target_gone_in_the_target_version(catalogue: Catalogue) -> None:
    source = TF + "y = tf.layers.dense(x, 3)\n"
    [old] = findings(source, catalogue, target_version="2.15")
    assert old.fix is not None and old.severity == "warning"
    [new] = findings(source, catalogue, target_version="2.21")
    # Keras 3 by default: the compat form needs tf_keras, so the fix is offered as unsafe.
    assert new.fix is not None and new.fix.safety == "unsafe"
    assert new.severity == "error"
    assert "tf_keras" in new.message and "TF_USE_LEGACY_KERAS=1" in new.message
    estimator = TF + "e = tf.estimator.tpu.TPUEstimator(model_fn=f)\n"
    [gone] = findings(estimator, catalogue, target_version="2.21")
    assert gone.fix is None and gone.severity == "error"


def rule(catalogue: Catalogue, symbol: str, code: str) -> Rule:
    return next(r for r in catalogue.lookup(symbol) if r.code == code)


def test_compat_code_has_only_the_native_fix_left(catalogue: Catalogue) -> None:
    dense = rule(catalogue, "tensorflow.layers.dense", "TF931")
    compat = FixPolicy(catalogue, Settings(level="compat"))
    native = FixPolicy(catalogue, Settings(level="native"))
    assert compat.fix_for(dense, True, "tensorflow.layers.dense") is None
    assert not compat.reports_compat(dense, "tensorflow.layers.dense")
    fix = native.fix_for(dense, True, "tensorflow.layers.dense")
    assert fix is not None and fix.level == "native"
    assert native.reports_compat(dense, "tensorflow.layers.dense")


def test_keras2_targets_are_unsafe_from_keras3(catalogue: Catalogue) -> None:
    dense = rule(catalogue, "tensorflow.layers.dense", "TF931")
    old = FixPolicy(catalogue, Settings(target_version="2.15"))
    new = FixPolicy(catalogue, Settings(target_version="2.21"))
    assert not old.keras2_only(dense) and new.keras2_only(dense)
    assert not old.compat_target_gone(dense, "tensorflow.layers.dense")
    assert new.compat_target_gone(dense, "tensorflow.layers.dense")
    old_fix = old.fix_for(dense, False, "tensorflow.layers.dense")
    new_fix = new.fix_for(dense, False, "tensorflow.layers.dense")
    assert old_fix is not None and old_fix.safety == "safe"
    assert new_fix is not None and new_fix.safety == "unsafe"
    renamed = new.rename_of(dense, "tensorflow.layers.dense", gone=True)
    assert renamed is not None and renamed.kind == "rename" and renamed.safety == "unsafe"


def test_renames_module_for_prefix_rules_that_rename(catalogue: Catalogue) -> None:
    policy = FixPolicy(catalogue, Settings())
    assert policy.renames_module("tensorflow.contrib.slim")
    assert policy.renames_module("tensorflow.compat.v1.contrib.slim")
    assert not policy.renames_module("tensorflow.train")


def test_severity_and_safety_follow_the_settings(catalogue: Catalogue) -> None:
    session = rule(catalogue, "tensorflow.Session", "TF101")
    settings = Settings(severity=(("TF101", "error"),), extend_unsafe_fixes=("TF1",))
    policy = FixPolicy(catalogue, settings)
    assert policy.severity(session) == "error"
    assert FixPolicy(catalogue, Settings()).severity(session) == session.severity
    fix = policy.fix_for(session, False, "tensorflow.Session")
    assert fix is not None and fix.safety == "safe"
    assert policy.offered(session, fix, None).safety == "unsafe"


def test_a_verified_call_edit_is_safe(catalogue: Catalogue) -> None:
    dropout = rule(catalogue, "tensorflow.nn.dropout", "TF214")
    policy = FixPolicy(catalogue, Settings())
    fix = replace(dropout.fixes[0], safety="unsafe")
    assert fix.kind == "arguments"
    assert policy.offered(dropout, fix, None).safety == "unsafe"
    assert policy.offered(dropout, fix, CallEdit(None, ())).safety == "safe"


def test_a_call_edit_no_run_verified_stays_unsafe(catalogue: Catalogue) -> None:
    load = rule(catalogue, "tensorflow.saved_model.load", "TF610")
    policy = FixPolicy(catalogue, Settings())
    [fix] = load.fixes
    assert fix.kind == "arguments" and not fix.verified and fix.unproven
    assert policy.offered(load, fix, CallEdit(None, ())).safety == "unsafe"


def test_keep_tf1_renames_to_compat_v1() -> None:
    fix = FixPolicy.keep_tf1("tensorflow.nn.dropout")
    assert (fix.level, fix.kind, fix.safety) == ("compat", "rename", "safe")
    assert fix.target_for("tensorflow.nn.dropout") == "tensorflow.compat.v1.nn.dropout"


def test_argument_changes_are_merged_once_per_symbol(catalogue: Catalogue) -> None:
    policy = FixPolicy(catalogue, Settings())
    change = policy.argument_change("tensorflow.reduce_sum")
    assert change is not None and change.rename["keep_dims"] == "keepdims"
    assert policy.argument_change("tensorflow.reduce_sum") is change
    assert policy.argument_change("tensorflow.Session") is None


def test_rule_for_a_parameter_falls_back_to_the_rule(catalogue: Catalogue) -> None:
    reduce_sum = rule(catalogue, "tensorflow.reduce_sum", "TF211")
    policy = FixPolicy(catalogue, Settings())
    assert policy.rule_for(reduce_sum, "tensorflow.reduce_sum", "keep_dims") is reduce_sum
    assert policy.rule_for(reduce_sum, "tensorflow.reduce_sum", "no_such_name") is reduce_sum


def test_plan_binds_a_call_to_its_signatures(catalogue: Catalogue) -> None:
    policy = FixPolicy(catalogue, Settings())
    call = ast.parse("tf.reduce_sum(x, keep_dims=True)", mode="eval").body
    assert isinstance(call, ast.Call)
    verdict = policy.plan(call, "tensorflow.reduce_sum", "tensorflow.reduce_sum")
    assert verdict is not None and verdict.needs_change and verdict.refused is None


def test_through_alias_is_what_the_alias_rename_makes_of_a_member(catalogue: Catalogue) -> None:
    policy = FixPolicy(catalogue, Settings())
    nest = "tensorflow.contrib.framework.nest"
    assert policy.through_alias(nest, nest + ".flatten_up_to") == "tensorflow.nest.flatten_up_to"
    assert (
        policy.through_alias("tensorflow.layers", "tensorflow.layers.dense")
        == "tensorflow.compat.v1.layers.dense"
    )
    assert policy.through_alias("numpy", "numpy.log") is None


def test_canned_estimators_keep_the_tf1_class_while_it_exists(catalogue: Catalogue) -> None:
    # Issue #21 item 6: up to 2.15 the TF1 class lives on in tf.compat.v1.estimator.
    source = TF + "e = tf.estimator.LinearRegressor(feature_columns=fc)\n"
    [kept] = findings(source, catalogue, target_version="2.15")
    assert kept.code == "TF944" and kept.fix is not None
    # Offered, but unsafe: no TensorFlow the harness runs has tf.estimator to prove it on.
    assert kept.fix.safety == "unsafe" and "tf.estimator" in kept.fix.unproven
    assert kept.target == "tensorflow.compat.v1.estimator.LinearRegressor"
    [gone] = findings(source, catalogue, target_version="2.21")
    assert gone.code == "TF944" and gone.fix is None and gone.severity == "error"


def test_native_rename_that_repeats_the_compat_target_keeps_the_compat_fix(
    catalogue: Catalogue,
) -> None:
    """A generated rule's native table keeps the compat target of symbols without a TF2
    home; at native level they get the compat fix (safe), and their compat.v1 uses are
    not reported."""
    root = rule(catalogue, "tensorflow.arg_max", "TF550")
    native = FixPolicy(catalogue, Settings(level="native"))
    fix = native.fix_for(root, False, "tensorflow.Dimension")
    assert fix is not None and fix.level == "compat" and fix.safety == "safe"
    assert not native.reports_compat(root, "tensorflow.Dimension")
    home = native.fix_for(root, False, "tensorflow.arg_max")
    assert home is not None and home.level == "native"
    assert home.target_for("tensorflow.arg_max") == "tensorflow.math.argmax"
    assert native.reports_compat(root, "tensorflow.arg_max")
