"""One version of one document, analysed (`Analysis`), and what a request may read of it
(`DocumentSnapshot`): the text, its analysis, the settings and catalogue it was analysed with,
the negotiated encoding and the client's capabilities. A snapshot never changes once made, so
the code that answers requests (`actions`, `hover`) never sees the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.lsp.capabilities import Capabilities
from tf2_lsp.lsp.collector import collector_paused
from tf2_lsp.model import Detection, Finding
from tf2_lsp.settings import Settings
from tf2_lsp.text import Encoding, split_lines

if TYPE_CHECKING:  # the engine loads after `initialize` is answered (start-up time)
    from tf2_lsp.engine import DocumentFixes


@dataclass
class Analysis:
    """One version of one document, analysed; caches what is derived from it."""

    version: int | None
    source: str
    detection: Detection
    settings: Settings
    catalogue: Catalogue
    oversized: bool = False  # over the editor's size limit: never analysed, not even for hover
    # The other files its findings read (path, modification time in ns, -1: missing): a
    # test module's graph-mode library, a model function's callers. While they hold, it holds.
    depends: tuple[tuple[str, int], ...] = ()
    _fixes: DocumentFixes | None = field(default=None, repr=False)
    _native: list[Finding] | None = field(default=None, repr=False)

    def is_stale(self) -> bool:
        """Whether another file its findings read has changed since."""
        from tf2_lsp.analysis.program.project_classes import modified_ns

        return any(modified_ns(path) != when for path, when in self.depends)

    @cached_property
    def lines(self) -> list[str]:
        return split_lines(self.source)

    @property
    def fixes(self) -> DocumentFixes:
        """This version's fix plans, made on first use and kept with it."""
        if self._fixes is None:
            from tf2_lsp.engine import DocumentFixes

            self._fixes = DocumentFixes(
                self.source, self.detection, self.catalogue, self.settings, self.lines
            )
        return self._fixes

    def native_findings(self) -> list[Finding]:
        """What the native level adds to this version (its tf.compat.v1 code), made once:
        hover on tf.compat.v1 code asks for it on every move of the mouse (140 ms a request
        on a 4,100-line file). Nothing for an oversized text."""
        if self.oversized:
            return []
        if self._native is None:
            from tf2_lsp.analysis.native import native_findings

            self._native = native_findings(self.source, self.catalogue, self.settings)
        return self._native


def analyse_text(
    source: str,
    catalogue: Catalogue,
    settings: Settings,
    version: int | None = None,
    previous: Analysis | None = None,
    hints: dict[tuple[int, int], str] | None = None,
) -> Analysis:
    """`source` analysed as the server does it: incrementally from the `previous` version's
    analysis when its settings are the same, with jedi's receiver types (`hints`)."""
    # The engine (and the analysis under it) loads after `initialize` is answered.
    from tf2_lsp.analysis.program.project_classes import reads_recorded
    from tf2_lsp.engine import analyse

    before = None
    depends: dict[str, int] = {}
    if previous is not None and previous.settings == settings:
        before = (previous.detection, previous.source)
        depends.update(previous.depends)  # an incremental analysis keeps what it did not redo
    try:
        with collector_paused(), reads_recorded() as read:
            detection = analyse(source, catalogue, settings, hints, before)
    except (RecursionError, MemoryError):  # MemoryError: CPython's parser stack overflow
        detection = Detection([], syntax_error=SyntaxError("file is nested too deeply"))
        read = []
    depends.update(read)
    return Analysis(
        version, source, detection, settings, catalogue, depends=tuple(sorted(depends.items()))
    )


def oversized(
    source: str, catalogue: Catalogue, settings: Settings, version: int | None
) -> Analysis:
    """A text over the editor's size limit: kept, never analysed."""
    return Analysis(version, source, Detection([]), settings, catalogue, oversized=True)


@dataclass(frozen=True)
class DocumentSnapshot:
    """Everything one request may read about one document; never changes once made."""

    uri: str
    analysis: Analysis
    encoding: Encoding = "utf-16"
    capabilities: Capabilities = field(default_factory=Capabilities)

    @property
    def version(self) -> int | None:
        return self.analysis.version

    @property
    def source(self) -> str:
        return self.analysis.source

    @property
    def lines(self) -> list[str]:
        return self.analysis.lines

    @property
    def detection(self) -> Detection:
        return self.analysis.detection

    @property
    def settings(self) -> Settings:
        return self.analysis.settings

    @property
    def catalogue(self) -> Catalogue:
        return self.analysis.catalogue

    @property
    def fixes(self) -> DocumentFixes:
        return self.analysis.fixes
