"""The editor command "Verify migration of this function" (`tf2-lsp.server.verifyFunction`).

The function around the cursor, as the buffer has it, is run against the same function at
git HEAD (or in a file the user names) by the equivalence harness, in TensorFlow processes
started with the configured interpreter: the server never imports TensorFlow or the user's
code. The run takes a thread of its own (minutes at worst), so analyses and requests go on;
it reports progress where the client shows it, stops when cancelled or timed out, and ends
with a message and a Markdown report.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

if TYPE_CHECKING:
    from tf2_lsp.lsp.session import Session
    from tf2_lsp.verify.cases import Outcome

VERIFY_FUNCTION = "tf2-lsp.server.verifyFunction"
TIMEOUT_SECONDS = 600.0
# One verification at a time per server: each starts TensorFlow processes of seconds of CPU.
_RUNNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tf2-lsp-verify")


class BadRequest(Exception):
    """The command's arguments cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class VerifyRequest:
    uri: str
    line: int
    against: Path | None = None  # None: the file at git HEAD
    python: str = sys.executable
    inputs: str = ""
    train_step: bool = False
    timeout: float = TIMEOUT_SECONDS


def parse_request(arguments: tuple[Any, ...]) -> VerifyRequest:
    """`[{"uri", "position", "against"?, "python"?, "inputs"?, "trainStep"?, "timeout"?}]`,
    or `[uri, position, against?]` (what a Neovim mapping passes most simply)."""
    if len(arguments) == 1 and isinstance(arguments[0], dict):
        options = dict(arguments[0])
    elif 2 <= len(arguments) <= 3:
        options = {"uri": arguments[0], "position": arguments[1]}
        if len(arguments) == 3:
            options["against"] = arguments[2]
    else:
        raise BadRequest("expected [{uri, position, against?}] or [uri, position, against?]")
    uri, position = options.get("uri"), options.get("position")
    line = position.get("line") if isinstance(position, dict) else None
    if not isinstance(uri, str) or not isinstance(line, int) or line < 0:
        raise BadRequest("expected a document `uri` and a `position` {line, character}")
    against = options.get("against")
    python = options.get("python") or sys.executable
    inputs = options.get("inputs") or ""
    timeout = options.get("timeout", TIMEOUT_SECONDS)
    if against is not None and not isinstance(against, str):
        raise BadRequest("`against` must be a path")
    if not isinstance(python, str) or not isinstance(inputs, str):
        raise BadRequest("`python` and `inputs` must be strings")
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise BadRequest("`timeout` must be a positive number of seconds")
    return VerifyRequest(
        uri,
        line,
        Path(_path_of(against)) if against else None,
        python,
        inputs,
        bool(options.get("trainStep", False)),
        float(timeout),
    )


def _path_of(location: str) -> str:
    return to_fs_path(location) or location if location.startswith("file:") else location


async def verify_function(session: Session, arguments: tuple[Any, ...]) -> dict[str, Any]:
    """Run the command; the answer is also shown (message, report, log)."""
    ls = session.server
    try:
        request = parse_request(arguments)
    except BadRequest as error:
        return _fail(ls, f"Verify migration: {error}")
    path = to_fs_path(request.uri)
    if not path:
        return _fail(ls, f"Verify migration: {request.uri} is not a file on disk")
    document = session.document(request.uri)
    buffer = document.source if document is not None else None
    cancel = threading.Event()
    token = await _begin_progress(session, cancel)
    loop = asyncio.get_running_loop()
    answer: dict[str, Any] = {"error": "cancelled"}
    try:
        job = loop.run_in_executor(_RUNNER, _verify, request, Path(path), buffer, cancel)
        answer = await asyncio.shield(job)
    except asyncio.CancelledError:  # the client cancelled the request
        cancel.set()
        raise
    finally:
        if token is not None:  # the progress ends whatever happens, with the verdict
            verdict = answer.get("summary") or answer.get("error") or ""
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=verdict))
    if "error" in answer:
        return _fail(ls, f"Verify migration: {answer['error']}")
    await _show(session, answer)
    return answer


async def _begin_progress(session: Session, cancel: threading.Event) -> str | None:
    ls = session.server
    if not session.capabilities.work_done_progress:
        return None
    token = f"tf2-lsp-verify-{uuid.uuid4().hex}"
    try:
        await ls.work_done_progress.create_async(token)
    except Exception:  # a client that refuses the token gets no progress, not a failure
        return None
    ls.work_done_progress.begin(
        token,
        types.WorkDoneProgressBegin(
            title="Verify migration",
            message="running the function on TensorFlow (TF1, then TF2)",
            cancellable=True,
        ),
    )
    # pygls cancels the token's future when the client cancels the progress.
    future = ls.work_done_progress.tokens.get(token)
    if future is not None:
        future.add_done_callback(lambda _: cancel.set())
    return token


def _verify(
    request: VerifyRequest, path: Path, buffer: str | None, cancel: threading.Event
) -> dict[str, Any]:
    """In the runner thread: build the case, run it, describe the outcome. Never raises."""
    from tf2_lsp.verify.function import buffer_case
    from tf2_lsp.verify.harness import Cancelled, HarnessError, run_cases, tensorflow_available
    from tf2_lsp.verify.migration import VerifyError

    if buffer is None:
        try:
            buffer = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            return {"error": f"cannot read {path}: {error}"}
    try:
        function, case, origin = buffer_case(
            path, buffer, request.line, request.against, request.inputs, request.train_step
        )
        if not tensorflow_available(request.python):
            return {
                "error": f"TensorFlow is not importable by {request.python}: install it there "
                "(pip install tensorflow tf_keras) or pass another interpreter as `python`"
            }
        (outcome,) = run_cases([case], request.python, cancel, request.timeout)
    except VerifyError as error:
        return {"error": str(error)}
    except Cancelled:
        return {"error": "cancelled"}
    except HarnessError as error:
        return {"error": str(error)}
    return _answer(path, function.name, origin, outcome)


def _answer(path: Path, function: str, origin: str, outcome: Outcome) -> dict[str, Any]:
    from tf2_lsp.verify.migration import report

    table = report(outcome)
    passed = outcome.status in ("proven", "ran")
    title = f"Verify migration of `{function}`: {'PASS' if passed else 'MISMATCH'}"
    if outcome.status == "error":
        title = f"Verify migration of `{function}`: could not compare"
    markdown = "\n".join(
        [
            f"# {title}",
            "",
            f"OLD: {origin} (run with TF1 semantics) · NEW: {path.name} as the editor has it "
            "(run as TF2)",
            "",
            "```text",
            *table,
            "```",
            "",
        ]
    )
    report_path = _write_report(path, function, markdown)
    return {
        "status": outcome.status,
        "passed": passed,
        "function": function,
        "against": origin,
        "summary": table[-1],
        "table": table,
        "report": str(report_path) if report_path else None,
    }


def _write_report(path: Path, function: str, markdown: str) -> Path | None:
    folder = Path(tempfile.gettempdir()) / "tf2-lsp-verify"
    try:
        folder.mkdir(exist_ok=True)
        target = folder / f"{path.stem}.{function}.md"
        target.write_text(markdown, encoding="utf-8")
    except OSError:
        return None
    return target


async def _show(session: Session, answer: dict[str, Any]) -> None:
    ls = session.server
    kind = types.MessageType.Info if answer["passed"] else types.MessageType.Warning
    text = f"Verify migration of {answer['function']} (against {answer['against']}): "
    ls.window_show_message(types.ShowMessageParams(kind, text + answer["summary"]))
    ls.window_log_message(types.LogMessageParams(kind, text + "\n" + "\n".join(answer["table"])))
    report = answer.get("report")
    if report and session.capabilities.show_document:
        with contextlib.suppress(Exception):  # the message and the log already say it all
            await ls.window_show_document_async(
                types.ShowDocumentParams(uri=from_fs_path(report) or report, take_focus=True)
            )


def _fail(ls: LanguageServer, message: str) -> dict[str, Any]:
    ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, message))
    return {"status": "error", "passed": False, "message": message}
