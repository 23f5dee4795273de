"""Suppression comments: `# tf2-lsp: ignore[TF101]` at the end of a finding's first line."""

from __future__ import annotations

import io
import re
import tokenize

_SUPPRESS = re.compile(r"#\s*tf2-lsp:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?")


def suppressed_codes(line_text: str) -> frozenset[str] | None:
    """Codes silenced on a line by `# tf2-lsp: ignore[TF101,TF102]`; empty set = all codes."""
    if "tf2-lsp" not in line_text:
        return None
    match = next(
        (m for m in _SUPPRESS.finditer(line_text) if _is_comment_at(line_text, m.start())), None
    )
    if match is None:
        return None
    if match.group(1) is None:
        return frozenset()
    return frozenset(code.strip() for code in match.group(1).split(",") if code.strip())


def _is_comment_at(line_text: str, column: int) -> bool:
    """Whether `#` at `column` starts a comment, not text inside a string on that line."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line_text).readline))
    except (tokenize.TokenError, SyntaxError):
        # The line continues a multi-line string or bracket: judge by quotes before the `#`.
        return line_text.count('"', 0, column) % 2 == 0 and line_text.count("'", 0, column) % 2 == 0
    return any(t.type == tokenize.COMMENT and t.start[1] == column for t in tokens)
