"""Hover Markdown from the catalogue: sections, this call's preview, what is left for native."""

from __future__ import annotations

from dataclasses import replace

from lsprotocol import types

from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.lsp.hover import hover, hover_markdown
from tf2_lsp.model import Finding
from tf2_lsp.settings import Settings

from .conftest import MakeSnapshot

PRELUDE = "import tensorflow as tf\n"


def finding(catalogue: Catalogue, line: str, level: str = "compat") -> Finding:
    detection = detect(PRELUDE + line + "\n", catalogue, Settings(level=level))  # type: ignore[arg-type]
    (found,) = detection.findings
    return found


def test_sections_and_guide_link(catalogue: Catalogue) -> None:
    found = finding(catalogue, "s = tf.Session()")
    text = hover_markdown(found, ("s = tf.Session()", "s = tf.compat.v1.Session()"))
    assert text.startswith(f"**{found.code}**")
    for section in ("**TF1:**", "**TF2:**", "**Migrate:**", "**Fix safety:**"):
        assert section in text
    assert found.message in text
    assert f"[Migration guide]({found.rule.family.guide})" in text
    assert "```python\n# before\ns = tf.Session()\n# after\ns = tf.compat.v1.Session()\n```" in text
    assert "**Fix (compat, safe):**" in text


def test_compat_rename_says_what_is_left(catalogue: Catalogue) -> None:
    """tf.compat.v1.Session keeps TF1 semantics: the hover says so."""
    found = finding(catalogue, "s = tf.Session()")
    text = hover_markdown(found, ("s = tf.Session()", "s = tf.compat.v1.Session()"))
    assert "**Beyond tf.compat.v1:**" in text


def test_fix_to_plain_tf2_claims_nothing_more(catalogue: Catalogue) -> None:
    """tf.math.log and `rate=` are TF2 already: no 'keeps TF1 semantics' note."""
    log = finding(catalogue, "y = tf.log(x)")
    text = hover_markdown(log, ("y = tf.log(x)", "y = tf.math.log(x)"))
    assert "Beyond tf.compat.v1" not in text
    dropout = finding(catalogue, "h = tf.nn.dropout(h, keep)")
    text = hover_markdown(
        dropout, ("h = tf.nn.dropout(h, keep)", "h = tf.nn.dropout(h, rate=1 - keep)")
    )
    assert "Beyond tf.compat.v1" not in text
    assert "rate=1 - keep" in text


def test_compat_fix_with_a_native_alternative(catalogue: Catalogue) -> None:
    found = finding(catalogue, "f = tf.gfile.FastGFile(path)")
    assert found.fix is not None and found.fix.level == "compat"
    text = hover_markdown(found, None)
    assert "**Beyond tf.compat.v1:**" in text
    assert "`tf.io.gfile.GFile`" in text or "tensorflow.io.gfile.GFile" in text
    assert "unsafe" in text


def test_native_level_fix(catalogue: Catalogue) -> None:
    found = finding(catalogue, "f = tf.gfile.FastGFile(path)", level="native")
    text = hover_markdown(found, ("f = tf.gfile.FastGFile(path)", "f = tf.io.gfile.GFile(path)"))
    assert "**Fix (native, unsafe):**" in text
    assert "Beyond tf.compat.v1" not in text


def test_without_preview(catalogue: Catalogue) -> None:
    found = finding(catalogue, "s = tf.Session()")
    text = hover_markdown(found, None)
    assert "```python" not in text
    assert "**TF1:**" in text


def test_unfixable_finding(catalogue: Catalogue) -> None:
    settings = Settings(target_version="2.21")
    code = "h = tf.estimator.tpu.TPUEstimator(model_fn=f)\n"
    detection = detect(PRELUDE + code, catalogue, settings)
    (found,) = detection.findings
    assert found.fix is None
    text = hover_markdown(found, None)
    assert "Beyond tf.compat.v1" not in text
    assert "```python" not in text
    older = detect(PRELUDE + code, catalogue, replace(settings, target_version="2.15"))
    assert older.findings[0].fix is not None


# -- the hover request, answered from a snapshot ------------------------------------------------

DROPOUT = "import tensorflow as tf\nh = tf.nn.dropout(h, keep)\ntf.compat.v1.logging.info('hi')\n"


def position(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def test_hover_previews_this_call(snapshot_of: MakeSnapshot) -> None:
    snapshot = snapshot_of(DROPOUT)
    # The finding sits on the argument whose meaning changed (`keep`, TF1's keep_prob).
    result = hover(snapshot, position(1, 22))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert "h = tf.nn.dropout(h, rate=1 - keep)" in result.contents.value
    assert result.range == types.Range(start=position(1, 21), end=position(1, 25))
    assert hover(snapshot, position(1, 20)) is None  # the space before `keep`


def test_hover_on_compat_v1_names_the_idiomatic_form(snapshot_of: MakeSnapshot) -> None:
    snapshot = snapshot_of(DROPOUT)
    assert not [f for f in snapshot.detection.findings if f.span.line == 3]
    result = hover(snapshot, position(2, 16))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert "absl" in result.contents.value
    # At the native level it is a finding of its own, hovered as such.
    native = snapshot_of(DROPOUT, settings=Settings(level="native"))
    assert hover(native, position(2, 16)) is not None


def test_hover_range_in_the_negotiated_encoding(snapshot_of: MakeSnapshot) -> None:
    text = 'import tensorflow as tf\ny = ("🙂", tf.log(x))\n'
    for encoding, start in (("utf-8", 13), ("utf-16", 11), ("utf-32", 10)):
        result = hover(snapshot_of(text, encoding=encoding), position(1, start + 2))
        assert result is not None and result.range.start.character == start


def test_hover_on_compat_v1_code_analyses_each_version_once(snapshot_of: MakeSnapshot) -> None:
    snapshot = snapshot_of(DROPOUT)
    assert hover(snapshot, position(2, 16)) is not None
    native = snapshot.analysis.native_findings()
    assert hover(snapshot, position(2, 5)) is not None  # another spot on the same line
    assert hover(snapshot, position(0, 0)) is None  # nothing under the cursor
    assert snapshot.analysis.native_findings() is native


def test_hover_on_an_oversized_file_analyses_nothing(catalogue: Catalogue) -> None:
    from tf2_lsp.lsp.snapshot import DocumentSnapshot, oversized

    analysis = oversized(DROPOUT, catalogue, Settings(), 1)
    snapshot = DocumentSnapshot(uri="file:///work/big.py", analysis=analysis)
    assert hover(snapshot, position(2, 16)) is None
    assert analysis._native is None  # the size limit holds for hover too


def test_hover_says_whether_running_the_fix_verified_it(catalogue: Catalogue) -> None:
    for line in ("s = tf.Session()", "y = tf.log(x)", "tf.logging.info('x')"):
        found = finding(catalogue, line)
        assert found.fix is not None
        text = hover_markdown(found, None)
        assert ("Verified by execution" in text) == found.fix.verified
        assert ("Not verified by execution" in text) == (not found.fix.verified)


def test_hover_on_a_fix_no_run_verified_says_why(catalogue: Catalogue) -> None:
    found = finding(catalogue, "tf.enable_eager_execution()")
    assert found.fix is not None and not found.fix.verified
    assert found.fix.safety == "unsafe"
    text = hover_markdown(found, None)
    assert f"**Not verified by execution:** {found.fix.unproven}" in text
    assert "program start-up" in found.fix.unproven
