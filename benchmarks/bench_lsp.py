"""LSP latency and memory benchmark for ``python -m tf2_lsp serve`` over real stdio.

A small JSON-RPC client (Content-Length framing, one reader thread that timestamps every
message as it arrives) drives the server:

1. spawn -> ``initialize`` response (start-up time);
2. open a generated 1,000-line and a 6,000-line file; for each, send N full-text
   ``didChange`` notifications (a one-line comment edit, increasing version) and wait
   each time for the ``publishDiagnostics`` of that URI and version (p50/p95);
3. ``textDocument/hover`` on a flagged symbol (position taken from a diagnostic), p50;
4. ``textDocument/codeAction`` with that diagnostic's range and context, p50;
5. open 50 more files, wait for their diagnostics, read the server's VmRSS/VmHWM.

The server runs with its default settings (what users get); ``--init-options JSON`` passes
``initializationOptions`` instead (``'{"debounce": 150}'`` to compare with a fixed delay).
Every wait has a timeout; the server is shut down (shutdown/exit) and killed if
it does not exit.  The script reports; it exits 0 whatever the figures.

    python benchmarks/bench_lsp.py [--changes 30] [--requests 30] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.corpus import generate_file  # noqa: E402

MIB = 1024 * 1024
TARGETS_MS = {
    "change_1k_p50_ms": 15.0,
    "change_6k_p50_ms": 50.0,
    "hover_p50_ms": 5.0,
    "code_action_p50_ms": 50.0,
    "initialize_ms": 300.0,
}
TARGET_RSS_MIB = 150.0
TARGET_GROWTH_MIB = 5.0

Json = dict[str, Any]


class LspError(RuntimeError):
    pass


class LspClient:
    """Minimal LSP client over a child process's stdin/stdout."""

    def __init__(self, cmd: Sequence[str], cwd: Path, stderr: IO[bytes]) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen(
            list(cmd),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=cwd,
            env=env,
        )
        self._next_id = 0
        self._write_lock = threading.Lock()
        self._cond = threading.Condition()
        self._responses: dict[int, tuple[float, Json]] = {}
        self._notes: list[tuple[float, Json]] = []
        self._eof = False
        self.last_response_stamp = 0.0
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # -- transport ---------------------------------------------------------------------

    def _send(self, msg: Json) -> float:
        body = json.dumps(msg, separators=(",", ":")).encode("utf-8")
        data = b"Content-Length: %d\r\n\r\n" % len(body) + body
        stdin = self.proc.stdin
        if stdin is None:
            raise LspError("server stdin is closed")
        with self._write_lock:
            stdin.write(data)
            stdin.flush()
            return time.perf_counter()

    def _read_loop(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        try:
            while True:
                length = -1
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    key, _, value = line.decode("ascii", "replace").partition(":")
                    if key.strip().lower() == "content-length":
                        length = int(value.strip())
                if length < 0:
                    continue
                body = stream.read(length)
                if len(body) < length:
                    return
                stamp = time.perf_counter()
                msg = json.loads(body)
                if "method" in msg and "id" in msg:
                    self._answer_server_request(msg)
                    continue
                with self._cond:
                    if "id" in msg:
                        self._responses[msg["id"]] = (stamp, msg)
                    else:
                        self._notes.append((stamp, msg))
                    self._cond.notify_all()
        except (OSError, ValueError):
            return
        finally:
            with self._cond:
                self._eof = True
                self._cond.notify_all()

    def _answer_server_request(self, msg: Json) -> None:
        result: Any = None
        if msg["method"] == "workspace/configuration":
            result = [None] * len(msg.get("params", {}).get("items", []))
        with contextlib.suppress(OSError, LspError):
            self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    # -- API ---------------------------------------------------------------------------

    def request(self, method: str, params: Any, timeout: float) -> tuple[float, Json]:
        """Send a request; return (latency in seconds, response message)."""
        self._next_id += 1
        rid = self._next_id
        sent = self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        with self._cond:
            while rid not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    why = "server exited" if self._eof else f"timeout after {timeout}s"
                    raise LspError(f"{method}: {why}")
                self._cond.wait(left)
            stamp, msg = self._responses.pop(rid)
        self.last_response_stamp = stamp
        if "error" in msg:
            err = msg["error"]
            detail = err.get("message", err) if isinstance(err, dict) else err
            raise LspError(
                f"{method}: error {err.get('code') if isinstance(err, dict) else ''}"
                f" {str(detail)[:300]}"
            )
        return stamp - sent, msg

    def notify(self, method: str, params: Any) -> float:
        return self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def note_mark(self) -> int:
        with self._cond:
            return len(self._notes)

    def wait_note(
        self, pred: Callable[[Json], bool], since: int, timeout: float
    ) -> tuple[float, Json]:
        """Wait for a notification (index >= since) matching `pred`; return (stamp, msg)."""
        deadline = time.monotonic() + timeout
        i = since
        with self._cond:
            while True:
                while i < len(self._notes):
                    stamp, msg = self._notes[i]
                    i += 1
                    if pred(msg):
                        return stamp, msg
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    why = "server exited" if self._eof else f"timeout after {timeout}s"
                    raise LspError(f"waiting for notification: {why}")
                self._cond.wait(left)

    def wait_diagnostics(
        self, uri: str, version: int | None, since: int, timeout: float
    ) -> tuple[float, list[Json]]:
        def pred(msg: Json) -> bool:
            if msg.get("method") != "textDocument/publishDiagnostics":
                return False
            p = msg.get("params", {})
            if p.get("uri") != uri:
                return False
            v = p.get("version")
            return version is None or v is None or v == version

        stamp, msg = self.wait_note(pred, since, timeout)
        return stamp, list(msg["params"].get("diagnostics", []))

    def close(self, timeout: float = 5.0) -> str:
        """shutdown + exit, then wait; kill if needed. Returns how it ended."""
        how = "clean"
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None, timeout)
                self.notify("exit", None)
        except (LspError, OSError) as exc:
            how = f"shutdown failed ({exc})"
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout)
            how = "killed (did not exit after shutdown/exit)"
        self._reader.join(timeout)
        return how

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)


