"""Every name a fix writes, every TF1 name a rule matches, checked against the installed packages.

Marked `tensorflow`: skipped with a reason on a machine without TensorFlow, a failure under CI
(env `CI` set), where TensorFlow 2.21, tf_slim, tf_keras, absl-py and dm-tree must be installed.
"""

from __future__ import annotations

import importlib
import inspect
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tf2_lsp.analysis.names.coverage import missing_target
from tf2_lsp.catalogue.availability import compat_target_gone
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.catalogue.rules import Rule
from tf2_lsp.transforms.registry import TRANSFORMS

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue()
TOP_LEVEL = ("tensorflow", "tf_slim", "absl.flags", "absl.logging", "absl.app", "tf_keras", "tree")
# Methods and patterns matched on values, not names: the class that carries them in TF1.
PSEUDO_OWNERS = {
    "tensorflow.Dimension.": "tensorflow.compat.v1.Dimension",
    "tensorflow.data.Dataset.": "tensorflow.compat.v1.data.Dataset",
}

pytestmark = pytest.mark.tensorflow

# tensorflow-probability is not installed here (its releases pin other TensorFlow versions):
# the `tfp.distributions` names the contrib.distributions rule writes, from TFP's API docs
# (https://www.tensorflow.org/probability/api_docs/python/tfp/distributions).
TFP = "tensorflow_probability.distributions."
TFP_DISTRIBUTIONS = frozenset(
    {
        "Bernoulli", "Beta", "Binomial", "Categorical", "Chi2", "Dirichlet", "Exponential",
        "Gamma", "Geometric", "HalfNormal", "InverseGamma", "Laplace", "Logistic",
        "Multinomial", "MultivariateNormalDiag", "MultivariateNormalTriL", "NegativeBinomial",
        "Normal", "OneHotCategorical", "Poisson", "StudentT", "Uniform", "kl_divergence",
    }
)  # fmt: skip


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as error:
        if os.environ.get("CI"):
            pytest.fail(f"{name} must be importable under CI (install the `verify` extra): {error}")
        pytest.skip(f"{name} is not installed: {error}")


@pytest.fixture(scope="module")
def tf() -> ModuleType:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    module = _import("tensorflow")
    _import("tf_slim")
    _import("absl.flags")
    _import("tree")  # dm-tree, for the nest helpers tf.nest lacks
    return module


def resolve(qualified: str) -> Any:
    """Walk attributes from the longest importable top-level module; AttributeError if missing."""
    for top in sorted(TOP_LEVEL, key=len, reverse=True):
        if qualified == top or qualified.startswith(top + "."):
            obj: Any = importlib.import_module(top)
            for part in qualified[len(top) :].split(".")[1:]:
                obj = getattr(obj, part)
            return obj
    raise AssertionError(f"{qualified}: not under a known top-level module")


def exists(qualified: str) -> bool:
    try:
        resolve(qualified)
    except (AttributeError, ImportError, ValueError):
        return False
    except Exception:  # a Keras-3 lazy loader refusing a TF1 layer
        return False
    return True


def gone(rule: Rule) -> bool:
    """The rule says its compat target no longer works in the installed TensorFlow."""
    if not rule.since:
        return False
    import tensorflow

    installed = tuple(int(p) for p in tensorflow.__version__.split(".")[:2])
    return installed >= tuple(int(p) for p in rule.since.split("."))


def example_symbols(rule: Rule, prefix: str) -> set[str]:
    """Names under `prefix` (a TF1 module) that the rule's examples use."""
    written = prefix.replace("tensorflow.", "tf.", 1) + "."
    names = set()
    for example in rule.examples:
        for chunk in example.before.replace("(", " ").replace(")", " ").split():
            if chunk.startswith(written):
                attr = chunk[len(written) :].split(".", 1)[0].rstrip(",")
                if attr.isidentifier():
                    names.add(prefix + "." + attr)
    return names


