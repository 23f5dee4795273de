"""What the client said it can do, as far as our answers depend on it."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types


@dataclass(frozen=True, slots=True)
class Capabilities:
    pull_diagnostics: bool = False  # the client asks for diagnostics (textDocument/diagnostic)
    diagnostic_refresh: bool = False  # ... and pulls again when told (workspace/diagnostic/refresh)
    resolve_edits: bool = False  # the client resolves code actions' edits on demand
    document_changes: bool = False  # the client takes versioned `documentChanges` edits
    work_done_progress: bool = False  # the client shows server-initiated `$/progress`
    watch_files: bool = False  # the client watches files for us if we register globs
    show_document: bool = False  # the client opens a file we name (window/showDocument)

    @classmethod
    def of(cls, capabilities: types.ClientCapabilities) -> Capabilities:
        text = capabilities.text_document
        code_action = text.code_action if text else None
        resolve = code_action.resolve_support if code_action else None
        workspace = capabilities.workspace
        edit = workspace.workspace_edit if workspace else None
        window = capabilities.window
        watched = workspace.did_change_watched_files if workspace else None
        return cls(
            pull_diagnostics=bool(text and text.diagnostic),
            diagnostic_refresh=bool(
                workspace and workspace.diagnostics and workspace.diagnostics.refresh_support
            ),
            resolve_edits=bool(resolve and "edit" in resolve.properties),
            document_changes=bool(edit and edit.document_changes),
            work_done_progress=bool(window and window.work_done_progress),
            watch_files=bool(watched and watched.dynamic_registration),
            show_document=bool(window and window.show_document and window.show_document.support),
        )
