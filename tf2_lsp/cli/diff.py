"""`fix --diff`: a unified diff with git's `a/` and `b/` names, coloured on a terminal."""

from __future__ import annotations

import difflib
from pathlib import Path

from tf2_lsp.cli.terminal import Style
from tf2_lsp.text import split_lines_keeping_ends


def unified_diff(before: str, after: str, path: Path) -> str:
    lines = difflib.unified_diff(
        # Lines as Python and editors end them: str.splitlines would also break at \f and
        # \u2028, cutting a line of the diff in two.
        split_lines_keeping_ends(before),
        split_lines_keeping_ends(after),
        fromfile=_diff_name("a", path),
        tofile=_diff_name("b", path),
    )
    # A file's last line without a line break is marked as diff and patch mark it; without
    # the mark it ran into the next line of the diff, which then applied to nothing.
    return "".join(
        line if line.endswith(("\n", "\r")) else f"{line}\n{_NO_NEWLINE}\n" for line in lines
    )


_NO_NEWLINE = "\\ No newline at end of file"


def _diff_name(side: str, path: Path) -> str:
    """`a/pkg/model.py` for relative paths, as git writes them; absolute paths as they are."""
    return path.as_posix() if path.is_absolute() else f"{side}/{path.as_posix()}"


def colour_diff(diff: str, style: Style) -> str:
    if not style.enabled:
        return diff
    lines = []
    for line in split_lines_keeping_ends(diff):
        body = line.rstrip("\n")
        if line.startswith(("---", "+++")):
            body = style.bold(body)
        elif line.startswith("-"):
            body = style.red(body)
        elif line.startswith("+"):
            body = style.green(body)
        elif line.startswith("@@"):
            body = style.cyan(body)
        lines.append(body + line[len(line.rstrip("\n")) :])
    return "".join(lines)
