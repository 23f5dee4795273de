#!/usr/bin/env python3
"""Start the server bundled in a platform .vsix with a bare Python, and check it answers.

    python3 scripts/smoke_vsix.py tf2-lsp-linux-x64.vsix [--python /usr/bin/python3 ...]

Unpacks the .vsix; then for each Python (default: the base interpreter of the one running
this script) makes a bare virtual environment from it (`venv --without-pip`: nothing
installed, whatever the base interpreter has), checks that tf2_lsp, pygls, libcst and jedi
cannot be imported there, asks the extension's own code (`dist/cli.js --extension-dir`) for
the command with that environment's bin directory as the whole PATH, starts it, and does one
LSP round trip over stdio: initialize, open a file of the bundled TF1 example, expect tf2-lsp
diagnostics, shut down.
Exits 1 with the reason on any failure. Needs node and `npm run build` done.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

CLIENT = Path(__file__).resolve().parents[1]
REPO = CLIENT.parent
CLI = CLIENT / "dist" / "cli.js"
EXAMPLE = REPO / "examples" / "tf1_model"
EXAMPLE_FILE = EXAMPLE / "model.py"
NOT_INSTALLED = ("tf2_lsp", "pygls", "libcst", "jedi", "lsprotocol")
TIMEOUT = 90.0


class SmokeError(Exception):
    pass


def base_python() -> str:
    """The interpreter a virtual environment was made from (the running one if none)."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return str(Path(base).resolve())


