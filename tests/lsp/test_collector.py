"""The cyclic garbage collector waits while the server analyses a text, and comes back as
it was when the last analysis ends."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.lsp.collector import collector_paused
from tf2_lsp.lsp.snapshot import analyse_text
from tf2_lsp.settings import Settings

FUNCTION = "def f{n}(x):\n    y = tf.log(x)\n    return tf.Session().run(y, feed_dict={{x: 1}})\n\n"
LARGE = "import tensorflow as tf\n\n" + "".join(FUNCTION.format(n=n) for n in range(400))


@pytest.fixture
def collector_on() -> Iterator[None]:
    """The collector on, with CPython's default thresholds (a collection every 700
    allocations), whatever the test run set."""
    enabled, threshold = gc.isenabled(), gc.get_threshold()
    gc.enable()
    gc.set_threshold(700, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if not enabled:
            gc.disable()


def collections_during(work: object) -> int:
    started: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(count)
    try:
        assert callable(work)
        work()
    finally:
        gc.callbacks.remove(count)
    return len(started)


@pytest.mark.usefixtures("collector_on")
def test_no_collection_runs_while_a_large_text_is_analysed(catalogue: Catalogue) -> None:
    analyse_text(FUNCTION, catalogue, Settings())  # what the first analysis imports and loads

    def analyse() -> None:
        analysis = analyse_text(LARGE, catalogue, Settings(), 1)
        assert len(analysis.detection.findings) >= 800

    # At most the one collection owed to the analysis's allocations, when the collector is
    # back on (without the pause: one every 700 allocations, dozens here).
    assert collections_during(analyse) <= 1
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_comes_back_only_when_the_last_analysis_ends() -> None:
    first_in, second_done, first_done = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_done.wait(5)
        first_done.set()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_in.wait(5)
    with collector_paused():
        assert not gc.isenabled()
    second_done.set()
    assert not gc.isenabled() or first_done.is_set()  # the first analysis may still run
    thread.join(5)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    enabled = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        if enabled:
            gc.enable()
