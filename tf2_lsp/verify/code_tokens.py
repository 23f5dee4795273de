"""The names a piece of code writes, read with the tokenizer: words in its comments and
strings are not code (a comment that mentions a `Session` opens none)."""

from __future__ import annotations

import io
import re
import tokenize

_WORD = re.compile(r"[^\W\d]\w*")
_DOTTED = re.compile(r"[^\W\d]\w*(?:\s*\.\s*[^\W\d]\w*)*")


def _tokens(text: str) -> list[tokenize.TokenInfo] | None:
    """The code's tokens; None when the tokenizer cannot read it."""
    try:
        return list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None


def code_names(text: str) -> list[tuple[str, bool]]:
    """Each name the code writes, in order, and whether a `(` follows it (a call). Text the
    tokenizer cannot read gives every word of it, each taken as called (what a plain text
    search would find)."""
    tokens = _tokens(text)
    if tokens is None:
        return [(word, True) for word in _WORD.findall(text)]
    names: list[tuple[str, bool]] = []
    for token, following in zip(tokens, [*tokens[1:], None], strict=True):
        if token.type == tokenize.NAME:
            called = following is not None and following.exact_type == tokenize.LPAR
            names.append((token.string, called))
    return names


def dotted_names(text: str) -> list[str]:
    """Each dotted name the code writes (`tf.compat.v1.layers.dense`, `tf_slim`), read as
    `code_names` reads names: never from comments or strings. Text the tokenizer cannot read
    gives every dotted word of it."""
    tokens = _tokens(text)
    if tokens is None:
        return ["".join(word.split()) for word in _DOTTED.findall(text)]
    names: list[str] = []
    parts: list[str] = []
    expect_name = True  # after a name comes a dot or the end; after a dot, a name
    for token in tokens:
        if token.type in (tokenize.NL, tokenize.COMMENT):
            continue  # inside brackets a dotted name may go on over lines and comments
        if token.type == tokenize.NAME and expect_name:
            parts.append(token.string)
            expect_name = False
        elif token.exact_type == tokenize.DOT and parts and not expect_name:
            expect_name = True
        else:
            if parts:
                names.append(".".join(parts))
            parts = [token.string] if token.type == tokenize.NAME else []
            expect_name = token.type != tokenize.NAME
    if parts:
        names.append(".".join(parts))
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