def test_rename_targets_resolve(tf: ModuleType) -> None:
    missing: list[str] = []
    checked = 0
    for rule in CATALOGUE.rules:
        for fix in rule.fixes:
            if fix.level == "compat" and gone(rule):
                continue  # test_targets_said_to_be_gone_are_gone
            for symbol, target in fix.to.items():
                checked += 1
                if target.endswith(".*"):
                    module = target[:-2]
                    if not exists(module):
                        missing.append(f"{rule.code}: {module} (prefix target)")
                    for used in example_symbols(rule, symbol[:-2]):
                        mapped = fix.target_for(used)
                        if mapped is not None and missing_target(mapped):
                            continue  # detection withholds this fix (tests/test_slim.py)
                        if mapped is None or not exists(mapped):
                            missing.append(f"{rule.code}: {used} -> {mapped}")
                elif target.startswith(TFP):
                    if target.removeprefix(TFP) not in TFP_DISTRIBUTIONS:
                        missing.append(f"{rule.code}: {symbol} -> {target} (not a TFP name)")
                elif not exists(target):
                    missing.append(f"{rule.code}: {symbol} -> {target}")
    assert checked > 500
    assert not missing, "\n".join(missing[:60])


def test_targets_said_to_be_gone_are_gone(tf: ModuleType) -> None:
    """Where the engine withholds a compat fix for TF 2.21, its target really is missing."""
    wrong: list[str] = []
    for rule in CATALOGUE.rules:
        compat = next((fix for fix in rule.fixes if fix.level == "compat"), None)
        if compat is None or not rule.since or "tf_keras" in rule.requires:
            continue
        for symbol in rule.symbols:
            target = compat.target_for(symbol)
            if target and compat_target_gone(rule, symbol, (2, 21)) and exists(target):
                wrong.append(f"{rule.code}: {target} exists, but its fix is withheld for 2.21")
    assert not wrong, "\n".join(wrong[:60])


def test_targets_kept_for_2_21_exist(tf: ModuleType) -> None:
    """Where the engine keeps a compat fix of a dated rule for TF 2.21, its target exists."""
    missing: list[str] = []
    for rule in CATALOGUE.rules:
        compat = next((fix for fix in rule.fixes if fix.level == "compat"), None)
        if compat is None or not rule.since or compat.kind != "rename":
            continue
        for symbol in rule.symbols:
            target = compat.target_for(symbol)
            if target and not compat_target_gone(rule, symbol, (2, 21)) and not exists(target):
                missing.append(f"{rule.code}: {symbol} -> {target} is kept but missing")
    assert not missing, "\n".join(missing[:60])


def test_transform_emits_resolve(tf: ModuleType) -> None:
    missing = [
        f"{name}: {emitted}"
        for name, transform in TRANSFORMS.items()
        for emitted in transform.emits
        if emitted not in transform.legacy_keras and not exists(emitted)
    ]
    assert not missing, "\n".join(missing)


def test_transform_emits_that_need_legacy_keras_resolve_with_it() -> None:
    """Names a transform writes for legacy Keras exist once tf_keras is switched on (TensorFlow
    reads TF_USE_LEGACY_KERAS at import: a process of its own)."""
    pytest.importorskip("tf_keras")
    names = sorted({n for t in TRANSFORMS.values() for n in t.legacy_keras})
    assert names
    probe = (
        "import functools, sys, tensorflow as tf\n"
        "for name in sys.argv[1:]:\n"
        "    path = name.removeprefix('tensorflow.').split('.')\n"
        "    functools.reduce(getattr, path, tf)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe, *names],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"},
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]


def test_every_transform_in_the_catalogue_is_registered() -> None:
    used = {fix.transform for rule in CATALOGUE.rules for fix in rule.fixes if fix.transform}
    assert used <= set(TRANSFORMS)


