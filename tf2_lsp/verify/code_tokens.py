"""The names a piece of code writes, read with the tokenizer: words in its comments and
strings are not code (a comment that mentions a `Session` opens none)."""

from __future__ import annotations

import io
import re
import tokenize

_WORD = re.compile(r"[^\W\d]\w*")


def code_names(text: str) -> list[tuple[str, bool]]:
    """Each name the code writes, in order, and whether a `(` follows it (a call). Text the
    tokenizer cannot read gives every word of it, each taken as called (what a plain text
    search would find)."""
    names: list[tuple[str, bool]] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return [(word, True) for word in _WORD.findall(text)]
    for token, following in zip(tokens, [*tokens[1:], None], strict=True):
        if token.type == tokenize.NAME:
            called = following is not None and following.exact_type == tokenize.LPAR
            names.append((token.string, called))
    return names


def opens_a_session(text: str) -> bool:
    """The code names a Session of any kind (`Session`, `InteractiveSession`,
    `MonitoredTrainingSession`, ...)."""
    return any("Session" in name for name, _ in code_names(text))


def builds_its_own_graph(text: str) -> bool:
    """The code calls what only a TF1 graph program calls: a Session of any kind,
    `placeholder`, or `disable_v2_behavior`."""
    return any(
        called and (name.endswith("Session") or name in ("placeholder", "disable_v2_behavior"))
        for name, called in code_names(text)
    )
