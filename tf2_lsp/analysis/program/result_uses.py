"""Where the value a TF1 call returns goes: the expressions that use it, in its own scope.

The native level asks it before a Keras object replaces a TF1 one: a decayed rate used as a
number, an optimizer handed on or used through TF1's own methods, keep their compat form."""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence

from tf2_lsp.analysis.nodes import SourceText
from tf2_lsp.model import Finding
from tf2_lsp.transforms.keras import LR_SCHEDULES

# A call that builds an optimizer, TF1 or Keras: where a decayed rate may go as it is.
_OPTIMIZER = re.compile(
    r"(?:Optimizer|SGD|Adam|AdamW|Adamax|Nadam|RMSprop|Adagrad|Adadelta|Ftrl|Lion)$"
)

# TF1 optimizer methods a Keras optimizer lacks or gives another meaning (`minimize` wants a
# callable loss and a var_list); `apply_gradients` differs only when given the global step.
_TF1_OPTIMIZER_METHODS = frozenset({"minimize", "compute_gradients", "get_slot", "get_slot_names"})


class ResultUses:
    """Where the result of a call goes: the expressions that use it, in its own scope.

    Parents are mapped per top-level statement, and only for the statements asked about:
    mapping a whole module costs as much as detecting it."""

    def __init__(self, body: Sequence[ast.stmt], text: SourceText) -> None:
        self.body = body
        self.text = text
        self.starts = [statement.lineno for statement in body]
        self.parents: dict[int, ast.AST] = {}
        self.mapped: set[int] = set()

    def _map(self, nodes: Sequence[ast.AST]) -> None:
        for top in nodes:
            if id(top) in self.mapped:
                continue
            self.mapped.add(id(top))
            for parent in ast.walk(top):
                for child in ast.iter_child_nodes(parent):
                    self.parents[id(child)] = parent

    def _call_at(self, finding: Finding) -> ast.Call | None:
        index = bisect_right(self.starts, finding.anchor.line) - 1
        if index < 0:
            return None
        statement = self.body[index]
        self._map([statement])
        anchor = finding.anchor
        for node in ast.walk(statement):
            # `f(a).minimize(b)` starts where `f(a)` does: the end tells them apart.
            if (
                isinstance(node, ast.Call)
                and node.lineno == anchor.line
                and node.end_lineno == anchor.end_line
                and self.text.span_of(node) == anchor
            ):
                return node
        return None

    def argument_of(self, finding: Finding, name: str) -> ast.expr | None:
        """The value the finding's call passes as its first argument or as keyword `name`."""
        call = self._call_at(finding)
        if call is None:
            return None
        given = [k.value for k in call.keywords if k.arg == name]
        return given[0] if given else call.args[0] if call.args else None

    def uses(self, finding: Finding) -> list[ast.expr] | None:
        """The nodes that hold the finding's call result where it is used: the call itself
        when it is used in place, the loads of the one name it is assigned to otherwise;
        None when the result goes somewhere this cannot follow (several targets, attributes)."""
        call = self._call_at(finding)
        if call is None:
            return []
        parent = self.parents.get(id(call))
        if not isinstance(parent, ast.Assign):
            return [call]
        if len(parent.targets) != 1 or not isinstance(parent.targets[0], ast.Name):
            return None
        name = parent.targets[0].id
        scope = self._scope_of(parent)
        nodes: Sequence[ast.AST] = [scope] if scope is not None else self.body
        self._map(self.body if scope is None else [])
        return [
            node
            for node in _walk(nodes)
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
        ]

    def used_as_value(self, finding: Finding) -> bool:
        """A decayed rate is used other than as an optimizer's rate."""
        uses = self.uses(finding)
        return uses is None or not all(self._optimizer_rate(node) for node in uses)

    def value_use(self, finding: Finding) -> ast.expr | None:
        """The first use of a decayed rate other than as an optimizer's rate, when it can be
        followed."""
        return next((n for n in self.uses(finding) or [] if not self._optimizer_rate(n)), None)

    def tf1_optimizer_method(self, finding: Finding) -> str | None:
        """A method of TF1's optimizer API called on the optimizer (`opt.minimize(loss)`)."""
        for node in self.uses(finding) or []:
            parent = self.parents.get(id(node))
            if not isinstance(parent, ast.Attribute):
                continue
            if parent.attr in _TF1_OPTIMIZER_METHODS:
                return parent.attr
            call = self.parents.get(id(parent))
            if (
                parent.attr == "apply_gradients"
                and isinstance(call, ast.Call)
                and (len(call.args) > 1 or any(k.arg == "global_step" for k in call.keywords))
            ):
                return "apply_gradients(..., global_step)"
        return None

    def step_argument(self, finding: Finding) -> str | None:
        """The step a decay call passes, as written (`global_step`, or `x` of
        piecewise_constant); None when it is hidden (`**kwargs`) or the call is not found."""
        call = self._call_at(finding)
        mapping = LR_SCHEDULES.get(finding.symbol or "")
        if call is None or mapping is None:
            return None
        name = mapping.drop[0]
        for keyword in call.keywords:
            if keyword.arg == name:
                return self.text.text_of(keyword.value)
        index = mapping.v1.index(name)
        if any(isinstance(arg, ast.Starred) for arg in call.args[: index + 1]):
            return None
        return self.text.text_of(call.args[index]) if index < len(call.args) else None

    def optimizers_fed(self, finding: Finding) -> list[ast.Call]:
        """The optimizer calls the finding's result is the rate of."""
        calls = []
        for node in self.uses(finding) or []:
            if self._optimizer_rate(node):
                parent = self.parents.get(id(node))
                if isinstance(parent, ast.keyword):
                    parent = self.parents.get(id(parent))
                if isinstance(parent, ast.Call):
                    calls.append(parent)
        return calls

    def outside_training(self, finding: Finding) -> str | None:
        """Where the optimizer goes other than a TF2 training step (`opt.apply_gradients`,
        `compile(optimizer=opt)`, a checkpoint's `optimizer=`), as code; None: nowhere."""
        uses = self.uses(finding)
        if uses is None:
            return "it is stored where its uses cannot be followed"
        if not uses:
            return "it is not used in this module"
        for node in uses:
            parent = self.parents.get(id(node))
            if isinstance(parent, ast.Attribute) and parent.attr == "apply_gradients":
                continue
            if isinstance(parent, ast.keyword) and parent.arg == "optimizer":
                continue
            if (
                isinstance(parent, ast.Call)
                and isinstance(parent.func, ast.Attribute)
                and parent.func.attr == "compile"
                and parent.args[:1] == [node]
            ):
                continue
            user = parent if isinstance(parent, ast.expr) and parent is not None else node
            shown = self.text.text_of(user)
            if isinstance(parent, ast.Return):
                shown = "return " + self.text.text_of(node)
            return f"`{_shortened(shown)}`"
        return None

    def _optimizer_rate(self, node: ast.expr) -> bool:
        """`node` is the learning rate given to an optimizer's constructor."""
        parent = self.parents.get(id(node))
        if isinstance(parent, ast.keyword):
            keyword = parent
            parent = self.parents.get(id(parent))
            if keyword.arg != "learning_rate":
                return False
        elif not (isinstance(parent, ast.Call) and parent.args and parent.args[0] is node):
            return False
        if not isinstance(parent, ast.Call):
            return False
        return bool(_OPTIMIZER.search(callee(parent)))

    def _scope_of(self, node: ast.AST) -> ast.AST | None:
        parent = self.parents.get(id(node))
        while parent is not None and not isinstance(
            parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        ):
            parent = self.parents.get(id(parent))
        return parent


def _walk(nodes: Sequence[ast.AST]) -> Iterator[ast.AST]:
    for node in nodes:
        yield from ast.walk(node)


def callee(call: ast.Call) -> str:
    """The last name of what is called (`Adam` in `tf.keras.optimizers.Adam(...)`)."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _shortened(code: str, limit: int = 60) -> str:
    line = " ".join(code.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."
