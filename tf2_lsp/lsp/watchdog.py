"""Exit when the editor that started the server dies without saying goodbye."""

from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger("tf2-lsp")

PARENT_POLL_SECONDS = 2.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def watch_parent(pid: int) -> None:
    """Poll the client process `pid` in a daemon thread; exit the server once it is gone.

    A pid this process cannot see (the client runs in another container or PID namespace)
    is not watched: it would look dead at once and end the session before it starts.
    """
    if pid <= 0 or not _alive(pid):
        log.warning("client process %s is not visible from here; not watching it", pid)
        return

    def watch() -> None:
        while _alive(pid):
            threading.Event().wait(PARENT_POLL_SECONDS)
        log.info("client process %s is gone; exiting", pid)
        os._exit(0)

    threading.Thread(target=watch, name="tf2-lsp-parent-watch", daemon=True).start()
