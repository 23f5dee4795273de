"""When work runs: publishing coalesced or debounced per document, work shared while it runs,
jedi asked in the background; nothing runs for a closed document."""

from __future__ import annotations

import asyncio
import threading

from tests.lsp.support import settle, until
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.lsp.index import DocumentState, Index, ReceiverHints
from tf2_lsp.lsp.scheduler import Scheduler
from tf2_lsp.lsp.snapshot import analyse_text
from tf2_lsp.settings import Settings

URI = "file:///work/a.py"


class Publisher:
    """The session's side: each publish is recorded, and held until `release` when `hold`."""

    def __init__(self, hold: bool = False) -> None:
        self.calls: list[str] = []
        self.gate = asyncio.Event()
        if not hold:
            self.gate.set()

    async def __call__(self, state: DocumentState) -> None:
        self.calls.append(state.uri)
        await self.gate.wait()


def scheduler_for(publisher: Publisher, said: list[str] | None = None) -> Scheduler:
    return Scheduler(publisher, lambda topic, message: (said or []).append(message))


async def test_changes_during_a_publish_cost_one_more_publish_not_one_each() -> None:
    publisher = Publisher(hold=True)
    scheduler = scheduler_for(publisher)
    state = DocumentState(URI)
    scheduler.schedule(state)
    await until(lambda: len(publisher.calls) == 1)
    for _ in range(5):  # a burst of keystrokes while the first analysis runs
        scheduler.schedule(state)
    publisher.gate.set()
    await until(lambda: state.task is None)
    assert publisher.calls == [URI, URI]
    assert not state.dirty


async def test_a_debounce_publishes_once_after_the_last_change() -> None:
    publisher = Publisher()
    scheduler = scheduler_for(publisher)
    state = DocumentState(URI)
    for _ in range(4):
        scheduler.schedule(state, 40)
        await asyncio.sleep(0.01)
    assert publisher.calls == []  # still waiting for the keystrokes to stop
    await until(lambda: bool(publisher.calls))
    await settle(0.1)
    assert publisher.calls == [URI]
    assert state.task is None


async def test_a_closed_document_is_never_published() -> None:
    publisher = Publisher()
    scheduler = scheduler_for(publisher)
    index = Index()
    waiting = index.add(URI)
    scheduler.schedule(waiting, 60_000)  # a long debounce
    scheduler.cancel(index.remove(URI) or waiting)
    assert waiting.task is None and not waiting.dirty
    scheduler.schedule(waiting, 0)  # a late change for the closed record
    await settle(0.05)
    assert publisher.calls == [] and waiting.task is None


async def test_work_for_the_same_key_runs_once_while_it_runs() -> None:
    scheduler = scheduler_for(Publisher())
    runs: list[str] = []
    release = threading.Event()

    def work() -> object:
        runs.append(threading.current_thread().name)
        release.wait(5)
        return object()

    first = asyncio.ensure_future(scheduler.shared("text", work))
    second = asyncio.ensure_future(scheduler.shared("text", work))
    await until(lambda: bool(runs))
    assert scheduler.running == 1
    release.set()
    assert await first is await second
    assert len(runs) == 1 and runs[0].startswith("tf2-lsp-worker")  # never on the loop
    assert scheduler.running == 0  # nothing kept once it is done
    assert await scheduler.shared("text", work) is not await first  # a later call runs again


SOURCE = """import tensorflow as tf


class Picture:
    def make_one_shot_iterator(self):
        return iter(())


Picture().make_one_shot_iterator()
"""


async def test_jedis_answers_reach_an_open_document_only(catalogue: Catalogue) -> None:
    candidates = analyse_text(SOURCE, catalogue, Settings()).detection.candidates
    assert len(candidates) == 1
    scheduler = scheduler_for(Publisher())
    answers: dict[str, ReceiverHints] = {}
    index = Index()
    open_state, closed_state = index.add(URI), index.add("file:///work/b.py")
    for state in (open_state, closed_state):
        scheduler.infer_later(
            state, SOURCE, None, candidates, lambda found, s=state: answers.update({s.uri: found})
        )
    assert open_state.inferring
    # Asked once per document at a time: a second request meanwhile is not another inference.
    scheduler.infer_later(open_state, SOURCE, None, candidates, lambda found: answers.clear())
    index.remove(closed_state.uri)
    await until(lambda: not open_state.inferring and not closed_state.inferring)
    assert answers == {URI: {candidates[0].key: ""}}  # a Picture, not a dataset: a miss
