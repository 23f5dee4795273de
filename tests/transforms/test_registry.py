"""Messages and hovers name the target of the matched symbol, for every transform symbol.

A transform that maps several TF1 symbols onto different TF2 callables (each optimizer onto its
own Keras class, each `tf.layers` function onto its own layer) must not name one target for all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.catalogue.rules import Rule
from tf2_lsp.lsp.hover import hover_markdown
from tf2_lsp.settings import Settings
from tf2_lsp.transforms.registry import TRANSFORMS

CATALOGUE = load_catalogue()


def _cases() -> list[tuple[Rule, str, str, str]]:
    """(rule, level, symbol, target) for every symbol of every multi-target transform fix."""
    cases = []
    for rule in CATALOGUE.rules:
        for fix in rule.fixes:
            transform = TRANSFORMS.get(fix.transform or "")
            if transform is None or len(set(transform.targets.values())) < 2:
                continue
            for symbol in rule.symbols:
                cases.append((rule, fix.level, symbol, transform.targets[symbol]))
    return cases


CASES = _cases()


def test_every_multi_target_transform_is_covered() -> None:
    rules = {rule.code for rule, *_ in CASES}
    assert {"TF911", "TF912", "TF931"} <= rules
    assert len(CASES) >= 19


def _spelled(qualified: str) -> str:
    return "tf." + qualified.removeprefix("tensorflow.")


@pytest.mark.parametrize(("rule", "level", "symbol", "target"), CASES, ids=[c[2] for c in CASES])
def test_message_and_hover_name_the_symbols_own_target(
    rule: Rule, level: str, symbol: str, target: str
) -> None:
    source = f"import tensorflow as tf\ny = {_spelled(symbol)}(x)\n"
    settings = Settings(level=level)  # type: ignore[arg-type]
    findings = [f for f in detect(source, CATALOGUE, settings).findings if f.code == rule.code]
    assert len(findings) == 1
    finding = findings[0]
    fix = rule.fix_for(settings.level)
    assert fix is not None
    others = set(TRANSFORMS[fix.transform or ""].targets.values()) - {target}
    assert f"`{_spelled(target)}`" in finding.message
    assert not any(_spelled(other) + "`" in finding.message for other in others)
    # The hover repeats the message; its documentation may list every target of the family.
    hover = hover_markdown(finding, None)
    assert finding.message in hover


@pytest.mark.parametrize(("rule", "level", "symbol", "target"), CASES, ids=[c[2] for c in CASES])
def test_compat_hover_names_the_symbols_own_native_target(
    rule: Rule, level: str, symbol: str, target: str
) -> None:
    """At compat level the hover says what the native level would write: this symbol's target."""
    source = f"import tensorflow as tf\ny = {_spelled(symbol)}(x)\n"
    settings = Settings(level="compat", target_version="2.15")
    findings = [f for f in detect(source, CATALOGUE, settings).findings if f.code == rule.code]
    assert len(findings) == 1 and findings[0].fix is not None
    hover = hover_markdown(findings[0], None)
    beyond = next(line for line in hover.splitlines() if line.startswith("**Beyond"))
    assert f"(`{target}`)" in beyond


_DETECT_EVERY_TRANSFORM = """
import json, sys
from tf2_lsp.analysis.detect import detect
loaded = ["libcst" in sys.modules]
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.settings import Settings
catalogue = load_catalogue()
used = set()
for rule in catalogue.rules:
    for example in rule.examples:
        source = f"{example.prelude}\\n{example.before}\\n" if example.prelude else example.before
        target = "2.15" if rule.since else "2.21"
        settings = Settings(level=example.level, target_version=target)
        for finding in detect(source, catalogue, settings).findings:
            if finding.fix is not None and finding.fix.kind == "transform":
                used.add(finding.fix.transform)
loaded.append("libcst" in sys.modules)
print(json.dumps({"loaded": loaded, "used": sorted(used)}))
"""


def test_detection_never_loads_libcst() -> None:
    """Importing detection, and detecting code that every transform fixes, leaves libcst
    unloaded: it costs ~200 ms, which each `check` worker would pay (transforms/base.py)."""
    result = subprocess.run(
        [sys.executable, "-c", _DETECT_EVERY_TRANSFORM],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    report = json.loads(result.stdout)
    assert report["used"] == sorted(TRANSFORMS)
    assert report["loaded"] == [False, False]


# -- registration and agreement with the rules -----------------------------------------------


def test_every_transform_module_is_registered_without_a_list() -> None:
    import importlib
    import pkgutil

    import tf2_lsp.transforms as package

    declared = {
        transform.name
        for module in pkgutil.iter_modules(package.__path__)
        # values loads libcst and holds no transform; registry holds them all
        if module.name not in ("values", "registry")
        for transform in getattr(
            importlib.import_module(f"{package.__name__}.{module.name}"), "TRANSFORMS", ()
        )
    }
    assert declared == set(TRANSFORMS)
    assert {"cast_to", "keras_layer", "disable_v2_behavior"} <= declared


def test_every_symbol_a_transform_rewrites_is_claimed_by_a_rule_that_uses_it() -> None:
    claimed: dict[str, set[str]] = {}
    for rule in CATALOGUE.rules:
        for fix in rule.fixes:
            if fix.transform:
                claimed.setdefault(fix.transform, set()).update(rule.symbols)
    for name, transform in TRANSFORMS.items():
        assert set(transform.handles) <= claimed.get(name, set()), name


def test_a_rule_naming_a_symbol_its_transform_cannot_rewrite_is_refused(tmp_path: Path) -> None:
    from tf2_lsp.catalogue.rules import CatalogueError

    (tmp_path / "casts.toml").write_text(
        '[family]\nid = "casts"\ntitle = "Casts"\nguide = "https://www.tensorflow.org/guide"\n\n'
        '[[rule]]\ncode = "TF998"\nname = "casts"\nseverity = "warning"\nmessage = "m"\n'
        'tf1 = "a"\ntf2 = "b"\nmigrate = "c"\n'
        'symbols = ["tensorflow.to_float", "tensorflow.to_uint8"]\n'
        '[[rule.fix]]\nlevel = "compat"\nsafety = "safe"\nkind = "transform"\n'
        'transform = "cast_to"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match=r"cast_to cannot rewrite tensorflow\.to_uint8"):
        load_catalogue.__wrapped__(tmp_path)
