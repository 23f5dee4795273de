"""Smoke test of an installed tf2-lsp: what a user runs first, against the installed artifact.

    python scripts/smoke_install.py -- /path/to/venv/bin/tf2-lsp
    python scripts/smoke_install.py --env PYTHONPATH=/tmp/site -- python3 -m tf2_lsp

Everything after `--` is the command that starts tf2-lsp (a console script from a wheel,
pipx or uv, or an interpreter with `-m tf2_lsp`). It runs from a scratch directory, so a
checkout in the working directory cannot stand in for the installed package, and checks:

- `--version` names the version in the installed package's metadata;
- the installed package is imported from where the command says, not from this checkout;
- `check` on the bundled TF1 example reports findings (exit 1);
- `fix --diff` prints a diff of it (exit 1) and changes nothing on disk;
- `report` writes an HTML page that names the example's files;
- `serve` answers `initialize` with its name and version and publishes diagnostics for an
  opened file, then shuts down and exits.

Exits 0 when all pass and prints one line per check; otherwise names the failing check.
Uses only the standard library, so it runs with any Python.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "tf1_model"
TIMEOUT_S = 120


class SmokeFailure(Exception):
    pass


def run(command: Sequence[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
    )


def expect(condition: bool, what: str, detail: str = "") -> None:
    if not condition:
        raise SmokeFailure(f"{what}\n{detail}".rstrip())
    print(f"ok   {what}")


def installed_facts(tf2_lsp: Sequence[str], cwd: Path, env: dict[str, str]) -> dict[str, str]:
    """Where the command imports tf2_lsp from, and the version its metadata gives."""
    python = _interpreter_of(tf2_lsp)
    probe = (
        "import json, importlib.metadata as m, tf2_lsp;"
        "print(json.dumps({'file': tf2_lsp.__file__, 'metadata': m.version('tf2-lsp'),"
        " 'attribute': tf2_lsp.__version__}))"
    )
    result = run([*python, "-c", probe], cwd, env)
    if result.returncode != 0:
        raise SmokeFailure(f"cannot import the installed tf2_lsp\n{result.stderr}")
    facts: dict[str, str] = json.loads(result.stdout)
    return facts


def _interpreter_of(tf2_lsp: Sequence[str]) -> list[str]:
    """The Python that runs a `tf2-lsp` command (a console script names it on its first line)."""
    if len(tf2_lsp) >= 3 and tf2_lsp[-2:] == ["-m", "tf2_lsp"]:
        return list(tf2_lsp[:-2])
    script = shutil.which(tf2_lsp[0]) or tf2_lsp[0]
    first_line = Path(script).read_bytes().split(b"\n", 1)[0].decode()
    if not first_line.startswith("#!"):
        raise SmokeFailure(f"{script}: not a console script; pass `PYTHON -m tf2_lsp` instead")
    return first_line[2:].split()


def check_cli(tf2_lsp: Sequence[str], scratch: Path, env: dict[str, str]) -> None:
    facts = installed_facts(tf2_lsp, scratch, env)
    expect(
        not Path(facts["file"]).resolve().is_relative_to(REPO),
        f"tf2_lsp is imported from the installation ({facts['file']})",
    )
    version = run([*tf2_lsp, "--version"], scratch, env)
    expect(
        version.stdout.strip() == f"tf2-lsp {facts['metadata']}" == f"tf2-lsp {facts['attribute']}",
        f"--version says the metadata's version ({facts['metadata']})",
        version.stdout + version.stderr,
    )

    example = scratch / "tf1_model"
    shutil.copytree(EXAMPLE, example)
    before = {path.name: path.read_bytes() for path in example.glob("*.py")}

    check = run([*tf2_lsp, "check", "--format", "json", str(example)], scratch, env)
    findings = json.loads(check.stdout) if check.returncode == 1 else []
    expect(
        check.returncode == 1 and len(findings) > 0,
        f"check reports the example's TF1 uses ({len(findings)} findings)",
        check.stdout[-2000:] + check.stderr[-2000:],
    )

    diff = run([*tf2_lsp, "fix", "--diff", str(example)], scratch, env)
    unchanged = before == {path.name: path.read_bytes() for path in example.glob("*.py")}
    expect(
        diff.returncode == 1 and "+++ " in diff.stdout and unchanged,
        "fix --diff prints a diff and writes nothing",
        diff.stdout[-2000:] + diff.stderr[-2000:],
    )

    page = scratch / "report.html"
    report = run([*tf2_lsp, "report", str(example), "-o", str(page)], scratch, env)
    html = page.read_text(encoding="utf-8") if page.is_file() else ""
    expect(
        report.returncode in (0, 1) and "model.py" in html and "</html>" in html,
        "report writes an HTML page naming the example's files",
        report.stdout[-2000:] + report.stderr[-2000:],
    )

    check_server(tf2_lsp, example / "model.py", scratch, env, facts["metadata"])


class _Lsp:
    """Just enough JSON-RPC over stdio (Content-Length framing) for one round trip."""

    def __init__(self, command: Sequence[str], cwd: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [*command, "serve"],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: list[dict[str, Any]] = []
        self._arrived = threading.Condition()
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()

    def _read(self, stream: IO[bytes] | None) -> None:
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not line:
                return
            message = json.loads(stream.read(length))
            with self._arrived:
                self.messages.append(message)
                self._arrived.notify_all()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def wait_for(self, wanted: str, key: str, value: Any) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            return next((m for m in self.messages if m.get(key) == value), None)

        with self._arrived:
            if not self._arrived.wait_for(lambda: found() is not None, timeout=TIMEOUT_S):
                raise SmokeFailure(f"serve: no {wanted} within {TIMEOUT_S} s")
            message = found()
        assert message is not None
        return message


def check_server(
    tf2_lsp: Sequence[str], source: Path, scratch: Path, env: dict[str, str], version: str
) -> None:
    server = _Lsp(tf2_lsp, scratch, env)
    try:
        server.send(
            {
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": scratch.as_uri(), "capabilities": {}},
            }
        )
        info = server.wait_for("initialize response", "id", 1).get("result", {}).get("serverInfo")
        expect(
            info == {"name": "tf2-lsp", "version": version},
            f"serve answers initialize as tf2-lsp {version}",
            repr(info),
        )
        server.send({"method": "initialized", "params": {}})
        uri = source.as_uri()
        server.send(
            {
                "method": "textDocument/didOpen",
                "params": {
                    "textDocument": {
                        "uri": uri,
                        "languageId": "python",
                        "version": 1,
                        "text": source.read_text(encoding="utf-8"),
                    }
                },
            }
        )
        published = server.wait_for("diagnostics", "method", "textDocument/publishDiagnostics")
        diagnostics = published["params"]["diagnostics"]
        expect(
            published["params"]["uri"] == uri and len(diagnostics) > 0,
            f"serve publishes diagnostics for an opened file ({len(diagnostics)})",
        )
        server.send({"id": 2, "method": "shutdown"})
        server.wait_for("shutdown response", "id", 2)
        server.send({"method": "exit"})
        expect(server.process.wait(timeout=TIMEOUT_S) == 0, "serve exits 0 after shutdown, exit")
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="set for every run"
    )
    parser.add_argument("command", nargs="+", help="the command that starts tf2-lsp (after --)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    for setting in args.env:
        name, _, value = setting.partition("=")
        env[name] = value
    with tempfile.TemporaryDirectory(prefix="tf2-lsp-smoke-") as scratch:
        try:
            check_cli(args.command, Path(scratch), env)
        except (SmokeFailure, subprocess.TimeoutExpired, OSError) as failure:
            print(f"FAIL {failure}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
