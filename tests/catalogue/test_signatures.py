"""The signature data and its binder: `Signature.bind` agrees with `inspect.Signature.bind`."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tf2_lsp.catalogue.signatures import (
    Param,
    Signature,
    available_versions,
    signatures_for,
)

ROOT = Path(__file__).resolve().parents[2]
_KINDS = {
    "P": inspect.Parameter.POSITIONAL_ONLY,
    "A": inspect.Parameter.POSITIONAL_OR_KEYWORD,
    "V": inspect.Parameter.VAR_POSITIONAL,
    "K": inspect.Parameter.KEYWORD_ONLY,
    "W": inspect.Parameter.VAR_KEYWORD,
}


def test_both_measured_versions_ship() -> None:
    assert available_versions() == ("2.15", "2.21")


def test_version_choice() -> None:
    assert signatures_for("2.16").version.startswith("2.15")
    assert signatures_for("2.21").version.startswith("2.21")
    assert signatures_for("2.30").version.startswith("2.21")
    assert signatures_for("2.10").version.startswith("2.15")


def test_tf1_and_tf2_sides() -> None:
    sigs = signatures_for("2.21")
    tf1 = sigs.tf1("tensorflow.nn.softmax")
    assert tf1 is not None and tf1.names == ("logits", "axis", "name", "dim")
    tf2 = sigs.target("tensorflow.nn.softmax")
    assert tf2 is not None and tf2.names == ("logits", "axis", "name")
    assert sigs.target("tensorflow.compat.v1.nn.softmax") == tf1
    assert sigs.target("tensorflow.gfile.IsDirectory") is None  # TF1-only name
    assert sigs.target("numpy.sum") is None


def test_deprecated_argument_pairs() -> None:
    sigs = signatures_for("2.21")
    assert sigs.aliases("cond") == {"fn1": "true_fn", "fn2": "false_fn"}  # deprecation note
    assert sigs.aliases("nn.convolution") == {"dilation_rate": "dilations", "filter": "filters"}
    assert sigs.aliases("convert_to_tensor") == {"preferred_dtype": "dtype_hint"}
    assert sigs.conversions("nn.dropout") == ("keep_prob",)  # `rate = 1 - keep_prob`
    assert "keep_prob" not in sigs.aliases("nn.dropout")


def test_generated_data_is_in_sync() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_signatures.py"), "build", "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_bind_reasons() -> None:
    sig = Signature(
        (
            Param("x", "P", None),
            Param("y", "A", "1"),
            Param("z", "K", None),
        )
    )
    assert sig.bind(1, ["z"]) is None
    assert sig.bind(3, ["z"]) == "takes at most 2 positional arguments, 3 given"
    assert sig.bind(1, ["w", "z"]) == "has no parameter `w`"
    assert sig.bind(1, ["x", "z"]) == "takes `x` by position only"
    assert sig.bind(2, ["y", "z"]) == "`y` is passed twice"
    assert sig.bind(1, []) == "needs `z`"
    assert sig.bind(1, [], required=()) is None


_NAMES = ["a", "b", "c", "d", "e"]


@st.composite
def signatures(draw: st.DrawFn) -> Signature:
    names = draw(st.lists(st.sampled_from(_NAMES), unique=True, max_size=5))
    kinds = sorted((draw(st.sampled_from("PAK")) for _ in names), key="PAK".index)
    params: list[Param] = []
    defaulted = False
    for name, kind in zip(names, kinds, strict=True):
        default = draw(st.booleans()) or (defaulted and kind != "K")
        defaulted = defaulted or (default and kind != "K")
        params.append(Param(name, kind, "None" if default else None))  # type: ignore[arg-type]
    if draw(st.booleans()):
        index = sum(1 for p in params if p.kind in "PA")
        params.insert(index, Param("args", "V", None))
    if draw(st.booleans()):
        params.append(Param("kwargs", "W", None))
    return Signature(tuple(params))


@settings(max_examples=300, deadline=None)
@given(
    signatures(),
    st.integers(0, 4),
    st.lists(st.sampled_from([*_NAMES, "f"]), max_size=4),
)
def test_bind_agrees_with_inspect(sig: Signature, positional: int, keywords: list[str]) -> None:
    real = inspect.Signature(
        [
            inspect.Parameter(p.name, _KINDS[p.kind], default=1 if p.default else inspect._empty)
            for p in sig.params
        ]
    )
    try:
        real.bind(*range(positional), **dict.fromkeys(keywords, 0))
        binds = len(set(keywords)) == len(keywords)  # a dict cannot repeat a keyword
    except TypeError:
        binds = False
    assert (sig.bind(positional, keywords) is None) == binds
