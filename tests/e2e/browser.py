"""Headless Chromium (Debian's package) driven over the DevTools protocol, offline.

One page per `Browser.open()`: the network is switched off (host resolution fails, and the
DevTools network emulation is offline), every request, console message, log entry and uncaught
exception is recorded, and the page can be queried with JavaScript and photographed.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import websockets

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--remote-debugging-port=0",
]
TIMEOUT = 30.0


def chromium_or_skip() -> str:
    """The browser binary; in CI (CI=true) a missing browser fails the test instead of skipping."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    message = "chromium is not installed (`apt-get install -y chromium`; .ci/run installs it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Page:
    connection: Any
    session: str
    ids: itertools.count[int]
    pending: dict[int, asyncio.Future[dict[str, Any]]]
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    loaded: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        ident = next(self.ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[ident] = future
        await self.connection.send(
            json.dumps({"id": ident, "method": method, "params": params, "sessionId": self.session})
        )
        return await asyncio.wait_for(future, TIMEOUT)

    async def evaluate(self, expression: str) -> Any:
        reply = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in reply:
            raise AssertionError(f"{expression!r} raised: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    async def goto(self, url: str) -> None:
        self.loaded.clear()
        await self.send("Page.navigate", url=url)
        await asyncio.wait_for(self.loaded.wait(), TIMEOUT)

    async def screenshot(self, path: Path, width: int = 1280) -> None:
        height = await self.evaluate("document.documentElement.scrollHeight")
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=int(height),
            deviceScaleFactor=1,
            mobile=False,
        )
        shot = await self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def handle(self, message: dict[str, Any]) -> None:
        method = message.get("method", "")
        params = message.get("params", {})
        if method == "Page.loadEventFired":
            self.loaded.set()
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.exceptionThrown":
            self.errors.append(f"exception: {params['exceptionDetails']}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append(f"console.{params['type']}: {params.get('args')}")
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.errors.append(f"log: {params['entry'].get('text')}")


@asynccontextmanager
async def open_page(width: int = 1280, height: int = 900) -> AsyncIterator[Page]:
    binary = chromium_or_skip()
    # Chromium's helper processes (crashpad, zygotes) may still write to the profile for a
    # moment after the browser exits: a plain rmtree then failed with ENOTEMPTY under load.
    with tempfile.TemporaryDirectory(
        prefix="tf2lsp-chromium-", ignore_cleanup_errors=True
    ) as profile:
        process = subprocess.Popen(
            [
                binary,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            for _ in range(300):
                if port_file.exists() and len(port_file.read_text().splitlines()) >= 2:
                    break
                if process.poll() is not None:
                    raise AssertionError(f"chromium exited with {process.returncode}")
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("chromium did not open its DevTools port")
            port, browser_path = port_file.read_text().splitlines()[:2]
            async with websockets.connect(
                f"ws://127.0.0.1:{port}{browser_path}", max_size=None
            ) as connection:
                yield await _attach(connection)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def _attach(connection: Any) -> Page:
    ids = itertools.count(1)
    pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
    page: Page | None = None

    async def pump() -> None:
        async for raw in connection:
            message = json.loads(raw)
            if "id" in message and message["id"] in pending:
                future = pending.pop(message["id"])
                if "error" in message:
                    future.set_exception(AssertionError(str(message["error"])))
                else:
                    future.set_result(message.get("result", {}))
            elif page is not None and message.get("sessionId") == page.session:
                page.handle(message)

    async def browser_call(method: str, **params: Any) -> dict[str, Any]:
        ident = next(ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        pending[ident] = future
        await connection.send(json.dumps({"id": ident, "method": method, "params": params}))
        return await asyncio.wait_for(future, TIMEOUT)

    pumping = asyncio.get_running_loop().create_task(pump())
    pumping.add_done_callback(lambda task: None if task.cancelled() else task.exception())
    target = await browser_call("Target.createTarget", url="about:blank")
    attached = await browser_call(
        "Target.attachToTarget", targetId=target["targetId"], flatten=True
    )
    page = Page(connection, attached["sessionId"], ids, pending)
    for domain in ("Page", "Runtime", "Log", "Network"):
        await page.send(f"{domain}.enable")
    await page.send(
        "Network.emulateNetworkConditions",
        offline=True,
        latency=0,
        downloadThroughput=-1,
        uploadThroughput=-1,
    )
    return page
