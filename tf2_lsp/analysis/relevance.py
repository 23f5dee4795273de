"""Which statements the walk may pass over: those whose text names nothing it acts on.

Most statements of a TF1 file never touch TensorFlow (`return x`, `for i in range(n):`, helper
code). Each matcher acts only on a name bound to TensorFlow or to a typed TensorFlow value,
on a few method and attribute names (`.run(...)`, `.value`, `.make_one_shot_iterator()`), on
imports and on `global` declarations. A statement whose source lines contain none of these
words cannot give a finding, so the walker only records what it binds (`bind_only`): walking
its expressions cost about as much as parsing them.

The words are searched in the statement's whole lines (decorators included), strings and
comments too: a false mention only costs the full walk it would have had anyway.
"""

from __future__ import annotations

import ast
import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable

from tf2_lsp.analysis.program import TEST_SESSION_METHODS
from tf2_lsp.analysis.resolve import NOT_TF, Binding, target_names
from tf2_lsp.analysis.scopes import Scopes

# Words the walk acts on whatever they are bound to: statements that bind names the
# skipping cannot follow (imports, `global`, `:=`), and method calls noted by name
# (`x.run()` for graph mode, `self.test_session()`).
ALWAYS_WALKED = frozenset({"import", "global", "nonlocal", "run", *TEST_SESSION_METHODS})
_LINE_END = re.compile(r"\r\n|\r|\n")
_WALRUS = re.compile(":=")


class Relevance:
    """Does a range of lines of one source name any of the words the walk acts on?

    Each word is searched once in the whole source, when it first counts; a statement's
    question is then one bisection in the sorted numbers of the lines that name any word."""

    def __init__(self, source: str, words: Iterable[str]) -> None:
        if not source.isascii():
            # The parser reads identifiers in NFKC form: `ｔｆ` is the name `tf`. Normalised
            # line by line, so that line numbers stay as they are.
            source = "".join(
                line if line.isascii() else unicodedata.normalize("NFKC", line)
                for line in source.splitlines(keepends=True)
            )
        self.text = source
        self.starts = [0, *(match.end() for match in _LINE_END.finditer(source))]
        self.hot: list[int] = []  # sorted numbers of the lines that name a word
        self.searched: set[str] = set()
        self.names_seen = -1
        self._add_lines(_WALRUS.finditer(source))
        self._add_words(words)

    def mentions(self, first: int, last: int, names: set[str]) -> bool:
        """Lines `first`..`last` (1-based) name one of `names` (a set that only grows) or a
        word given at the start."""
        if len(names) != self.names_seen:
            self._add_words(names - self.searched)
            self.names_seen = len(names)
        hot = self.hot
        index = bisect.bisect_left(hot, first)
        return index < len(hot) and hot[index] <= last

    def add_lines(self, lines: Iterable[int]) -> None:
        """Statements on these lines are always walked."""
        self.hot = sorted(set(self.hot).union(lines))

    def _add_words(self, words: Iterable[str]) -> None:
        text = self.text
        for word in words:
            if word in self.searched:
                continue
            self.searched.add(word)
            # A literal first, so that `re` scans with its fast substring search; the character
            # before is checked here. Only an ASCII letter, digit or `_` next to the word makes
            # it part of another name: anything else may end an identifier, so it counts.
            pattern = re.compile(re.escape(word) + "(?![0-9A-Za-z_])")
            found = pattern.finditer(text)
            self._add_lines(m for m in found if m.start() == 0 or _ends_word(text[m.start() - 1]))

    def _add_lines(self, matches: Iterable[re.Match[str]]) -> None:
        starts = self.starts
        lines = {bisect.bisect_right(starts, m.start()) for m in matches}
        if lines:
            self.hot = sorted(lines.union(self.hot))


def _ends_word(char: str) -> bool:
    return not (char.isascii() and (char.isalnum() or char == "_"))


def bind_only(
    statement: ast.stmt, scopes: Scopes, alias_of: Callable[[ast.expr | None], Binding]
) -> bool:
    """Bind what a simple statement binds, as the full walk would, without judging anything;
    False for any other statement, which the walker then walks.

    Only for a statement that `Relevance.mentions` nothing: no name bound to TensorFlow, no
    import, no `global`, no `:=`. A compound statement is always walked: a function defined
    in it runs later, when more names may be bound to TensorFlow, and the statements in its
    body are asked one by one anyway."""
    if isinstance(statement, ast.Assign):
        alias = alias_of(statement.value)
        for target in statement.targets:
            if isinstance(target, ast.Name):
                scopes.bind(target.id, alias)
            else:
                for name in target_names(target):
                    scopes.bind(name, NOT_TF)
        return True
    if isinstance(statement, ast.AnnAssign):
        if isinstance(statement.target, ast.Name):
            value = statement.value
            scopes.bind(statement.target.id, alias_of(value) if value else NOT_TF)
        return True
    return isinstance(statement, _BINDS_NOTHING)


# Simple statements whose walk binds no name (an augmented assignment rebinds a name it
# reads, and the walk leaves its binding as it was).
_BINDS_NOTHING = (
    ast.Expr,
    ast.AugAssign,
    ast.Return,
    ast.Delete,
    ast.Pass,
    ast.Raise,
    ast.Assert,
    ast.Break,
    ast.Continue,
)
