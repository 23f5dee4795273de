"""`tf.summary.FileWriter(logdir, ...)` -> `tf.summary.create_file_writer(logdir, ...)`
(native level); `flush_secs` becomes `flush_millis`."""

from __future__ import annotations

import ast

from tf2_lsp.transforms.call_map import CallMap, call_map_transform, refusing

FILE_WRITER = CallMap(
    "tensorflow.summary.create_file_writer",
    ("logdir", "graph", "max_queue", "flush_secs", "graph_def", "filename_suffix", "session"),
    ("logdir", "max_queue", "flush_millis", "filename_suffix", "name"),
    rename=(("flush_secs", "flush_millis"),),
    scale=(("flush_secs", 1000),),
)
_FILE_WRITER_REFUSED = frozenset({"graph", "graph_def", "session"})


def applies(call: ast.Call) -> str | None:
    if len(call.args) >= 2:
        return "TF2 file writers take no graph (trace a tf.function with tf.summary.trace_on)"
    return refusing(_FILE_WRITER_REFUSED, "tf.summary.create_file_writer")(call)


TRANSFORMS = (
    call_map_transform("file_writer", {"tensorflow.summary.FileWriter": FILE_WRITER}, applies),
)