def check_bare(python: str) -> str:
    code = (
        "import importlib.util, sys; "
        f"found = [m for m in {NOT_INSTALLED!r} if importlib.util.find_spec(m)]; "
        "print('%d.%d' % sys.version_info[:2], ' '.join(found))"
    )
    out = subprocess.run(
        [python, "-I", "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    version, found = out[0], out[1:]
    if found:
        raise SmokeError(f"{python} is not bare: it can import {', '.join(found)}")
    return version


def unpack(vsix: Path, into: Path) -> Path:
    with zipfile.ZipFile(vsix) as archive:
        names = set(archive.namelist())
        for needed in ("bundled/tool/launch.py", "bundled/manifest.json", "dist/extension.js"):
            if f"extension/{needed}" not in names:
                raise SmokeError(f"{vsix.name} lacks extension/{needed}")
        archive.extractall(into)
    return into / "extension"


def server_command(extension: Path, path_dir: Path) -> tuple[list[str], dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not CLI.is_file():
        raise SmokeError(f"needs node and {CLI} (npm run build)")
    proc = subprocess.run(
        [node, str(CLI), "--workspace", str(EXAMPLE), "--extension-dir", str(extension)],
        input="{}",
        capture_output=True,
        text=True,
        env={"PATH": str(path_dir)},
        timeout=60,
        check=False,
    )
    if proc.returncode != 0:
        raise SmokeError(f"dist/cli.js found no server: {proc.stderr.strip()}")
    out = json.loads(proc.stdout)
    if not out["bundled"]:
        raise SmokeError(f"dist/cli.js chose a server that is not the bundled one: {out}")
    return out["command"], out["initializationOptions"]


class Connection:
    """JSON-RPC over the server's stdio, read on a thread."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdin is not None and proc.stdout is not None
        self.proc = proc
        self.stdin = proc.stdin
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, args=(proc.stdout,), daemon=True).start()
        self.next_id = 0

    def _read(self, stream: BinaryIO) -> None:
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put(None)
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.stdin.flush()

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        reply = self.wait(lambda m: m.get("id") == self.next_id and "method" not in m, method)
        if "error" in reply:
            raise SmokeError(f"{method} failed: {reply['error']}")
        return reply.get("result")

    def wait(self, wanted: Any, what: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SmokeError(f"no {what} within {TIMEOUT:.0f} s")
            try:
                message = self.messages.get(timeout=remaining)
            except queue.Empty:
                continue
            if message is None:
                raise SmokeError(f"the server closed its output before {what}")
            if "method" in message and "id" in message:  # a request to the client
                self.send({"id": message["id"], "result": None})
            if wanted(message):
                return message


def round_trip(command: list[str], options: dict[str, Any], path_dir: Path) -> list[str]:
    """Start the server, get diagnostics for the example, shut it down; the codes found."""
    env = {"PATH": str(path_dir), "HOME": str(path_dir)}
    if "SYSTEMROOT" in os.environ:
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    with tempfile.TemporaryFile() as stderr:
        return _round_trip(command, options, env, stderr)


def _round_trip(
    command: list[str], options: dict[str, Any], env: dict[str, str], stderr: BinaryIO
) -> list[str]:
    proc = subprocess.Popen(
        command, cwd=EXAMPLE, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr
    )
    try:
        rpc = Connection(proc)
        init = rpc.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": EXAMPLE.as_uri(),
                "workspaceFolders": [{"uri": EXAMPLE.as_uri(), "name": EXAMPLE.name}],
                "capabilities": {"textDocument": {"publishDiagnostics": {}}},
                "initializationOptions": options,
            },
        )
        name = init.get("serverInfo", {}).get("name")
        if name != "tf2-lsp":
            raise SmokeError(f"serverInfo names {name!r}, not tf2-lsp")
        rpc.send({"method": "initialized", "params": {}})
        uri = EXAMPLE_FILE.as_uri()
        text = EXAMPLE_FILE.read_text(encoding="utf-8")
        document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
        rpc.send({"method": "textDocument/didOpen", "params": {"textDocument": document}})
        published = rpc.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"]["diagnostics"]
            ),
            f"diagnostics for {EXAMPLE_FILE.name}",
        )
        diagnostics = published["params"]["diagnostics"]
        if {d.get("source") for d in diagnostics} != {"tf2-lsp"}:
            raise SmokeError(f"diagnostics from another source: {diagnostics[:2]}")
        rpc.request("shutdown", None)
        rpc.send({"method": "exit"})
        code = proc.wait(timeout=30)
        if code != 0:
            raise SmokeError(f"the server exited {code} after shutdown and exit")
        return sorted({str(d["code"]) for d in diagnostics})
    except SmokeError as error:
        proc.kill()
        proc.wait()
        stderr.seek(0)
        log = stderr.read().decode(errors="replace").strip()[-3000:]
        raise SmokeError(f"{error}\nserver stderr:\n{log}") from None


def bare_environment(python: str, directory: Path) -> Path:
    """A virtual environment with nothing installed; its bin (Scripts) directory."""
    subprocess.run([python, "-m", "venv", "--without-pip", str(directory)], check=True, timeout=120)
    return directory / ("Scripts" if os.name == "nt" else "bin")


def smoke(vsix: Path, extension: Path, python: str, work: Path) -> None:
    path_dir = bare_environment(python, work / f"venv-{len(list(work.iterdir()))}")
    bare = path_dir / "python3"
    version = check_bare(str(bare))
    command, options = server_command(extension, path_dir)
    if command[:2] != [str(bare), "-I"]:
        raise SmokeError(f"unexpected command {command}")
    started = time.monotonic()
    codes = round_trip(command, options, path_dir)
    elapsed = time.monotonic() - started
    print(
        f"{vsix.name} with a bare Python {version} (venv of {python}): {len(codes)} rule "
        f"codes ({', '.join(codes[:5])}, ...) in {elapsed:.1f} s",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("vsix", type=Path)
    parser.add_argument(
        "--python", action="append", help="an interpreter to make the bare environment from"
    )
    args = parser.parse_args(argv)
    vsix = args.vsix.resolve()
    try:
        with tempfile.TemporaryDirectory(prefix="tf2-lsp-smoke-") as tmp:
            work = Path(tmp)
            extension = unpack(vsix, work / "unpacked")
            for python in args.python or [base_python()]:
                smoke(vsix, extension, str(Path(python).resolve()), work)
    except (SmokeError, subprocess.SubprocessError, OSError) as error:
        print(f"smoke_vsix: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
