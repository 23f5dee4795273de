"""Findings in the client's terms (lsp/convert.py): published diagnostics and their reuse."""

from __future__ import annotations

import json

from pygls.protocol import default_converter

from tf2_lsp import engine
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.lsp.convert import PublishedDiagnostics, diagnostic
from tf2_lsp.model import Detection
from tf2_lsp.settings import Settings

TEXT = (
    "import tensorflow as tf\n"
    "def a():\n    return tf.Session()  # é\n"
    "def b(y):\n    return tf.log(y)\n"
    "def c(w):\n    return tf.log(w)\n"
)


def analyse(
    catalogue: Catalogue, text: str, previous: tuple[Detection, str] | None = None
) -> Detection:
    return engine.analyse(text, catalogue, Settings(), previous=previous)


def test_published_json_is_what_pygls_writes_for_each_diagnostic(catalogue: Catalogue) -> None:
    detection = analyse(catalogue, TEXT)
    lines = TEXT.split("\n")
    converter = default_converter()  # type: ignore[no-untyped-call]
    for encoding in ("utf-8", "utf-16", "utf-32"):
        published = PublishedDiagnostics().json(detection.findings, lines, encoding)
        expected = [
            converter.unstructure(diagnostic(f, lines, encoding)) for f in detection.findings
        ]
        assert json.dumps(published, sort_keys=True) == json.dumps(expected, sort_keys=True)
        assert [d["code"] for d in published] == ["TF101", "TF201", "TF201"]


def test_an_edit_converts_only_the_findings_it_touched(catalogue: Catalogue) -> None:
    before = analyse(catalogue, TEXT)
    published = PublishedDiagnostics()
    first = published.json(before.findings, TEXT.split("\n"), "utf-16")
    edited = TEXT.replace("tf.log(y)", "tf.log(y + 1)")
    after = analyse(catalogue, edited, previous=(before, TEXT))
    second = published.json(after.findings, edited.split("\n"), "utf-16")
    assert second[0] is first[0] and second[2] is first[2]  # untouched: the same JSON
    assert second[1] is not first[1]
    assert second[1]["range"] == first[1]["range"]


def test_the_same_finding_is_converted_again_when_its_line_or_the_encoding_changed(
    catalogue: Catalogue,
) -> None:
    detection = analyse(catalogue, TEXT)
    published = PublishedDiagnostics()
    lines = TEXT.split("\n")
    first = published.json(detection.findings, lines, "utf-16")
    # The finding's line changed (after its span here, so its range reads the same): converted
    # again all the same, as ranges depend on the line's text in UTF-8 and UTF-16.
    shifted = [*lines[:2], "    return tf.Session()  # 😀", *lines[3:]]
    again = published.json(detection.findings, shifted, "utf-16")
    assert again[0] is not first[0] and again[1] is first[1]
    in_utf32 = published.json(detection.findings, shifted, "utf-32")
    assert all(a is not b for a, b in zip(in_utf32, again, strict=True))
