"""`tf2-lsp verify OLD NEW --entry module:function`: one function of a user's code, before and
after migration, run the way the TF migration guide validates a migration (TF1 semantics for
OLD, TF2 for NEW; same inputs, random ops aligned; variables, outputs, one training step)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from tf2_lsp.verify.cases import Case, GraphMode, Outcome, RunTable
from tf2_lsp.verify.code_tokens import builds_its_own_graph
from tf2_lsp.verify.harness import needs_legacy_keras

DTYPES = ("float16", "float32", "float64", "int32", "int64", "bool")
_ARRAY = re.compile(r"^((?:\d+x)*\d+|scalar)(?::(\w+))?$")


class VerifyError(Exception):
    """A bad argument: the message says which and why."""


@dataclass(frozen=True, slots=True)
class Entry:
    folder: Path  # put on sys.path
    module: str
    function: str


def entry_point(path: str, entry: str) -> Entry:
    """Where `module:function` lives under PATH (a directory, or the module's file)."""
    module, _, function = entry.rpartition(":")
    if not function.isidentifier():
        raise VerifyError(f"--entry {entry!r}: expected MODULE:FUNCTION, such as model:build")
    place = Path(path)
    if place.is_file():
        if module and module != place.stem:
            raise VerifyError(f"--entry {entry!r}: {path} is module {place.stem!r}")
        return Entry(place.resolve().parent, place.stem, function)
    if not place.is_dir():
        raise VerifyError(f"{path}: no such file or directory")
    if not module:
        raise VerifyError(f"--entry {entry!r}: name the module inside {path} (MODULE:FUNCTION)")
    found = place / (module.replace(".", "/") + ".py")
    package = place / module.replace(".", "/") / "__init__.py"
    if not found.is_file() and not package.is_file():
        raise VerifyError(f"--entry {entry!r}: no module {module!r} under {path}")
    return Entry(place.resolve(), module, function)


def parse_inputs(spec: str) -> dict[str, str]:
    """`images=2x28x28x1:float32,num_classes=10,training=False` -> name -> the Python source
    of its value: SHAPE:DTYPE (or a SHAPE with an `x`) is a seeded random array, anything
    else a Python literal."""
    inputs: dict[str, str] = {}
    for index, item in enumerate(filter(None, (part.strip() for part in spec.split(",")))):
        name, equals, value = item.partition("=")
        if not equals or not name.isidentifier():
            raise VerifyError(f"--inputs {item!r}: expected NAME=SHAPE:DTYPE or NAME=LITERAL")
        match = _ARRAY.match(value)
        if match is not None and (match.group(2) or "x" in match.group(1)):
            inputs[name] = _array(item, match.group(1), match.group(2) or "float32", index)
            continue
        try:
            ast.literal_eval(value)
        except (ValueError, SyntaxError):
            raise VerifyError(
                f"--inputs {item!r}: {value!r} is neither SHAPE:DTYPE (2x28x28x1:float32) "
                "nor a Python literal"
            ) from None
        inputs[name] = value
    return inputs


def _array(item: str, shape: str, dtype: str, seed: int) -> str:
    if dtype not in DTYPES:
        raise VerifyError(f"--inputs {item!r}: dtype must be one of {', '.join(DTYPES)}")
    dims = () if shape == "scalar" else tuple(int(d) for d in shape.split("x"))
    rng = f"np.random.RandomState({seed})"
    if dtype == "bool":
        return f"np.asarray({rng}.rand(*{dims!r}) > 0.5)"
    if dtype.startswith("int"):
        return f"np.asarray({rng}.randint(0, 10, size={dims!r}), np.{dtype})"
    return f"np.asarray({rng}.standard_normal({dims!r}), np.{dtype})"


def _setup(inputs: dict[str, str]) -> str:
    lines = ["_inputs = {}"]
    lines += [f"_inputs[{name!r}] = {value}" for name, value in inputs.items()]
    lines += [
        "def _loss(outputs):",
        "    import tensorflow as _tf",
        "    leaves = [_tf.cast(t, _tf.float32) for t in _tf.nest.flatten(outputs)",
        "              if getattr(getattr(t, 'dtype', None), 'is_floating', False)]",
        "    return _tf.add_n([_tf.reduce_sum(_tf.square(t)) for t in leaves])",
    ]
    return "\n".join(lines) + "\n"


def _driver(entry: Entry) -> str:
    return (
        "import importlib as _importlib\n"
        "import sys as _sys\n"
        f"_sys.path.insert(0, {str(entry.folder)!r})\n"
        f"_module = _importlib.import_module({entry.module!r})\n"
        "import tensorflow as _tf\n"
        "_args = {k: _tf.constant(v) if isinstance(v, np.ndarray) else v"
        " for k, v in _inputs.items()}\n"
        f"outputs = _module.{entry.function}(**_args)\n"
    )


def _inline_driver(source: str, module: str, function: str, folder: Path) -> str:
    """A driver that runs `source` as module `module` (its siblings in `folder` importable)
    and calls `function`: the editor's buffer needs no file of its own."""
    return (
        "import sys as _sys\n"
        "import types as _types\n"
        f"_sys.path.insert(0, {str(folder)!r})\n"
        f"_module = _types.ModuleType({module!r})\n"
        f"_module.__file__ = {str(folder / (module + '.py'))!r}\n"
        f"_sys.modules[{module!r}] = _module\n"
        f"exec(compile({source!r}, {module + '.py'!r}, 'exec'), _module.__dict__)\n"
        "import tensorflow as _tf\n"
        "_args = {k: _tf.constant(v) if isinstance(v, np.ndarray) else v"
        " for k, v in _inputs.items()}\n"
        f"outputs = _module.{function}(**_args)\n"
    )


def function_case(
    old: str,
    new: str,
    module: str,
    function: str,
    folder: Path,
    inputs: str = "",
    train_step: bool = False,
) -> Case:
    """One function of one module, OLD and NEW given as text (the editor's command)."""
    table = RunTable(
        setup=_setup(parse_inputs(inputs)),
        compare=("outputs",),
        train="_loss(outputs)" if train_step else "",
        graph="graph" if builds_its_own_graph(new) else "eager",
        # The driver holds the module's text as a string, which names no code of its own.
        keras="2" if needs_legacy_keras(new) else "3",
    )
    return Case(
        f"{module}:{function}",
        _inline_driver(old, module, function, folder),
        _inline_driver(new, module, function, folder),
        table,
    )


def _graph_mode(sources: list[str]) -> GraphMode:
    """The new code still builds a graph it runs itself (placeholders, sessions): run NEW in a
    graph, as its program does; otherwise as eager TF2."""
    return "graph" if any(builds_its_own_graph(text) for text in sources) else "eager"


def migration_case(
    old: str,
    new: str,
    entry: str,
    inputs: str = "",
    train_step: bool = False,
    rtol: float = 1e-6,
    atol: float = 1e-5,
) -> Case:
    before, after = entry_point(old, entry), entry_point(new, entry)
    sources = _sources(after.folder)  # read once, for both questions
    table = RunTable(
        setup=_setup(parse_inputs(inputs)),
        compare=("outputs",),
        train="_loss(outputs)" if train_step else "",
        graph=_graph_mode(sources),
        # The driver only imports the tree: its modules' code decides which Keras runs it.
        keras="2" if any(needs_legacy_keras(text) for text in sources) else "3",
    )
    return Case("migration", _driver(before), _driver(after), table, rtol, atol)


def _sources(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.rglob("*.py"))[:500]:
        try:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return texts


def report(outcome: Outcome) -> list[str]:
    """The table `tf2-lsp verify` prints: one row per compared quantity, then the verdict."""
    rows = [("compared", "max abs diff", "max rel diff", "")]
    for row in outcome.rows:
        rows.append(
            (
                row.what,
                "" if row.max_abs is None else f"{row.max_abs:.3g}",
                "" if row.max_rel is None else f"{row.max_rel:.3g}",
                "ok" if row.equal else f"DIFFERS {row.detail}".strip(),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{a:{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}  {d}" for a, b, c, d in rows]
    verdicts = {
        "proven": "same outputs, variables and losses",
        "ran": "both ran; nothing to compare",
        "differs": f"MISMATCH: {outcome.reason}",
        "error": f"could not compare: {outcome.reason}",
        "skipped": outcome.reason,
    }
    if outcome.status == "proven" and outcome.reason:
        verdicts["proven"] += f" ({outcome.reason})"
    return [*lines, "", verdicts[outcome.status]]
