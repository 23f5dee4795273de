"""The process that imports TensorFlow: runs one side of many cases, each in its own graph.

    python -m tf2_lsp.verify.child tf1 CASES.json SIDES.pickle
    python -m tf2_lsp.verify.child tf2 CASES.json REPORT.json SIDES.pickle

`tf1` runs each case's old code with TF1 semantics: `tensorflow.compat.v1` with v2 behaviour
disabled, seen by the code as `import tensorflow`, and legacy Keras (tf_keras). `tf2` runs
the new code as TF2 (eager; in a graph only where it feeds placeholders or opens a Session),
then compares with what `tf1` wrote. Nothing else in tf2_lsp imports this module.
"""

from __future__ import annotations

import inspect
import json
import os
import pickle
import sys
import traceback
import types
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import replace
from typing import Any

from tf2_lsp.verify import isolation, variables
from tf2_lsp.verify.cases import Case, Outcome
from tf2_lsp.verify.code_tokens import opens_a_session
from tf2_lsp.verify.compare import Side, compare, other_spread

LEARNING_RATE = 0.1
SEED = 42


def _load_tensorflow(mode: str) -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    if mode == "tf1":
        tf.compat.v1.disable_v2_behavior()
        for optional in ("tf_slim", "tf_keras"):
            with suppress(ImportError):
                __import__(optional)
        # The old code's `import tensorflow` means the TF1 API.
        sys.modules["tensorflow"] = tf.compat.v1
        _contrib_from_tf_slim(tf.compat.v1)
    tf.get_logger().setLevel("ERROR")
    return tf


def _contrib_from_tf_slim(v1: Any) -> None:
    """`tf.contrib.layers`, `.slim`, `.framework`, `.rnn`, `.data`, `.signal` and
    `.framework.nest` for old code, from where TF 1.15's contrib took them: tf_slim (the
    package TensorFlow moved that contrib code into), and TensorFlow's own `nest`, RNN cells,
    `tf.data.experimental` and `tf.signal`, which contrib re-exported. No
    TensorFlow 2 release has tf.contrib; what none of these has stays missing (an
    AttributeError naming it), so an example using it fails instead of running a stand-in."""
    try:
        import tf_slim
        from tensorflow.python.util import nest
    except ImportError:
        return

    class Namespace(types.ModuleType):
        def __init__(self, name: str, *modules: Any) -> None:
            super().__init__(name)
            self._modules = modules

        def __getattr__(self, name: str) -> Any:
            for module in self._modules:
                if hasattr(module, name):
                    return getattr(module, name)
            raise AttributeError(f"tf.contrib has no {name!r} here (tf_slim lacks it)")

    contrib = Namespace("tensorflow.contrib")
    framework = Namespace("tensorflow.contrib.framework", tf_slim)
    framework.__dict__["nest"] = nest
    parts = {
        "slim": tf_slim,
        "layers": Namespace("tensorflow.contrib.layers", tf_slim.layers, tf_slim),
        "framework": framework,
        "rnn": Namespace("tensorflow.contrib.rnn", v1.nn.rnn_cell, v1.nn),
        "data": Namespace("tensorflow.contrib.data", v1.data.experimental),
        "signal": v1.signal,
    }
    contrib.__dict__.update(parts)
    v1.contrib = contrib
    # `from tensorflow.contrib import slim`, `import tensorflow.contrib.slim as slim`.
    sys.modules["tensorflow.contrib"] = contrib
    for name, module in parts.items():
        sys.modules[f"tensorflow.contrib.{name}"] = module
    sys.modules["tensorflow.contrib.framework.nest"] = nest


def _random_tool(mode: str) -> Any:
    from tf_keras.src.legacy_tf_layers.migration_utils import DeterministicRandomTestTool

    return DeterministicRandomTestTool(seed=SEED, mode=mode)


def _describe(error: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == "<case>"]
    where = f" (line {frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}".splitlines()[0][:300]


