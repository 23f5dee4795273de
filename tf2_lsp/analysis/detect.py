"""Source -> findings. Pure and fast: the stdlib `ast` plus our own name resolution.

This runs on every keystroke in the editor. Measured on a 5,400-line TF1 file (2 cores, Py 3.11):
`ast.parse` 0.10 s and one full walk 0.03 s, while libcst with qualified names costs ~1.8 s per
6k lines (docs/architecture.md). So detection never touches libcst; fixes do, on demand.
"""

from __future__ import annotations

import ast
import os
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

from tf2_lsp.analysis.callers import graph_callers
from tf2_lsp.analysis.collection_readers import program_reads
from tf2_lsp.analysis.findings.suppress import suppressed_codes
from tf2_lsp.analysis.program import graph_mode, project_classes, units
from tf2_lsp.analysis.walker import ModuleWalker
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.files.by_modification import ByModification
from tf2_lsp.model import Detection, Finding
from tf2_lsp.settings import Settings
from tf2_lsp.text import LineIndex, Span

_MENTIONS_TF = re.compile(r"\b(?:tensorflow|tf_slim)\b")


def _mentions_tf(source: str) -> bool:
    # The substring tests first: the pattern alone tries each position of a file that never
    # names TensorFlow (a third of real trees), 28 ms of a 669-file check.
    return ("tensorflow" in source or "tf_slim" in source) and bool(_MENTIONS_TF.search(source))


# Python's parser accepts expressions thousands of levels deep (left-recursive chains such as
# `a.f().f()...` or `a + a + ...` without limit); our walk recurses once or twice per level.
# Python frames live on the heap since 3.11, so a higher limit costs no C stack. Beyond it, the
# one statement that is too deep is skipped (Detection.too_deep), not the whole file.
RECURSION_LIMIT = 20_000


def _allow_deep_recursion() -> None:
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


def detect(
    source: str,
    catalogue: Catalogue,
    settings: Settings | None = None,
    receiver_hints: Mapping[tuple[int, int], str] | None = None,
) -> Detection:
    """Findings for `source`; `receiver_hints` types receivers by position (from jedi)."""
    settings = settings or Settings()
    _allow_deep_recursion()
    try:
        tree = ast.parse(source)
        if not _mentions_tf(source) and not _may_drive_a_library(source, settings.file):
            # No import can name TensorFlow without the word: parsed only for syntax errors.
            return Detection([])
        walker = ModuleWalker(source, catalogue, settings, receiver_hints or {})
        walker.run(tree)
    except SyntaxError as error:
        return Detection([], syntax_error=error)
    except ValueError as error:  # NUL bytes
        return Detection([], syntax_error=SyntaxError(str(error)))
    except (RecursionError, MemoryError):
        # Python's own parser gives up on pathologically nested code the same way.
        return Detection([], syntax_error=SyntaxError("code is nested too deeply to analyse"))
    walked = graph_mode.WalkedModule(
        walker.facts,
        walker.findings,
        walker.text,
        walker.first_tf_import,
        walker.imports_end,
        walker.settings.file,
    )
    graph_mode.check_program(walked, tree, partial(_builds_graphs, catalogue=catalogue))
    graph_mode.check_reference_variables(walked)
    return finish_detection(walker, tree.body)


_TEST_CODE = re.compile(r"TestCase|^\s*def test", re.MULTILINE)


def _may_drive_a_library(source: str, path: str) -> bool:
    """A test module that never names TensorFlow may still run a graph-mode library of its
    project (graph_mode.drives_graph_library), so it is walked too."""
    if not path:
        return False
    if graph_mode.is_test_file(path):
        return True
    # (The pattern only where a substring test says it may match, as for `_mentions_tf`.)
    return ("TestCase" in source or "def test" in source) and bool(_TEST_CODE.search(source))


# (builds graphs itself, the project files a package's `__init__` imports); a file being read
# answers "none" meanwhile, so a cycle of imports ends there.
_GraphAnswer = tuple[bool, tuple[str, ...]]
_GRAPH_FILES: ByModification[_GraphAnswer] = ByModification(
    (False, ()), note=project_classes.note_read, provisional=(False, ())
)


def _builds_graphs(path: str, catalogue: Catalogue, _within: frozenset[str] = frozenset()) -> bool:
    """Whether the project's module at `path` builds TF1 graphs (its own TF801 or TF810), or,
    for a package's `__init__`, one of the modules it imports does: `import tflearn` runs
    `tflearn/__init__.py`, which only re-exports the modules with the graph code. Each file's
    own answer is remembered per modification time; a package's is asked of its modules each
    time, so an edit to one of them counts. A file that cannot be read builds none."""
    own, imports = _own_graphs(path, catalogue)
    if own or path in _within:
        return own
    return any(_builds_graphs(file, catalogue, _within | {path}) for file in imports)


