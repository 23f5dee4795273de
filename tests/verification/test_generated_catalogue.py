"""The generated catalogue is in sync with its API dumps and true to the installed TensorFlow.

`build --check` needs no TensorFlow. The `tensorflow`-marked tests import it: they skip when it
is missing on a developer machine, and fail when it is missing under CI (env `CI` set).
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "generate_catalogue.py"
RULES = ROOT / "rules"


def generated_rules() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for path in sorted(RULES.glob("generated_*.toml")):
        rules.extend(tomllib.loads(path.read_text(encoding="utf-8"))["rule"])
    return rules


def test_build_check_passes() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "build", "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_build_check_detects_a_stale_file(tmp_path: Path) -> None:
    for path in RULES.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    stale = tmp_path / "generated_symbols.toml"
    stale.write_text(stale.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "build", "--check", "--rules-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 1
    assert "generated_symbols.toml: out of date" in result.stderr


def test_generated_rules_are_well_formed() -> None:
    rules = generated_rules()
    assert len(rules) > 50
    codes = [rule["code"] for rule in rules]
    assert len(codes) == len(set(codes))
    for rule in rules:
        for key in ("tf1", "tf2", "migrate", "safety_note", "message"):
            assert rule[key].strip(), (rule["code"], key)
        assert rule["example"], rule["code"]
        for example in rule["example"]:
            compile(example["before"], rule["code"], "exec")
            if "after" in example:
                compile(example["after"], rule["code"], "exec")
        prefix = (
            "TF5" if rule["name"].startswith(("gen-moved", "gen-compat", "gen-dropped")) else "TF6"
        )
        assert rule["code"].startswith(prefix), rule["code"]


# -- against the installed TensorFlow ------------------------------------------------------


def resolve(tf: Any, qualified: str) -> Any:
    """Walk attributes from the `tensorflow` module; AttributeError if a step is missing."""
    parts = qualified.split(".")
    assert parts[0] == "tensorflow", qualified
    obj = tf
    for part in parts[1:]:
        obj = getattr(obj, part)
    return obj


def exists(tf: Any, qualified: str) -> bool:
    try:
        resolve(tf, qualified)
    except Exception:  # AttributeError, or a Keras-3 lazy loader refusing a TF1 layer
        return False
    return True


def installed(tf: Any, availability: dict[str, list[str]], target: str) -> bool:
    """Whether the catalogue claims `target` exists in the installed TensorFlow version."""
    return tf.__version__ in availability.get(target, [])


@pytest.mark.tensorflow
def test_rename_targets_resolve(tf: Any) -> None:
    missing = []
    for rule in generated_rules():
        availability = rule.get("availability", {})
        for fix in rule.get("fix", []):
            for symbol, target in fix.get("to", {}).items():
                claimed = installed(tf, availability, target) or not rule.get("since")
                if claimed and not exists(tf, target):
                    missing.append(f"{rule['code']}: {symbol} -> {target}")
                if not claimed and exists(tf, target):
                    missing.append(f"{rule['code']}: {target} exists but `since` says it is gone")
    assert not missing, "\n".join(missing[:40])


@pytest.mark.tensorflow
def test_v1_symbols_exist_in_compat_v1(tf: Any) -> None:
    missing = []
    for rule in generated_rules():
        availability = rule.get("availability", {})
        for symbol in rule["symbols"]:
            compat = "tensorflow.compat.v1." + symbol.removeprefix("tensorflow.")
            gone = compat in availability and not installed(tf, availability, compat)
            if gone and not rule.get("since") and not rule["name"].startswith("gen-moved"):
                missing.append(f"{rule['code']}: {compat} is gone but the rule has no `since`")
            if not gone and not exists(tf, compat):
                missing.append(f"{rule['code']}: {compat}")
    assert not missing, "\n".join(missing[:40])


def signature_names(obj: Any) -> set[str]:
    from tensorflow.python.util import tf_decorator

    target = tf_decorator.unwrap(obj)[1]
    if inspect.isclass(target):
        target = tf_decorator.unwrap(target.__init__)[1]
    return set(inspect.signature(target).parameters)


@pytest.mark.tensorflow
def test_keyword_renames_name_real_tf2_parameters(tf: Any) -> None:
    wrong = []
    checked = 0
    for rule in generated_rules():
        for fix in rule.get("fix", []):
            for symbol, change in fix.get("arguments", {}).items():
                if not exists(tf, symbol):
                    continue  # e.g. an Estimator class on TF >= 2.16
                params = signature_names(resolve(tf, symbol))
                v1_params = signature_names(
                    resolve(tf, symbol.replace("tensorflow.", "tensorflow.compat.v1.", 1))
                )
                for old, new in change.get("rename", {}).items():
                    checked += 1
                    if new not in params:
                        wrong.append(f"{rule['code']} {symbol}: {old} -> {new} not a TF2 parameter")
                    if old not in v1_params:
                        wrong.append(f"{rule['code']} {symbol}: {old} not a TF1 parameter")
                for old in change.get("remove", []):
                    if old in params:
                        wrong.append(f"{rule['code']} {symbol}: removes {old}, a TF2 parameter")
                if change.get("v2"):
                    positional = [p for p in change["v2"] if p not in params]
                    if positional:
                        wrong.append(f"{rule['code']} {symbol}: v2 order names {positional}")
    assert checked > 20
    assert not wrong, "\n".join(wrong[:40])