class Runner:
    def __init__(self, tf: Any, mode: str) -> None:
        import numpy as np

        self.tf = tf
        self.np = np
        self.mode = mode
        self.v1 = tf.compat.v1

    # --- values ------------------------------------------------------------------------
    def is_graph_value(self, value: Any) -> bool:
        tf = self.tf
        kinds = (tf.Tensor, tf.Variable, tf.SparseTensor, tf.RaggedTensor, tf.Operation)
        items = _items(value)
        return isinstance(value, kinds) or (
            bool(items)
            and all(map(self.is_comparable, items))
            and any(map(self.is_graph_value, items))
        )

    def is_comparable(self, value: Any) -> bool:
        tf, np = self.tf, self.np
        plain = (np.ndarray, np.generic, int, float, bool, str, bytes, tf.DType, tf.TensorShape)
        if isinstance(value, (list, tuple, dict)):
            return bool(value) and all(map(self.is_comparable, _items(value)))
        return isinstance(value, plain) or self.is_graph_value(value)

    def flatten(self, value: Any, path: str = "") -> list[tuple[str, Any]]:
        """Numpy arrays and strings, one per leaf; sparse and ragged values by their parts."""
        tf, np = self.tf, self.np
        if value is None or isinstance(value, tf.Operation):
            return []
        if isinstance(value, tf.TensorShape):  # TF1 prints `?` where TF2 prints `None`
            return [(path, "unknown" if value.rank is None else str(value.as_list()))]
        if isinstance(value, (tf.DType, str, bytes)):
            return [(path, repr(value) if isinstance(value, bytes) else str(value))]
        if isinstance(value, tf.RaggedTensor) or hasattr(value, "to_list"):
            return [(path, repr(value.to_list()))]
        if isinstance(value, tf.SparseTensor) or type(value).__name__ == "SparseTensorValue":
            parts = zip(
                ("indices", "values", "dense_shape"),
                (value.indices, value.values, value.dense_shape),
                strict=True,
            )
            return [item for name, part in parts for item in self.flatten(part, f"{path}.{name}")]
        if isinstance(value, (list, tuple)):
            return [item for i, v in enumerate(value) for item in self.flatten(v, f"{path}[{i}]")]
        if isinstance(value, dict):  # by key, whatever order each side built it in
            keys = sorted(value, key=repr)
            return [item for k in keys for item in self.flatten(value[k], f"{path}[{k!r}]")]
        if hasattr(value, "numpy"):
            value = value.numpy()
        return [(path, np.asarray(value))]

    def fetchable(self, value: Any) -> Any:
        """`value` as `Session.run` takes it: plain leaves of a list become no-ops."""
        if isinstance(value, (list, tuple)):
            return [self.fetchable(item) for item in value]
        if isinstance(value, dict):
            return {key: self.fetchable(item) for key, item in value.items()}
        if self.is_graph_value(value):
            return value
        return self.tf.no_op()

    def merged(self, value: Any, fetched: Any) -> Any:
        """The fetched values where `value` had graph values, its own plain leaves elsewhere."""
        if isinstance(value, (list, tuple)):
            return [self.merged(v, f) for v, f in zip(value, fetched, strict=True)]
        if isinstance(value, dict):
            return {key: self.merged(item, fetched[key]) for key, item in value.items()}
        return fetched if self.is_graph_value(value) else value

    # --- running -------------------------------------------------------------------------
    def run(self, case: Case, *, graph_mode: bool, weights: dict[str, Any] | None = None) -> Side:
        """Run one side; `weights` (name -> value) replace the initial values of the
        variables the code creates, matched by name, else by order and shape."""
        tf = self.tf
        flags_before = isolation.flag_names()
        try:
            isolation.forget_names(tf, case.new if self.mode == "tf2" else case.old)
            if graph_mode:
                # A creator scope belongs to a graph: enter it inside the case's own graph.
                with (
                    tf.Graph().as_default() as graph,
                    tf.variable_creator_scope(variables.copying(weights or {})),
                ):
                    return self._run_graph(case, graph)
            with tf.variable_creator_scope(variables.copying(weights or {})):
                return self._run_eager(case)
        except BaseException as error:  # the case's own code: anything may be raised
            if isinstance(error, KeyboardInterrupt):
                raise
            return Side(error=_describe(error))
        finally:
            self._restore()
            isolation.forget_flags(flags_before)

    def _restore(self) -> None:
        """Undo what a case may have switched for the whole process (`disable_v2_behavior`,
        `enable_resource_variables`, an InteractiveSession left open)."""
        v1 = self.v1
        session = v1.get_default_session()
        if session is not None and hasattr(session, "close"):
            session.close()
        if self.mode == "tf1":
            v1.disable_v2_behavior()
        else:
            v1.enable_v2_behavior()

    def _exec(self, case: Case, code: str) -> tuple[dict[str, Any], dict[str, Any]]:
        namespace: dict[str, Any] = {"np": self.np, "__name__": "__verify__"}
        exec(compile(case.run.setup, "<setup>", "exec"), namespace)
        before = dict(namespace)
        exec(compile(code, "<case>", "exec"), namespace)
        return namespace, before

    def _targets(
        self, case: Case, namespace: dict[str, Any], before: dict[str, Any]
    ) -> dict[str, Any]:
        if case.run.compare:
            return {e: eval(e, namespace) for e in case.run.compare}
        # A name the code assigns counts even when its value is the very object it held
        # (Keras's Dropout returns its input when not training).
        assigned = isolation.assigned_names(case.old if self.mode == "tf1" else case.new)
        bound = {
            name: _called(value)
            for name, value in namespace.items()
            if not name.startswith("__")
            and (name not in before or before[name] is not value or name in assigned)
        }
        return {name: value for name, value in bound.items() if self.is_comparable(value)}

    def _run_graph(self, case: Case, graph: Any) -> Side:
        v1 = self.v1
        code = case.old if self.mode == "tf1" else case.new
        if case.run.steps:
            # A training step of the GradientTape kind needs resource variables, which TF1's
            # eager mode had (its reference variables have no gradient tape support).
            v1.enable_resource_variables()
        with _random_scope(self, case):
            namespace, before = self._exec(case, code)
            targets = self._targets(case, namespace, before)
            feeds = {
                namespace[name]: eval(expr, namespace) for name, expr in case.run.feeds.items()
            }
            losses = v1.losses.get_regularization_losses()
            penalty = self.tf.add_n(losses) if losses else None
            step = None
            if case.run.train:
                loss = eval(case.run.train, namespace)
                step = v1.train.GradientDescentOptimizer(LEARNING_RATE).minimize(loss)
            # Only graph values are fetched; the plain leaves of a list (`[x, (h, 1)]`) are
            # no-ops in the fetch and keep their own value after it.
            fetch = {k: self.fetchable(v) for k, v in targets.items() if self.is_graph_value(v)}
            built = eval(case.run.steps, namespace) if case.run.steps else None
            # After the step is built: the variables its model creates are the program's too.
            trainable = v1.trainable_variables()
            with v1.Session(graph=graph) as session:
                session.run(
                    [
                        v1.global_variables_initializer(),
                        v1.local_variables_initializer(),
                        v1.tables_initializer(),
                    ]
                )
                every = v1.global_variables()
                initial = dict(
                    zip((n for n, _ in variables.names(every)), session.run(every), strict=True)
                )
                # The step built once, run as a TF1 training loop runs its train op.
                stepped = [
                    (label, self.flatten(session.run(built, feed_dict=feeds)))
                    for label in _step_labels(case)
                ]
                fetched = session.run(fetch, feed_dict=feeds) if fetch else {}
                result = Side(
                    values={
                        **dict(stepped),
                        **{
                            k: self.flatten(self.merged(v, fetched[k]) if k in fetch else v)
                            for k, v in targets.items()
                        },
                    },
                    variables=variables.names(trainable),
                    initial=initial,
                    regularization=(
                        float(session.run(penalty, feed_dict=feeds))
                        if penalty is not None
                        else None
                    ),
                )
                if step is not None:
                    session.run(step, feed_dict=feeds)
                    result.trained = dict(
                        zip(
                            (n for n, _ in variables.names(trainable)),
                            session.run(trainable),
                            strict=True,
                        )
                    )
        return result

    def _run_eager(self, case: Case) -> Side:
        tf = self.tf
        created: list[Any] = []

        first: dict[int, Any] = {}

        def capture(next_creator: Any, **kwargs: Any) -> Any:
            variable = next_creator(**kwargs)
            created.append(variable)
            # Its initial value, for the spread check (a variable made while a function
            # traces has none yet).
            with suppress(Exception):
                first[id(variable)] = variable.numpy()
            return variable

        with ExitStack() as stack:
            stack.enter_context(_random_scope(self, case))
            stack.enter_context(tf.variable_creator_scope(capture))
            tape = stack.enter_context(tf.GradientTape(persistent=True))
            namespace, before = self._exec(case, case.new)
            # Each step runs as eager code runs it: once per call, in order.
            stepped = [
                (label, self.flatten(eval(case.run.steps, namespace)))
                for label in _step_labels(case)
            ]
            targets = self._targets(case, namespace, before)
            loss = eval(case.run.train, namespace) if case.run.train else None
        trainable = [v for v in variables.unique(created) if v.trainable]
        paths = variables.keras_paths(namespace)
        result = Side(
            values={**dict(stepped), **{k: self.flatten(v) for k, v in targets.items()}},
            variables=variables.names(trainable, paths),
            regularization=self._eager_penalty(namespace),
            initial={
                name: first[id(v)]
                for (name, _), v in zip(variables.names(trainable, paths), trainable, strict=True)
                if id(v) in first
            },
        )
        if loss is not None:
            gradients = tape.gradient(loss, trainable)
            for variable, gradient in zip(trainable, gradients, strict=True):
                if gradient is not None:
                    variable.assign_sub(LEARNING_RATE * gradient)
                    # As TF1's optimizer on the other side does: the variable's constraint.
                    if getattr(variable, "constraint", None) is not None:
                        variable.assign(variable.constraint(variable))
            result.trained = {
                n: v.numpy()
                for (n, _), v in zip(variables.names(trainable, paths), trainable, strict=True)
            }
        return result

    def _eager_penalty(self, namespace: dict[str, Any]) -> float | None:
        """Penalties eager code keeps: the `losses` of the Keras objects it holds."""
        losses = [
            loss
            for value in namespace.values()
            if not isinstance(value, type) and isinstance(getattr(value, "losses", None), list)
            for loss in value.losses
        ]
        return float(sum(float(loss) for loss in losses)) if losses else None


def _items(value: Any) -> list[Any]:
    """The items of a list or tuple, the values of a dict (a `Session.run` fetch takes both
    kinds of structure); nothing for any other value."""
    if isinstance(value, dict):
        return list(value.values())
    return list(value) if isinstance(value, (list, tuple)) else []


def _step_labels(case: Case) -> list[str]:
    """What each of the run table's training steps is compared as."""
    if not case.run.steps:
        return []
    return [f"{case.run.steps} #{n}" for n in range(1, case.run.times + 1)]


@contextmanager
def _random_scope(runner: Runner, case: Case) -> Iterator[None]:
    with _random_tool(case.run.random).scope():
        yield


def _called(value: Any) -> Any:
    """A TensorFlow function that takes no argument stands for its value: in eager mode TF1's
    learning-rate decays (`tf.compat.v1.train.exponential_decay`) return one."""
    if isinstance(value, type) or not callable(value):
        return value
    function = getattr(value, "func", value)  # a functools.partial names its function
    if not str(getattr(function, "__module__", "")).startswith("tensorflow"):
        return value
    try:
        parameters = inspect.signature(value).parameters.values()
    except (TypeError, ValueError):
        return value
    if any(
        p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters
    ):
        return value
    return value()


def _graph_mode(case: Case, side: str) -> bool:
    if side == "tf1" or case.run.graph == "graph":
        return True
    if case.run.graph == "eager":
        return False
    return bool(case.run.feeds) or opens_a_session(case.new)


def main(argv: list[str]) -> int:
    """Run the cases in order, appending each result to OUT as soon as it is known (a pickle
    stream of (name, Side) for tf1, JSON lines of outcomes for tf2): a case that kills the
    process loses only itself, and the parent goes on with the rest."""
    mode, cases_path, out_path = argv[:3]
    with open(cases_path, encoding="utf-8") as handle:
        cases = [Case.from_json(item) for item in json.load(handle)]
    tf = _load_tensorflow(mode)
    runner = Runner(tf, mode)
    if mode == "tf1":
        names = os.path.splitext(out_path)[0] + ".names"
        with open(out_path, "ab") as stream, open(names, "a", encoding="utf-8") as finished:
            for case in cases:
                pickle.dump((case.name, runner.run(case, graph_mode=True)), stream)
                stream.flush()
                finished.write(case.name + "\n")
                finished.flush()
        return 0
    old_runs = read_sides(argv[3])
    with open(out_path, "a", encoding="utf-8") as lines:
        for case in cases:
            lines.write(json.dumps(_outcome(runner, case, old_runs[case.name]).to_json()) + "\n")
            lines.flush()
    return 0


def read_sides(path: str) -> dict[str, Side]:
    sides: dict[str, Side] = {}
    with open(path, "rb") as stream:
        while True:
            try:
                name, side = pickle.load(stream)
            except EOFError:
                return sides
            sides[name] = side


def _outcome(runner: Runner, case: Case, old: Side) -> Outcome:
    graph_mode = _graph_mode(case, runner.mode)
    new = runner.run(case, graph_mode=graph_mode)
    outcome = compare(case, old, new)
    if outcome.status == "differs" and old.initial:
        # The guide's other check: the same outputs from the same weights. Keras 2
        # initialisers draw other random numbers in eager mode than in a TF1 graph.
        again = compare(case, old, runner.run(case, graph_mode=graph_mode, weights=old.initial))
        # Copied weights hide an initialiser that draws from another range: not the draw.
        drawn = other_spread(old.initial, new.initial)
        if again.status == "proven" and drawn is not None:
            outcome = replace(again, status="differs", reason=drawn)
        elif again.status == "proven":
            outcome = replace(again, reason=f"equal from TF1's initial weights ({outcome.reason})")
        elif again.status == "differs":
            # From the same weights, what differs is the rewrite's doing, not the draw.
            outcome = replace(again, reason=f"from TF1's initial weights: {again.reason}")
    return outcome


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
