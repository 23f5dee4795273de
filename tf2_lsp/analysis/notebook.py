"""Jupyter notebooks: the detection of the joined cells (`files.cells.join_cells`) seen from
each cell, in the cell's own coordinates."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tf2_lsp.files.cells import CellSlice
from tf2_lsp.model import Detection, Finding
from tf2_lsp.text import Span


def cell_detection(joined: Detection, cell: CellSlice[Any]) -> Detection:
    """The joined detection seen from one cell: its own findings, in its own coordinates.
    Whole-module notes (`program`) belong to no cell and are left out."""
    shift = cell.shift
    last = shift + cell.line_count
    findings = [
        in_cell(f, cell)
        for f in joined.findings
        if shift < f.span.line <= last and f.anchor_kind != "program"
    ]
    imports_end = joined.imports_end - shift if shift < joined.imports_end <= last else 0
    return replace(
        joined,
        findings=findings,
        imports_end=imports_end,
        first_import=max(joined.first_import - shift, 0),
        candidates=[],
    )


def in_cell(finding: Finding, cell: CellSlice[Any]) -> Finding:
    """A finding of the joined module with its positions counted from `cell`'s first line."""
    shift = cell.shift

    def move(span: Span) -> Span:
        return Span(span.line - shift, span.column, span.end_line - shift, span.end_column)

    start, end = finding.statement
    return replace(
        finding,
        span=move(finding.span),
        anchor=move(finding.anchor),
        statement=(start - shift, end - shift),
    )
