"""What a finding says: its message, severity and target as the file writes it."""

from __future__ import annotations

from tests.analysis.support import TF, findings
from tf2_lsp.analysis.findings.collect import Findings
from tf2_lsp.analysis.findings.policy import FixPolicy
from tf2_lsp.analysis.names import coverage
from tf2_lsp.analysis.names.resolve import Binding
from tf2_lsp.analysis.names.scopes import Scopes
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.settings import Settings
from tf2_lsp.text import Span


def test_message_uses_the_name_as_written_and_the_files_alias(catalogue: Catalogue) -> None:
    [finding] = findings("import tensorflow as tf1\ns = tf1.Session()\n", catalogue)
    assert finding.written == "tf1.Session"
    assert finding.symbol == "tensorflow.Session"
    assert "`tf1.Session`" in finding.message
    assert "`tf1.compat.v1.Session`" in finding.message
    assert finding.target == "tensorflow.compat.v1.Session"


def test_transform_message_names_what_the_rewrite_writes(catalogue: Catalogue) -> None:
    source = TF + "tf.app.run()\n"
    [finding] = findings(source, catalogue, level="native")
    assert "``" not in finding.message
    assert "absl.app.run" in finding.message


def test_manual_rule_has_no_fix(catalogue: Catalogue) -> None:
    [finding] = findings(TF + "h = tf.contrib.training.HParams(a=1)\n", catalogue)
    assert finding.code == "TF407"
    assert finding.fix is None


def test_severity_override(catalogue: Catalogue) -> None:
    source = TF + "s = tf.Session()\ny = tf.log(x)\n"
    result = findings(source, catalogue, severity=(("TF101", "error"),))
    assert [(f.code, f.severity) for f in result] == [("TF101", "error"), ("TF201", "warning")]


def collector(catalogue: Catalogue, settings: Settings, **names: str) -> Findings:
    scopes = Scopes()
    for local, qualified in names.items():
        scopes.bind(local, Binding(qualified))
    return Findings(FixPolicy(catalogue, settings), scopes)


SPAN = Span(3, 4, 3, 14)


def test_a_finding_records_the_walk_statement_and_the_files_spelling(
    catalogue: Catalogue,
) -> None:
    collected = collector(catalogue, Settings(), tf1="tensorflow")
    collected.statement = (3, 4)
    [session] = catalogue.lookup("tensorflow.Session")
    finding = collected.add(
        session, "tensorflow.Session", "tf1.Session", SPAN, SPAN, "reference", False
    )
    assert finding is not None and collected.found == [finding]
    assert finding.statement == (3, 4)
    assert finding.target == "tensorflow.compat.v1.Session"
    assert finding.shown_target == "tf1.compat.v1.Session"
    assert "`tf1.compat.v1.Session`" in finding.message


def test_an_import_shows_the_import_its_fix_writes(catalogue: Catalogue) -> None:
    collected = collector(catalogue, Settings())
    [slim] = catalogue.lookup("tensorflow.contrib.slim")
    finding = collected.add(
        slim, "tensorflow.contrib.slim", "slim", SPAN, SPAN, "import", False, import_local="slim"
    )
    assert finding is not None and finding.shown_target == "import tf_slim as slim"


def test_working_compat_code_is_reported_only_at_the_native_level(catalogue: Catalogue) -> None:
    symbol = "tensorflow.layers.dense"
    dense = next(r for r in catalogue.lookup(symbol) if r.code == "TF931")
    compat = collector(catalogue, Settings(target_version="2.15"), tf="tensorflow")
    assert compat.add(dense, symbol, "v1.layers.dense", SPAN, SPAN, "call", True) is None
    native = collector(catalogue, Settings(level="native", target_version="2.15"), tf="tensorflow")
    note = native.add(dense, symbol, "v1.layers.dense", SPAN, SPAN, "call", True)
    assert note is not None and note.severity == "information"
    assert note.message.startswith("`v1.layers.dense` runs through tf.compat.v1")


def test_a_refusal_drops_the_fix_and_says_why(catalogue: Catalogue) -> None:
    collected = collector(catalogue, Settings(), tf="tensorflow")
    [session] = catalogue.lookup("tensorflow.Session")
    finding = collected.add(
        session, "tensorflow.Session", "tf.Session", SPAN, SPAN, "reference", False, "a reason"
    )
    assert finding is not None and finding.fix is None and finding.refused == "a reason"
    assert finding.message.endswith("(no automatic fix: a reason)")


def test_unknown_names_suggest_through_the_files_alias(catalogue: Catalogue) -> None:
    collected = collector(catalogue, Settings(), t="tensorflow")
    missing = coverage.Missing(parts=2, compat_only=False, suggestion="tensorflow.math.log")
    collected.add_unknown("t.lgo", SPAN, missing)
    [finding] = collected.found
    assert finding.code == coverage.UNKNOWN_NAME_RULE and finding.fix is None
    assert (
        finding.message == "`t.lgo` does not exist in TensorFlow 2.21; did you mean `t.math.log`?"
    )
