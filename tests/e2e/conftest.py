"""Shared pieces of the end-to-end tests: a real `python -m tf2_lsp serve` over stdio.

Two fixtures start servers:
- `shared`: one server per test module, initialized with the defaults (`FAST` options, the
  capabilities of `capabilities()`). Tests that need nothing else use it, marked `@SHARED`
  (the module's asyncio loop: a fixture's scope and its tests' loop scope must match, or the
  test hangs). Each test works on its own files (tmp_path), so tests cannot see each other's
  documents; they must not change the server's settings.
- `client`: a server of the test's own, uninitialized: the test calls `initialize(client, ...)`
  with its own initializationOptions, position encodings and capabilities.

Waiting is by polling with generous timeouts; no test asserts on timing.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 30.0
SERVER_COMMAND = [sys.executable, "-m", "tf2_lsp", "serve"]
# The server runs this checkout's tf2_lsp, installed or not.
SERVER_ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p),
}
FAST = {"debounce": 0}

T = TypeVar("T")


# -- the client --------------------------------------------------------------------------------


def make_client() -> LanguageClient:
    """pytest-lsp's client, also recording every publishDiagnostics (with its version)."""
    client = LanguageClient(converter_factory=default_converter)

    def publish_diagnostics(ls: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        ls.diagnostics[params.uri] = params.diagnostics
        ls.published.append(params)  # type: ignore[attr-defined]

    features = {
        **DEFAULT_CLIENT_FEATURES,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish_diagnostics,
    }
    register_lsp_features(client, features)
    client.published = []  # type: ignore[attr-defined]
    return client


@pytest_lsp.fixture(  # type: ignore[untyped-decorator]
    config=ClientServerConfig(
        server_command=SERVER_COMMAND, server_env=SERVER_ENV, client_factory=make_client
    ),
    scope="function",
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    yield lsp_client
    if lsp_client.capabilities is not None:
        await asyncio.wait_for(lsp_client.shutdown_session(), TIMEOUT)


@pytest_lsp.fixture(  # type: ignore[untyped-decorator]
    config=ClientServerConfig(
        server_command=SERVER_COMMAND, server_env=SERVER_ENV, client_factory=make_client
    ),
    scope="module",
)
async def shared(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    await initialize(lsp_client)
    yield lsp_client
    await asyncio.wait_for(lsp_client.shutdown_session(), TIMEOUT)


# For the tests that use `shared`: they run in the module's event loop, as the fixture does.
SHARED = pytest.mark.asyncio(loop_scope="module")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist's `--dist loadgroup`, a module's `shared` tests go to one worker,
    so that they share one server; every other test is distributed on its own."""
    for item in items:
        if "shared" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(f"shared-server:{item.nodeid.split('::')[0]}"))


def capabilities(
    *,
    encodings: Sequence[str] | None = None,
    pull: bool = False,
    refresh: bool = False,
    document_changes: bool = True,
    resolve: bool = False,
) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=list(encodings))
        if encodings is not None
        else None,
        workspace=types.WorkspaceClientCapabilities(
            apply_edit=True,
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=document_changes),
            configuration=True,
            did_change_configuration=types.DidChangeConfigurationClientCapabilities(),
            workspace_folders=True,
            diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
            if refresh
            else None,
        ),
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                version_support=True,
                code_description_support=True,
                data_support=True,
                tag_support=types.ClientDiagnosticsTagOptions(
                    value_set=[types.DiagnosticTag.Deprecated, types.DiagnosticTag.Unnecessary]
                ),
            ),
            diagnostic=types.DiagnosticClientCapabilities() if pull else None,
            hover=types.HoverClientCapabilities(
                content_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText]
            ),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=[
                            types.CodeActionKind.QuickFix,
                            types.CodeActionKind.Source,
                            types.CodeActionKind.SourceFixAll,
                        ]
                    )
                ),
                data_support=True,
                is_preferred_support=True,
                resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
                if resolve
                else None,
            ),
        ),
        notebook_document=types.NotebookDocumentClientCapabilities(
            synchronization=types.NotebookDocumentSyncClientCapabilities()
        ),
    )


async def initialize(
    client: LanguageClient,
    options: Any = None,
    *,
    encodings: Sequence[str] | None = None,
    pull: bool = False,
    refresh: bool = False,
    root: Path | None = None,
    folders: Sequence[Path] | None = None,
    document_changes: bool = True,
    resolve: bool = False,
) -> types.InitializeResult:
    params = types.InitializeParams(
        capabilities=capabilities(
            encodings=encodings,
            pull=pull,
            refresh=refresh,
            document_changes=document_changes,
            resolve=resolve,
        ),
        root_uri=root.as_uri() if root is not None else None,
        workspace_folders=[
            types.WorkspaceFolder(uri=folder.as_uri(), name=folder.name) for folder in folders
        ]
        if folders
        else None,
        initialization_options=FAST if options is None else options,
    )
    return await asyncio.wait_for(client.initialize_session(params), TIMEOUT)  # type: ignore[no-any-return]


# -- waiting -----------------------------------------------------------------------------------


async def pull(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """`textDocument/diagnostic` for `uri`: the full report's items."""
    report = await asyncio.wait_for(
        client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        ),
        TIMEOUT,
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport), report
    assert report.kind == "full"
    return list(report.items)


async def wait_for(predicate: Callable[[], T], what: str, timeout: float = TIMEOUT) -> T:
    """Poll `predicate` until it returns something truthy; fail with `what` after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if loop.time() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)


def publishes(client: LanguageClient, uri: str) -> list[types.PublishDiagnosticsParams]:
    return [p for p in client.published if p.uri == uri]  # type: ignore[attr-defined]


async def wait_publish(
    client: LanguageClient,
    uri: str,
    version: int | None = None,
    where: Callable[[types.PublishDiagnosticsParams], bool] | None = None,
    after: int = 0,
    timeout: float = TIMEOUT,
) -> types.PublishDiagnosticsParams:
    """The first publish for `uri` (from the `after`-th on) with `version` and matching `where`."""

    def find() -> types.PublishDiagnosticsParams | None:
        for params in publishes(client, uri)[after:]:
            if version is not None and params.version != version:
                continue
            if where is not None and not where(params):
                continue
            return params
        return None

    return await wait_for(find, f"diagnostics for {uri} version {version}", timeout)


def rule_code(symbol: str) -> str:
    """The code of the rule for a qualified symbol (codes of generated rules may be renumbered)."""
    from tf2_lsp.catalogue.load import load_catalogue

    (rule, *_) = load_catalogue().exact[symbol]
    return rule.code


def codes(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


# -- documents ---------------------------------------------------------------------------------


def open_document(
    client: LanguageClient, path: Path, text: str, version: int = 1, write: bool = True
) -> str:
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=version, text=text
            )
        )
    )
    return uri


async def open_and_wait(
    client: LanguageClient, path: Path, text: str, version: int = 1
) -> types.PublishDiagnosticsParams:
    uri = open_document(client, path, text, version)
    return await wait_publish(client, uri, version)


def change(client: LanguageClient, uri: str, version: int, *edits: tuple[types.Range, str]) -> None:
    """Incremental didChange: each edit is (range, new text)."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(range=rng, text=text) for rng, text in edits
            ],
        )
    )


