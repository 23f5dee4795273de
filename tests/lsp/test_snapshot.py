"""One analysed version of a document: incremental from the previous one under the same
settings, its fixes and its native-level findings made once, never anything for oversized
text."""

from __future__ import annotations

from dataclasses import replace

from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.lsp.snapshot import DocumentSnapshot, analyse_text, oversized
from tf2_lsp.settings import Settings

TF1 = (
    "import tensorflow as tf\n\n\n"
    "def f(x):\n    return tf.log(x)\n\n\n"
    "def g():\n    return tf.Session()\n"
)
EDITED = TF1.replace("return tf.Session()", "s = tf.Session()\n    return s")  # inside g only
COMPAT = "import tensorflow as tf\ntf.compat.v1.logging.info('hi')\n"


def test_an_edit_reuses_the_findings_it_left_alone_under_the_same_settings(
    catalogue: Catalogue,
) -> None:
    first = analyse_text(TF1, catalogue, Settings(), 1)
    second = analyse_text(EDITED, catalogue, Settings(), 2, previous=first)
    assert [f.code for f in second.detection.findings] == ["TF201", "TF101"]
    assert second.detection.findings[0] is first.detection.findings[0]
    native = replace(Settings(), level="native")
    other = analyse_text(EDITED, catalogue, native, 2, previous=first)
    assert other.detection.findings[0] is not first.detection.findings[0]
    assert other.settings is native and other.version == 2 and other.catalogue is catalogue


def test_a_versions_fixes_and_native_findings_are_made_once(catalogue: Catalogue) -> None:
    analysis = analyse_text(COMPAT, catalogue, Settings(), 1)
    assert analysis.detection.findings == []  # compat level: tf.compat.v1 code is fine
    native = analysis.native_findings()
    assert [f.code for f in native] == ["TF311"] and native[0].compat
    assert analysis.native_findings() is native
    assert analysis.fixes is analysis.fixes


def test_oversized_text_is_never_analysed(catalogue: Catalogue) -> None:
    analysis = oversized(COMPAT, catalogue, Settings(), 3)
    assert analysis.oversized and analysis.detection.findings == []
    assert analysis.native_findings() == [] and analysis._native is None


def test_code_nested_too_deeply_is_a_syntax_error_not_a_crash(catalogue: Catalogue) -> None:
    deep = "import tensorflow as tf\nx = " + "[" * 100_000 + "]" * 100_000 + "\n"
    analysis = analyse_text(deep, catalogue, Settings(), 1)
    assert analysis.detection.syntax_error is not None


def test_a_snapshot_reads_its_analysis(catalogue: Catalogue) -> None:
    analysis = analyse_text(TF1, catalogue, Settings(), 4)
    snapshot = DocumentSnapshot("file:///work/a.py", analysis, "utf-8")
    assert (snapshot.version, snapshot.source, snapshot.encoding) == (4, TF1, "utf-8")
    assert snapshot.lines is analysis.lines and snapshot.lines[4] == "    return tf.log(x)"
    assert snapshot.detection is analysis.detection and snapshot.catalogue is catalogue
    assert snapshot.settings is analysis.settings and snapshot.fixes is analysis.fixes
