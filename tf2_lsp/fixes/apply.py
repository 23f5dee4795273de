"""Apply findings' fixes: libcst on the smallest enclosing statements, imports added as lines.

Parsing the whole module with libcst costs ~260 ms per 6k lines (docs/architecture.md); parsing
only the statements that carry findings keeps a quick fix on a large file in the low milliseconds.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from tf2_lsp.analysis.findings.messages import import_statement
from tf2_lsp.fixes.arguments import rewrite_arguments
from tf2_lsp.fixes.call_edits import rewrite_call
from tf2_lsp.fixes.edits import LineEdit
from tf2_lsp.fixes.edits import apply_line_edits as apply_line_edits  # the engine applies from here
from tf2_lsp.fixes.imports import PREFERRED_IMPORTS, Renderer
from tf2_lsp.fixes.realign import grown
from tf2_lsp.fixes.splice import splices_for
from tf2_lsp.model import Detection, Finding
from tf2_lsp.text import Span, split_lines
from tf2_lsp.transforms.base import FixError, Site, Splice, Transform
from tf2_lsp.transforms.layout import realigned
from tf2_lsp.transforms.registry import TRANSFORMS

_WRAPPER = "if 1:\n"  # lets an indented statement parse on its own, without dedenting it


@dataclass
class Applied:
    edits: list[LineEdit] = field(default_factory=list)
    applied: list[Finding] = field(default_factory=list)
    failed: list[tuple[Finding, str]] = field(default_factory=list)


def plan_fixes(
    source: str,
    detection: Detection,
    findings: Sequence[Finding],
    lines: list[str] | None = None,
) -> Applied:
    """Line edits that apply the fixes of `findings` to `source` (nothing is written);
    `lines` are the source's lines when the caller has them already."""
    result = Applied()
    lines = lines if lines is not None else split_lines(source)
    renderer = Renderer(_bindings(detection), set(detection.module_names))
    program = [f for f in findings if f.anchor_kind == "program" and f.fix is not None]
    for finding in program:
        try:
            result.edits.append(_program_edit(lines, finding, renderer))
        except FixError as error:
            result.failed.append((finding, str(error)))
            continue
        result.applied.append(finding)
    # Statements a program fix rewrites whole (a model function made a layer) take no other
    # edit this round; their findings are fixed in the rewritten code by the next round.
    replaced = [
        (f.anchor.line, f.anchor.end_line)
        for f in result.applied
        if _transform(f).replace is not None
    ]
    findings = [
        f
        for f in findings
        if f.anchor_kind != "program"
        and not any(first <= f.statement[1] and f.statement[0] <= last for first, last in replaced)
    ]
    # Findings that carry one edit (each changed argument of a call and the call; each use
    # of an imported name and its import): that edit is applied once, and every finding that
    # carries it is applied with it.
    shared: dict[object, list[Finding]] = {}
    for finding in findings:
        shared.setdefault(_edit_key(finding), []).append(finding)
    findings = [f for f in findings if shared[_edit_key(f)][0] is f]
    spliced, findings = _split_spliceable(findings, lines, renderer)
    busy = _statement_lines(findings)
    statements = [finding.statement for finding, _ in spliced]
    result.edits.extend(grown(lines, _splice_edits(lines, spliced), statements, busy))
    result.applied.extend(finding for finding, _ in spliced)
    for (start, end), group in _regions(findings):
        try:
            new_lines, done = _rewrite_region(lines, start, end, group, renderer)
        except (FixError, cst.ParserSyntaxError, SyntaxError, RecursionError) as error:
            # A rewrite that cannot read its own piece of code fails that fix, not the file.
            result.failed.extend((finding, str(error)) for finding in group)
            continue
        result.applied.extend(f for f in group if f in done)
        result.failed.extend(
            (f, "no matching code at this finding") for f in group if f not in done
        )
        new_lines = realigned(lines[start - 1 : end], new_lines)
        if new_lines != lines[start - 1 : end]:
            result.edits.append(LineEdit(start, end, tuple(new_lines)))
    applied = {id(f) for f in result.applied}
    failed = {id(f): reason for f, reason in result.failed}
    for group in shared.values():
        if len(group) == 1:
            continue
        if id(group[0]) in applied:
            result.applied.extend(group[1:])
        elif id(group[0]) in failed:
            result.failed.extend((f, failed[id(group[0])]) for f in group[1:])
    if renderer.new_imports and result.edits:
        # Imports go before the disable_v2_behavior() call that follows the import block.
        result.edits.append(_import_edit(lines, detection, renderer.new_imports))
    return result