# -- helpers -----------------------------------------------------------------------------


def pct(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile in milliseconds (input in seconds)."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, math.ceil(q / 100.0 * len(ordered)) - 1)
    return round(ordered[k] * 1000.0, 2)


def proc_status(pid: int) -> dict[str, float]:
    out: dict[str, float] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024.0  # kB -> MiB
    return out


def edited(text: str, i: int) -> str:
    """A small edit: one blank line near the middle becomes/changes a comment."""
    lines = text.split("\n")
    mid = len(lines) // 2
    for j in range(mid, len(lines)):
        if not lines[j].strip() or lines[j].startswith("# edit "):
            lines[j] = f"# edit {i}"
            break
    return "\n".join(lines)


def pick_diagnostic(diags: list[Json]) -> Json | None:
    if not diags:
        return None
    return diags[len(diags) // 2]


def hover_position(diag: Json) -> Json:
    start, end = diag["range"]["start"], diag["range"]["end"]
    if start["line"] == end["line"] and end["character"] > start["character"]:
        return {"line": start["line"], "character": end["character"] - 1}
    return dict(start)


def startup_figures(args: argparse.Namespace, root: Path, init_options: Json | None) -> Json:
    """spawn -> initialize response over `args.startups` fresh servers, and the floor under it:
    the same interpreter importing only pygls and lsprotocol (what any pygls server loads)."""
    cmd = args.server_cmd or [args.python, "-m", "tf2_lsp", "serve"]
    times: list[float] = []
    for _ in range(args.startups):
        with open(os.devnull, "wb") as devnull:
            client = LspClient(cmd, root, devnull)
            try:
                client.request("initialize", _initialize_params(root, init_options), args.timeout)
                times.append(client.last_response_stamp - client.t_spawn)  # seconds
                client.close()
            finally:
                client.kill()
    floor: list[float] = []
    for _ in range(args.startups):
        started = time.perf_counter()
        subprocess.run([args.python, "-c", "import lsprotocol.types, pygls.lsp.server"], check=True)
        floor.append(time.perf_counter() - started)
    return {
        "initialize_p50_ms": pct(times, 50),
        "initialize_min_ms": round(min(times) * 1000.0, 2) if times else None,
        "pygls_import_floor_min_ms": round(min(floor) * 1000.0, 2) if floor else None,
        "runs": len(times),
    }


def _initialize_params(root: Path, init_options: Json | None = None) -> Json:
    return {
        "processId": os.getpid(),
        "clientInfo": {"name": "tf2-lsp-bench", "version": "0"},
        "rootUri": root.as_uri(),
        "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
        "initializationOptions": init_options,
        "capabilities": {
            "textDocument": {
                "synchronization": {"didSave": True, "dynamicRegistration": False},
                "publishDiagnostics": {
                    "relatedInformation": True,
                    "versionSupport": True,
                    "tagSupport": {"valueSet": [1, 2]},
                    "codeDescriptionSupport": True,
                    "dataSupport": True,
                },
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "codeAction": {
                    "codeActionLiteralSupport": {
                        "codeActionKind": {
                            "valueSet": ["", "quickfix", "refactor", "source", "source.fixAll"]
                        }
                    },
                    "isPreferredSupport": True,
                    "dataSupport": True,
                    "resolveSupport": {"properties": ["edit"]},
                },
            },
            "workspace": {"configuration": True, "workspaceFolders": True},
            "window": {"workDoneProgress": False},
        },
    }


# -- the benchmark -----------------------------------------------------------------------


def run(args: argparse.Namespace, log: Callable[[str], None]) -> Json:
    init_options = json.loads(args.init_options) if args.init_options else None
    report: Json = {
        "initialization_options": init_options,
        "changes": args.changes,
        "requests": args.requests,
    }
    errors: list[str] = report.setdefault("errors", [])
    cmd = args.server_cmd or [args.python, "-m", "tf2_lsp", "serve"]
    report["server_cmd"] = cmd
    tmp = tempfile.TemporaryDirectory(prefix="tf2lsp-lsp-bench-")
    root = Path(tmp.name)
    stderr_path = root / "server.stderr"
    client: LspClient | None = None
    t = args.timeout
    try:
        with stderr_path.open("wb") as stderr:
            client = LspClient(cmd, root, stderr)
            _, init = client.request("initialize", _initialize_params(root, init_options), t)
            report["initialize_ms"] = round(
                (client.last_response_stamp - client.t_spawn) * 1000.0, 2
            )
            report["server_name"] = init.get("result", {}).get("serverInfo", {})
            client.notify("initialized", {})
            log(f"initialize: {report['initialize_ms']} ms from spawn")
            if args.startups:
                report["startup"] = startup_figures(args, root, init_options)
                log(
                    "start-up over {runs} servers: initialize p50 {initialize_p50_ms} ms, "
                    "min {initialize_min_ms} ms; importing pygls + lsprotocol alone: "
                    "{pygls_import_floor_min_ms} ms (min)".format(**report["startup"])
                )

            sizes = {"1k": 1000, "6k": 6000}
            docs: dict[str, tuple[str, str]] = {}
            for key, n in sizes.items():
                path = root / f"bench_{key}.py"
                text = generate_file(n, seed=args.seed + n)
                path.write_text(text, encoding="utf-8")
                docs[key] = (path.as_uri(), text)

            for key, (uri, text) in docs.items():
                sec: Json = report.setdefault(key, {})
                mark = client.note_mark()
                sent = client.notify(
                    "textDocument/didOpen",
                    {
                        "textDocument": {
                            "uri": uri,
                            "languageId": "python",
                            "version": 1,
                            "text": text,
                        }
                    },
                )
                got, diags = client.wait_diagnostics(uri, 1, mark, t)
                sec["open_to_diagnostics_ms"] = round((got - sent) * 1000.0, 2)
                sec["diagnostics"] = len(diags)
                log(
                    f"{key}: didOpen -> {len(diags)} diagnostics in "
                    f"{sec['open_to_diagnostics_ms']} ms"
                )

                lat: list[float] = []
                current = text
                for i in range(args.changes):
                    version = i + 2
                    current = edited(current, i)
                    mark = client.note_mark()
                    sent = client.notify(
                        "textDocument/didChange",
                        {
                            "textDocument": {"uri": uri, "version": version},
                            "contentChanges": [{"text": current}],
                        },
                    )
                    try:
                        got, diags = client.wait_diagnostics(uri, version, mark, t)
                    except LspError as exc:
                        errors.append(f"{key} change v{version}: {exc}")
                        break
                    lat.append(got - sent)
                sec["change_p50_ms"] = pct(lat, 50)
                sec["change_p95_ms"] = pct(lat, 95)
                sec["change_samples"] = len(lat)
                log(
                    f"{key}: didChange -> diagnostics p50 {sec['change_p50_ms']} ms, "
                    f"p95 {sec['change_p95_ms']} ms over {len(lat)}"
                )

                diag = pick_diagnostic(diags)
                if diag is None:
                    errors.append(f"{key}: no diagnostics, hover/codeAction skipped")
                    continue
                sec["probe_diagnostic"] = {
                    "code": diag.get("code"),
                    "range": diag.get("range"),
                    "message": str(diag.get("message", ""))[:120],
                }
                pos = hover_position(diag)
                hov: list[float] = []
                nonempty = 0
                for _ in range(args.requests):
                    try:
                        dt, msg = client.request(
                            "textDocument/hover",
                            {"textDocument": {"uri": uri}, "position": pos},
                            t,
                        )
                    except LspError as exc:
                        errors.append(f"{key} hover: {exc}")
                        break
                    hov.append(dt)
                    nonempty += msg.get("result") is not None
                sec["hover_p50_ms"] = pct(hov, 50)
                sec["hover_p95_ms"] = pct(hov, 95)
                sec["hover_nonempty"] = f"{nonempty}/{len(hov)}"

                act: list[float] = []
                n_actions = 0
                for _ in range(args.requests):
                    try:
                        dt, msg = client.request(
                            "textDocument/codeAction",
                            {
                                "textDocument": {"uri": uri},
                                "range": diag["range"],
                                "context": {"diagnostics": [diag], "triggerKind": 1},
                            },
                            t,
                        )
                    except LspError as exc:
                        errors.append(f"{key} codeAction: {exc}")
                        break
                    act.append(dt)
                    n_actions = len(msg.get("result") or [])
                sec["code_action_p50_ms"] = pct(act, 50)
                sec["code_action_p95_ms"] = pct(act, 95)
                sec["code_actions_returned"] = n_actions
                log(
                    f"{key}: hover p50 {sec['hover_p50_ms']} ms "
                    f"(non-empty {sec['hover_nonempty']}), codeAction p50 "
                    f"{sec['code_action_p50_ms']} ms ({n_actions} actions)"
                )

            # Memory with many open documents, opened and closed again `--cycles` times:
            # per-document state and jedi's caches must be released, so RSS must not grow.
            rng = random.Random(args.seed)
            texts = []
            for i in range(args.open_files):
                n = rng.randint(50, 1200)
                path = root / "many" / f"mod_{i:03d}.py"
                path.parent.mkdir(exist_ok=True)
                text = generate_file(n, seed=args.seed * 7919 + i)
                path.write_text(text, encoding="utf-8")
                texts.append((path.as_uri(), text))
            cycles: list[Json] = []
            for cycle in range(max(1, args.cycles)):
                opened_uris: list[str] = []
                t0 = time.perf_counter()
                for i, (uri, text) in enumerate(texts):
                    mark = client.note_mark()
                    client.notify(
                        "textDocument/didOpen",
                        {
                            "textDocument": {
                                "uri": uri,
                                "languageId": "python",
                                "version": 1 + cycle,
                                "text": text,
                            }
                        },
                    )
                    try:
                        client.wait_diagnostics(uri, 1 + cycle, mark, t)
                    except LspError as exc:
                        errors.append(f"open file {i} (cycle {cycle}): {exc}")
                        break
                    opened_uris.append(uri)
                open_s = time.perf_counter() - t0
                open_rss = proc_status(client.proc.pid).get("VmRSS", float("nan"))
                for uri in opened_uris:
                    mark = client.note_mark()
                    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
                    try:
                        client.wait_diagnostics(uri, None, mark, t)  # the clearing publish
                    except LspError as exc:
                        errors.append(f"close {uri}: {exc}")
                        break
                closed_rss = proc_status(client.proc.pid).get("VmRSS", float("nan"))
                cycles.append(
                    {
                        "opened": len(opened_uris),
                        "open_all_s": round(open_s, 3),
                        "vmrss_open_mib": round(open_rss, 1),
                        "vmrss_after_close_mib": round(closed_rss, 1),
                    }
                )
                if len(opened_uris) < len(texts):
                    break
            mem = proc_status(client.proc.pid)
            first = cycles[0]
            report["memory"] = {
                "extra_files_opened": first["opened"],
                "open_documents_total": first["opened"] + len(docs),
                "open_all_s": first["open_all_s"],
                "vmrss_mib": first["vmrss_open_mib"],
                "vmrss_peak_open_mib": max(c["vmrss_open_mib"] for c in cycles),
                "vmhwm_mib": round(mem.get("VmHWM", float("nan")), 1),
                "vmrss_after_close_mib": first["vmrss_after_close_mib"],
                "cycles": cycles,
                # From the first cycle's close to the last's: what open/close cycles keep.
                "growth_over_cycles_mib": round(
                    cycles[-1]["vmrss_after_close_mib"] - first["vmrss_after_close_mib"], 1
                ),
            }
            log(
                f"memory: VmRSS {report['memory']['vmrss_mib']} MiB with "
                f"{report['memory']['open_documents_total']} open documents (peak over "
                f"{len(cycles)} open/close cycles {report['memory']['vmrss_peak_open_mib']} MiB, "
                f"VmHWM {report['memory']['vmhwm_mib']} MiB), "
                f"{report['memory']['vmrss_after_close_mib']} MiB after closing them; "
                f"growth over the cycles {report['memory']['growth_over_cycles_mib']} MiB"
            )
            report["exit"] = client.close()
            client = None
    except (LspError, OSError) as exc:
        errors.append(f"fatal: {exc}")
    finally:
        if client is not None:
            client.kill()
            report["exit"] = "killed after failure"
        with contextlib.suppress(OSError):
            report["server_stderr_tail"] = stderr_path.read_text("utf-8", "replace")[-1500:]
        tmp.cleanup()
    report["targets"] = targets(report)
    return report


def targets(report: Json) -> list[Json]:
    def v(value: Any, limit: float, label: str) -> Json:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            verdict = "ERROR"
        else:
            verdict = "PASS" if value <= limit else "MISS"
        return {"target": label, "value": value, "limit": limit, "verdict": verdict}

    one = report.get("1k", {})
    six = report.get("6k", {})
    hover = [x for x in (one.get("hover_p50_ms"), six.get("hover_p50_ms")) if x is not None]
    action = [
        x for x in (one.get("code_action_p50_ms"), six.get("code_action_p50_ms")) if x is not None
    ]
    return [
        v(
            report.get("startup", {}).get("initialize_p50_ms", report.get("initialize_ms")),
            TARGETS_MS["initialize_ms"],
            "spawn -> initialize response <= 300 ms",
        ),
        v(
            one.get("change_p50_ms"),
            TARGETS_MS["change_1k_p50_ms"],
            "didChange -> diagnostics p50 (1k lines) <= 15 ms",
        ),
        v(
            six.get("change_p50_ms"),
            TARGETS_MS["change_6k_p50_ms"],
            "didChange -> diagnostics p50 (6k lines) <= 50 ms",
        ),
        v(
            max(hover) if hover else None,
            TARGETS_MS["hover_p50_ms"],
            "hover p50 (worse of 1k/6k) <= 5 ms",
        ),
        v(
            max(action) if action else None,
            TARGETS_MS["code_action_p50_ms"],
            "codeAction p50 (worse of 1k/6k) <= 50 ms",
        ),
        v(
            report.get("memory", {}).get("vmrss_peak_open_mib"),
            TARGET_RSS_MIB,
            "server VmRSS with 50 extra open files (peak of the cycles) <= 150 MiB",
        ),
        v(
            report.get("memory", {}).get("growth_over_cycles_mib"),
            TARGET_GROWTH_MIB,
            "RSS growth over open/close cycles <= 5 MiB",
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="LSP latency/memory benchmark for tf2-lsp serve.")
    ap.add_argument("--changes", type=int, default=30, help="didChange edits per file")
    ap.add_argument("--requests", type=int, default=30, help="hover/codeAction requests")
    ap.add_argument("--open-files", type=int, default=50, help="files opened for memory")
    ap.add_argument(
        "--cycles", type=int, default=3, help="times the files are opened and closed (memory)"
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--startups", type=int, default=5, help="extra servers started to time initialize"
    )
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per wait")
    ap.add_argument("--python", default=sys.executable, help="interpreter for the server")
    ap.add_argument("--server-cmd", nargs="+", help="override the server command")
    ap.add_argument(
        "--init-options",
        metavar="JSON",
        help="initializationOptions for the server (default: none, the server's defaults)",
    )
    ap.add_argument("--json", action="store_true", help="print JSON only")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        if not args.json:
            print(msg, flush=True)

    log(f"initializationOptions: {args.init_options or 'none (server defaults)'}")
    report = run(args, log)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for err in report["errors"]:
        print(f"  error: {err}")
    print(f"  server exit: {report.get('exit')}")
    print()
    for tgt in report["targets"]:
        print(f"  [{tgt['verdict']:<5}] {tgt['target']:<52} measured {tgt['value']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