def signature_names(obj: Any) -> set[str]:
    from tensorflow.python.util import tf_decorator

    target = tf_decorator.unwrap(obj)[1]
    if inspect.isclass(target):
        target = tf_decorator.unwrap(target.__init__)[1]
    return set(inspect.signature(target).parameters)


def test_keyword_renames_name_real_tf2_parameters(tf: ModuleType) -> None:
    wrong: list[str] = []
    checked = 0
    for rule in CATALOGUE.rules:
        for fix in rule.fixes:
            if fix.kind != "arguments":
                continue
            for key, change in fix.arguments.items():
                for symbol in rule.symbols if key == "*" else (key,):
                    if not exists(symbol):
                        if not (rule.since and gone(rule)):
                            wrong.append(f"{rule.code}: {symbol} is not in TF2")
                        continue
                    params = signature_names(resolve(symbol))
                    for old, new in change.rename.items():
                        checked += 1
                        if new not in params:
                            wrong.append(f"{rule.code} {symbol}: {old} -> {new}: no such param")
                    for name in change.v2:
                        if name not in params:
                            wrong.append(f"{rule.code} {symbol}: v2 names {name}")
    assert checked > 20
    assert not wrong, "\n".join(wrong[:60])


def test_tf1_symbols_exist_in_compat_v1(tf: ModuleType) -> None:
    missing: list[str] = []
    for rule in CATALOGUE.rules:
        for symbol in rule.symbols:
            name = symbol.removesuffix(".*")
            private = name.split(".")[:2] == ["tensorflow", "python"]
            pseudo = name.rpartition(".")[2].startswith("__")  # a finding's key, not a name
            if private or pseudo or name.startswith(("tensorflow.contrib", "tensorflow.compat.v1")):
                # contrib is gone from every TF2; compat.v1 names are the TF2 form;
                # tensorflow.python.* is the private implementation, never in tf.compat.v1
                continue
            owner = next((o for p, o in PSEUDO_OWNERS.items() if name.startswith(p)), None)
            if owner is not None:
                attribute = name.rsplit(".", 1)[1]
                present = exists(owner) and hasattr(resolve(owner), attribute)
                if not present and not rule.removed:
                    missing.append(f"{rule.code}: {owner}.{attribute}")
                continue
            compat = "tensorflow.compat.v1." + name.removeprefix("tensorflow.")
            if not exists(compat) and not (rule.since and gone(rule)) and not rule.removed:
                missing.append(f"{rule.code}: {compat}")
    assert not missing, "\n".join(missing[:60])


# -- the bundled example, fixed, runs ------------------------------------------------------------

BUILD_GRAPH = textwrap.dedent(
    """
    import sys
    import numpy as np
    import tensorflow as tf
    tf.compat.v1.disable_v2_behavior()
    sys.path.insert(0, sys.argv[1])
    import data, model

    images, labels = data.synthetic_arrays(8)
    x, y = data.array_batches(images, labels, batch_size=4)
    kernel_only = model.conv_pool(x, 4, 3, "probe", 1e-4)
    logits = model.build_model(x, data.NUM_CLASSES, 0.5, True) if sys.argv[2] == "1" else None
    probe = tf.reduce_mean(kernel_only, axis=[1, 2, 3])
    outputs = [model.accuracy(tf.one_hot(y, 10), y), model.confidence(tf.one_hot(y, 10)),
               model.prediction_entropy(tf.one_hot(y, 10)), probe]
    if logits is not None:
        outputs += [model.loss_fn(logits, y), logits]
    with tf.compat.v1.Session() as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        values = sess.run(outputs)
    assert values[0].shape == () and values[1].shape == (4, 1) and values[3].shape == (4,)
    if logits is not None:
        assert values[-1].shape == (4, 10) and np.isfinite(values[-2])
    print("ok")
    """
)


def _fix_copy(tmp_path: Path, *args: str) -> Path:
    work = tmp_path / "tf1_model"
    shutil.copytree(ROOT / "examples" / "tf1_model", work)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "tf2_lsp", "fix", *args, str(work)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    return work


