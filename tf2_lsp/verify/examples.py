"""The catalogue's rule examples as equivalence cases: each example, at each level its rule
offers a fix for, fixed by the engine exactly as `tf2-lsp fix --unsafe` would."""

from __future__ import annotations

from dataclasses import dataclass

from tf2_lsp.catalogue.rules import Catalogue, Example, Level, Rule
from tf2_lsp.engine import fix_all
from tf2_lsp.settings import Settings
from tf2_lsp.verify.cases import Case, RunTable

NEWEST_TARGET = "2.21"
KERAS2_TARGET = "2.15"  # the last TensorFlow whose tf.keras is Keras 2

# Inputs every example may use without a run table of its own. Only numpy and `tf.constant`,
# which mean the same on both sides; a name the code rebinds is compared, these are not.
DEFAULT_SETUP = """\
import tensorflow as _tf
_rng = np.random.RandomState(0)
x = _tf.constant(_rng.rand(4, 6).astype(np.float32))
h = _tf.constant(_rng.rand(4, 6).astype(np.float32))
s = _tf.constant(_rng.rand(2, 8, 3).astype(np.float32))
k = _tf.constant(_rng.rand(3, 3, 5).astype(np.float32))
img = _tf.constant(_rng.rand(2, 8, 8, 3).astype(np.float32))
images = img
w = _tf.constant(_rng.rand(3, 3, 3, 4).astype(np.float32))
logits = _tf.constant(_rng.randn(4, 5).astype(np.float32))
z = logits
labels = _tf.constant([0, 1, 2, 1], dtype=_tf.int64)
y = _tf.constant(np.eye(5, dtype=np.float32)[[0, 1, 2, 1]])
onehot = y
preds = _tf.constant([0, 1, 1, 1], dtype=_tf.int64)
mask = _tf.constant([True, False, True, True])
keep_prob = 0.8
lr = 0.1
base = 0.1
n = 100
step = _tf.constant(10, dtype=_tf.int64)
t = x
state = [x, (h, 1)]
lines = _tf.constant(["a b", "c d e"])
audio = _tf.constant(_rng.rand(2, 1000).astype(np.float32))
loss = _tf.constant(0.5)
is_training = False
train = False
def decode(value):
    return value
def make():
    return _tf.constant(1.0)
import os as _os, tempfile as _tempfile
_folder = _tempfile.mkdtemp(prefix="tf2-lsp-case-")
out_dir = _os.path.join(_folder, "out")
logdir = _os.path.join(_folder, "logs")
export_dir = _os.path.join(_folder, "export")
path = _os.path.join(_folder, "data.txt")
with open(path, "w") as _file:
    _file.write("some text")
"""


@dataclass(frozen=True, slots=True)
class ExampleCase:
    rule: Rule
    index: int  # the example's position among its rule's examples
    level: Level
    target: str
    case: Case


def targets(rule: Rule) -> tuple[str, ...]:
    """The target versions an example runs at: the newest, and Keras 2's last for a rule
    whose compat target is gone since Keras 3."""
    return (NEWEST_TARGET, KERAS2_TARGET) if rule.since else (NEWEST_TARGET,)


def levels(rule: Rule) -> tuple[Level, ...]:
    offered = {fix.level for fix in rule.fixes if fix.kind != "manual"}
    if "compat" in offered:
        offered.add("native")  # native falls back to the compat fix
    return tuple(level for level in ("compat", "native") if level in offered)


def case_name(rule: Rule, index: int, level: str, target: str) -> str:
    return f"{rule.code}#{index}@{level}/{target}"


IDENTITY_SETUP = """\
import inspect as _inspect


def _ident(obj):
    obj = _inspect.unwrap(obj)
    return getattr(obj, "__module__", "?") + "." + getattr(obj, "__qualname__", repr(obj))
"""


def rename_cases(catalogue: Catalogue) -> list[ExampleCase]:
    """Each generated rename of a `tensorflow.` name, as the question "is the TF1 name's
    object the very object the TF2 name gives?" (same function: same behaviour)."""
    cases = []
    for rule in catalogue.rules:
        if not rule.family.generated:
            continue
        fix = rule.fix_for("compat")
        if fix is None or fix.kind != "rename" or fix.level != "compat":
            continue
        for old, new in fix.to.items():
            if old.endswith(".*") or not new.startswith("tensorflow."):
                continue
            name = f"{rule.code}:{old}"
            case = Case(
                name,
                f"import tensorflow as tf\nf = tf.{old.removeprefix('tensorflow.')}\n",
                f"import tensorflow as tf\nf = tf.{new.removeprefix('tensorflow.')}\n",
                RunTable(setup=IDENTITY_SETUP, compare=("_ident(f)",)),
            )
            cases.append(ExampleCase(rule, -1, "compat", NEWEST_TARGET, case))
    return cases


def example_cases(catalogue: Catalogue) -> list[ExampleCase]:
    cases = []
    for rule in catalogue.rules:
        for index, example in enumerate(rule.examples):
            for level in levels(rule):
                for target in targets(rule):
                    case = _case(catalogue, rule, index, example, level, target)
                    cases.append(ExampleCase(rule, index, level, target, case))
    return cases


def _case(
    catalogue: Catalogue, rule: Rule, index: int, example: Example, level: Level, target: str
) -> Case:
    old = f"{example.prelude}\n{example.before}\n" if example.prelude else f"{example.before}\n"
    table = RunTable.from_mapping(dict(example.run))
    setup = DEFAULT_SETUP + table.setup
    name = case_name(rule, index, level, target)
    fixed = fix_all(old, catalogue, Settings(level=level, target_version=target), unsafe=True)
    skip = table.skip
    if not skip and fixed.error is not None:
        skip = f"the fix fails: {fixed.error}"
    elif not skip and fixed.source == old:
        skip = f"no fix applies at {level} level, target {target}"
    run = RunTable(setup, table.feeds, table.compare, table.train, table.random, skip, table.graph)
    return Case(name, old, fixed.source, run)
