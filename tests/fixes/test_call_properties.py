"""Property tests of the call model: every rewritten call binds to its target's signature.

Hypothesis writes random valid TF1 calls of every catalogue function whose arguments change
(TF1 signature != target signature), fixes them with the real engine, and binds the emitted
call against the target's signature from the committed API data; under the `tensorflow`
marker, also against real TensorFlow 2.21 with `inspect.signature(...).bind`. The binding
verifier also runs over every rule example.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from tf2_lsp.analysis.call_model import literal
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.catalogue.signatures import COMPAT, TF, Signature, signatures_for
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

CATALOGUE = load_catalogue()
SIGS = signatures_for("2.21")
OPTIONS = Settings(target_version="2.21")


@dataclass(frozen=True)
class Function:
    symbol: str  # canonical TF1 name
    target: str  # where the compat fix sends it
    tf1: Signature
    goal: Signature
    # Parameter -> the one without which it has no effect: then any value of it may go.
    inert_without: Mapping[str, str] = field(default_factory=dict)


def changed_functions() -> list[Function]:
    """Catalogue functions (renamed or with an arguments fix) whose signature changed."""
    found: dict[str, Function] = {}
    for rule in CATALOGUE.rules:
        fix = rule.fix_for("compat")
        if fix is None or fix.kind not in ("rename", "arguments"):
            continue
        for symbol in rule.symbols:
            if symbol.endswith(".*") or symbol in found:
                continue
            target = fix.target_for(symbol) if fix.kind == "rename" else symbol
            tf1 = SIGS.tf1(symbol)
            goal = SIGS.target(target) if target else None
            if tf1 is None or goal is None or target == COMPAT + symbol.removeprefix(TF):
                continue
            if tf1 != goal:
                change = fix.arguments.get(symbol)
                inert = dict(change.inert_without) if change is not None else {}
                found[symbol] = Function(symbol, target, tf1, goal, inert)
    return sorted(found.values(), key=lambda f: f.symbol)


FUNCTIONS = changed_functions()


def test_there_are_functions_to_check() -> None:
    assert len(FUNCTIONS) > 150


@st.composite
def tf1_calls(draw: st.DrawFn) -> tuple[Function, str, dict[str, str]]:
    """A valid TF1 call: some arguments by position, others by keyword, every required one
    given; each value is a distinct name, or the literal TF1 default (which may be dropped)."""
    function = draw(st.sampled_from(FUNCTIONS))
    tf1 = function.tf1
    slots = tf1.positional
    count = draw(st.integers(0, len(slots)))
    rest = [p for p in tf1.params if p.kind in ("A", "K") and p.name not in slots[:count]]
    required = [p.name for p in rest if p.default is None]
    optional = [p.name for p in rest if p.default is not None]
    chosen = draw(st.lists(st.sampled_from(optional), unique=True)) if optional else []
    values: dict[str, str] = {}
    for param in [*slots[:count], *required, *chosen]:
        spec = tf1.param(param)
        default = spec.default if spec is not None else None
        if default is not None and _is_literal(default) and draw(st.booleans()):
            values[param] = default
        else:
            values[param] = f"v_{param}"
    args = [values[p] for p in slots[:count]]
    args += [f"{p}={values[p]}" for p in [*required, *chosen]]
    return function, f"y = tf.{function.symbol.removeprefix(TF)}({', '.join(args)})", values


def _is_literal(text: str) -> bool:
    try:
        return literal(ast.parse(text, mode="eval").body)[0]
    except SyntaxError:
        return False  # `<object>`: a default the dump could not spell


def emitted_call(source: str) -> ast.Call:
    statement = ast.parse(source).body[-1]
    assert isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)
    return statement.value


def callee(call: ast.Call) -> str:
    return TF + ast.unparse(call.func).removeprefix("tf.")


@settings(
    max_examples=int(os.environ.get("TF2_LSP_PROPERTY_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(tf1_calls())
def test_fixed_calls_bind_to_the_target(case: tuple[Function, str, dict[str, str]]) -> None:
    function, body, values = case
    source = f"import tensorflow as tf\n{body}\n"
    outcome = fix_all(source, CATALOGUE, OPTIONS, unsafe=True)
    assert outcome.error is None
    assert outcome.failed == [], outcome.failed
    call = emitted_call(outcome.source)
    if outcome.source == source:
        # Not rewritten: valid as it stands, or refused with a reason (say, TF1's `axis`
        # and its deprecated `dimension` both given, which TF1 itself rejects at run time).
        refused = [f for f in outcome.remaining if f.refused]
        goal = SIGS.target(function.target)
        assert goal is not None
        keywords = [k.arg for k in call.keywords if k.arg is not None]
        assert refused or goal.bind(len(call.args), keywords, required=()) is None
        return
    name = callee(call)
    goal = SIGS.target(name)
    assert goal is not None, f"the fix wrote `{name}`, which TF 2.21 does not have"
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    keywords = [k.arg for k in call.keywords if k.arg is not None]
    problem = goal.bind(len(positional), keywords, required=())
    assert problem is None, f"{body} -> {ast.unparse(call)}: {problem}"
    # No value is lost: only literal TF1 defaults (and values the rule lists) may go.
    written = {ast.unparse(node) for node in ast.walk(call) if isinstance(node, ast.Name)}
    for param, value in values.items():
        inert = function.inert_without.get(param)
        if inert is not None and not values.get(inert, "").startswith("v_"):
            # `verify_shape` without `shape`, or with `shape=None` (TF1's default, spelled
            # out): the rule drops it whatever its value.
            continue
        if value.startswith("v_"):
            assert value in written, f"{body} -> {ast.unparse(call)} dropped `{param}`"


def test_a_shape_spelled_as_none_leaves_verify_shape_inert() -> None:
    """The case Hypothesis found: TF1's default `shape=None` written out by position is no
    shape, so `verify_shape` checks nothing and goes, as it does with `shape` left out."""
    source = "import tensorflow as tf\ny = tf.constant(v, d, None, n, check)\n"
    outcome = fix_all(source, CATALOGUE, OPTIONS, unsafe=True)
    assert outcome.source.splitlines()[-1] == "y = tf.constant(v, d, None, n)"
    given = "import tensorflow as tf\ny = tf.constant(v, d, s, n, check)\n"
    kept = fix_all(given, CATALOGUE, OPTIONS, unsafe=True).source.splitlines()[-1]
    assert kept == "y = tf.compat.v1.constant(v, d, s, n, check)"


def tf_calls(code: str) -> list[tuple[str, int, list[str]]]:
    """(callee, positional count, keywords) of every `tf.` call without *args/**kwargs."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.Call) or not ast.unparse(node.func).startswith("tf."):
            continue
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            continue
        keywords = [k.arg for k in node.keywords if k.arg is not None]
        found.append((callee(node), len(node.args), keywords))
    return found


def test_every_rule_example_binds() -> None:
    """The verifier over every rule example: where the TF1 code binds to the TF1 signatures,
    every TF call the fixed code writes binds to its target's signature."""
    checked = 0
    for rule in CATALOGUE.rules:
        for example in rule.examples:
            if example.after is None or example.prelude != "import tensorflow as tf":
                continue
            sigs = signatures_for("2.15" if rule.since else "2.21")
            before_ok = all(
                (tf1 := sigs.tf1(name)) is not None
                and tf1.bind(positional, keywords, required=()) is None
                for name, positional, keywords in tf_calls(example.before)
            )
            if not before_ok:
                continue  # a placeholder call (`tf.X(x)` of a function without parameters)
            for name, positional, keywords in tf_calls(example.after):
                goal = sigs.target(name)
                if goal is None:
                    continue
                problem = goal.bind(positional, keywords, required=())
                assert problem is None, f"{rule.code}: {example.after}: {problem}"
                checked += 1
    assert checked > 100


# -- against real TensorFlow ------------------------------------------------------------------


def _resolve(tf: Any, qualified: str) -> Any:
    obj = tf.compat.v1 if qualified.startswith(COMPAT) else tf
    rest = qualified[len(COMPAT) :] if qualified.startswith(COMPAT) else qualified[len(TF) :]
    for part in rest.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.fixture(scope="module")
def tf() -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        return importlib.import_module("tensorflow")
    except ImportError as error:
        if os.environ.get("CI"):
            pytest.fail(f"TensorFlow must be importable under CI: {error}")
        pytest.skip(f"TensorFlow is not installed: {error}")


@pytest.mark.tensorflow
@settings(
    max_examples=int(os.environ.get("TF2_LSP_PROPERTY_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=tf1_calls())
def test_fixed_calls_bind_in_real_tensorflow(
    tf: Any, case: tuple[Function, str, dict[str, str]]
) -> None:
    _, body, _ = case
    source = f"import tensorflow as tf\n{body}\n"
    outcome = fix_all(source, CATALOGUE, OPTIONS, unsafe=True)
    call = emitted_call(outcome.source)
    try:
        target = _resolve(tf, callee(call))
    except AttributeError:
        if outcome.source == source:
            reject()  # left as written (refused): the TF1 name need not exist in TF2
        pytest.fail(f"{body} -> {callee(call)}: the fix writes a name TensorFlow lacks")
    try:
        signature = inspect.signature(target)
    except (ValueError, TypeError):
        # No Python signature (a C-implemented callable): this one example proves nothing.
        # `reject` drops the example; a `pytest.skip` here would skip the whole property.
        reject()
    positional = [ast.unparse(a) for a in call.args]
    keywords = {k.arg: ast.unparse(k.value) for k in call.keywords if k.arg is not None}
    refused = outcome.source == source and any(f.refused for f in outcome.remaining)
    try:
        signature.bind_partial(*positional, **keywords)
    except TypeError as error:
        if not refused:  # a call the verifier refused stays as written, with the reason
            pytest.fail(f"{body} -> {ast.unparse(call)}: {error}")
