"""Passing over statements that name nothing bound to TensorFlow changes no finding."""

from __future__ import annotations

import pytest

from benchmarks.corpus import generate_file
from tests.analysis.support import TF, codes_at
from tf2_lsp.analysis import relevance
from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.relevance import Relevance
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.model import Detection
from tf2_lsp.settings import Settings


def _lines(source: str, names: set[str], words: tuple[str, ...] = ()) -> list[int]:
    found = Relevance(source, words)
    count = len(source.splitlines())
    return [line for line in range(1, count + 1) if found.mentions(line, line, names)]


def test_a_name_counts_as_a_whole_word_in_any_text() -> None:
    source = "tf_idf = 1\nx = tf.log(y)\ns = 'tf'\ntfx = 2\ny = a.tf\n# tf\n"
    assert _lines(source, {"tf"}) == [2, 3, 5, 6]


def test_names_bound_later_count_from_then_on() -> None:
    source = "a = slim\nb = tf\n"
    names = {"tf"}
    found = Relevance(source, ())
    assert not found.mentions(1, 1, names)
    names.add("slim")
    assert found.mentions(1, 1, names)


def test_a_range_counts_if_any_of_its_lines_does() -> None:
    found = Relevance("x = [\n  1,\n  tf,\n]\ny = 2\n", ())
    assert found.mentions(1, 4, {"tf"})
    assert not found.mentions(5, 5, {"tf"})


def test_words_given_at_the_start_and_the_walrus_always_count() -> None:
    assert _lines("s.run(x)\nrunner = 1\nif (n := f()):\n    pass\n", set(), ("run",)) == [1, 3]


def test_identifiers_are_compared_as_python_reads_them() -> None:
    # NFKC: the parser reads the full-width `ｔｆ` as the name `tf`.
    assert _lines("x = 1\ny = ｔｆ.Session()\n", {"tf"}) == [2]


def test_a_function_defined_before_the_import_is_judged(catalogue: Catalogue) -> None:
    source = "def f():\n    return tf.Session()\n\nimport tensorflow as tf\n"
    assert codes_at(source, catalogue) == [(2, 12, "TF101")]


def test_a_passed_over_assignment_still_binds(catalogue: Catalogue) -> None:
    """`h = g` names nothing bound to TensorFlow, yet makes `h` a function for `tf.device`."""
    source = TF + "def g(op):\n    return '/cpu:0'\nh = g\nwith tf.device(h):\n    pass\n"
    assert [code for _, _, code in codes_at(source, catalogue)] == ["TF802"]


def _everything_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relevance.Relevance, "mentions", lambda *_: True)


def _summary(detection: Detection) -> tuple[object, ...]:
    return (
        detection.findings,
        detection.candidates,
        detection.module_bindings,
        detection.module_imports,
        detection.too_deep,
    )


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("settings", [Settings(), Settings(level="native", target_version="2.15")])
def test_generated_tf1_code_gets_the_same_detection_as_with_a_full_walk(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch, seed: int, settings: Settings
) -> None:
    source = generate_file(1500, seed=seed)
    passed_over = _summary(detect(source, catalogue, settings))
    _everything_walked(monkeypatch)
    assert passed_over == _summary(detect(source, catalogue, settings))
