"""The catalogue loader: a malformed rule file gives ONE CatalogueError naming file, rule, field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tf2_lsp.catalogue.rules import (
    CatalogueError,
    Fix,
    load_catalogue,
    load_rule_file,
    with_proofs,
)

FAMILY = """[family]
id = "demo"
title = "Demo rules"
guide = "https://www.tensorflow.org/guide/migrate"
"""

RULE = """
[[rule]]
code = "TF901"
name = "demo-session"
severity = "warning"
message = "`{symbol}` is gone"
symbols = ["tensorflow.Session"]
tf1 = "a"
tf2 = "b"
migrate = "c"
safety_note = "d"
"""

FIX = """
[[rule.fix]]
level = "compat"
safety = "safe"
kind = "rename"
to = { "tensorflow.Session" = "tensorflow.compat.v1.Session" }
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads(tmp_path: Path) -> None:
    [rule] = load_rule_file(write(tmp_path, "demo.toml", FAMILY + RULE + FIX))
    assert rule.code == "TF901"
    assert rule.fixes == (
        Fix(
            level="compat",
            safety="safe",
            kind="rename",
            to={"tensorflow.Session": "tensorflow.compat.v1.Session"},
        ),
    )
    catalogue = load_catalogue(tmp_path)
    assert [r.code for r in catalogue.lookup("tensorflow.Session")] == [rule.code]


def test_a_rename_rule_takes_its_symbols_from_to(tmp_path: Path) -> None:
    rule_text = RULE.replace('symbols = ["tensorflow.Session"]\n', "")
    fix = FIX.replace(
        '"tensorflow.Session" = "tensorflow.compat.v1.Session" }',
        '"tensorflow.Session" = "tensorflow.compat.v1.Session", '
        '"tensorflow.InteractiveSession" = "tensorflow.compat.v1.InteractiveSession" }',
    )
    [rule] = load_rule_file(write(tmp_path, "demo.toml", FAMILY + rule_text + fix))
    assert rule.symbols == ("tensorflow.Session", "tensorflow.InteractiveSession")


def test_symbols_are_required_without_a_rename_fix(tmp_path: Path) -> None:
    rule_text = RULE.replace('symbols = ["tensorflow.Session"]\n', "")
    with pytest.raises(CatalogueError, match=r"TF901.*symbols.*required"):
        load_rule_file(write(tmp_path, "demo.toml", FAMILY + rule_text))


BROKEN = [
    pytest.param(FAMILY + RULE + "code = \n", ("not valid TOML",), id="toml-syntax"),
    pytest.param(RULE + FIX, ("[family]",), id="missing-family"),
    pytest.param(
        FAMILY.replace('title = "Demo rules"\n', "") + RULE, ("title",), id="family-without-title"
    ),
    pytest.param(FAMILY, ("[[rule]]",), id="no-rules"),
    pytest.param(
        FAMILY + RULE.replace("TF901", "TX901") + FIX, ("code", "TF123"), id="bad-code-format"
    ),
    pytest.param(FAMILY + RULE.replace("TF901", "TF9") + FIX, ("code",), id="short-code"),
    pytest.param(
        FAMILY + RULE + 'colour = "red"\n' + FIX,
        ("TF901", "colour", "unknown"),
        id="unknown-rule-field",
    ),
    pytest.param(
        FAMILY + RULE + FIX + 'transfrom = "x"\n',
        ("TF901", "fix.transfrom"),
        id="unknown-fix-field",
    ),
    pytest.param(
        FAMILY + RULE + FIX.replace('"tensorflow.Session" = ', '"tensorflow.Other" = '),
        ("TF901", "fix.to", "tensorflow.Session"),
        id="rename-without-target",
    ),
    pytest.param(
        FAMILY
        + RULE
        + FIX.replace('kind = "rename"', 'kind = "transform"\ntransform = "no_such_transform"'),
        ("TF901", "fix.transform", "no_such"),
        id="unknown-transform",
    ),
    pytest.param(
        FAMILY + RULE.replace('"warning"', '"fatal"') + FIX,
        ("TF901", "severity"),
        id="bad-severity",
    ),
    pytest.param(
        FAMILY + RULE + FIX.replace('"safe"', '"maybe"'), ("TF901", "fix.safety"), id="bad-safety"
    ),
    pytest.param(
        FAMILY + RULE + FIX.replace('"compat"', '"tf3"'), ("TF901", "fix.level"), id="bad-level"
    ),
    pytest.param(
        FAMILY + RULE + FIX + FIX, ("TF901", "fix", "one fix per level"), id="two-fixes-one-level"
    ),
    pytest.param(
        FAMILY + RULE.replace('["tensorflow.Session"]', '["tensorflow..Session"]'),
        ("TF901", "symbols"),
        id="bad-symbol",
    ),
    pytest.param(
        FAMILY + RULE.replace('["tensorflow.Session"]', "[]"), ("TF901", "symbols"), id="no-symbols"
    ),
    pytest.param(
        FAMILY + RULE.replace('tf1 = "a"\n', ""),
        ("TF901", "tf1", "missing"),
        id="missing-doc-field",
    ),
    pytest.param(FAMILY + RULE + 'removed = "yes"\n', ("TF901", "removed"), id="bad-boolean"),
    pytest.param(
        FAMILY + RULE + FIX.replace('kind = "rename"', 'kind = "arguments"'),
        ("TF901", "fix.arguments"),
        id="arguments-without-table",
    ),
    pytest.param(
        FAMILY + RULE + FIX + '\n[[rule.example]]\nbefore = "x"\nlevl = "compat"\n',
        ("TF901", "example.levl"),
        id="unknown-example-field",
    ),
    pytest.param(
        FAMILY + RULE + FIX + '\n[[rule.example]]\nafter = "x"\n',
        ("TF901", "example.before"),
        id="example-without-before",
    ),
    pytest.param(
        FAMILY
        + RULE
        + FIX
        + '\n[rule.calls."tensorflow.Session"]\nconvert = { target = "config:squared" }\n',
        ("TF901", "calls.tensorflow.Session.convert", "gpu_devices"),
        id="unknown-call-conversion",
    ),
    pytest.param("bogus = 1\n" + FAMILY + RULE, ("bogus",), id="unknown-top-level-key"),
    pytest.param(
        FAMILY + "bogus = 1\n" + RULE, ("[family]", "bogus", "unknown"), id="unknown-family-field"
    ),
]


