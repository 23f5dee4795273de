"""Where an `ast` node stands in the source, in characters, and how it is written there."""

from __future__ import annotations

import ast
from typing import cast

from tf2_lsp.text import LineIndex, Span


def attribute_chain(node: ast.AST) -> list[ast.expr] | None:
    """[base, attr1, attr2, ...] for an attribute chain `base.attr1.attr2`, else None."""
    parts: list[ast.expr] = []
    current: ast.AST = node
    while isinstance(current, ast.Attribute):
        parts.append(current)
        current = current.value
    if not isinstance(current, ast.expr):
        return None
    parts.append(current)
    parts.reverse()
    if len(parts) == 1 and not isinstance(current, ast.Name):
        return None
    return parts


def callee_name(call: ast.Call) -> str | None:
    """The last name of what `call` calls: `run` for `sess.run(...)`, `f` for `f(...)`."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def chain_attrs(chain: list[ast.expr]) -> list[str]:
    """The attribute names of a chain from `attribute_chain`, after its base."""
    return [cast(ast.Attribute, node).attr for node in chain[1:]]


class SourceText:
    """One file's text, read through `ast` positions (UTF-8 byte columns -> characters)."""

    def __init__(self, source: str) -> None:
        self.index = LineIndex(source)

    def span_of(self, node: ast.AST) -> Span:
        line = node.lineno  # type: ignore[attr-defined]
        end_line = node.end_lineno or line  # type: ignore[attr-defined]
        return Span(
            line,
            self.index.char_column(line, node.col_offset),  # type: ignore[attr-defined]
            end_line,
            self.index.char_column(end_line, node.end_col_offset or 0),  # type: ignore[attr-defined]
        )

    def text_of(self, node: ast.AST) -> str:
        """A dotted name as written (`tf.contrib.slim`), else the node's source text (its
        first line and ` ...` when it spans several)."""
        chain = attribute_chain(node) if isinstance(node, ast.expr) else None
        if chain is not None and isinstance(chain[0], ast.Name):
            return ".".join([chain[0].id, *chain_attrs(chain)])
        span = self.span_of(node)
        if span.line == span.end_line:
            return self.index.line_text(span.line)[span.column : span.end_column]
        return self.index.line_text(span.line)[span.column :] + " ..."
