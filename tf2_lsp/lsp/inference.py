"""The one thread that uses jedi.

jedi is imported once, first thing, by this thread (its executor's initializer), and every use
after that (inferring receiver types, releasing what jedi cached for a closed file) runs on the
same thread, in order. Before, inference imported jedi in one thread while closing a file
touched `jedi.cache` from the event loop; the second thread saw jedi half imported
(`ImportError: ... partially initialized module 'jedi.cache'`). Nothing here imports jedi until
the first inference: closing files never starts the thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Sequence

from tf2_lsp.model import ReceiverCandidate

log = logging.getLogger("tf2-lsp")


def _import_jedi() -> None:
    try:
        import jedi  # noqa: F401
    except ImportError:  # each inference then fails on its own, and is not remembered
        log.warning("jedi cannot be imported; receiver types stay unknown", exc_info=True)


class JediWorker:
    def __init__(self) -> None:
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None

    async def infer(
        self, source: str, path: str | None, candidates: Sequence[ReceiverCandidate]
    ) -> dict[tuple[int, int], str]:
        """Receiver types jedi finds (candidate key -> type); raises when jedi fails."""
        from tf2_lsp.analysis.names.infer import infer_receivers

        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(
                1, thread_name_prefix="tf2-lsp-jedi", initializer=_import_jedi
            )
        loop = asyncio.get_event_loop()
        return await loop.run_in_executor(
            self._executor, infer_receivers, source, path, list(candidates)
        )

    def forget(self, path: str | None, everything: bool) -> None:
        """Release what jedi parsed for `path` (with `everything`, all it cached), after the
        inferences already asked for; nothing to do when jedi never ran."""
        from tf2_lsp.analysis.names.infer import forget_file

        if self._executor is not None:
            self._executor.submit(forget_file, path, everything)