def _run_graph(work: Path, with_layers: bool, env_extra: dict[str, str]) -> None:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env_extra}
    result = subprocess.run(
        [sys.executable, "-c", BUILD_GRAPH, str(work), "1" if with_layers else "0"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")


def test_fixed_example_builds_and_runs_its_graph(tf: ModuleType, tmp_path: Path) -> None:
    """Default target (2.21): everything but `tf.layers` (no TF 2.21 home) runs without edits."""
    work = _fix_copy(tmp_path)
    source = (work / "model.py").read_text(encoding="utf-8")
    assert "tf.contrib" not in source
    assert "tf.nn.dropout(net, rate=1 - keep_prob)" in source
    assert "tf.layers." in source  # left for review: its compat form needs tf_keras
    _run_graph(work, with_layers=False, env_extra={})


def test_fixed_example_builds_the_whole_model_with_tf_keras(tf: ModuleType, tmp_path: Path) -> None:
    """Target 2.15 renames `tf.layers` to `tf.compat.v1.layers`, which under TF >= 2.16 only works
    with the tf_keras package and TF_USE_LEGACY_KERAS=1 (Keras 3 has no TF1 layers)."""
    _import("tf_keras")
    work = _fix_copy(tmp_path, "--target-version", "2.15")
    assert "tf.compat.v1.layers.dense" in (work / "model.py").read_text(encoding="utf-8")
    _run_graph(work, with_layers=True, env_extra={"TF_USE_LEGACY_KERAS": "1"})


# -- calls judged by their arguments (tf2_lsp/analysis/matching/conditions.py) ----------------


def _tf1_callable(symbol: str) -> Any:
    return resolve("tensorflow.compat.v1." + symbol.removeprefix("tensorflow."))


def test_value_checked_removals_keep_an_existing_compat_function(tf: ModuleType) -> None:
    """A removal that is only safe for some values falls back to tf.compat.v1.<same name>."""
    missing: list[str] = []
    checked = 0
    for rule in CATALOGUE.rules:
        for fix in rule.fixes:
            for key, change in fix.arguments.items():
                check = change.value_check()
                if check is None:
                    continue
                for symbol in rule.symbols if key == "*" else (key,):
                    checked += 1
                    compat = "tensorflow.compat.v1." + symbol.removeprefix("tensorflow.")
                    if not exists(compat):
                        missing.append(f"{rule.code}: {compat}")
                    params = signature_names(_tf1_callable(symbol))
                    missing += [
                        f"{rule.code} {symbol}: no {p}" for p in check.keep if p not in params
                    ]
    assert checked >= 10
    assert not missing, "\n".join(missing)


def test_call_checks_read_positions_in_the_real_tf1_order(tf: ModuleType) -> None:
    """`v1` of every call check is the TF1 function's positional order (tf.compat.v1)."""
    from tensorflow.python.util import tf_decorator

    wrong: list[str] = []
    checked = 0
    for rule in CATALOGUE.rules:
        checks = [
            (symbol, check)
            for key, check in rule.calls.items()
            for symbol in (rule.symbols if key == "*" else (key,))
        ]
        for symbol, check in checks:
            if symbol.startswith("tensorflow.contrib.") or not check.v1:
                continue  # contrib is not importable from any TF2
            checked += 1
            target = tf_decorator.unwrap(_tf1_callable(symbol))[1]
            if inspect.isclass(target):
                names = list(inspect.signature(tf_decorator.unwrap(target.__init__)[1]).parameters)[
                    1:
                ]
            else:
                names = list(inspect.signature(target).parameters)
            if names[: len(check.v1)] != list(check.v1):
                wrong.append(f"{rule.code} {symbol}: v1 {check.v1} but TF1 has {names}")
            named = {*check.passes, *check.keep, *check.changes, *check.functions, *check.convert}
            wrong += [f"{rule.code} {symbol}: TF1 has no {p}" for p in named if p not in names]
    assert checked >= 10
    assert not wrong, "\n".join(wrong)


def test_classes_said_to_take_no_arguments_raise_when_given_one(tf: ModuleType) -> None:
    """scripts/catalogue_groups.toml [signatures] no_arguments: TF2 raises on any argument."""
    import tomllib

    groups = tomllib.loads((ROOT / "scripts" / "catalogue_groups.toml").read_text("utf-8"))
    names = groups["signatures"]["no_arguments"]
    assert names
    for name in names:
        cls = resolve("tensorflow." + name)
        cls()  # no arguments: fine
        with pytest.raises(TypeError):
            cls(tf.float32)


KERAS2_TARGETS = textwrap.dedent(
    """
    import importlib, sys
    missing = []
    for name in sys.argv[1:]:
        obj = importlib.import_module("tensorflow")
        try:
            for part in name.split(".")[1:]:
                obj = getattr(obj, part)
        except Exception:
            missing.append(name)
    print("\\n".join(missing))
    """
)


def test_keras2_only_targets_exist_with_tf_keras(tf: ModuleType) -> None:
    """The unsafe fixes offered from TF 2.16 work once tf_keras is installed and
    TF_USE_LEGACY_KERAS=1 is set (a separate process: the switch is read at import)."""
    _import("tf_keras")
    targets = sorted(
        {
            target
            for rule in CATALOGUE.rules
            if "tf_keras" in rule.requires and rule.since
            for fix in rule.fixes
            if fix.level == "compat" and fix.kind == "rename"
            for target in fix.to.values()
            if target.startswith("tensorflow.") and not target.endswith(".*")
        }
    )
    assert len(targets) > 40
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_USE_LEGACY_KERAS": "1"}
    result = subprocess.run(
        [sys.executable, "-c", KERAS2_TARGETS, *targets],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "", result.stdout


def test_nest_members_said_missing_are_missing(tf: ModuleType) -> None:
    """TF413's members are not in tf.nest (so renaming `nest` does not cover them)."""
    rule = CATALOGUE.by_code["TF413"]
    present = [s for s in rule.symbols if hasattr(tf.nest, s.rsplit(".", 1)[1])]
    assert present == []


def test_tf2_twins_have_the_tf1_parameters(tf: ModuleType) -> None:
    """TF1's `_v2` functions and their TF2 names: same parameters (dim renamed to axis)."""
    from tf2_lsp.transforms.tf2_twin import TF2_TWINS

    assert TF2_TWINS
    for symbol, mapping in TF2_TWINS.items():
        from tensorflow.python.util import tf_decorator

        tf1 = list(inspect.signature(tf_decorator.unwrap(_tf1_callable(symbol))[1]).parameters)
        assert tf1 == list(mapping.v1), symbol
        target = tf_decorator.unwrap(resolve(mapping.target))[1]
        tf2 = list(inspect.signature(target).parameters)
        assert tf2[: len(mapping.v2)] == list(mapping.v2), symbol
        renamed = {dict(mapping.rename).get(p, p) for p in mapping.v1}
        assert renamed <= set(tf2), symbol


def test_contrib_layers_members_outside_tf_slim_layers(tf: ModuleType) -> None:
    """TF414 names exist at tf_slim's top level but not in tf_slim.layers (the module rename's
    target); TF415's feature columns exist in neither."""
    import tf_slim

    top = CATALOGUE.by_code["TF414"].symbols
    assert [s for s in top if hasattr(tf_slim.layers, s.rsplit(".", 1)[1])] == []
    assert [s for s in top if not hasattr(tf_slim, s.rsplit(".", 1)[1])] == []
    columns = CATALOGUE.by_code["TF415"].symbols
    names = [s.rsplit(".", 1)[1] for s in columns]
    assert [n for n in names if hasattr(tf_slim, n) or hasattr(tf_slim.layers, n)] == []