def _edit_key(finding: Finding) -> object:
    """Equal for findings whose fixes are one and the same edit."""
    if finding.call is not None:
        return id(finding.call)
    # The fix by identity: a use's finding is its import's with another span (`Fix` holds
    # mappings, so it has no hash).
    fix = id(finding.fix)
    return (finding.code, finding.anchor, finding.anchor_kind, fix, finding.target, finding.written)


def _program_edit(lines: list[str], finding: Finding, renderer: Renderer) -> LineEdit:
    """Insert the transform's statement (`disable_v2_behavior()`) where the finding's anchor
    says, with a blank line after; or rewrite the statements the anchor covers."""
    transform = _transform(finding)
    if transform.replace is not None:
        start, end = finding.anchor.line, finding.anchor.end_line
        text = "\n".join(lines[start - 1 : end]) + "\n"
        try:
            new_text = transform.replace(text, renderer)
        except cst.ParserSyntaxError as error:
            raise FixError(str(error)) from error
        return LineEdit(start, end, tuple(new_text.removesuffix("\n").split("\n")))
    if transform.statement is None:
        raise FixError(f"{transform.name} inserts no statement")
    line = finding.anchor.line
    indent = lines[line - 1][: finding.anchor.column] if line <= len(lines) else ""
    text = indent + transform.statement(renderer)
    followed_by_blank = line > len(lines) or not lines[line - 1].strip()
    inserted = (text,) if followed_by_blank else (text, "")
    return LineEdit(line, line - 1, inserted)


# A splice in file coordinates: (line, column, end line, end column, replacement).
_FileSplice = tuple[int, int, int, int, str]


def _split_spliceable(
    findings: Sequence[Finding], lines: list[str], renderer: Renderer
) -> tuple[list[tuple[Finding, list[_FileSplice]]], list[Finding]]:
    """Findings whose fixes can be spliced into the text (see `splice.py`), apart from the rest.

    A statement that needs libcst for one finding gets libcst for all of them, and findings
    whose splices would overlap go to libcst too, so the edits of the two paths never meet.
    """
    planned: list[tuple[Finding, list[_FileSplice]]] = []
    rest: list[Finding] = []
    for finding in findings:
        found = splices_for(finding, _anchor_text(lines, finding.anchor), renderer)
        if found is None:
            rest.append(finding)
        else:
            planned.append((finding, [_in_file(lines, finding.anchor, one) for one in found]))
    while True:
        busy = _statement_lines(rest)
        keep: list[tuple[Finding, list[_FileSplice]]] = []
        moved: list[tuple[Finding, list[_FileSplice]]] = []
        for finding, splices in planned:
            lines_touched = range(finding.anchor.line, finding.anchor.end_line + 1)
            (moved if any(line in busy for line in lines_touched) else keep).append(
                (finding, splices)
            )
        overlapping = _overlapping(keep)
        moved.extend(item for item in keep if id(item[0]) in overlapping)
        keep = [item for item in keep if id(item[0]) not in overlapping]
        if not moved:
            return keep, rest
        rest.extend(finding for finding, _ in moved)
        planned = keep


def _statement_lines(findings: Sequence[Finding]) -> set[int]:
    """The lines of the statements of `findings` (libcst rewrites them whole)."""
    return {line for f in findings for line in range(f.statement[0], f.statement[1] + 1)}


def _anchor_text(lines: list[str], span: Span) -> str:
    if span.line == span.end_line:
        return lines[span.line - 1][span.column : span.end_column]
    parts = [lines[span.line - 1][span.column :], *lines[span.line : span.end_line - 1]]
    return "\n".join([*parts, lines[span.end_line - 1][: span.end_column]])


def _in_file(lines: list[str], anchor: Span, splice: Splice) -> _FileSplice:
    text = _anchor_text(lines, anchor)

    def position(offset: int) -> tuple[int, int]:
        line = anchor.line + text.count("\n", 0, offset)
        start_of_line = text.rfind("\n", 0, offset) + 1
        column = offset - start_of_line + (anchor.column if line == anchor.line else 0)
        return line, column

    start, end, replacement = splice
    return (*position(start), *position(end), replacement)


def _overlapping(planned: list[tuple[Finding, list[_FileSplice]]]) -> set[int]:
    """id() of the findings whose splices overlap another finding's."""
    owned = sorted(
        ((s[0], s[1]), (s[2], s[3]), number)
        for number, (_, splices) in enumerate(planned)
        for s in splices
    )
    clash: set[int] = set()
    for (start_a, end_a, a), (start_b, _, b) in itertools.pairwise(owned):
        if a != b and (start_b < end_a or start_b == start_a):
            clash.update((id(planned[a][0]), id(planned[b][0])))
    return clash


