"""One function of an open file, before and after migration, as an equivalence case: the
editor's "Verify migration of this function". The old text comes from the file at git HEAD
(or from a file the user names), the new one from the editor's buffer; nothing here runs or
imports either: the harness's TensorFlow processes do.
"""

from __future__ import annotations

import ast
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tf2_lsp.verify.cases import Case
from tf2_lsp.verify.migration import VerifyError, function_case

GIT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True, slots=True)
class FunctionSpan:
    name: str
    parameters: tuple[str, ...]  # those without a default value
    first_line: int  # 0-based, the `def` line (decorators excluded)
    last_line: int


def enclosing_function(source: str, line: int) -> FunctionSpan | None:
    """The top-level function (or a method of a top-level class) whose lines hold the 0-based
    `line`; None outside every function or when the text does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _holds(node, line):
            return _span(node)
    return None


def _holds(node: ast.FunctionDef | ast.AsyncFunctionDef, line: int) -> bool:
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
    return first <= line <= (node.end_lineno or node.lineno) - 1


def _span(node: ast.FunctionDef | ast.AsyncFunctionDef) -> FunctionSpan:
    arguments = node.args
    positional = [*arguments.posonlyargs, *arguments.args]
    required = [a.arg for a in positional[: len(positional) - len(arguments.defaults)]]
    required += [
        a.arg
        for a, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        if default is None
    ]
    return FunctionSpan(
        node.name, tuple(required), node.lineno - 1, (node.end_lineno or node.lineno) - 1
    )


def defines_function(source: str, name: str) -> bool:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return any(
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name
        for node in tree.body
    )


def text_at_head(path: Path) -> str:
    """The file as the last commit has it (`git show HEAD:path`); VerifyError says why not
    (git missing, not in a repository, the file new since HEAD)."""
    folder = path.parent
    root = _git(folder, "rev-parse", "--show-toplevel").strip()
    relative = Path(os.path.relpath(path.resolve(), Path(root).resolve())).as_posix()
    try:
        return _git(Path(root), "show", f"HEAD:{relative}")
    except VerifyError as error:
        raise VerifyError(
            f"{path.name} is not in the last commit (a new file, or no commit yet): "
            f"give a file to compare with ({error})"
        ) from None


def _git(folder: Path, *arguments: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *arguments],
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise VerifyError("git is not installed: give a file to compare with") from None
    except subprocess.TimeoutExpired:
        raise VerifyError(f"git gave no answer within {GIT_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if arguments[0] == "rev-parse":
            raise VerifyError(
                f"{folder} is not in a git repository: give a file to compare with"
            ) from None
        raise VerifyError(message[-1] if message else f"git exit status {done.returncode}")
    return done.stdout.decode("utf-8", "replace")


def buffer_case(
    path: Path,
    buffer: str,
    line: int,
    against: Path | None = None,
    inputs: str = "",
    train_step: bool = False,
) -> tuple[FunctionSpan, Case, str]:
    """The case comparing the function around `line` in `buffer` (the file at `path` as the
    editor has it) with the same function at git HEAD or in `against`; and what OLD was."""
    function = enclosing_function(buffer, line)
    if function is None:
        raise VerifyError("put the cursor inside a top-level function to verify its migration")
    if against is not None:
        try:
            old = against.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise VerifyError(f"cannot read {against}: {error}") from None
        origin = str(against)
    else:
        old = text_at_head(path)
        origin = f"{path.name} at git HEAD"
    if not defines_function(old, function.name):
        raise VerifyError(f"{origin} has no top-level function {function.name!r}")
    missing = [p for p in function.parameters if f"{p}=" not in inputs.replace(" ", "")]
    if missing:
        raise VerifyError(
            f"{function.name} takes {', '.join(missing)}: give their values as inputs "
            "(NAME=SHAPE:DTYPE or NAME=LITERAL, such as x=2x3:float32,training=False)"
        )
    case = function_case(old, buffer, path.stem, function.name, path.parent, inputs, train_step)
    return function, case, origin