def replace_all(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def rng(line: int, start: int, end_line: int | None = None, end: int | None = None) -> types.Range:
    return types.Range(
        start=types.Position(line=line, character=start),
        end=types.Position(
            line=line if end_line is None else end_line, character=start if end is None else end
        ),
    )


# -- positions and edits in the negotiated encoding --------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")


def units(char: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(char.encode("utf-8"))
    if encoding == "utf-16":
        return 2 if ord(char) > 0xFFFF else 1
    return 1


def column(line_text: str, char_index: int, encoding: str) -> int:
    """A character index within a line as the client counts it."""
    return sum(units(c, encoding) for c in line_text[:char_index])


def offset(text: str, position: types.Position, encoding: str) -> int:
    """A client position as an index into `text` (positions past the line end clamp)."""
    lines = [m.group(0) for m in _LINE.finditer(text)][:-1] or [""]
    if position.line >= len(lines):
        return len(text)
    start = sum(len(line) for line in lines[: position.line])
    line = lines[position.line].rstrip("\r\n")
    count = 0
    for index, char in enumerate(line):
        if count >= position.character:
            return start + index
        count += units(char, encoding)
    return start + len(line)


def apply_text_edits(text: str, edits: Sequence[types.TextEdit], encoding: str) -> str:
    """Apply LSP TextEdits (ranges all refer to `text`) as an editor would."""
    spans = sorted(
        (
            (offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), e.new_text)
            for e in edits
        ),
        key=lambda s: (s[0], s[1]),
    )
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        assert end <= start, f"overlapping edits: {edits!r}"
    for start, end, new in reversed(spans):
        text = text[:start] + new + text[end:]
    return text


def text_edits(edit: types.WorkspaceEdit | None, uri: str) -> list[types.TextEdit]:
    assert edit is not None, "the action has no edit"
    found: list[types.TextEdit] = []
    for document_change in edit.document_changes or []:
        assert isinstance(document_change, types.TextDocumentEdit), document_change
        if document_change.text_document.uri == uri:
            found.extend(e for e in document_change.edits if isinstance(e, types.TextEdit))
    for change_uri, edits in (edit.changes or {}).items():
        if change_uri == uri:
            found.extend(edits)
    return found


def apply_workspace_edit(
    text: str, edit: types.WorkspaceEdit | None, uri: str, encoding: str = "utf-16"
) -> str:
    return apply_text_edits(text, text_edits(edit, uri), encoding)


# -- requests ----------------------------------------------------------------------------------


async def code_actions(
    client: LanguageClient,
    uri: str,
    where: types.Range,
    only: Sequence[str] | None = None,
    diagnostics: Sequence[types.Diagnostic] = (),
) -> list[types.CodeAction]:
    result = await asyncio.wait_for(
        client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=where,
                context=types.CodeActionContext(
                    diagnostics=list(diagnostics),
                    only=list(only) if only is not None else None,  # type: ignore[arg-type]
                ),
            )
        ),
        TIMEOUT,
    )
    actions = list(result or [])
    assert all(isinstance(a, types.CodeAction) for a in actions), actions
    return actions  # type: ignore[return-value]


async def hover(client: LanguageClient, uri: str, line: int, character: int) -> types.Hover | None:
    return await asyncio.wait_for(  # type: ignore[no-any-return]
        client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=line, character=character),
            )
        ),
        TIMEOUT,
    )


def hover_text(result: types.Hover | None) -> str:
    assert result is not None, "no hover"
    contents = result.contents
    assert isinstance(contents, types.MarkupContent), contents
    assert contents.kind == types.MarkupKind.Markdown
    return contents.value