def _splice_edits(
    lines: list[str], planned: list[tuple[Finding, list[_FileSplice]]]
) -> list[LineEdit]:
    """Line edits for all splices: each run of touched lines is rebuilt once."""
    splices = sorted(s for _, group in planned for s in group)
    edits: list[LineEdit] = []
    index = 0
    while index < len(splices):
        first, last = splices[index][0], splices[index][2]
        group = [splices[index]]
        index += 1
        while index < len(splices) and splices[index][0] <= last:
            last = max(last, splices[index][2])
            group.append(splices[index])
            index += 1
        segment = lines[first - 1 : last]
        for line, column, end_line, end_column, replacement in sorted(group, reverse=True):
            head = segment[line - first][:column]
            tail = segment[end_line - first][end_column:]
            new = (head + replacement + tail).split("\n")
            segment[line - first : end_line - first + 1] = new
        edits.append(LineEdit(first, last, tuple(segment)))
    return edits


def _bindings(detection: Detection) -> dict[str, str]:
    """Names a fix may spell targets through: TensorFlow's, and imports of target packages.

    Only imports of a package a fix would import anyway are reused (`import tf_slim as slim`,
    `from absl import logging`): `import absl` alone does not load `absl.logging`.
    """
    packages = tuple(module for module, _, _ in PREFERRED_IMPORTS)
    reusable = {
        local: path
        for local, path in detection.module_imports.items()
        if any(path == p or path.startswith(p + ".") for p in packages)
    }
    return {**reusable, **detection.module_bindings}


def parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def _regions(findings: Sequence[Finding]) -> list[tuple[tuple[int, int], list[Finding]]]:
    """Group findings by enclosing statement; overlapping statements merge into the outer one."""
    ordered = sorted(findings, key=lambda f: (f.statement[0], -f.statement[1]))
    regions: list[tuple[tuple[int, int], list[Finding]]] = []
    for finding in ordered:
        start, end = finding.statement
        if regions and start <= regions[-1][0][1]:
            (first, last), group = regions[-1]
            regions[-1] = ((first, max(last, end)), [*group, finding])
        else:
            regions.append(((start, end), [finding]))
    return regions


