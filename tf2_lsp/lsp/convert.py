"""Engine objects <-> LSP objects: Span <-> Range, Finding -> Diagnostic, changes -> TextEdits.

Every conversion takes the negotiated position encoding explicitly: `ast` counts UTF-8 bytes,
the engine counts characters, LSP clients count UTF-16 code units unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter

from tf2_lsp.fixes.edits import TextChange
from tf2_lsp.model import Finding
from tf2_lsp.text import Encoding, Span, from_client_column, to_client_column

SOURCE = "tf2-lsp"
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"  # source.fixAll.tf2-lsp
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def client_position(
    lines: Sequence[str], line: int, column: int, encoding: Encoding
) -> types.Position:
    """A 0-based line and character column as the client counts it."""
    text = _line(lines, line)
    return types.Position(line=line, character=to_client_column(text, column, encoding))


def to_range(span: Span, lines: Sequence[str], encoding: Encoding) -> types.Range:
    return types.Range(
        start=client_position(lines, span.line - 1, span.column, encoding),
        end=client_position(lines, span.end_line - 1, span.end_column, encoding),
    )


def from_position(
    position: types.Position, lines: Sequence[str], encoding: Encoding
) -> tuple[int, int]:
    """A client position as (1-based line, character column)."""
    text = _line(lines, position.line)
    return position.line + 1, from_client_column(text, position.character, encoding)


def diagnostic(finding: Finding, lines: Sequence[str], encoding: Encoding) -> types.Diagnostic:
    from tf2_lsp.engine import fix_title  # the engine loads after `initialize` is answered

    rule = finding.rule
    data: dict[str, Any] = {"code": rule.code, "symbol": finding.symbol}
    if finding.fix is not None:
        data["fix"] = {
            "title": fix_title(finding),
            "safety": finding.fix.safety,
            "level": finding.fix.level,
        }
    return types.Diagnostic(
        range=to_range(finding.span, lines, encoding),
        message=finding.message,
        severity=SEVERITY[finding.severity],
        code=rule.code,
        code_description=types.CodeDescription(href=rule.family.guide),
        source=SOURCE,
        tags=[types.DiagnosticTag.Deprecated] if rule.removed else None,
        data=data,
    )


# The JSON form of a diagnostic, as pygls would write it: made by the same converter.
_WIRE = default_converter()  # type: ignore[no-untyped-call]
Json = dict[str, Any]


class PublishedDiagnostics:
    """One document's diagnostics in their JSON form, remembered between versions.

    Publishing is the editor's slowest step on a large file, not analysis: on the 6,000-line
    benchmark file (1,638 findings) converting every finding took 36 ms and cattrs' unstructure
    plus json.dumps 50 ms, against 13 ms to re-analyse an edit. An edit inside one statement
    leaves the other findings the same objects (1,618 of 1,638 after a one-line edit), so their
    JSON is reused; a finding is converted again when it is new or its lines' text changed.
    """

    def __init__(self) -> None:
        # id(finding) -> (finding, encoding, its lines' text, JSON): the finding is kept so that
        # its id cannot be reused by another object while the entry exists.
        self._entries: dict[int, tuple[Finding, Encoding, tuple[str, str], Json]] = {}

    def json(
        self, findings: Sequence[Finding], lines: Sequence[str], encoding: Encoding
    ) -> list[Json]:
        entries = {}
        result = []
        # Whether a line's text is the one an entry was made with, compared once per line and
        # version: a long line holding thousands of findings is not compared for each.
        unchanged: dict[tuple[int, int], bool] = {}

        def same(before: str, index: int) -> bool:
            key = (id(before), index)
            if key not in unchanged:
                unchanged[key] = before == _line(lines, index)
            return unchanged[key]

        for finding in findings:
            span = finding.span
            first, last = span.line - 1, span.end_line - 1
            texts = (_line(lines, first), _line(lines, last))
            entry = self._entries.get(id(finding))
            if (
                entry is None
                or entry[0] is not finding
                or entry[1] != encoding
                or not same(entry[2][0], first)
                or not same(entry[2][1], last)
            ):
                wire = _WIRE.unstructure(diagnostic(finding, lines, encoding))
                entry = (finding, encoding, texts, wire)
            else:  # this version's line objects: the next comparison is by identity
                entry = (finding, encoding, texts, entry[3])
            entries[id(finding)] = entry
            result.append(entry[3])
        self._entries = entries  # only what this version shows stays
        return result


def _line(lines: Sequence[str], index: int) -> str:
    """Line `index` (0-based), or "" past either end."""
    return lines[index] if 0 <= index < len(lines) else ""


def text_edits(
    changes: Sequence[TextChange], lines: Sequence[str], encoding: Encoding
) -> list[types.TextEdit]:
    return [
        types.TextEdit(
            range=types.Range(
                start=client_position(lines, change.line, change.column, encoding),
                end=client_position(lines, change.end_line, change.end_column, encoding),
            ),
            new_text=change.text,
        )
        for change in changes
    ]


def workspace_edit(
    uri: str, version: int | None, edits: list[types.TextEdit], document_changes: bool
) -> types.WorkspaceEdit:
    """Versioned `documentChanges` when the client takes them, else plain `changes`."""
    if not document_changes:
        return types.WorkspaceEdit(changes={uri: edits})
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=uri, version=version
                ),
                edits=list(edits),
            )
        ]
    )