@pytest.mark.parametrize(("text", "mentions"), BROKEN)
def test_malformed_file_gives_one_clear_error(
    text: str, mentions: tuple[str, ...], tmp_path: Path
) -> None:
    path = write(tmp_path, "broken.toml", text)
    with pytest.raises(CatalogueError) as raised:
        load_rule_file(path)
    message = str(raised.value)
    assert message.startswith("broken.toml:"), message
    for word in mentions:
        assert word in message, message
    assert "\n" not in message.strip() or "TOML" in message


def test_duplicate_code_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", FAMILY + RULE + FIX)
    write(tmp_path, "b.toml", FAMILY + RULE.replace("demo-session", "other") + FIX)
    with pytest.raises(CatalogueError, match=r"b\.toml: rule TF901: field 'code': .*a\.toml"):
        load_catalogue(tmp_path)


def test_duplicate_name_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", FAMILY + RULE + FIX)
    write(tmp_path, "b.toml", FAMILY + RULE.replace("TF901", "TF902") + FIX)
    with pytest.raises(CatalogueError, match="field 'name'"):
        load_catalogue(tmp_path)


def test_missing_or_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="not found"):
        load_catalogue(tmp_path / "nope")
    with pytest.raises(CatalogueError, match="no rule files"):
        load_catalogue(tmp_path)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes((FAMILY + RULE + "# caf\xe9\n").encode("latin-1"))
    with pytest.raises(CatalogueError, match=r"latin\.toml: cannot read"):
        load_rule_file(path)


def test_hand_written_rules_shadow_generated_ones(tmp_path: Path) -> None:
    write(tmp_path, "demo.toml", FAMILY + RULE + FIX)
    generated = RULE.replace("TF901", "TF902").replace("demo-session", "gen")
    write(tmp_path, "generated_demo.toml", FAMILY + generated + FIX)
    catalogue = load_catalogue(tmp_path)
    assert [r.code for r in catalogue.lookup("tensorflow.Session")] == ["TF901"]
    assert set(catalogue.by_code) == {"TF901", "TF902"}


def test_prefix_rules_match_the_longest_prefix(tmp_path: Path) -> None:
    text = (
        FAMILY
        + RULE.replace('["tensorflow.Session"]', '["tensorflow.contrib.*"]')
        + (
            RULE.replace("TF901", "TF902")
            .replace("demo-session", "slim")
            .replace('["tensorflow.Session"]', '["tensorflow.contrib.slim.*"]')
        )
    )
    write(tmp_path, "demo.toml", text)
    catalogue = load_catalogue(tmp_path)
    assert [r.code for r in catalogue.lookup("tensorflow.contrib.slim.conv2d")] == ["TF902"]
    assert [r.code for r in catalogue.lookup("tensorflow.contrib.rnn.LSTMCell")] == ["TF901"]
    assert catalogue.lookup("tensorflow.Session") == ()


