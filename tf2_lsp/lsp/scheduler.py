"""When the server works, and on which thread: nothing is analysed on the event loop.

- Worker threads run analyses and answers; a request for text whose analysis is running
  waits for it instead of repeating it (`shared`).
- Publishing a document's diagnostics runs at once and coalesces the changes that arrive
  meanwhile, or, with a `debounce` setting, waits for the last keystroke (`schedule`).
- jedi's receiver types are asked in the background, in jedi's own thread (`infer_later`).

The per-document state it reads and writes (the publishing task, the dirty flag, whether jedi
is being asked) lives in the document's `DocumentState`, so closing a document leaves nothing
here but what is running, and that ends by itself.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import logging
import threading
from collections.abc import Awaitable, Callable, Hashable, Sequence
from functools import cached_property
from typing import Any, TypeVar

from tf2_lsp.lsp.index import DocumentState, ReceiverHints
from tf2_lsp.lsp.inference import JediWorker
from tf2_lsp.model import ReceiverCandidate

log = logging.getLogger("tf2-lsp")
T = TypeVar("T")
WORKER_THREADS = 4

# What analyses and answers import, loaded lazily (start-up time), then by one thread at a
# time: threads importing one package at once can see it half initialized (jedi did).
ANALYSIS_MODULES = ("tf2_lsp.engine", "tf2_lsp.analysis.detect")
ANSWER_MODULES = ("tf2_lsp.fixes.apply", "tf2_lsp.lsp.actions", "tf2_lsp.lsp.hover")  # libcst
_LOADING = threading.Lock()


def load_modules(names: tuple[str, ...] = ANALYSIS_MODULES) -> None:
    """Import `names`, one thread at a time (each worker thread, before its first job; the
    warm-up after `initialized`; an answer before it imports libcst)."""
    with _LOADING:
        try:
            for name in names:
                importlib.import_module(name)
        except Exception:  # the job that needs the module then fails with its own error
            log.exception("tf2-lsp: loading %s failed", name)


class Scheduler:
    """Runs `publish(state)` for documents as they change, and work off the event loop."""

    def __init__(
        self,
        publish: Callable[[DocumentState], Awaitable[None]],
        report: Callable[[str, str], None],
    ) -> None:
        self._publish = publish
        self._report = report  # (topic, message): a problem to say once
        # Work running in the worker threads, by what it computes (see `shared`).
        self._running: dict[Hashable, asyncio.Future[Any]] = {}

    # -- worker threads ----------------------------------------------------------

    @cached_property
    def executor(self) -> concurrent.futures.ThreadPoolExecutor:
        """Threads for analyses and answers: the event loop keeps reading changes meanwhile,
        and a small document is not kept waiting behind a large one's analysis. One document's
        analyses still run one at a time (`schedule`)."""
        return concurrent.futures.ThreadPoolExecutor(
            WORKER_THREADS, thread_name_prefix="tf2-lsp-worker", initializer=load_modules
        )

    async def off_loop(self, work: Callable[..., T], *args: Any) -> T:
        """`work(*args)` in a worker thread."""
        return await asyncio.get_event_loop().run_in_executor(self.executor, work, *args)

    async def shared(self, key: Hashable, work: Callable[[], T]) -> T:
        """`work()` in a worker thread; while it runs, callers with the same key share it."""
        future = self._running.get(key)
        if future is None:
            future = asyncio.get_event_loop().run_in_executor(self.executor, work)
            self._running[key] = future

            def done(_: asyncio.Future[Any]) -> None:
                if self._running.get(key) is future:
                    del self._running[key]

            future.add_done_callback(done)
        # A cancelled request stops waiting; the work goes on for whoever else waits.
        result: T = await asyncio.shield(future)
        return result

    @property
    def running(self) -> int:
        """How many pieces of work run in the worker threads now."""
        return len(self._running)

    # -- publishing --------------------------------------------------------------

    def schedule(self, state: DocumentState, delay_ms: int = 0) -> None:
        """Publish `state`'s diagnostics for its document's latest version.

        With no delay (the default): at once when no publishing of it runs; while one runs,
        once more when it ends, for whatever version is current then, so a burst of changes
        costs at most two analyses, and a result for an older version is never published.
        A `debounce` setting > 0 instead waits that long after the last change.
        """
        if state.closed:
            return
        if delay_ms:
            self.cancel(state)
            self._start(state, delay_ms)
            return
        state.dirty = True
        if state.task is None:
            self._start(state, 0)

    def _start(self, state: DocumentState, delay_ms: int) -> None:
        async def run() -> None:
            try:
                if delay_ms:
                    await asyncio.sleep(delay_ms / 1000)
                    state.dirty = True
                while state.dirty and not state.closed:
                    state.dirty = False
                    await self._publish(state)
            except asyncio.CancelledError:
                pass
            except Exception:  # never let one document take the server down
                log.exception("analysis of %s failed", state.uri)
            finally:
                if state.task is task:
                    state.task = None

        task = asyncio.get_event_loop().create_task(run())
        state.task = task

    def cancel(self, state: DocumentState) -> None:
        """Stop publishing `state` (its document closed, or a debounce starts again)."""
        state.dirty = False
        task, state.task = state.task, None
        if task is not None:
            task.cancel()

    # -- jedi in the background --------------------------------------------------

    @cached_property
    def jedi(self) -> JediWorker:
        return JediWorker()

    def infer_later(
        self,
        state: DocumentState,
        source: str,
        path: str | None,
        candidates: Sequence[ReceiverCandidate],
        found: Callable[[ReceiverHints], None],
    ) -> None:
        """Ask jedi, in its thread, the receiver types of `candidates` in `source`, one
        document at a time; `found` gets its answers unless the document closed meanwhile.
        A failure is said once and not remembered: the same receivers are asked again on the
        next analysis."""
        if not candidates or state.inferring or state.closed:
            return
        state.inferring = True

        async def run() -> None:
            try:
                answers = await self.jedi.infer(source, path, candidates)
            except Exception as error:
                self._report(
                    "jedi", f"tf2-lsp: jedi inference failed: {type(error).__name__}: {error}"
                )
                return
            finally:
                state.inferring = False
            if not state.closed:
                found(answers)

        asyncio.get_event_loop().create_task(run())

    def release_jedi(self, path: str | None, everything: bool) -> None:
        """What jedi parsed for a closed file goes; with `everything`, all it cached."""
        self.jedi.forget(path, everything)
