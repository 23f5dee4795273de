"""Properties of generated and mutated TF1 sources: no crash, output parses, idempotent, local."""

from __future__ import annotations

import ast
import difflib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings

CATALOGUE = load_catalogue()
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _catalogue_statements() -> list[str]:
    """Single-statement examples of the catalogue written under `import tensorflow as tf`."""
    statements = []
    for rule in CATALOGUE.rules:
        for example in rule.examples:
            if example.prelude != "import tensorflow as tf" or "\n" in example.before:
                continue
            statements.append(example.before)
    return sorted(set(statements))[:400]


STATEMENTS = [
    *_catalogue_statements(),
    "y = tf.nn.dropout(x, keep_prob, [1, 5])",
    "y = tf.reduce_sum(x, None, None, None, [1], *rest)",
    "s = tf.Session()  # tf2-lsp: ignore",
    "net = tf.contrib.slim.conv2d(tf.log(x), 3)",
    "n = x.shape[-1].value",
    "it = tf.data.Dataset.range(3).make_one_shot_iterator()",
    "y = tf.nn.dropout(tf.log(x), kp)",
    "tf.logging.info('%s', tf.reduce_mean(x, keep_dims=True))",
]
IDENT = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda s: s not in {"tf", "if", "in", "is", "or", "as", "def", "for", "del", "not", "and"}
)
COMMENT = st.sampled_from(["", "  # note", "  # 注释 😀", "\t# tab"])


@st.composite
def statement(draw: st.DrawFn, depth: int = 0) -> list[str]:
    kind = draw(st.integers(0, 5 if depth < 2 else 2))
    if kind <= 2:
        return [draw(st.sampled_from(STATEMENTS)) + draw(COMMENT)]
    if kind == 3:
        return [f"{draw(IDENT)} = {draw(st.integers(0, 9))}{draw(COMMENT)}"]
    header = draw(
        st.sampled_from(
            [
                f"def {draw(IDENT)}({draw(IDENT)}, tf=None):",
                f"def {draw(IDENT)}():",
                f"class {draw(IDENT).title()}:",
                "if x:",
                "with tf.Session() as sess:",
                f"for {draw(IDENT)} in range(3):",
            ]
        )
    )
    body = [line for _ in range(draw(st.integers(1, 3))) for line in draw(statement(depth + 1))]
    indent = draw(st.sampled_from(["    ", "  ", "\t"]))
    return [header] + [indent + line for line in body]


@st.composite
def tf1_module(draw: st.DrawFn) -> str:
    imports = draw(
        st.sampled_from(
            [
                ["import tensorflow as tf"],
                ["import os", "import tensorflow as tf", "import numpy as np"],
                ['"""Doc."""', "import tensorflow as tf"],
                ["import logging", "import tensorflow as tf", "import tf_slim as slim"],
            ]
        )
    )
    body = [line for _ in range(draw(st.integers(1, 6))) for line in draw(statement())]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(imports + body) + newline


def mutate(source: str, data: st.DataObject) -> str:
    for _ in range(data.draw(st.integers(1, 4))):
        if not source:
            break
        index = data.draw(st.integers(0, len(source) - 1))
        if data.draw(st.booleans()):
            source = source[:index] + source[index + 1 :]
        else:
            source = source[:index] + source[index] + source[index:]
    return source


def parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def check_fix(source: str, level: str = "compat", unsafe: bool = False) -> None:
    settings = Settings(level=level)  # type: ignore[arg-type]
    detection = detect(source, CATALOGUE, settings)
    outcome = fix_all(source, CATALOGUE, settings, unsafe=unsafe)
    if not parses(source):
        assert detection.syntax_error is not None
        assert outcome.source == source and outcome.error is not None
        return
    assert outcome.error is None, outcome.error
    assert parses(outcome.source)
    again = fix_all(outcome.source, CATALOGUE, settings, unsafe=unsafe)
    assert again.source == outcome.source, "fixing twice changed the code again"
    assert not again.applied
    # Every changed line belongs to a finding's statement, or is an added import or the
    # disable_v2_behavior() call that goes right after the import block.
    allowed: set[int] = set()
    for finding in detection.findings:
        allowed.update(range(finding.statement[0], finding.statement[1] + 1))
    old_lines = source.splitlines()
    new_lines = outcome.source.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        touched = set(range(i1 + 1, i2 + 1))
        assert touched <= allowed, (tag, old_lines[i1:i2], new_lines[j1:j2])
        if tag == "insert":
            for line in new_lines[j1:j2]:
                assert line.startswith(("import ", "from ")) or "disable_v2_behavior()" in line, (
                    line
                )


@SETTINGS
@given(tf1_module())
def test_generated_sources_fix_cleanly(source: str) -> None:
    check_fix(source)


@SETTINGS
@given(tf1_module())
def test_generated_sources_fix_cleanly_at_native_level_with_unsafe_fixes(source: str) -> None:
    check_fix(source, level="native", unsafe=True)


@SETTINGS
@given(tf1_module(), st.data())
def test_mutated_sources_never_crash(source: str, data: st.DataObject) -> None:
    check_fix(mutate(source, data))


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("tf.()[]=:,'\"#\n\r\t \\x0é😀")), max_size=80))
def test_arbitrary_text_never_crashes(noise: str) -> None:
    check_fix("import tensorflow as tf\n" + noise)
