"""Model mapping on real code: BERT's 12-layer transformer as a layer loads its TF1 checkpoint.

1. fetch `bert-tensorflow==1.0.1` (Google's TF1 BERT code) with `pip download --no-deps`;
2. convert `modeling.py` twice: `tf2-lsp fix --unsafe` (compat: the TF1 program, graph mode)
   and `tf2-lsp fix --level native --unsafe` (`transformer_model` becomes a
   `track_tf1_style_variables` layer, TF938). Before the native conversion, `class BertModel`
   is taken out of that copy, as TF938's finding asks: it builds the model from TF1 graph code
   (variable scopes around calls of `transformer_model`), where a layer would lose TF1's
   variable reuse, so while it is in the module the functions stay functions;
3. run the compat copy with TF1 semantics: build `transformer_model` (12 layers) under
   `variable_scope("encoder")`, initialise, save a checkpoint, record the output for a fixed
   input;
4. run the native copy as TF2 code (`tf.function`): call the layer, assign each of its
   variables from the checkpoint by name (as the TF migration guide loads TF1 checkpoints into a
   shim layer), call it again and compare.

Prints the variable count, checkpoint keys missing on either side and the largest output
difference; exits 1 on any mismatch. Not run in CI (it downloads). Typical use:

    python benchmarks/model_mapping.py --python /path/to/tf221-venv/bin/python

The TensorFlow of `--python` needs `tf_keras` and `tf_slim` (the compat copy writes
`tf_slim.layers.layer_norm` and `tf.compat.v1.layers`, legacy Keras from TF 2.16).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "bert-tensorflow==1.0.1"
CONFIG = (
    "hidden_size=64, num_hidden_layers=12, num_attention_heads=4, intermediate_size=128,"
    " hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0"
)

TF1_SIDE = f"""
import json, sys
import numpy as np
import tensorflow as tf
tf.compat.v1.disable_v2_behavior()
import modeling
x = np.random.RandomState(0).standard_normal((2, 8, 64)).astype("float32")
with tf.Graph().as_default():
    given = tf.compat.v1.placeholder(tf.float32, [2, 8, 64])
    with tf.compat.v1.variable_scope("encoder"):
        out = modeling.transformer_model(given, {CONFIG})
    with tf.compat.v1.Session() as session:
        session.run(tf.compat.v1.global_variables_initializer())
        y = session.run(out, {{given: x}})
        tf.compat.v1.train.Saver().save(session, sys.argv[1] + "/model")
np.save(sys.argv[1] + "/x.npy", x)
np.save(sys.argv[1] + "/y.npy", y)
"""

TF2_SIDE = f"""
import json, sys
import numpy as np
import tensorflow as tf
import modeling
x = np.load(sys.argv[1] + "/x.npy")
tf1_out = np.load(sys.argv[1] + "/y.npy")
layer = modeling.transformer_model

@tf.function
def run(given):
    with tf.compat.v1.variable_scope("encoder"):
        return layer(given, {CONFIG})

run(tf.constant(x))
reader = tf.train.load_checkpoint(sys.argv[1] + "/model")
keys = set(reader.get_variable_to_shape_map())
names = {{v.name.split(":")[0]: v for v in layer.variables}}
for name, variable in names.items():
    if name in keys:
        variable.assign(reader.get_tensor(name))
out = run(tf.constant(x)).numpy()
print(json.dumps({{
    "variables": len(names), "checkpoint_keys": len(keys),
    "not_in_checkpoint": sorted(set(names) - keys), "not_loaded": sorted(keys - set(names)),
    "max_abs_difference": float(np.max(np.abs(out - tf1_out))),
}}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="Python with TF 2.21")
    parser.add_argument("--tf2-lsp", default=f"{sys.executable} -m tf2_lsp")
    args = parser.parse_args(argv)
    tf2_lsp = args.tf2_lsp.split()
    with tempfile.TemporaryDirectory(prefix="tf2lsp-model-mapping-") as scratch:
        root = Path(scratch)
        subprocess.run(
            [args.python, "-m", "pip", "download", "--no-deps", "-q", "-d", str(root), PACKAGE],
            check=True,
        )
        (wheel,) = root.glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(root / "unpacked")
        for level in ("compat", "native"):
            shutil.copytree(root / "unpacked" / "bert", root / level)
            extra = ["--level", "native"] if level == "native" else []
            if level == "native":
                _take_out_class(root / level / "modeling.py", "BertModel")
            fixed = subprocess.run(
                [*tf2_lsp, "fix", "--unsafe", *extra, str(root / level / "modeling.py")],
                stdout=subprocess.DEVNULL,
            )
            if fixed.returncode not in (0, 1):  # 1: findings left to migrate by hand
                return 1
        environment = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
        checkpoint = root / "checkpoint"
        checkpoint.mkdir()
        for level, script in (("compat", TF1_SIDE), ("native", TF2_SIDE)):
            run = subprocess.run(
                [args.python, "-c", script, str(checkpoint)],
                cwd=root / level,
                env={**environment, "PYTHONPATH": str(root / level)},
                capture_output=True,
                text=True,
            )
            if run.returncode != 0:
                print(f"{level} side failed:\n{run.stderr[-3000:]}", file=sys.stderr)
                return 1
        result = json.loads(run.stdout.strip().splitlines()[-1])
    print(json.dumps(result, indent=2))
    same = (
        not result["not_in_checkpoint"]
        and not result["not_loaded"]
        and result["max_abs_difference"] <= 1e-5
    )
    print("same variables, checkpoint keys and outputs" if same else "MISMATCH")
    return 0 if same else 1


def _take_out_class(path: Path, name: str) -> None:
    """Remove the top-level class `name` from the module at `path` (the TF1 graph code a user
    moves out before the model functions can become layers)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    for node in ast.parse(text).body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            del lines[first - 1 : node.end_lineno]
            path.write_text("".join(lines), encoding="utf-8")
            return
    raise SystemExit(f"{path.name} has no class {name}")


if __name__ == "__main__":
    sys.exit(main())
