"""`isinstance(v, tf.data.Iterator)` -> `isinstance(v, (tf.data.Iterator,
tf.compat.v1.data.Iterator))`: a type test against a class whose TF2 name is another class.

TensorFlow 2 gave some TF1 names to new classes (`tf.data.Iterator` is the abstract base of
eager iterators, `tf.distribute.Strategy` the v2 strategy) and kept TF1's as
`tf.compat.v1.<name>`; neither derives from the other. Converted code still makes TF1's objects
(`tf.compat.v1.data.make_initializable_iterator`, the default strategy in graph mode), which
TF2's class rejects, so the test takes the other branch. Testing against both classes accepts
every object TF1's test accepted and TF2's objects of that name too. The class names come from
TensorFlow 2.21: each TF1 class there that is not a subclass of the TF2 class of its name.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import FixError, Names, Site, Transform, never

if TYPE_CHECKING:
    import libcst as cst

# The pseudo-symbol suffix of a class used as the second argument of isinstance/issubclass.
SUFFIX = ".__type_test__"
CLASSES = (
    "tensorflow.data.Iterator",
    "tensorflow.data.TFRecordDataset",
    "tensorflow.data.TextLineDataset",
    "tensorflow.data.FixedLengthRecordDataset",
    "tensorflow.data.experimental.CsvDataset",
    "tensorflow.data.experimental.SqlDataset",
    "tensorflow.data.experimental.RandomDataset",
    "tensorflow.distribute.Strategy",
    "tensorflow.distribute.MirroredStrategy",
    "tensorflow.distribute.OneDeviceStrategy",
    "tensorflow.distribute.ReplicaContext",
    "tensorflow.distribute.experimental.CentralStorageStrategy",
    "tensorflow.distribute.experimental.MultiWorkerMirroredStrategy",
    "tensorflow.distribute.experimental.ParameterServerStrategy",
    "tensorflow.train.Checkpoint",
)
SYMBOLS = tuple(name + SUFFIX for name in CLASSES)
TYPE_TESTS = frozenset({"isinstance", "issubclass"})


def tested_classes(call: ast.Call) -> list[ast.expr]:
    """The class expressions `isinstance(v, C)` / `issubclass(t, (A, B))` test against (a
    nested tuple's too); none for any other call. The caller checks the builtin is meant."""
    func = call.func
    if not isinstance(func, ast.Name) or func.id not in TYPE_TESTS:
        return []
    if len(call.args) != 2 or call.keywords or isinstance(call.args[1], ast.Starred):
        return []
    pending: list[ast.expr] = [call.args[1]]
    classes: list[ast.expr] = []
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.Tuple):
            pending.extend(node.elts)
        elif isinstance(node, (ast.Name, ast.Attribute)):
            classes.append(node)
    return classes


def tf1_class(symbol: str) -> str:
    """`tensorflow.compat.v1.data.Iterator` for the pseudo-symbol of `tensorflow.data.Iterator`."""
    name = symbol.removesuffix(SUFFIX)
    return "tensorflow.compat.v1." + name.removeprefix("tensorflow.")


def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
    import libcst as cst

    if not isinstance(node, (cst.Name, cst.Attribute)):
        raise FixError("not a class name")
    tf1 = cst.parse_expression(names.name(tf1_class(site.symbol)))
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return cst.Tuple(
        elements=[cst.Element(node.with_changes(lpar=[], rpar=[]), comma=comma), cst.Element(tf1)]
    )


def _emitted() -> tuple[str, ...]:
    return tuple(tf1_class(symbol) for symbol in SYMBOLS)


TRANSFORMS = (Transform("tf1_class_type_test", never, _emitted(), rewrite, symbols=SYMBOLS),)
