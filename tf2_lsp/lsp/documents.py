"""Open documents kept exactly as the editor has them: LSP's line rules for every change.

pygls's `TextDocument` finds lines with `str.splitlines()`, which also ends a line at `\\f`,
`\\v`, `\\x1c`-`\\x1e`, `\\x85`, `\\u2028` and `\\u2029`; LSP ends lines only at `\\n`, `\\r\\n`
and `\\r`. One such character before an incremental change put the change on the wrong line,
and the server's copy of the text drifted from the editor's for good. It also moved a
position past the end of a line to one character before the line's end, where LSP says it
means the line's end. Here a change is applied to the text by offsets computed with LSP's
rules (`text.offset_at`), in the negotiated position encoding.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

from tf2_lsp.text import Encoding, line_starts, offset_at, split_lines_keeping_ends


def encoding_of(value: object) -> Encoding:
    """The negotiated position encoding as our name for it (UTF-16, LSP's default, if unknown)."""
    name = str(getattr(value, "value", value) or "utf-16")
    return name if name in ("utf-8", "utf-16", "utf-32") else "utf-16"  # type: ignore[return-value]


def apply_change(
    source: str, start: types.Position, end: types.Position, text: str, encoding: Encoding
) -> str:
    """`source` with the client's range replaced by `text`."""
    starts = line_starts(source)
    first = offset_at(source, starts, start.line, start.character, encoding)
    last = offset_at(source, starts, end.line, end.character, encoding)
    first, last = min(first, last), max(first, last)  # a reversed range: the same characters
    return source[:first] + text + source[last:]


class LspTextDocument(TextDocument):
    """A pygls document whose lines and changes follow LSP's line rules."""

    @property
    def lines(self) -> Sequence[str]:
        """The lines with their breaks (pygls's shape), split where LSP splits."""
        return tuple(split_lines_keeping_ends(self.source))

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        encoding = encoding_of(self.position_codec.encoding)
        self._source = apply_change(
            self.source, change.range.start, change.range.end, change.text, encoding
        )

    def offset_at_position(self, client_position: types.Position) -> int:
        source = self.source
        encoding = encoding_of(self.position_codec.encoding)
        return offset_at(
            source, line_starts(source), client_position.line, client_position.character, encoding
        )


class LspWorkspace(Workspace):
    """pygls's workspace, holding `LspTextDocument`s (notebook cells included)."""

    def _create_text_document(
        self,
        doc_uri: str,
        source: str | None = None,
        version: int | None = None,
        language_id: str | None = None,
    ) -> TextDocument:
        return LspTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self.position_codec,
        )

    @classmethod
    def replacing(cls, workspace: Workspace) -> LspWorkspace:
        """A workspace like `workspace` (made by pygls at `initialize`, still empty)."""
        return cls(
            workspace.root_uri,
            workspace._sync_kind,
            list(workspace.folders.values()),
            workspace.position_encoding,
        )
