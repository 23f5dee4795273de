"""The shared types every layer speaks: a finding, a module's detection. No logic here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tf2_lsp.catalogue.rules import Fix, Rule, Severity
from tf2_lsp.text import Span

AnchorKind = Literal["reference", "call", "import", "pattern", "program"]
ScopeKind = Literal["module", "class", "function", "comprehension"]
# The pseudo-rule of a file (or statement) that cannot be analysed, in every face's output.
UNREADABLE = "TF000"


@dataclass(frozen=True, slots=True)
class ArgumentEdit:
    """One argument of a rewritten call: which TF1 argument it carries and how it is passed."""

    source: int  # index of the argument in the TF1 call, in source order
    keyword: str | None  # the keyword it is passed by; None: by position
    convert: str | None = None  # a value conversion (`one_minus`), see tf2_lsp.fixes.call_edits


@dataclass(frozen=True, slots=True)
class CallEdit:
    """A whole call rewritten at once: the callee renamed and every argument mapped.

    Built by the call model (tf2_lsp.analysis.call_model) from the TF1 and target signatures and
    bound to the target's signature before it is offered; applied by tf2_lsp.fixes.call_edits.
    """

    target: str | None  # qualified callee to write; None keeps the callee as written
    arguments: tuple[ArgumentEdit, ...] | None  # the emitted arguments; None: as written
    notes: tuple[tuple[int | None, str], ...] = ()  # (source argument or None, what changed)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: Rule
    message: str
    severity: Severity
    symbol: str | None  # canonical fully qualified name, e.g. tensorflow.Session
    written: str  # as it stands in the source, e.g. tf.Session
    span: Span  # what the diagnostic underlines
    anchor: Span  # the node the fix rewrites
    anchor_kind: AnchorKind
    statement: tuple[int, int]  # first and last line of the enclosing statement
    fix: Fix | None  # the fix at the requested level, None when there is none or it is refused
    target: str | None = None  # qualified rename target, when the fix is a rename
    refused: str | None = None  # why a fix that exists was not offered
    compat: bool = False  # reached through tf.compat.v1
    shown_target: str = ""  # the target as this file spells it (`tf.math.log`)
    call: CallEdit | None = None  # the call rewrite, when the fix maps the call's arguments

    @property
    def code(self) -> str:
        return self.rule.code


@dataclass(slots=True)
class Detection:
    findings: list[Finding]
    syntax_error: SyntaxError | None = None
    # Module-level names bound to TensorFlow, for rendering fix targets through the file's imports.
    module_bindings: dict[str, str] = field(default_factory=dict)
    module_names: set[str] = field(default_factory=set)
    # Module-level names bound by other imports (`slim` -> `tf_slim`), for reusing them.
    module_imports: dict[str, str] = field(default_factory=dict)
    imports_end: int = 0  # last line of the leading import block (0: none)
    first_import: int = 0
    # Method calls a rule could match if only the receiver's type were known: the server asks
    # jedi about these in the background and runs detection again with its answers.
    candidates: list[ReceiverCandidate] = field(default_factory=list)
    # For incremental re-analysis (tf2_lsp.incremental): the top-level statements' line spans
    # and whether each may bind module names, and the module scope as the walk left it.
    layout: list[tuple[int, int, bool]] = field(default_factory=list)
    module_scope: Scope | None = None
    # TF1 graph state the module uses, (first line, canonical name) in line order: while there
    # is any, Keras-object rewrites keep their compat form (tf2_lsp.analysis.program.units).
    graph_state: list[tuple[int, str]] = field(default_factory=list)
    # First lines of statements nested too deeply to analyse (the rest of the file was).
    too_deep: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ReceiverCandidate:
    key: tuple[int, int]  # the receiver's ast position (line, byte column): the hint key
    line: int  # 1-based
    column: int  # character column just past the receiver, where jedi infers its type
    method: str


@dataclass(frozen=True, slots=True)
class Binding:
    """What a name is bound to. `qualified` is None when the name is not TensorFlow."""

    qualified: str | None
    # The statement that bound it is itself reported with a prefix rule (e.g. the
    # `from tensorflow.contrib import slim` import): uses through it are covered there.
    covered: bool = False
    # A type name for values, e.g. "tensorflow.data.Dataset" for `ds = tf.data.Dataset.range(3)`.
    value_type: str | None = None
    # For a name bound by a non-TensorFlow import: what it imports (`tf_slim`, `absl.logging`),
    # so that fixes can reuse `import tf_slim as slim` instead of adding a second import.
    imported: str | None = None
    # Bound by an import of another (non-TensorFlow) module: its value is defined elsewhere,
    # so nothing here tells a string from a function.
    foreign: bool = False
    # The findings whose fix renames the binding statement (`from tensorflow import
    # InteractiveSession`): each use of the name is reported with that same fix.
    cover: tuple[Finding, ...] = ()


NOT_TF = Binding(None)


@dataclass(slots=True)
class Scope:
    kind: ScopeKind
    parent: Scope | None
    names: dict[str, Binding] = field(default_factory=dict)
    explicit_global: set[str] = field(default_factory=set)

    def lookup(self, name: str) -> Binding | None:
        # Asked for every name the walk meets (185k times over 669 real files): one `get` per
        # scope rather than a test and an index.
        if name in self.explicit_global:
            return self.module().names.get(name)
        binding = self.names.get(name)
        if binding is not None:
            return binding
        scope = self.parent
        while scope is not None:
            if name in scope.explicit_global:
                return self.module().names.get(name)
            # Class bodies are not visible from the functions nested in them.
            if scope.kind != "class":
                binding = scope.names.get(name)
                if binding is not None:
                    return binding
            scope = scope.parent
        return None

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope
