"""The server's state, through what it promises: documents opened, changed and closed,
published per version, analysed and planned once per version, forgotten when closed."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from tests.analysis.support import (
    GRAPH_CALLER,
    NO_READER,
    PENALTY_READER,
    TF2_CALLER,
    model_package,
    reader_package,
    write,
)
from tests.lsp.support import (
    change_document,
    close_notebook,
    open_document,
    open_notebook,
    settle,
    snapshot,
    start_session,
    until,
)
from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.lsp.capabilities import Capabilities
from tf2_lsp.lsp.session import MAX_EDITOR_CHARS, Session

URI = "file:///work/project/model.py"
TF1 = "import tensorflow as tf\ny = tf.log(x)\n"  # TF201 on line 2
SESSION_TF1 = "import tensorflow as tf\nsess = tf.Session()\n"  # TF101
CLEAN = "import tensorflow as tf\ny = tf.math.log(x)\n"
BROKEN = "import tensorflow as tf\ny = tf.log(\n"
PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS


def codes(published: dict[str, Any]) -> list[str]:
    return [d["code"] for d in published["diagnostics"]]


def close(session: Session, uri: str) -> None:
    """What the server does on didClose: pygls drops the document, then the session."""
    session.server.workspace.remove_text_document(uri)
    session.forget(uri)


async def test_an_opened_document_is_published_with_its_version() -> None:
    session, client = start_session()
    open_document(session, URI, TF1, version=7)
    session.schedule(URI, 0)
    await until(lambda: bool(client.published(URI)))
    [published] = client.published(URI)
    assert published["version"] == 7
    assert codes(published) == ["TF201"]
    assert published["diagnostics"][0]["range"]["start"] == {"line": 1, "character": 4}


async def test_a_burst_of_changes_ends_with_the_last_versions_diagnostics() -> None:
    session, client = start_session()
    open_document(session, URI, TF1)
    session.schedule(URI, 0)
    texts = {2: CLEAN, 3: SESSION_TF1, 4: CLEAN, 5: SESSION_TF1}
    for version, text in texts.items():
        change_document(session, URI, text, version)
        session.schedule(URI, 0)
    await until(lambda: any(p["version"] == 5 for p in client.published(URI)))
    await settle()
    published = client.published(URI)
    assert published[-1]["version"] == 5 and codes(published[-1]) == ["TF101"]
    # Never an older version after a newer one, and each version with its own text's findings.
    versions = [p["version"] for p in published]
    assert versions == sorted(versions)
    expected = {1: ["TF201"], 2: [], 3: ["TF101"], 4: [], 5: ["TF101"]}
    assert all(codes(p) == expected[p["version"]] for p in published)


async def test_a_debounced_change_publishes_once_after_the_last_keystroke() -> None:
    session, client = start_session()
    open_document(session, URI, TF1)
    for version in (2, 3, 4):
        change_document(session, URI, SESSION_TF1 + "#" * version + "\n", version)
        session.schedule(URI, 50)
    await until(lambda: bool(client.published(URI)))
    await settle()
    assert [p["version"] for p in client.published(URI)] == [4]


async def test_one_version_is_analysed_and_planned_once_and_shared() -> None:
    session, _ = start_session()
    open_document(session, URI, TF1)
    first = await snapshot(session, URI)
    again = await snapshot(session, URI)
    assert first is not None and again is not None
    assert first.version == again.version == 1
    assert again.analysis is first.analysis  # one analysis per version
    assert again.fixes is first.fixes  # one set of fix plans per version, made on demand
    assert [f.code for f in first.detection.findings] == ["TF201"]

    change_document(session, URI, CLEAN, 2)
    newer = await snapshot(session, URI)
    assert newer is not None and newer.version == 2 and newer.source == CLEAN
    assert newer.analysis is not first.analysis
    assert newer.detection.findings == []
    assert first.source == TF1  # a request's snapshot never changes under it


async def test_documents_are_found_under_the_uri_the_client_sends() -> None:
    session, _ = start_session()
    open_document(session, "file:///work/my project/a.py", TF1)
    found = await snapshot(session, "file:///work/my%20project/a.py")
    assert found is not None and [f.code for f in found.detection.findings] == ["TF201"]
    assert await snapshot(session, "file:///work/other.py") is None  # never read from disk


async def test_closing_clears_the_diagnostics_and_a_pending_analysis_never_publishes() -> None:
    session, client = start_session()
    open_document(session, URI, TF1)
    session.schedule(URI, 0)
    await until(lambda: bool(client.published(URI)))
    change_document(session, URI, SESSION_TF1, 2)
    session.schedule(URI, 0)
    close(session, URI)
    await settle()
    assert client.published(URI)[-1]["diagnostics"] == []
    assert all(p.get("version") != 2 for p in client.published(URI))
    assert await snapshot(session, URI) is None


async def test_closing_drops_a_debounced_analysis_at_once() -> None:
    session, client = start_session()
    open_document(session, URI, TF1)
    session.schedule(URI, 60_000)  # a long debounce: the change waits
    close(session, URI)
    assert not any(URI in kept for kept in kept_strings(session))
    await settle(0.05)
    assert [p["diagnostics"] for p in client.published(URI)] == [[]]


async def test_a_syntax_error_is_logged_once_per_document_and_again_after_reopening() -> None:
    session, client = start_session()

    async def publish_broken(version: int) -> None:
        before = len(client.published(URI))
        session.schedule(URI, 0)
        await until(lambda: len(client.published(URI)) > before)
        assert client.published(URI)[-1]["version"] == version

    open_document(session, URI, BROKEN)
    await publish_broken(1)
    change_document(session, URI, BROKEN + "\n", 2)
    await publish_broken(2)
    assert len([m for m in client.logged() if "not analysed" in m]) == 1
    close(session, URI)
    open_document(session, URI, BROKEN)
    await publish_broken(1)
    assert len([m for m in client.logged() if "not analysed" in m]) == 2


NOTEBOOK = "file:///work/project/train.ipynb"
CELLS = [
    ("vscode-notebook-cell:/work/project/train.ipynb#W0", "import tensorflow as tf\n"),
    ("vscode-notebook-cell:/work/project/train.ipynb#W1", "sess = tf.Session()\n"),
]


async def test_notebook_cells_are_one_module_reported_per_cell() -> None:
    session, client = start_session()
    open_notebook(session, NOTEBOOK, CELLS)
    for cell, _ in CELLS:
        session.schedule(cell, 0)
    await until(lambda: all(client.published(cell) for cell, _ in CELLS))
    imports, uses = (client.published(cell)[-1] for cell, _ in CELLS)
    assert codes(imports) == []
    assert codes(uses) == ["TF101"]  # the import lives in the first cell
    assert uses["diagnostics"][0]["range"]["start"] == {"line": 0, "character": 7}

    close_notebook(session, NOTEBOOK, [cell for cell, _ in CELLS])
    session.forget_notebook(NOTEBOOK, [cell for cell, _ in CELLS])
    assert all(client.published(cell)[-1]["diagnostics"] == [] for cell, _ in CELLS)
    assert await snapshot(session, CELLS[1][0]) is None


def kept_strings(session: Session) -> set[str]:
    """Every string the session's own state holds (not the server's, not the catalogue)."""
    skip = {id(session.server), id(session.catalogue)}
    seen: set[int] = set()
    found: set[str] = set()
    stack: list[object] = [session]
    while stack:
        item = stack.pop()
        if id(item) in seen or id(item) in skip:
            continue
        seen.add(id(item))
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):  # gc does not list a dict's string keys
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, dict | list | tuple | set | frozenset) or (
            type(item).__module__.startswith(("tf2_lsp.", "lsprotocol."))
        ):
            stack.extend(gc.get_referents(item))
    return found


async def test_closed_documents_and_notebooks_leave_nothing_behind() -> None:
    session, client = start_session(capabilities=Capabilities())
    other = "file:///work/project/other.py"
    open_document(session, URI, TF1)
    open_document(session, other, BROKEN)
    open_notebook(session, NOTEBOOK, [*CELLS, (CELLS[1][0] + "2", "sess = tf.Session(\n")])
    cells = [cell for cell, _ in CELLS] + [CELLS[1][0] + "2"]
    for uri in [URI, other, *cells]:
        session.schedule(uri, 0)
    await until(lambda: all(client.published(uri) for uri in [URI, other, *cells]))
    for uri in (URI, other):
        assert (await snapshot(session, uri)) is not None
    assert any(URI in text for text in kept_strings(session))  # the walk sees the state

    close(session, URI)
    close(session, other)
    close_notebook(session, NOTEBOOK, cells)
    session.forget_notebook(NOTEBOOK, cells)
    await settle()
    closed = [URI, other, NOTEBOOK, *cells]
    left = {text for text in kept_strings(session) for uri in closed if uri in text}
    assert left == set()
    assert len(session.index) == 0 and session.scheduler.running == 0


async def test_an_oversized_document_is_named_once_until_it_is_reopened() -> None:
    session, client = start_session()
    huge = "file:///work/project/generated.py"
    text = "x = 1\n" * (MAX_EDITOR_CHARS // 6 + 1)

    def warnings() -> int:
        return sum("larger than" in p["message"] for p in client.sent(types.WINDOW_SHOW_MESSAGE))

    async def publish(version: int) -> None:
        before = len(client.published(huge))
        session.schedule(huge, 0)
        await until(lambda: len(client.published(huge)) > before)
        assert client.published(huge)[-1] == {"uri": huge, "diagnostics": [], "version": version}

    open_document(session, huge, text)
    await publish(1)
    change_document(session, huge, text + "y = 2\n", 2)
    await publish(2)
    assert warnings() == 1
    close(session, huge)
    assert not any(huge in kept for kept in kept_strings(session))
    open_document(session, huge, text)
    await publish(1)
    assert warnings() == 2


async def test_open_change_close_leaves_no_record_for_the_document() -> None:
    session, client = start_session()
    open_document(session, URI, TF1)
    session.schedule(URI, 0)
    await until(lambda: bool(client.published(URI)))
    state = session.index.get(URI)
    assert state is not None and state.analysis is not None and state.analysis.version == 1
    change_document(session, URI, SESSION_TF1, 2)
    session.schedule(URI, 0)
    await until(lambda: client.published(URI)[-1]["version"] == 2)
    assert session.index.get(URI) is state  # one record for the document's whole life
    assert state.analysis is not None and state.analysis.version == 2
    close(session, URI)
    assert session.index.get(URI) is None and len(session.index) == 0
    assert state.closed and state.task is None
    await settle()
    assert session.scheduler.running == 0
    assert client.published(URI)[-1]["diagnostics"] == []


async def test_closing_a_notebook_forgets_every_cell_even_one_the_close_leaves_out() -> None:
    session, client = start_session()
    open_notebook(session, NOTEBOOK, CELLS)
    for cell, _ in CELLS:
        session.schedule(cell, 0)
    await until(lambda: all(client.published(cell) for cell, _ in CELLS))
    assert {state.uri for state in session.index.cells(NOTEBOOK)} == {c for c, _ in CELLS}
    close_notebook(session, NOTEBOOK, [c for c, _ in CELLS])
    session.forget_notebook(NOTEBOOK, [CELLS[0][0]])  # a client naming only some cells
    assert len(session.index) == 0
    assert all(client.published(cell)[-1]["diagnostics"] == [] for cell, _ in CELLS)


async def test_a_cell_a_notebook_change_removes_is_forgotten_and_cleared() -> None:
    session, client = start_session()
    open_notebook(session, NOTEBOOK, CELLS)
    session.schedule_notebook(NOTEBOOK, 0)
    removed = CELLS[1][0]
    await until(lambda: bool(client.published(removed)))
    assert codes(client.published(removed)[-1]) == ["TF101"]
    session.server.workspace.update_notebook_document(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(version=2, uri=NOTEBOOK),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    structure=types.NotebookDocumentCellChangeStructure(
                        array=types.NotebookCellArrayChange(start=1, delete_count=1),
                        did_close=[types.TextDocumentIdentifier(uri=removed)],
                    )
                )
            ),
        )
    )
    session.schedule_notebook(NOTEBOOK, 0)
    assert session.index.get(removed) is None
    assert client.published(removed)[-1]["diagnostics"] == []
    assert [state.uri for state in session.index.cells(NOTEBOOK)] == [CELLS[0][0]]


async def test_a_save_analyses_the_whole_file_again() -> None:
    session, client = start_session()
    open_document(session, URI, TF1)
    before = await snapshot(session, URI)
    assert before is not None and (await snapshot(session, URI)) is not None
    session.saved(URI)
    await until(lambda: bool(client.published(URI)))
    after = await snapshot(session, URI)
    assert after is not None and after.version == before.version
    assert after.analysis is not before.analysis  # not the kept one, nor derived from it
    assert after.detection.findings[0] is not before.detection.findings[0]
    assert after.detection.findings == before.detection.findings


def model_diagnostic(published: dict[str, Any]) -> dict[str, Any]:
    (found,) = [d for d in published["diagnostics"] if d["code"] in ("TF934", "TF938")]
    return found


async def test_saving_a_caller_in_another_module_republishes_the_model_function(
    tmp_path: Path,
) -> None:
    # The callee's layer fix holds while its caller is TF2 code; once the caller (saved in
    # the editor) runs it from graph code, the callee is published again without the fix.
    callee = model_package(tmp_path, TF2_CALLER)
    caller = tmp_path / "pkg" / "run.py"
    session, client = start_session(folders=[tmp_path], settings={"level": "native"})
    uri, caller_uri = callee.as_uri(), caller.as_uri()
    open_document(session, uri, callee.read_text())
    open_document(session, caller_uri, TF2_CALLER)
    session.schedule(uri, 0)
    await until(lambda: bool(client.published(uri)))
    assert "fix" in model_diagnostic(client.published(uri)[-1])["data"]
    offered = await snapshot(session, uri)
    assert offered is not None and offered.analysis.fixes.fix_all("TF938").source != offered.source

    change_document(session, caller_uri, GRAPH_CALLER, 2)
    write(caller, GRAPH_CALLER)
    session.saved(caller_uri)
    await until(lambda: len(client.published(uri)) == 2)
    kept = model_diagnostic(client.published(uri)[-1])
    assert "fix" not in kept["data"] and "`pkg/run.py` line 9" in kept["message"]
    refused = await snapshot(session, uri)
    assert refused is not None and refused.analysis.fixes.fix_all("TF938").source == refused.source

    # The caller changed by another tool: the client's file watcher says so.
    write(caller, TF2_CALLER)
    session.files_changed()
    await until(lambda: len(client.published(uri)) == 3)
    assert "fix" in model_diagnostic(client.published(uri)[-1])["data"]


async def test_saving_a_collection_reader_elsewhere_republishes_the_model_function(
    tmp_path: Path,
) -> None:
    # The model's layer fix holds while no module of its program reads its penalties; once
    # the loss module (saved in the editor, never importing the model) reads them, the model
    # is published again without the fix, naming the reader.
    model = reader_package(tmp_path, NO_READER)
    reader = tmp_path / "pkg" / "losses.py"
    session, client = start_session(folders=[tmp_path], settings={"level": "native"})
    uri, reader_uri = model.as_uri(), reader.as_uri()
    open_document(session, uri, model.read_text())
    session.schedule(uri, 0)
    await until(lambda: bool(client.published(uri)))
    assert "fix" in model_diagnostic(client.published(uri)[-1])["data"]

    open_document(session, reader_uri, PENALTY_READER)
    write(reader, PENALTY_READER)
    session.saved(reader_uri)
    await until(lambda: len(client.published(uri)) == 2)
    kept = model_diagnostic(client.published(uri)[-1])
    assert "fix" not in kept["data"] and "`pkg/losses.py` line 5" in kept["message"]


async def test_a_save_leaves_documents_whose_findings_read_no_other_file_alone() -> None:
    session, client = start_session()
    open_document(session, URI, TF1)
    other = "file:///work/project/other.py"
    open_document(session, other, TF1)
    for uri in (URI, other):
        session.schedule(uri, 0)
    await until(lambda: bool(client.published(URI)) and bool(client.published(other)))
    session.saved(other)
    await until(lambda: len(client.published(other)) == 2)
    await settle()
    assert len(client.published(URI)) == 1


async def test_new_settings_republish_every_open_document() -> None:
    session, client = start_session()
    open_document(session, URI, TF1)
    session.schedule(URI, 0)
    await until(lambda: bool(client.published(URI)))
    session.apply_editor_settings({"ignore": ["TF201"]})
    session.settings_changed()
    await until(lambda: len(client.published(URI)) == 2)
    assert codes(client.published(URI)[-1]) == []


async def test_a_broken_catalogue_is_said_once_and_nothing_is_published(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The real loader, given a rules directory without rule files.
    monkeypatch.setattr("tf2_lsp.lsp.session.load_catalogue", lambda: load_catalogue(tmp_path))
    session, client = start_session()
    other = "file:///work/project/other.py"
    for uri in (URI, other):
        open_document(session, uri, TF1)
        session.schedule(uri, 0)
    assert await snapshot(session, URI) is None
    await until(lambda: any("catalogue" in m for m in client.logged()))
    await settle()
    assert [m for m in client.logged() if "catalogue" in m] == [
        f"tf2-lsp: rule catalogue error: {tmp_path}: no rule files (*.toml)"
    ]
    assert client.published(URI) == client.published(other) == []


def diagnostic(message: str) -> types.Diagnostic:
    start = types.Position(0, 0)
    return types.Diagnostic(range=types.Range(start, start), message=message)


async def test_check_workspace_clears_the_files_it_no_longer_flags_unless_open() -> None:
    session, client = start_session()
    flagged, clean, opened = (f"file:///work/project/{n}.py" for n in ("a", "b", "c"))
    session.publish_workspace({flagged: [diagnostic("x")], clean: [], opened: [diagnostic("y")]})
    assert [len(p["diagnostics"]) for p in client.published(flagged)] == [1]
    assert client.published(clean) == []  # nothing to show, nothing shown before
    open_document(session, opened, CLEAN)  # its diagnostics follow the editor's text now
    session.publish_workspace({clean: [diagnostic("z")]})  # `flagged` is gone
    assert client.published(flagged)[-1]["diagnostics"] == []
    assert len(client.published(opened)) == 1
    session.publish_workspace({clean: []})
    assert client.published(clean)[-1]["diagnostics"] == []
