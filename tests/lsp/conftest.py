"""Document snapshots made without a server: what `actions` and `hover` answer from."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

import pytest
from lsprotocol import types

from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.lsp.capabilities import Capabilities
from tf2_lsp.lsp.snapshot import DocumentSnapshot, analyse_text
from tf2_lsp.settings import Settings
from tf2_lsp.text import Encoding

URI = "file:///work/a.py"
MakeSnapshot = Callable[..., DocumentSnapshot]


@pytest.fixture
def snapshot_of(catalogue: Catalogue) -> MakeSnapshot:
    def make(
        text: str,
        *,
        settings: Settings | None = None,
        encoding: Encoding = "utf-16",
        capabilities: Capabilities | None = None,
        version: int = 1,
    ) -> DocumentSnapshot:
        return DocumentSnapshot(
            uri=URI,
            analysis=analyse_text(text, catalogue, settings or Settings(), version),
            encoding=encoding,
            capabilities=capabilities or Capabilities(document_changes=True),
        )

    return make


def edits_of(edit: types.WorkspaceEdit | None) -> list[types.TextEdit]:
    assert edit is not None, "no edit"
    found: list[types.TextEdit] = []
    for change in edit.document_changes or []:
        assert isinstance(change, types.TextDocumentEdit)
        found.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    for edits in (edit.changes or {}).values():
        found.extend(edits)
    return found


def apply(text: str, edits: Sequence[types.TextEdit], encoding: Encoding = "utf-16") -> str:
    """Apply TextEdits (all ranges refer to `text`) the way an editor does."""
    lines = re.split(r"\r\n|\r|\n", text)  # LSP's line breaks, and only those
    starts = [0, *(match.end() for match in re.finditer(r"\r\n|\r|\n", text))]

    def units(char: str) -> int:
        if encoding == "utf-8":
            return len(char.encode("utf-8"))
        return 2 if encoding == "utf-16" and ord(char) > 0xFFFF else 1

    def index(position: types.Position) -> int:
        line, count = lines[position.line], 0
        for offset, char in enumerate(line):
            if count >= position.character:
                return starts[position.line] + offset
            count += units(char)
        return starts[position.line] + len(line)

    spans = sorted((index(e.range.start), index(e.range.end), e.new_text) for e in edits)
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        assert end <= start, "overlapping edits"
    for start, end, new in reversed(spans):
        text = text[:start] + new + text[end:]
    return text
