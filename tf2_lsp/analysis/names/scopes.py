"""The scopes the walk stands in, and what a name or an expression means there.

The walker (tf2_lsp.analysis.walker) binds names and enters and leaves scopes; the matchers
only ask questions: what a dotted name stands for, what type a value has, whether a name
was already covered by its import's fix.
"""

from __future__ import annotations

import ast

from tf2_lsp.analysis.names import receivers
from tf2_lsp.analysis.names.receivers import FUNCTION_FACTORIES
from tf2_lsp.analysis.names.resolve import Binding, Scope, canonical
from tf2_lsp.analysis.names.spelling import TENSORFLOW
from tf2_lsp.analysis.nodes import attribute_chain

# A name bound by `def`: a function value (for arguments TF2 rejects as functions).
A_FUNCTION = Binding(None, value_type="builtins.function")


class Scopes:
    """The module's scope and the one the code being walked runs in (`current`)."""

    def __init__(self, module: Scope | None = None) -> None:
        self.module = module if module is not None else Scope("module", None)
        self.current = self.module

    def bind(self, name: str, binding: Binding) -> None:
        if name in self.current.explicit_global:
            # `global tf; import tensorflow as tf` in a function binds the module's `tf`.
            # Only a TensorFlow binding is carried over: function bodies run in no known
            # order, and `global tf; tf = reload(tf)` must not hide the module's import.
            if binding.qualified is not None:
                self.module.names[name] = binding
            return
        self.current.names[name] = binding

    def qualified_name(self, node: ast.expr) -> str | None:
        """`tensorflow.contrib.slim` for `tf.contrib.slim` under `import tensorflow as tf`."""
        # Asked of every call's callee, most of which name nothing of TensorFlow's: the base
        # name is looked up before the dotted name is built.
        base = node
        attrs: list[str] = []
        while isinstance(base, ast.Attribute):
            attrs.append(base.attr)
            base = base.value
        if not isinstance(base, ast.Name):
            return None
        binding = self.current.lookup(base.id)
        if binding is None or binding.qualified is None:
            return None
        attrs.append(binding.qualified)
        attrs.reverse()
        return ".".join(attrs)

    def type_of(self, value: ast.expr) -> str | None:
        """The TensorFlow type of a value, where the code shows it (`names.receivers`)."""
        if isinstance(value, ast.Name):
            binding = self.current.lookup(value.id)
            return binding.value_type if binding else None
        if not isinstance(value, ast.Call):
            return None
        func = value.func
        qualified = self.qualified_name(func)
        if qualified is not None:
            return receivers.returned_type(canonical(qualified)[0])
        if isinstance(func, ast.Attribute):
            receiver = self.type_of(func.value)
            if receiver is not None:
                return receivers.method_result_type(receiver, func.attr)
        return None

    def covered(self, node: ast.expr) -> bool:
        """The dotted name's base is an alias whose import (or assignment) fix renames it."""
        chain = attribute_chain(node)
        if chain is None or not isinstance(chain[0], ast.Name):
            return False
        binding = self.current.lookup(chain[0].id)
        return binding is not None and binding.covered

    def function_evidence(self, node: ast.expr) -> str | None:
        """Why `node` is, or may be, a function value; None when the code shows it is not one
        (or shows nothing: a parameter, a call of ours, an attribute of a local value).

        A lambda, a name bound by `def` and a call that returns a function are functions; a
        name imported from another module, or read off an imported module, is unknown here
        and may be one."""
        if isinstance(node, ast.Lambda):
            return "is a function"
        if isinstance(node, ast.Call):
            qualified = self.qualified_name(node.func)
            if qualified is not None and canonical(qualified)[0] in FUNCTION_FACTORIES:
                return "is a function"
            return None
        chain = attribute_chain(node)
        if chain is None or not isinstance(chain[0], ast.Name):
            return None
        binding = self.current.lookup(chain[0].id)
        if binding is None:
            return None
        if len(chain) == 1 and binding.value_type == A_FUNCTION.value_type:
            return "is a function"
        if binding.foreign:
            return f"is `{ast.unparse(node)}`, imported from another module: it may be a function"
        return None

    def at_import_time(self) -> bool:
        """Code that runs when the module is imported: module level and class bodies."""
        return self.current.kind in ("module", "class")

    def in_tf_file(self) -> bool:
        return any(b.qualified for b in self.module.names.values()) or any(
            b.qualified for b in self.current.names.values()
        )

    def tf_alias(self) -> str:
        """The module's name for `tensorflow` so far (the first one bound), `tf` if none."""
        return next((n for n, b in self.module.names.items() if b.qualified == TENSORFLOW), "tf")