def _rewrite_region(
    lines: list[str], start: int, end: int, findings: list[Finding], renderer: Renderer
) -> tuple[list[str], list[Finding]]:
    block = lines[start - 1 : end]
    first = block[0]
    wrapped = first[:1] in (" ", "\t")
    code = (_WRAPPER if wrapped else "") + "\n".join(block) + "\n"
    wrapper = MetadataWrapper(cst.parse_module(code), unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    shift = start - 1 - (1 if wrapped else 0)
    rewriter = _Rewriter(findings, positions, shift, renderer)
    text = wrapper.module.visit(rewriter).code
    if wrapped:
        text = text[len(_WRAPPER) :]
    new_lines = text[:-1].split("\n") if text.endswith("\n") else text.split("\n")
    return new_lines, rewriter.done


class _Rewriter(cst.CSTTransformer):
    def __init__(
        self,
        findings: list[Finding],
        positions: object,
        shift: int,
        renderer: Renderer,
    ) -> None:
        super().__init__()
        self.positions = positions
        self.shift = shift
        self.renderer = renderer
        self.by_anchor: dict[tuple[int, int, int, int], list[Finding]] = {}
        self.by_start: dict[tuple[int, int], list[Finding]] = {}
        for finding in findings:
            a = finding.anchor
            self.by_anchor.setdefault((a.line, a.column, a.end_line, a.end_column), []).append(
                finding
            )
            self.by_start.setdefault((a.line, a.column), []).append(finding)
        self.done: list[Finding] = []

    def _span(self, node: cst.CSTNode) -> Span:
        code_range: CodeRange = self.positions[node]  # type: ignore[index]
        return Span(
            code_range.start.line + self.shift,
            code_range.start.column,
            code_range.end.line + self.shift,
            code_range.end.column,
        )

    def _at(
        self, node: cst.CSTNode, kinds: tuple[str, ...], by_start: bool = False
    ) -> list[Finding]:
        span = self._span(node)
        if by_start:
            found = self.by_start.get((span.line, span.column), [])
        else:
            found = self.by_anchor.get((span.line, span.column, span.end_line, span.end_column), [])
        return [f for f in found if f.anchor_kind in kinds and f not in self.done]

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        for finding in self._at(original, ("pattern",)):
            if finding.fix is not None and finding.fix.kind == "transform":
                self.done.append(finding)
                return self._transformed(updated, finding)
        return self._reference(original, updated)

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        for finding in self._at(original, ("pattern",)):
            if finding.fix is not None and finding.fix.kind == "transform":
                self.done.append(finding)
                return self._transformed(updated, finding)
        return self._reference(original, updated)

    def _transformed(self, node: cst.BaseExpression, finding: Finding) -> cst.BaseExpression:
        """`node` rewritten by the transform its finding's fix names."""
        transform = _transform(finding)
        if transform.rewrite is None:
            raise FixError(f"{transform.name} has no rewrite")
        symbol = finding.symbol or ""
        target = finding.fix.target_for(symbol) if finding.fix is not None else None
        return transform.rewrite(node, Site(symbol, target), self.renderer)

    def _reference(
        self, original: cst.Name | cst.Attribute, updated: cst.Name | cst.Attribute
    ) -> cst.BaseExpression:
        for finding in self._at(original, ("reference",)):
            if finding.fix is None or finding.fix.kind != "rename" or not finding.target:
                continue
            self.done.append(finding)
            replacement = cst.parse_expression(self.renderer.name(finding.target))
            return replacement.with_changes(lpar=updated.lpar, rpar=updated.rpar)
        return updated

    def leave_Comparison(
        self, original: cst.Comparison, updated: cst.Comparison
    ) -> cst.BaseExpression:
        for finding in self._at(original, ("pattern",)):
            if finding.fix is not None and finding.fix.kind == "transform":
                self.done.append(finding)
                return self._transformed(updated, finding)
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        result: cst.BaseExpression = updated
        for finding in self._at(original, ("call",)):
            fix = finding.fix
            if fix is None or not isinstance(result, cst.Call):
                continue
            if finding.call is not None:
                result = rewrite_call(result, finding.call, self.renderer)
            elif fix.kind == "arguments":
                change = fix.arguments_for(finding.symbol or "")
                if change is None:
                    continue
                result = rewrite_arguments(result, change)
            elif fix.kind == "transform":
                result = self._transformed(result, finding)
            elif fix.kind == "rename" and finding.target:
                func = cst.parse_expression(self.renderer.name(finding.target))
                result = result.with_changes(func=func)
            else:
                continue
            self.done.append(finding)
        return result

    def leave_Import(
        self, original: cst.Import, updated: cst.Import
    ) -> cst.BaseSmallStatement | cst.FlattenSentinel[cst.BaseSmallStatement]:
        return self._import(original, updated)

    def leave_ImportFrom(
        self, original: cst.ImportFrom, updated: cst.ImportFrom
    ) -> cst.BaseSmallStatement | cst.FlattenSentinel[cst.BaseSmallStatement]:
        return self._import(original, updated)

    def _import(
        self, original: cst.Import | cst.ImportFrom, updated: cst.Import | cst.ImportFrom
    ) -> cst.BaseSmallStatement | cst.FlattenSentinel[cst.BaseSmallStatement]:
        findings = [
            f
            for f in self._at(original, ("import",), by_start=True)
            if f.fix is not None and f.fix.kind == "rename" and f.target
        ]
        if not findings or isinstance(updated.names, cst.ImportStar):
            return updated
        by_local = {f.written: f for f in findings}
        kept: list[cst.ImportAlias] = []
        statements: list[cst.BaseSmallStatement] = []
        for alias in updated.names:
            local = _local_name(alias, isinstance(updated, cst.ImportFrom))
            finding = by_local.get(local)
            if finding is None or finding.target is None:
                kept.append(alias)
                continue
            self.done.append(finding)
            line = import_statement(finding.target, local)
            statement = cst.parse_statement(line)
            assert isinstance(statement, cst.SimpleStatementLine)
            statements.append(statement.body[0])
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            statements.insert(0, updated.with_changes(names=kept))
        if len(statements) == 1:
            return statements[0]
        return cst.FlattenSentinel(statements)


def _transform(finding: Finding) -> Transform:
    """The transform the finding's fix names (the catalogue checked the name on load)."""
    name = finding.fix.transform if finding.fix is not None else None
    transform = TRANSFORMS.get(name or "")
    if transform is None:
        raise FixError(f"no transform {name!r}")
    return transform


def _local_name(alias: cst.ImportAlias, from_import: bool) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    name = cst.helpers.get_full_name_for_node(alias.name) or ""
    return name if from_import else name.split(".", 1)[0]


def _import_edit(lines: list[str], detection: Detection, new_imports: list[str]) -> LineEdit:
    """Insert the imports a fix needs after the file's leading imports (or its docstring)."""
    after = detection.imports_end
    if after == 0:
        after = _after_docstring(lines)
    return LineEdit(after + 1, after, tuple(new_imports))


def _after_docstring(lines: list[str]) -> int:
    try:
        tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return 0
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[0].end_lineno or 0
    return 0
