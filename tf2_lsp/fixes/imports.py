"""Spell a fully qualified target through the file's own imports, or say which import to add."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tf2_lsp.analysis.names.spelling import spelled

# How a fix imports a package the file does not import yet: (module, import line, local name).
PREFERRED_IMPORTS: tuple[tuple[str, str, str], ...] = (
    ("tensorflow", "import tensorflow as tf", "tf"),
    ("tf_slim", "import tf_slim as slim", "slim"),
    ("absl.flags", "from absl import flags", "flags"),
    ("absl.logging", "from absl import logging", "logging"),
    ("absl.app", "from absl import app", "app"),
    ("tf_keras", "import tf_keras", "tf_keras"),
    ("tensorflow_probability", "import tensorflow_probability as tfp", "tfp"),
)


@dataclass
class Renderer:
    """Renders qualified names for one file; collects the import lines the rendering needs."""

    bindings: Mapping[str, str]  # module-level local name -> qualified module/symbol
    taken: set[str]  # every module-level name, TensorFlow or not
    new_imports: list[str] = field(default_factory=list)
    _added: dict[str, str] = field(default_factory=dict)  # module -> local name added

    def name(self, qualified: str) -> str:
        found = spelled(qualified, (*self.bindings.items(), *self._added_bindings()))
        if found is not None:
            return found
        for module, line, local in PREFERRED_IMPORTS:
            if qualified == module or qualified.startswith(module + "."):
                if local in self.taken:
                    line, local = f"import {module}", module
                self._add(module, local, line)
                return local + qualified[len(module) :]
        top = qualified.split(".", 1)[0]
        self._add(top, top, f"import {top}")
        return qualified

    def _added_bindings(self) -> list[tuple[str, str]]:
        return [(local, module) for module, local in self._added.items()]

    def _add(self, module: str, local: str, line: str) -> None:
        if module in self._added:
            return
        self._added[module] = local
        if "." not in local:
            self.taken.add(local)
        self.new_imports.append(line)