def test_prefix_target_for() -> None:
    fix = Fix(
        level="compat", safety="safe", kind="rename", to={"tensorflow.contrib.slim.*": "tf_slim.*"}
    )
    assert fix.target_for("tensorflow.contrib.slim.conv2d") == "tf_slim.conv2d"
    assert fix.target_for("tensorflow.contrib.slim") == "tf_slim"
    assert fix.target_for("tensorflow.contrib.slimmer") is None


def test_the_bundled_catalogue_loads(tmp_path: Path) -> None:
    catalogue = load_catalogue()
    assert len(catalogue.rules) > 100
    assert all(rule.code.startswith("TF") for rule in catalogue.rules)


def test_each_family_keeps_to_its_documented_code_range() -> None:
    """docs/rule-format.md gives each family a code prefix; `--select PREFIX` means that family."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "rule-format.md").read_text("utf-8")
    ranges = {
        file: (prefix, int(low), int(high))
        for prefix, low, high, file in re.findall(
            r"^\| `(TF\d+)` \| TF(\d+)-TF(\d+)[^|]* \| .*\(`(\w+)\.toml`\) \|$", docs, re.M
        )
    }
    exceptions = {"TF910": "behaviour"}  # numbered before the ranges; the docs say so
    catalogue = load_catalogue()
    families = {rule.family.source.stem for rule in catalogue.rules}
    assert families <= set(ranges), f"families without a documented range: {families - set(ranges)}"
    prefixes = [prefix for prefix, _, _ in ranges.values()]
    for prefix in prefixes:  # no prefix selects a part of another family's range
        assert not [p for p in prefixes if p != prefix and p.startswith(prefix)], prefix
    for rule in catalogue.rules:
        if exceptions.get(rule.code) == rule.family.source.stem:
            assert rule.code in docs
            continue
        prefix, low, high = ranges[rule.family.source.stem]
        number = int(rule.code[2:])
        assert rule.code.startswith(prefix) and low <= number <= high, (rule.code, prefix)


EXAMPLE = """
[[rule.example]]
before = "s = tf.Session()"
after = "s = tf.compat.v1.Session()"
"""


def test_an_example_carries_its_run_table(tmp_path: Path) -> None:
    example = EXAMPLE + 'run = { setup = "x = 1", compare = ["s"], feeds = { x = "2" } }\n'
    [rule] = load_rule_file(write(tmp_path, "demo.toml", FAMILY + RULE + FIX + example))
    assert dict(rule.examples[0].run) == {"setup": "x = 1", "compare": ["s"], "feeds": {"x": "2"}}


@pytest.mark.parametrize(
    ("run", "problem"),
    [
        ('{ setpu = "x" }', "example.run.setpu.*unknown"),
        ('{ compare = "y" }', "example.run.compare.*list"),
        ("{ feeds = { x = 2 } }", "example.run.feeds.*strings"),
        ('{ random = "often" }', "example.run.random"),
    ],
)
def test_a_bad_run_table_is_named(tmp_path: Path, run: str, problem: str) -> None:
    text = FAMILY + RULE + FIX + EXAMPLE + f"run = {run}\n"
    with pytest.raises(CatalogueError, match=problem):
        load_rule_file(write(tmp_path, "demo.toml", text))


def test_a_fix_without_proof_loads_as_unsafe(tmp_path: Path) -> None:
    [rule] = load_rule_file(write(tmp_path, "demo.toml", FAMILY + RULE + FIX))
    [verified] = with_proofs(rule, lambda code, level: "verified").fixes
    assert (verified.safety, verified.proof) == ("safe", "verified")
    for status in ("unverified", "differs"):
        [fix] = with_proofs(rule, lambda code, level, status=status: status).fixes
        assert (fix.safety, fix.proof) == ("unsafe", status)


def test_a_fix_states_why_running_cannot_prove_it(tmp_path: Path) -> None:
    text = FAMILY + RULE + FIX + 'unproven = "needs a GPU"\n'
    [rule] = load_rule_file(write(tmp_path, "demo.toml", text))
    assert rule.fixes[0].unproven == "needs a GPU"
    bad = FAMILY + RULE + FIX + "unproven = 3\n"
    with pytest.raises(CatalogueError, match=r"rule TF901: field 'fix.unproven': must be a string"):
        load_rule_file(write(tmp_path, "bad.toml", bad))
