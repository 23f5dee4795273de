"""One rule file read and validated (catalogue/rule_file.py): a malformed file gives ONE
CatalogueError naming file, rule and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalogue.support import FAMILY, FIX, RULE, write
from tf2_lsp.catalogue.rule_file import load_rule_file
from tf2_lsp.catalogue.rules import CatalogueError, Fix
from tf2_lsp.verify.cases import RunTable


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


CAST = """
[[rule.fix]]
level = "compat"
safety = "safe"
kind = "transform"
transform = "cast_to"
"""
CASTS = ["tensorflow.to_float", "tensorflow.to_double", "tensorflow.to_int32"]


def test_a_transform_rule_takes_its_symbols_from_the_transform(tmp_path: Path) -> None:
    """`cast_to` lists the functions it has a dtype for; its rule need not list them again."""
    rule_text = RULE.replace('symbols = ["tensorflow.Session"]\n', "")
    [rule] = load_rule_file(write(tmp_path, "demo.toml", FAMILY + rule_text + CAST))
    assert rule.symbols[:3] == tuple(CASTS) and len(rule.symbols) == 7
    assert rule.match == "call"


@pytest.mark.parametrize(
    ("symbols", "problem"),
    [
        ([*CASTS, "tensorflow.to_uint8"], "cast_to cannot rewrite tensorflow.to_uint8"),
        (CASTS, "cast_to also rewrites tensorflow.to_int64, which the rule does not report"),
    ],
)
def test_a_rule_and_its_transform_name_the_same_symbols(
    tmp_path: Path, symbols: list[str], problem: str
) -> None:
    listed = ", ".join(f'"{symbol}"' for symbol in symbols)
    rule_text = RULE.replace('["tensorflow.Session"]', f"[{listed}]")
    with pytest.raises(CatalogueError, match=rf"TF901: field 'fix.transform': {problem}$"):
        load_rule_file(write(tmp_path, "demo.toml", FAMILY + rule_text + CAST))


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
    pytest.param(
        FAMILY + RULE.replace('symbols = ["tensorflow.Session"]\n', "") + "fix = 3\n",
        ("TF901", "symbols", "required"),
        id="fix-not-a-table-and-no-symbols",
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


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes((FAMILY + RULE + "# caf\xe9\n").encode("latin-1"))
    with pytest.raises(CatalogueError, match=r"latin\.toml: cannot read"):
        load_rule_file(path)


EXAMPLE = """
[[rule.example]]
before = "s = tf.Session()"
after = "s = tf.compat.v1.Session()"
"""


def test_an_example_carries_its_run_table(tmp_path: Path) -> None:
    example = EXAMPLE + 'run = { setup = "x = 1", compare = ["s"], feeds = { x = "2" } }\n'
    [rule] = load_rule_file(write(tmp_path, "demo.toml", FAMILY + RULE + FIX + example))
    assert dict(rule.examples[0].run) == {"setup": "x = 1", "compare": ["s"], "feeds": {"x": "2"}}
    keras = EXAMPLE + 'run = { keras = "2" }\n'
    [rule] = load_rule_file(write(tmp_path, "keras.toml", FAMILY + RULE + FIX + keras))
    assert RunTable.from_mapping(dict(rule.examples[0].run)).keras == "2"


@pytest.mark.parametrize(
    ("run", "problem"),
    [
        ('{ setpu = "x" }', "example.run.setpu.*unknown"),
        ('{ compare = "y" }', "example.run.compare.*list"),
        ("{ feeds = { x = 2 } }", "example.run.feeds.*strings"),
        ('{ random = "often" }', "example.run.random"),
        ('{ keras = "4" }', "example.run.keras.*auto"),
        ("{ keras = 2 }", "example.run.keras.*str"),
    ],
)
def test_a_bad_run_table_is_named(tmp_path: Path, run: str, problem: str) -> None:
    text = FAMILY + RULE + FIX + EXAMPLE + f"run = {run}\n"
    with pytest.raises(CatalogueError, match=problem):
        load_rule_file(write(tmp_path, "demo.toml", text))


def test_a_fix_states_why_running_cannot_prove_it(tmp_path: Path) -> None:
    text = FAMILY + RULE + FIX + 'unproven = "needs a GPU"\n'
    [rule] = load_rule_file(write(tmp_path, "demo.toml", text))
    assert rule.fixes[0].unproven == "needs a GPU"
    bad = FAMILY + RULE + FIX + "unproven = 3\n"
    with pytest.raises(CatalogueError, match=r"rule TF901: field 'fix.unproven': must be a string"):
        load_rule_file(write(tmp_path, "bad.toml", bad))