def _own_graphs(path: str, catalogue: Catalogue) -> _GraphAnswer:
    def read(path: str, _info: os.stat_result) -> _GraphAnswer:
        try:
            text = Path(path).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return False, ()
        graphs = False
        if graph_mode.is_test_file(path) or _may_build_graphs(text):
            codes = {f.code for f in detect(text, catalogue, Settings(file=path)).findings}
            graphs = bool(codes & {graph_mode.SCRIPT_RULE, graph_mode.LIBRARY_RULE})
        init = os.path.basename(path) == "__init__.py"
        return graphs, _package_imports(text, path) if init else ()

    return _GRAPH_FILES.get(path, read)


def _package_imports(text: str, path: str) -> tuple[str, ...]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return ()
    return tuple(file for file, _ in project_classes.project_imports(tree, path))


# The last part of every name whose use makes a module build graphs: no module can use one
# without writing it, whatever its aliases. Of the 377 project files that the test files of
# 669 real ones import, 329 write none, and a full detection of each (a third of a `check`'s
# whole-program work) only said so.
_WORDS = {name.rpartition(".")[2] for name in graph_mode.GRAPH_SIGNALS | graph_mode.SESSIONS}
_WORDS |= graph_mode.TEST_SESSION_METHODS
# Only the words no other contains (`Session` stands for `InteractiveSession`), each looked
# for as a substring: an alternation of all 39 in one pattern took 3.3x as long over the 669
# files (105 ms against 32 ms), as `re` tries each word at each position.
_GRAPH_WORDS = tuple(sorted(w for w in _WORDS if not any(o != w and o in w for o in _WORDS)))


def _may_build_graphs(text: str) -> bool:
    """False when `text` cannot give TF801 or TF810 (a test file's findings also depend on
    the files it imports: never asked for one)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)  # identifiers are read in this form
    return any(word in text for word in _GRAPH_WORDS)


def statement_layout(body: Sequence[ast.stmt]) -> list[tuple[int, int, bool]]:
    """(first line, last line, binds module names?) of each top-level statement.

    Only `def` and `class` statements are taken as binding nothing that matters: they bind
    their own name, never a TensorFlow alias, so editing inside them cannot change how the
    rest of the module resolves.
    """
    layout = []
    for statement in body:
        first = statement.lineno
        decorators = getattr(statement, "decorator_list", None)
        if decorators:
            first = min(first, *(d.lineno for d in decorators))
        inert = isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        layout.append((first, statement.end_lineno or statement.lineno, not inert))
    return layout


def finish_detection(
    walker: ModuleWalker, body: Sequence[ast.stmt], inherited: Sequence[units.Blocker] = ()
) -> Detection:
    """The walk's findings, judged as a program unit; `inherited`: the graph state of the
    module's statements this walk did not visit (incremental re-analysis)."""
    settings = walker.settings
    callers = partial(graph_callers, settings.file, catalogue=walker.catalogue)
    readers = partial(program_reads, settings.file, catalogue=walker.catalogue)
    own = units.judge(walker.findings, walker.facts, walker.text, body, inherited, callers, readers)
    findings = [f for f in walker.findings.found if settings.wants(f.code)]
    findings = _drop_suppressed(findings, walker.text.index)
    findings.sort(key=lambda f: (f.span.line, f.span.column, f.code))
    module = walker.scopes.module
    return Detection(
        findings=_dedupe(findings),
        candidates=walker.calls.candidates,
        module_bindings={
            name: b.qualified for name, b in module.names.items() if b.qualified is not None
        },
        module_names=set(module.names),
        module_imports={
            name: b.imported for name, b in module.names.items() if b.imported is not None
        },
        imports_end=walker.imports_end,
        first_import=walker.first_import,
        layout=statement_layout(body),
        module_scope=module,
        too_deep=sorted(set(walker.too_deep)),
        graph_state=sorted({*own, *inherited}),
    )


def _drop_suppressed(findings: list[Finding], index: LineIndex) -> list[Finding]:
    kept = []
    by_line: dict[int, frozenset[str] | None] = {}  # each line read once, however many findings
    for finding in findings:
        line = finding.span.line
        if line not in by_line:
            by_line[line] = suppressed_codes(index.line_text(line))
        codes = by_line[line]
        if codes is not None and (not codes or finding.code in codes):
            continue
        kept.append(finding)
    return kept


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, Span]] = set()
    unique = []
    for finding in findings:
        key = (finding.code, finding.span)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique
