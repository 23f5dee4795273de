"""Deterministic generator of realistic TensorFlow 1.x model code for benchmarks.

Every template here is written for this project (nothing is copied from third-party
code); each imitates a style that TF1 users wrote in: BERT-like transformer modules,
Tensor2Tensor-style layer libraries, slim CNNs, Estimator input pipelines, training
scripts with flags/Session/feed_dict, math-heavy utilities, plus plain Python helpers
and traps that a checker must *not* flag (a parameter named ``tf``, strings and comments
that mention ``tf.Session``, a PIL image ``.save()``) and aliases that it must follow
(``import tensorflow``, ``import tensorflow as tf1``).

API::

    generate_file(lines, seed) -> str              # exactly `lines` lines, parses with ast
    generate_tree(root, total_lines, seed) -> list[Path]

Command line::

    python benchmarks/corpus.py OUT_DIR --lines 150000 [--seed 0]
"""

from __future__ import annotations

import argparse
import ast
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["generate_file", "generate_tree"]

# --------------------------------------------------------------------------------------
# Generation state
# --------------------------------------------------------------------------------------

_WORDS = (
    "encoder",
    "decoder",
    "attention",
    "ffn",
    "embed",
    "proj",
    "block",
    "stem",
    "head",
    "tower",
    "branch",
    "mixer",
    "gate",
    "pool",
    "residual",
    "bottleneck",
    "adapter",
    "pooler",
    "classifier",
    "span",
    "token",
    "segment",
    "patch",
    "context",
    "memory",
    "query",
    "value",
    "feature",
    "signal",
    "spectral",
    "local",
    "global",
    "sparse",
)
_ACTIVATIONS = ("tf.nn.relu", "tf.nn.relu6", "tf.nn.elu", "tf.tanh", "tf.nn.leaky_relu")
_DIMS = (32, 64, 96, 128, 192, 256, 384, 512, 768, 1024)
_RATES = ("0.1", "0.2", "0.25", "0.3", "0.5")
_DTYPES = ("tf.float32", "tf.int32", "tf.int64")


@dataclass
class Block:
    """A chunk of module text plus the imports it needs."""

    text: str
    imports: frozenset[str] = frozenset()
    section: str = "body"  # "prelude" | "body" | "tail"
    tf_code: bool = True  # False: never alias-rewritten (traps, plain helpers)

    @property
    def n_lines(self) -> int:
        return self.text.count("\n")


@dataclass
class Gen:
    rng: random.Random
    used: set[str] = field(default_factory=set)
    slim_style: str = "attr"  # "attr": slim = tf.contrib.slim ; "from": from ... import slim

    def name(self, *bases: str) -> str:
        base = self.rng.choice(bases)
        if self.rng.random() < 0.35:
            base = f"{self.rng.choice(_WORDS)}_{base}"
        cand = base
        i = 2
        while cand in self.used:
            cand = f"{base}_{i}"
            i += 1
        self.used.add(cand)
        return cand

    def word(self) -> str:
        return self.rng.choice(_WORDS)

    def dim(self) -> int:
        return self.rng.choice(_DIMS)

    def rate(self) -> str:
        return self.rng.choice(_RATES)

    def act(self) -> str:
        return self.rng.choice(_ACTIVATIONS)

    def pick(self, seq: Sequence[str]) -> str:
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


def _b(text: str, *imports: str, section: str = "body", tf_code: bool = True) -> Block:
    return Block(text.lstrip("\n"), frozenset(imports), section, tf_code)


Template = Callable[[Gen], Block]

# --------------------------------------------------------------------------------------
# BERT-like transformer modules
# --------------------------------------------------------------------------------------


def t_gelu(g: Gen) -> Block:
    fn = g.name("gelu", "gelu_approx", "fast_gelu")
    return _b(
        f'''
def {fn}(x):
  """Smooth ReLU-like activation (tanh approximation of the Gaussian CDF)."""
  inner = np.sqrt(2.0 / np.pi) * (x + 0.044715 * tf.pow(x, 3))
  return x * 0.5 * (1.0 + tf.tanh(inner))
''',
        "tf",
        "np",
    )


def t_layer_norm(g: Gen) -> Block:
    fn = g.name("layer_norm", "apply_layer_norm", "norm")
    return _b(
        f'''
def {fn}(input_tensor, name=None):
  """Normalizes the last dimension of `input_tensor`."""
  return tf.contrib.layers.layer_norm(
      inputs=input_tensor, begin_norm_axis=-1, begin_params_axis=-1, scope=name)
''',
        "tf",
    )


def t_dropout(g: Gen) -> Block:
    fn = g.name("dropout", "maybe_dropout", "apply_dropout")
    return _b(
        f'''
def {fn}(input_tensor, dropout_prob):
  """Drops units with probability `dropout_prob` (a no-op for 0 or None)."""
  if dropout_prob is None or dropout_prob == 0.0:
    return input_tensor
  return tf.nn.dropout(input_tensor, 1.0 - dropout_prob)
''',
        "tf",
    )


def t_initializer(g: Gen) -> Block:
    fn = g.name("create_initializer", "make_initializer", "weight_initializer")
    std = g.pick(("0.02", "0.01", "0.05"))
    return _b(
        f"""
def {fn}(initializer_range={std}):
  return tf.truncated_normal_initializer(stddev=initializer_range)
""",
        "tf",
    )


def t_embedding(g: Gen) -> Block:
    fn = g.name("embedding_lookup", "embed_tokens", "lookup_embeddings")
    vocab = g.pick(("30522", "32000", "50257", "8192", "21128"))
    dim = g.dim()
    onehot = g.chance(0.5)
    lookup = (
        "  flat_ids = tf.reshape(input_ids, [-1])\n"
        "  one_hot = tf.one_hot(flat_ids, depth=vocab_size)\n"
        "  output = tf.matmul(one_hot, table)\n"
        if onehot
        else "  output = tf.nn.embedding_lookup(table, input_ids)\n"
    )
    return _b(
        f'''
def {fn}(input_ids,
{" " * (len(fn) + 5)}vocab_size={vocab},
{" " * (len(fn) + 5)}embedding_size={dim},
{" " * (len(fn) + 5)}initializer_range=0.02,
{" " * (len(fn) + 5)}scope_name="word_embeddings"):
  """Looks up embeddings for `input_ids` of shape [batch, seq]."""
  if input_ids.shape.ndims == 3:
    input_ids = tf.squeeze(input_ids, axis=[-1])
  table = tf.get_variable(
      name=scope_name,
      shape=[vocab_size, embedding_size],
      initializer=tf.truncated_normal_initializer(stddev=initializer_range))
{lookup}  batch_size = tf.shape(input_ids)[0]
  seq_length = tf.shape(input_ids)[1]
  output = tf.reshape(output, [batch_size, seq_length, embedding_size])
  return output, table
''',
        "tf",
    )


def t_attention(g: Gen) -> Block:
    fn = g.name("attention_layer", "multihead_attention", "self_attention", "attend")
    heads = g.pick(("4", "8", "12", "16"))
    size = g.pick(("32", "64", "128"))
    act = "None" if g.chance(0.7) else g.act()
    return _b(
        f'''
def {fn}(from_tensor,
{" " * (len(fn) + 5)}to_tensor,
{" " * (len(fn) + 5)}attention_mask=None,
{" " * (len(fn) + 5)}num_heads={heads},
{" " * (len(fn) + 5)}head_size={size},
{" " * (len(fn) + 5)}attention_dropout=0.1,
{" " * (len(fn) + 5)}initializer_range=0.02):
  """Scaled dot-product attention from `from_tensor` to `to_tensor`."""
  batch = tf.shape(from_tensor)[0]
  from_len = tf.shape(from_tensor)[1]
  to_len = tf.shape(to_tensor)[1]
  init = tf.truncated_normal_initializer(stddev=initializer_range)

  def split_heads(t, length):
    t = tf.reshape(t, [batch, length, num_heads, head_size])
    return tf.transpose(t, [0, 2, 1, 3])

  query = tf.layers.dense(from_tensor, num_heads * head_size, activation={act},
                          name="query", kernel_initializer=init)
  key = tf.layers.dense(to_tensor, num_heads * head_size, activation={act},
                        name="key", kernel_initializer=init)
  value = tf.layers.dense(to_tensor, num_heads * head_size, activation={act},
                          name="value", kernel_initializer=init)
  query = split_heads(query, from_len)
  key = split_heads(key, to_len)
  scores = tf.matmul(query, key, transpose_b=True)
  scores = tf.multiply(scores, 1.0 / math.sqrt(float(head_size)))
  if attention_mask is not None:
    mask = tf.expand_dims(tf.to_float(attention_mask), axis=[1])
    scores += (1.0 - mask) * -10000.0
  probs = tf.nn.softmax(scores)
  probs = tf.nn.dropout(probs, keep_prob=1.0 - attention_dropout)
  context = tf.matmul(probs, split_heads(value, to_len))
  context = tf.transpose(context, [0, 2, 1, 3])
  return tf.reshape(context, [batch, from_len, num_heads * head_size])
''',
        "tf",
        "math",
    )


def t_transformer(g: Gen) -> Block:
    fn = g.name("transformer_model", "transformer_encoder", "encoder_stack")
    hidden = g.pick(("256", "512", "768", "1024"))
    layers = g.pick(("4", "6", "12", "24"))
    inter = g.pick(("1024", "2048", "3072", "4096"))
    act = g.pick(("tf.nn.relu", "tf.tanh", "tf.nn.relu6"))
    extra = ""
    for i in range(g.int(0, 3)):
        extra += (
            f'      with tf.variable_scope("adapter_{i}"):\n'
            f"        down = tf.layers.dense(layer_output, {g.dim()}, activation=tf.nn.relu)\n"
            f"        layer_output += tf.layers.dense(down, hidden_size)\n"
        )
    return _b(
        f'''
def {fn}(input_tensor,
{" " * (len(fn) + 5)}attention_mask=None,
{" " * (len(fn) + 5)}hidden_size={hidden},
{" " * (len(fn) + 5)}num_hidden_layers={layers},
{" " * (len(fn) + 5)}intermediate_size={inter},
{" " * (len(fn) + 5)}hidden_dropout_prob=0.1,
{" " * (len(fn) + 5)}do_return_all_layers=False):
  """A stack of post-norm transformer layers."""
  prev_output = input_tensor
  all_outputs = []
  for layer_idx in range(num_hidden_layers):
    with tf.variable_scope("layer_%d" % layer_idx):
      layer_input = prev_output
      with tf.variable_scope("attention"):
        with tf.variable_scope("self"):
          attention_output = tf.layers.dense(layer_input, hidden_size, name="qkv")
        with tf.variable_scope("output"):
          attention_output = tf.layers.dense(attention_output, hidden_size)
          attention_output = tf.nn.dropout(attention_output, 1 - hidden_dropout_prob)
          attention_output = tf.contrib.layers.layer_norm(
              attention_output + layer_input, begin_norm_axis=-1, begin_params_axis=-1)
      with tf.variable_scope("intermediate"):
        intermediate = tf.layers.dense(attention_output, intermediate_size,
                                       activation={act})
      with tf.variable_scope("output"):
        layer_output = tf.layers.dense(intermediate, hidden_size)
        layer_output = tf.nn.dropout(layer_output, keep_prob=1 - hidden_dropout_prob)
{extra}        layer_output = tf.contrib.layers.layer_norm(layer_output + attention_output)
      prev_output = layer_output
      all_outputs.append(layer_output)
  if do_return_all_layers:
    return all_outputs
  return prev_output
''',
        "tf",
    )


def t_model_class(g: Gen) -> Block:
    cls = g.name("TextEncoder", "BertLikeModel", "SequenceModel", "EncoderModel")
    dim = g.dim()
    pooler_act = g.pick(("tf.tanh", "tf.nn.relu"))
    methods = ""
    for _ in range(g.int(1, 4)):
        m = g.pick(
            (
                "get_sequence_output",
                "get_embedding_table",
                "get_all_layers",
                "get_pooled_output",
                "get_embedding_output",
            )
        )
        if m in methods:
            continue
        attr = m.replace("get_", "")
        methods += f"\n  def {m}(self):\n    return self.{attr}\n"
    return _b(
        f'''
class {cls}(object):
  """Encoder built from embeddings and a transformer stack."""

  def __init__(self, config, is_training, input_ids, input_mask=None,
               token_type_ids=None, scope=None):
    if not is_training:
      config.hidden_dropout_prob = 0.0
    batch_size = tf.shape(input_ids)[0]
    seq_length = tf.shape(input_ids)[1]
    if input_mask is None:
      input_mask = tf.ones(shape=[batch_size, seq_length], dtype=tf.int32)
    if token_type_ids is None:
      token_type_ids = tf.zeros(shape=[batch_size, seq_length], dtype=tf.int32)

    with tf.variable_scope(scope, default_name="encoder"):
      with tf.variable_scope("embeddings"):
        self.embedding_table = tf.get_variable(
            "word_embeddings", [config.vocab_size, {dim}],
            initializer=tf.contrib.layers.xavier_initializer())
        self.embedding_output = tf.gather(self.embedding_table, input_ids)
        type_table = tf.get_variable("token_type_embeddings", [2, {dim}])
        self.embedding_output += tf.gather(type_table, token_type_ids)
        self.embedding_output = tf.contrib.layers.layer_norm(self.embedding_output)
        self.embedding_output = tf.nn.dropout(self.embedding_output,
                                              1.0 - config.hidden_dropout_prob)
      with tf.variable_scope("encoder"):
        self.all_layers = []
        x = self.embedding_output
        for i in range(config.num_hidden_layers):
          with tf.variable_scope("layer_%d" % i):
            x = tf.layers.dense(x, {dim}, activation=tf.nn.relu)
            self.all_layers.append(x)
        self.sequence_output = x
      with tf.variable_scope("pooler"):
        first_token = tf.squeeze(self.sequence_output[:, 0:1, :], axis=1)
        self.pooled_output = tf.layers.dense(
            first_token, {dim}, activation={pooler_act},
            kernel_initializer=tf.truncated_normal_initializer(stddev=0.02))
{methods}''',
        "tf",
    )


def t_model_fn(g: Gen) -> Block:
    fn = g.name("model_fn_builder", "build_model_fn", "make_model_fn")
    tpu = g.chance(0.6)
    spec = "tf.contrib.tpu.TPUEstimatorSpec" if tpu else "tf.estimator.EstimatorSpec"
    scaffold = "scaffold_fn=scaffold_fn" if tpu else "scaffold=None"
    metric = g.pick(("accuracy", "auc", "precision", "recall"))
    n_cls = g.int(2, 10)
    return _b(
        f'''
def {fn}(num_labels, init_checkpoint, learning_rate, num_train_steps,
{" " * (len(fn) + 5)}num_warmup_steps, use_tpu=False):
  """Returns a `model_fn` closure for the Estimator."""

  def model_fn(features, labels, mode, params):
    tf.logging.info("*** Features ***")
    for name in sorted(features.keys()):
      tf.logging.info("  name = %s, shape = %s" % (name, features[name].shape))
    input_ids = features["input_ids"]
    label_ids = features["label_ids"]
    is_training = (mode == tf.estimator.ModeKeys.TRAIN)
    hidden = tf.layers.dense(tf.to_float(input_ids), {g.dim()}, activation=tf.nn.relu)
    if is_training:
      hidden = tf.nn.dropout(hidden, keep_prob=0.9)
    with tf.variable_scope("loss"):
      output_weights = tf.get_variable(
          "output_weights", [num_labels, hidden.shape[-1].value],
          initializer=tf.truncated_normal_initializer(stddev=0.02))
      output_bias = tf.get_variable(
          "output_bias", [num_labels], initializer=tf.zeros_initializer())
      logits = tf.nn.bias_add(tf.matmul(hidden, output_weights, transpose_b=True),
                              output_bias)
      log_probs = tf.nn.log_softmax(logits, axis=-1)
      one_hot = tf.one_hot(label_ids, depth={n_cls}, dtype=tf.float32)
      per_example_loss = -tf.reduce_sum(one_hot * log_probs, axis=-1)
      total_loss = tf.reduce_mean(per_example_loss)

    tvars = tf.trainable_variables()
    scaffold_fn = None
    if init_checkpoint:
      assignment_map = {{v.name.split(":")[0]: v.name.split(":")[0] for v in tvars}}
      if use_tpu:
        def tpu_scaffold():
          tf.train.init_from_checkpoint(init_checkpoint, assignment_map)
          return tf.train.Scaffold()
        scaffold_fn = tpu_scaffold
      else:
        tf.train.init_from_checkpoint(init_checkpoint, assignment_map)

    if mode == tf.estimator.ModeKeys.TRAIN:
      global_step = tf.train.get_or_create_global_step()
      optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
      train_op = optimizer.minimize(total_loss, global_step=global_step)
      return {spec}(
          mode=mode, loss=total_loss, train_op=train_op, {scaffold})
    if mode == tf.estimator.ModeKeys.EVAL:
      predictions = tf.argmax(logits, axis=-1, output_type=tf.int32)
      metric = tf.metrics.{metric}(labels=label_ids, predictions=predictions)
      loss_metric = tf.metrics.mean(values=per_example_loss)
      return tf.estimator.EstimatorSpec(
          mode=mode, loss=total_loss,
          eval_metric_ops={{"eval_{metric}": metric, "eval_loss": loss_metric}})
    return tf.estimator.EstimatorSpec(
        mode=mode, predictions={{"probabilities": tf.exp(log_probs)}})

  return model_fn
''',
        "tf",
    )


def t_optimizer(g: Gen) -> Block:
    fn = g.name("create_optimizer", "build_train_op", "make_optimizer")
    clip = g.pick(("1.0", "5.0", "0.5"))
    decay = g.pick(
        (
            "tf.train.polynomial_decay(\n      learning_rate, global_step, num_train_steps, "
            "end_learning_rate=0.0, power=1.0, cycle=False)",
            "tf.train.exponential_decay(\n      learning_rate, global_step, decay_steps=10000, "
            "decay_rate=0.96, staircase=True)",
            "tf.train.cosine_decay(learning_rate, global_step, num_train_steps)",
            "tf.train.piecewise_constant(\n      global_step, [10000, 20000], "
            "[learning_rate, learning_rate * 0.1, learning_rate * 0.01])",
        )
    )
    opt = g.pick(
        (
            "tf.train.AdamOptimizer(learning_rate=lr, beta1=0.9, beta2=0.999, epsilon=1e-6)",
            "tf.train.MomentumOptimizer(lr, momentum=0.9, use_nesterov=True)",
            "tf.train.RMSPropOptimizer(lr, decay=0.9, momentum=0.9, epsilon=1.0)",
            "tf.train.GradientDescentOptimizer(lr)",
            "tf.train.AdagradOptimizer(lr)",
        )
    )
    return _b(
        f'''
def {fn}(loss, learning_rate, num_train_steps, num_warmup_steps, use_tpu=False):
  """Builds the training op with warmup and gradient clipping."""
  global_step = tf.train.get_or_create_global_step()
  lr = {decay}
  if num_warmup_steps:
    steps_int = tf.cast(global_step, tf.int32)
    warmup_int = tf.constant(num_warmup_steps, dtype=tf.int32)
    warmup_percent = tf.to_float(steps_int) / tf.to_float(warmup_int)
    is_warmup = tf.cast(steps_int < warmup_int, tf.float32)
    lr = (1.0 - is_warmup) * lr + is_warmup * learning_rate * warmup_percent
  tf.summary.scalar("learning_rate", lr)
  optimizer = {opt}
  if use_tpu:
    optimizer = tf.contrib.tpu.CrossShardOptimizer(optimizer)
  tvars = tf.trainable_variables()
  grads = tf.gradients(loss, tvars)
  (grads, _) = tf.clip_by_global_norm(grads, clip_norm={clip})
  train_op = optimizer.apply_gradients(zip(grads, tvars), global_step=global_step)
  update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
  return tf.group(train_op, *update_ops)
''',
        "tf",
    )


def t_tpu_config(g: Gen) -> Block:
    fn = g.name("make_run_config", "build_tpu_estimator", "tpu_run_config")
    return _b(
        f'''
def {fn}(model_fn, output_dir, tpu_name=None, tpu_zone=None, use_tpu=False,
{" " * (len(fn) + 5)}iterations_per_loop={g.pick(("100", "1000", "500"))}, num_tpu_cores=8,
{" " * (len(fn) + 5)}train_batch_size=32, eval_batch_size=8):
  """Creates a TPUEstimator that falls back to CPU/GPU when `use_tpu` is False."""
  tpu_cluster_resolver = None
  if use_tpu and tpu_name:
    tpu_cluster_resolver = tf.contrib.cluster_resolver.TPUClusterResolver(
        tpu_name, zone=tpu_zone)
  is_per_host = tf.contrib.tpu.InputPipelineConfig.PER_HOST_V2
  run_config = tf.contrib.tpu.RunConfig(
      cluster=tpu_cluster_resolver,
      model_dir=output_dir,
      save_checkpoints_steps=1000,
      tpu_config=tf.contrib.tpu.TPUConfig(
          iterations_per_loop=iterations_per_loop,
          num_shards=num_tpu_cores,
          per_host_input_for_training=is_per_host))
  return tf.contrib.tpu.TPUEstimator(
      use_tpu=use_tpu,
      model_fn=model_fn,
      config=run_config,
      train_batch_size=train_batch_size,
      eval_batch_size=eval_batch_size)
''',
        "tf",
    )


def t_assignment_map(g: Gen) -> Block:
    fn = g.name("get_assignment_map_from_checkpoint", "checkpoint_assignment_map")
    return _b(
        f'''
def {fn}(tvars, init_checkpoint):
  """Maps checkpoint variable names onto graph variables that exist in both."""
  name_to_variable = collections.OrderedDict()
  for var in tvars:
    m = re.match("^(.*):\\\\d+$", var.name)
    name = m.group(1) if m else var.name
    name_to_variable[name] = var
  assignment_map = collections.OrderedDict()
  initialized = {{}}
  for name, _ in tf.train.list_variables(init_checkpoint):
    if name not in name_to_variable:
      continue
    assignment_map[name] = name
    initialized[name] = 1
    initialized[name + ":0"] = 1
  return assignment_map, initialized
''',
        "tf",
        "collections",
        "re",
    )


# --------------------------------------------------------------------------------------
# Tensor2Tensor-style layer library
# --------------------------------------------------------------------------------------


def t_shape_list(g: Gen) -> Block:
    fn = g.name("shape_list", "get_shape_list", "dynamic_shape")
    return _b(
        f'''
def {fn}(x):
  """Returns static dimensions where known, dynamic ones otherwise."""
  x = tf.convert_to_tensor(x)
  if x.get_shape().dims is None:
    return tf.shape(x)
  static = x.get_shape().as_list()
  dynamic = tf.shape(x)
  return [dynamic[i] if dim is None else dim for i, dim in enumerate(static)]
''',
        "tf",
    )


def t_conv_block(g: Gen) -> Block:
    fn = g.name("conv_block", "conv_stack", "separable_block", "conv_relu_stack")
    n = g.int(1, 4)
    body = ""
    for i in range(n):
        k = g.pick(("1", "3", "5", "7"))
        body += (
            f"    y = tf.layers.conv1d(y, filters, {k}, padding=padding,\n"
            f"                         dilation_rate={g.pick(('1', '2', '4'))}, "
            f'name="conv_{i}")\n'
            f'    y = tf.contrib.layers.layer_norm(y, scope="ln_{i}")\n'
            f"    y = {g.act()}(y)\n"
        )
    return _b(
        f'''
def {fn}(inputs, filters, padding="SAME", dropout=0.0, name=None):
  """Stack of 1-D convolutions with layer normalization."""
  with tf.variable_scope(name, default_name="{fn}", values=[inputs]):
    y = inputs
{body}    if dropout:
      y = tf.nn.dropout(y, 1.0 - dropout)
    return y
''',
        "tf",
    )


def t_dense_relu_dense(g: Gen) -> Block:
    fn = g.name("dense_relu_dense", "ffn_layer", "feed_forward")
    return _b(
        f'''
def {fn}(inputs, filter_size, output_size, dropout=0.0, name=None):
  """Hidden layer with ReLU between two dense projections."""
  with tf.variable_scope(name, "{fn}", [inputs]):
    h = tf.layers.dense(inputs, filter_size, use_bias=True, activation=tf.nn.relu,
                        name="conv1")
    if dropout != 0.0:
      h = tf.nn.dropout(h, 1.0 - dropout)
    return tf.layers.dense(h, output_size, activation=None, use_bias=True, name="conv2")
''',
        "tf",
    )


def t_timing_signal(g: Gen) -> Block:
    fn = g.name("add_timing_signal_1d", "positional_encoding", "timing_signal")
    return _b(
        f'''
def {fn}(x, min_timescale=1.0, max_timescale={g.pick(("1.0e4", "1.0e3", "5.0e3"))}):
  """Adds sinusoids of geometrically spaced frequencies to `x`."""
  length = tf.shape(x)[1]
  channels = tf.shape(x)[2]
  position = tf.to_float(tf.range(length))
  num_timescales = channels // 2
  log_increment = (
      math.log(float(max_timescale) / float(min_timescale)) /
      tf.maximum(tf.to_float(num_timescales) - 1, 1))
  inv_timescales = min_timescale * tf.exp(
      tf.to_float(tf.range(num_timescales)) * -log_increment)
  scaled_time = tf.expand_dims(position, 1) * tf.expand_dims(inv_timescales, 0)
  signal = tf.concat([tf.sin(scaled_time), tf.cos(scaled_time)], axis=1)
  signal = tf.pad(signal, [[0, 0], [0, tf.mod(channels, 2)]])
  signal = tf.reshape(signal, [1, length, channels])
  return x + signal
''',
        "tf",
        "math",
    )


def t_prepost(g: Gen) -> Block:
    fn = g.name("layer_postprocess", "layer_prepostprocess", "apply_sequence")
    return _b(
        f'''
def {fn}(previous_value, x, sequence, dropout_rate, epsilon=1e-6, name=None):
  """Applies a sequence of functions: a=add, n=normalize, d=dropout."""
  with tf.variable_scope(name, default_name="{fn}"):
    if sequence == "none":
      return x
    for c in sequence:
      if c == "a":
        x += previous_value
      elif c == "n":
        mean = tf.reduce_mean(x, axis=[-1], keep_dims=True)
        variance = tf.reduce_mean(tf.square(x - mean), axis=[-1], keep_dims=True)
        x = (x - mean) * tf.rsqrt(variance + epsilon)
      elif c == "d":
        x = tf.nn.dropout(x, 1.0 - dropout_rate)
      else:
        raise ValueError("Unknown sequence step %s" % c)
    return x
''',
        "tf",
    )


def t_hparams(g: Gen) -> Block:
    fn = g.name("transformer_base", "base_hparams", "small_hparams", "tiny_hparams")
    lines = []
    for key in ("hidden_size", "filter_size", "num_heads", "num_hidden_layers"):
        lines.append(f"      {key}={g.pick(('4', '8', '256', '512', '1024', '2048'))},")
    extras = ""
    for _ in range(g.int(1, 6)):
        extras += f'  hparams.add_hparam("{g.word()}_{g.word()}", {g.rate()})\n'
    return _b(
        f'''
def {fn}():
  """Default hyperparameters."""
  hparams = tf.contrib.training.HParams(
      batch_size={g.pick(("1024", "2048", "4096"))},
{chr(10).join(lines)}
      layer_prepostprocess_dropout={g.rate()},
      learning_rate_decay_scheme="noam",
      optimizer_adam_beta2=0.98)
{extras}  return hparams
''',
        "tf",
    )


def t_attention_bias(g: Gen) -> Block:
    fn = g.name("attention_bias_lower_triangle", "causal_bias", "future_mask")
    return _b(
        f'''
def {fn}(length, neg_inf=-1e9):
  """Bias that prevents attending to future positions."""
  band = tf.matrix_band_part(tf.ones([length, length]), -1, 0)
  ret = neg_inf * (1.0 - band)
  return tf.reshape(ret, [1, 1, length, length])
''',
        "tf",
    )


def t_embedding_to_padding(g: Gen) -> Block:
    fn = g.name("embedding_to_padding", "padding_mask", "pad_remover")
    return _b(
        f'''
def {fn}(emb):
  """1.0 where a position is all zeros (padding), 0.0 elsewhere."""
  emb_sum = tf.reduce_sum(tf.abs(emb), axis=-1)
  return tf.to_float(tf.equal(emb_sum, 0.0))
''',
        "tf",
    )


# --------------------------------------------------------------------------------------
# slim CNNs
# --------------------------------------------------------------------------------------


def t_slim_arg_scope(g: Gen) -> Block:
    fn = g.name("net_arg_scope", "cnn_arg_scope", "resnet_arg_scope", "vgg_arg_scope")
    wd = g.pick(("0.0005", "0.0001", "4e-5"))
    bn = g.chance(0.5)
    if bn:
        inner = (
            "    normalizer_fn=slim.batch_norm,\n"
            "    normalizer_params=batch_norm_params):\n"
            "    with slim.arg_scope([slim.batch_norm], **batch_norm_params):\n"
            '      with slim.arg_scope([slim.max_pool2d], padding="SAME") as arg_sc:\n'
            "        return arg_sc\n"
        )
        pre = (
            "  batch_norm_params = {\n"
            '      "decay": 0.997,\n'
            '      "epsilon": 1e-5,\n'
            '      "scale": True,\n'
            '      "updates_collections": tf.GraphKeys.UPDATE_OPS,\n'
            "  }\n"
        )
    else:
        inner = (
            "    biases_initializer=tf.zeros_initializer()):\n"
            '    with slim.arg_scope([slim.conv2d], padding="SAME") as arg_sc:\n'
            "      return arg_sc\n"
        )
        pre = ""
    return _b(
        f'''
def {fn}(weight_decay={wd}):
  """Default arg scope for the network's conv and fc layers."""
{pre}  with slim.arg_scope(
    [slim.conv2d, slim.fully_connected],
    activation_fn=tf.nn.relu,
    weights_regularizer=slim.l2_regularizer(weight_decay),
    weights_initializer=slim.variance_scaling_initializer(),
{inner}''',
        "tf",
        "slim",
    )


def t_slim_net(g: Gen) -> Block:
    fn = g.name("small_vgg", "tiny_net", "cifar_net", "conv_net", "lenet")
    stages = g.int(2, 6)
    body = ""
    depth = g.pick(("32", "64"))
    for i in range(stages):
        reps = g.int(1, 3)
        body += (
            f"      net = slim.repeat(net, {reps}, slim.conv2d, {int(depth) * 2 ** min(i, 3)},"
            f' [3, 3], scope="conv{i + 1}")\n'
            f'      net = slim.max_pool2d(net, [2, 2], scope="pool{i + 1}")\n'
        )
    return _b(
        f'''
def {fn}(inputs, num_classes={g.pick(("10", "100", "1000"))}, is_training=True,
{" " * (len(fn) + 5)}dropout_keep_prob=0.5, spatial_squeeze=True, scope="{fn}"):
  """A plain stack of conv/pool stages followed by fully connected layers."""
  with tf.variable_scope(scope, "{fn}", [inputs]) as sc:
    end_points_collection = sc.original_name_scope + "_end_points"
    with slim.arg_scope([slim.conv2d, slim.fully_connected, slim.max_pool2d],
                        outputs_collections=end_points_collection):
      net = inputs
{body}      net = slim.conv2d(net, {g.pick(("512", "1024", "2048"))}, [1, 1], scope="fc6")
      net = slim.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout6")
      net = slim.conv2d(net, num_classes, [1, 1], activation_fn=None,
                        normalizer_fn=None, scope="logits")
      end_points = slim.utils.convert_collection_to_dict(end_points_collection)
      if spatial_squeeze:
        net = tf.reduce_mean(net, [1, 2], keep_dims=False, name="global_pool")
      end_points[sc.name + "/logits"] = net
      return net, end_points
''',
        "tf",
        "slim",
    )


def t_slim_residual(g: Gen) -> Block:
    fn = g.name("bottleneck", "residual_unit", "res_block", "preact_block")
    return _b(
        f'''
def {fn}(inputs, depth, depth_bottleneck, stride, rate=1, scope=None):
  """Bottleneck residual unit with pre-activation batch norm."""
  with tf.variable_scope(scope, "{fn}", [inputs]) as sc:
    depth_in = slim.utils.last_dimension(inputs.get_shape(), min_rank=4)
    preact = slim.batch_norm(inputs, activation_fn=tf.nn.relu, scope="preact")
    if depth == depth_in:
      shortcut = slim.max_pool2d(inputs, [1, 1], stride=stride) if stride > 1 else inputs
    else:
      shortcut = slim.conv2d(preact, depth, [1, 1], stride=stride,
                             normalizer_fn=None, activation_fn=None, scope="shortcut")
    residual = slim.conv2d(preact, depth_bottleneck, [1, 1], stride=1, scope="conv1")
    residual = slim.conv2d(residual, depth_bottleneck, 3, stride=stride, rate=rate,
                           padding="SAME", scope="conv2")
    residual = slim.conv2d(residual, depth, [1, 1], stride=1, normalizer_fn=None,
                           activation_fn=None, scope="conv3")
    output = shortcut + residual
    return slim.utils.collect_named_outputs(None, sc.name, output)
''',
        "tf",
        "slim",
    )


def t_slim_inception(g: Gen) -> Block:
    fn = g.name("inception_module", "mixed_block", "multi_branch")
    branches = g.int(2, 4)
    body = ""
    names = []
    for i in range(branches):
        names.append(f"branch_{i}")
        body += f'    with tf.variable_scope("Branch_{i}"):\n'
        body += f'      branch_{i} = slim.conv2d(net, {g.dim()}, [1, 1], scope="Conv2d_0a_1x1")\n'
        if i:
            k = g.pick(("3", "5"))
            body += (
                f"      branch_{i} = slim.conv2d(branch_{i}, {g.dim()}, [{k}, {k}],\n"
                f'                             scope="Conv2d_0b_{k}x{k}")\n'
            )
    return _b(
        f'''
def {fn}(net, scope=None, reuse=None):
  """Parallel convolution branches concatenated along channels."""
  with tf.variable_scope(scope, "{fn}", [net], reuse=reuse):
{body}    return tf.concat(axis=3, values=[{", ".join(names)}])
''',
        "tf",
        "slim",
    )


def t_slim_train(g: Gen) -> Block:
    fn = g.name("build_slim_train_op", "get_train_op", "slim_training")
    smoothing = g.pick(("0.0", "0.1"))
    return _b(
        f'''
def {fn}(logits, labels, num_classes, learning_rate=0.01):
  """Cross-entropy + regularization loss and a slim train op."""
  one_hot = slim.one_hot_encoding(labels, num_classes)
  tf.losses.softmax_cross_entropy(one_hot, logits, label_smoothing={smoothing})
  total_loss = tf.losses.get_total_loss(add_regularization_losses=True)
  tf.summary.scalar("losses/total_loss", total_loss)
  optimizer = tf.train.MomentumOptimizer(learning_rate, momentum=0.9)
  variables_to_train = slim.get_trainable_variables()
  return slim.learning.create_train_op(
      total_loss, optimizer, variables_to_train=variables_to_train,
      summarize_gradients=True)
''',
        "tf",
        "slim",
    )


def t_slim_restore(g: Gen) -> Block:
    fn = g.name("get_init_fn", "restore_fn", "init_from_pretrained")
    return _b(
        f'''
def {fn}(checkpoint_path, exclusions=("logits",)):
  """Returns a function that restores everything except `exclusions`."""
  variables_to_restore = []
  for var in slim.get_model_variables():
    if not any(var.op.name.startswith(ex) for ex in exclusions):
      variables_to_restore.append(var)
  if tf.gfile.IsDirectory(checkpoint_path):
    checkpoint_path = tf.train.latest_checkpoint(checkpoint_path)
  tf.logging.info("Fine-tuning from %s", checkpoint_path)
  return slim.assign_from_checkpoint_fn(
      checkpoint_path, variables_to_restore, ignore_missing_vars=True)
''',
        "tf",
        "slim",
    )


# --------------------------------------------------------------------------------------
# Estimator input pipelines
# --------------------------------------------------------------------------------------


def t_decode_record(g: Gen) -> Block:
    fn = g.name("decode_record", "parse_example", "_decode_record")
    return _b(
        f'''
def {fn}(record, name_to_features):
  """Decodes a serialized tf.Example; int64 features become int32."""
  example = tf.parse_single_example(record, name_to_features)
  for name in list(example.keys()):
    t = example[name]
    if t.dtype == tf.int64:
      t = tf.to_int32(t)
    example[name] = t
  return example
''',
        "tf",
    )


def t_file_input_fn(g: Gen) -> Block:
    fn = g.name("file_based_input_fn_builder", "tfrecord_input_fn", "make_input_fn")
    feats = ""
    for f in ("input_ids", "input_mask", "segment_ids"):
        feats += f'      "{f}": tf.FixedLenFeature([seq_length], tf.int64),\n'
    if g.chance(0.5):
        feats += '      "weights": tf.VarLenFeature(tf.float32),\n'
    return _b(
        f'''
def {fn}(input_file, seq_length, is_training, drop_remainder):
  """Creates an `input_fn` closure reading TFRecords."""
  name_to_features = {{
{feats}      "label_ids": tf.FixedLenFeature([], tf.int64),
  }}

  def _decode(record):
    example = tf.parse_single_example(record, name_to_features)
    return {{k: tf.to_int32(v) if v.dtype == tf.int64 else v for k, v in example.items()}}

  def input_fn(params):
    batch_size = params["batch_size"]
    d = tf.data.TFRecordDataset(input_file)
    if is_training:
      d = d.repeat()
      d = d.shuffle(buffer_size={g.pick(("100", "1000", "10000"))})
    d = d.apply(
        tf.contrib.data.map_and_batch(
            lambda record: _decode(record),
            batch_size=batch_size,
            drop_remainder=drop_remainder))
    return d

  return input_fn
''',
        "tf",
    )


def t_numpy_input_fn(g: Gen) -> Block:
    fn = g.name("train_input_fn", "eval_input_fn", "numpy_input_fn", "make_dataset")
    iterator = g.pick(
        (
            "  iterator = dataset.make_one_shot_iterator()\n",
            "  iterator = tf.data.make_one_shot_iterator(dataset)\n",
        )
    )
    return _b(
        f'''
def {fn}(features, labels, batch_size={g.pick(("32", "64", "128"))}, shuffle=True):
  """An input_fn over in-memory arrays."""
  dataset = tf.data.Dataset.from_tensor_slices((dict(features), labels))
  if shuffle:
    dataset = dataset.shuffle(buffer_size=len(labels), seed={g.int(0, 999)})
  dataset = dataset.repeat().batch(batch_size)
  dataset = dataset.prefetch({g.pick(("1", "2", "tf.contrib.data.AUTOTUNE"))})
{iterator}  return iterator.get_next()
''',
        "tf",
    )


def t_image_parse(g: Gen) -> Block:
    fn = g.name("parse_image_record", "preprocess_image", "image_parser")
    size = g.pick(("224", "299", "32", "64", "128"))
    return _b(
        f'''
def {fn}(serialized, is_training, image_size={size}):
  """Decodes a JPEG record and applies light augmentation when training."""
  features = tf.parse_single_example(
      serialized,
      features={{
          "image/encoded": tf.FixedLenFeature([], dtype=tf.string, default_value=""),
          "image/class/label": tf.FixedLenFeature([], dtype=tf.int64, default_value=-1),
      }})
  image = tf.image.decode_jpeg(features["image/encoded"], channels=3)
  image = tf.image.convert_image_dtype(image, dtype=tf.float32)
  if is_training:
    image = tf.image.resize_images(image, [image_size + 32, image_size + 32])
    image = tf.random_crop(image, [image_size, image_size, 3])
    image = tf.image.random_flip_left_right(image)
  else:
    image = tf.image.resize_images(image, [image_size, image_size],
                                   method=tf.image.ResizeMethod.BILINEAR)
  label = tf.cast(features["image/class/label"], tf.int32)
  return image, label
''',
        "tf",
    )


def t_iterator_pipeline(g: Gen) -> Block:
    fn = g.name("build_pipeline", "input_pipeline", "make_iterator")
    return _b(
        f'''
def {fn}(filenames, batch_size, num_epochs=None, num_parallel_calls={g.int(1, 16)}):
  """Returns (next_element, init_op) for an initializable iterator."""
  files = tf.data.Dataset.list_files(filenames)
  dataset = files.interleave(tf.data.TFRecordDataset, cycle_length=4)
  dataset = dataset.map(lambda x: tf.parse_single_example(x, {{
      "x": tf.FixedLenFeature([{g.dim()}], tf.float32),
      "y": tf.FixedLenFeature([], tf.int64),
  }}), num_parallel_calls=num_parallel_calls)
  dataset = dataset.repeat(num_epochs).batch(batch_size)
  iterator = dataset.make_initializable_iterator()
  next_element = iterator.get_next()
  return next_element, iterator.initializer
''',
        "tf",
    )


def t_serving_fn(g: Gen) -> Block:
    fn = g.name("serving_input_receiver_fn", "serving_input_fn", "export_input_fn")
    return _b(
        f'''
def {fn}():
  """Accepts serialized tf.Examples at serving time."""
  serialized = tf.placeholder(dtype=tf.string, shape=[None], name="input_example_tensor")
  receiver_tensors = {{"examples": serialized}}
  features = tf.parse_example(serialized, {{
      "x": tf.FixedLenFeature([{g.dim()}], tf.float32),
  }})
  return tf.estimator.export.ServingInputReceiver(features, receiver_tensors)
''',
        "tf",
    )


# --------------------------------------------------------------------------------------
# Training scripts
# --------------------------------------------------------------------------------------

_FLAG_DEFS = (
    'flags.DEFINE_string("data_dir", None, "Directory with the input data.")',
    'flags.DEFINE_string("output_dir", "/tmp/model", "Where checkpoints are written.")',
    'flags.DEFINE_string("log_dir", "/tmp/logs", "Where summaries are written.")',
    'flags.DEFINE_float("learning_rate", 1e-3, "Initial learning rate.")',
    'flags.DEFINE_integer("batch_size", 64, "Examples per step.")',
    'flags.DEFINE_integer("num_train_steps", 10000, "Total training steps.")',
    'flags.DEFINE_integer("save_checkpoints_steps", 1000, "Checkpoint interval.")',
    'flags.DEFINE_bool("do_train", True, "Whether to train.")',
)
_EXTRA_FLAGS = (
    'flags.DEFINE_bool("use_tpu", False, "Whether to use a TPU.")',
    'flags.DEFINE_string("init_checkpoint", None, "Checkpoint to warm-start from.")',
    'flags.DEFINE_integer("max_seq_length", 128, "Maximum sequence length.")',
    'flags.DEFINE_float("warmup_proportion", 0.1, "Fraction of steps to warm up.")',
    'flags.DEFINE_integer("num_classes", 10, "Number of output classes.")',
    'flags.DEFINE_string("tpu_name", None, "TPU to use.")',
)


def t_flags_prelude(g: Gen) -> Block:
    style = g.pick(("tf.flags", "tf.app.flags"))
    defs = list(_FLAG_DEFS) + g.rng.sample(_EXTRA_FLAGS, g.int(0, len(_EXTRA_FLAGS)))
    return _b(
        f"flags = {style}\nFLAGS = flags.FLAGS\n\n" + "\n".join(defs) + "\n",
        "tf",
        section="prelude",
    )


def t_train_loop(g: Gen) -> Block:
    fn = g.name("run_training", "train", "train_loop", "fit")
    dim = g.dim()
    n_layers = g.int(1, 5)
    layers = ""
    for i in range(n_layers):
        layers += f'    h = tf.layers.dense(h, {g.dim()}, activation={g.act()}, name="fc{i}")\n'
        if g.chance(0.4):
            layers += "    h = tf.nn.dropout(h, keep_prob)\n"
    saver_kw = g.pick(("max_to_keep=5", "max_to_keep=3, keep_checkpoint_every_n_hours=2", ""))
    cfg = g.chance(0.6)
    cfg_lines = (
        "    config = tf.ConfigProto(allow_soft_placement=True, log_device_placement=False)\n"
        "    config.gpu_options.allow_growth = True\n"
        if cfg
        else "    config = None\n"
    )
    return _b(
        f'''
def {fn}(train_x, train_y, num_classes):
  """Feeds numpy batches through a placeholder graph and checkpoints periodically."""
  tf.logging.set_verbosity(tf.logging.INFO)
  if not tf.gfile.Exists(FLAGS.output_dir):
    tf.gfile.MakeDirs(FLAGS.output_dir)
  with tf.Graph().as_default():
    x = tf.placeholder(tf.float32, [None, {dim}], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    keep_prob = tf.placeholder_with_default(1.0, shape=(), name="keep_prob")
    h = x
{layers}    logits = tf.layers.dense(h, num_classes, name="logits")
    loss = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    accuracy = tf.reduce_mean(tf.to_float(tf.equal(tf.argmax(logits, 1), y)))
    global_step = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(FLAGS.learning_rate, global_step,
                                    decay_steps={g.pick(("1000", "5000", "20000"))},
                                    decay_rate={g.pick(("0.9", "0.96", "0.5"))},
                                    staircase=True)
    train_op = tf.train.AdamOptimizer(lr).minimize(loss, global_step=global_step)
    tf.summary.scalar("loss", loss)
    tf.summary.scalar("accuracy", accuracy)
    tf.summary.scalar("learning_rate", lr)
    merged = tf.summary.merge_all()
    saver = tf.train.Saver({saver_kw})
{cfg_lines}    with tf.Session(config=config) as sess:
      writer = tf.summary.FileWriter(FLAGS.log_dir, sess.graph)
      sess.run(tf.global_variables_initializer())
      sess.run(tf.local_variables_initializer())
      latest = tf.train.latest_checkpoint(FLAGS.output_dir)
      if latest:
        saver.restore(sess, latest)
      n = len(train_x)
      for step in range(FLAGS.num_train_steps):
        idx = np.random.randint(0, n, size=FLAGS.batch_size)
        feed = {{x: train_x[idx], y: train_y[idx], keep_prob: {g.rate()}}}
        _, loss_val, summary, gs = sess.run([train_op, loss, merged, global_step],
                                            feed_dict=feed)
        writer.add_summary(summary, gs)
        if step % 100 == 0:
          tf.logging.info("step %d loss %.4f", gs, loss_val)
        if step % FLAGS.save_checkpoints_steps == 0:
          saver.save(sess, os.path.join(FLAGS.output_dir, "model.ckpt"), global_step=gs)
      writer.close()
''',
        "tf",
        "np",
        "os",
    )


def t_evaluate(g: Gen) -> Block:
    fn = g.name("evaluate", "run_eval", "eval_checkpoint")
    return _b(
        f'''
def {fn}(sess, accuracy_op, x, y, eval_x, eval_y, batch_size=256):
  """Averages `accuracy_op` over `eval_x` in batches."""
  total, count = 0.0, 0
  for start in range(0, len(eval_x), batch_size):
    end = min(start + batch_size, len(eval_x))
    acc = sess.run(accuracy_op, feed_dict={{x: eval_x[start:end], y: eval_y[start:end]}})
    total += acc * (end - start)
    count += end - start
  tf.logging.info("eval accuracy: %.4f over %d examples", total / max(count, 1), count)
  return total / max(count, 1)
''',
        "tf",
    )


def t_gfile_utils(g: Gen) -> Block:
    fn = g.name("read_lines", "load_vocab", "read_label_file", "load_split")
    return _b(
        f'''
def {fn}(path):
  """Reads a text file (local or remote) into a list of stripped lines."""
  if not tf.gfile.Exists(path):
    raise ValueError("Missing file: %s" % path)
  lines = []
  with tf.gfile.GFile(path, "r") as reader:
    for line in reader:
      line = line.strip()
      if line:
        lines.append(line)
  for extra in tf.gfile.Glob(path + ".extra*"):
    with tf.gfile.Open(extra) as f:
      lines.extend(l.strip() for l in f)
  return lines
''',
        "tf",
    )


def t_estimator_main(g: Gen) -> Block:
    fn = g.name("run_estimator", "train_and_evaluate", "estimator_main")
    return _b(
        f'''
def {fn}(model_fn, train_input_fn, eval_input_fn):
  """Trains then evaluates an Estimator, logging results."""
  run_config = tf.estimator.RunConfig(
      model_dir=FLAGS.output_dir,
      save_checkpoints_steps=FLAGS.save_checkpoints_steps,
      session_config=tf.ConfigProto(allow_soft_placement=True))
  estimator = tf.estimator.Estimator(model_fn=model_fn, config=run_config,
                                     params={{"batch_size": FLAGS.batch_size}})
  if FLAGS.do_train:
    estimator.train(input_fn=train_input_fn, max_steps=FLAGS.num_train_steps)
  result = estimator.evaluate(input_fn=eval_input_fn, steps=None)
  output_eval_file = os.path.join(FLAGS.output_dir, "eval_results.txt")
  with tf.gfile.GFile(output_eval_file, "w") as writer:
    for key in sorted(result.keys()):
      tf.logging.info("  %s = %s", key, str(result[key]))
      writer.write("%s = %s\\n" % (key, str(result[key])))
  return result
''',
        "tf",
        "os",
    )


def t_main_tail(g: Gen) -> Block:
    run = g.pick(("tf.app.run()", "tf.app.run(main)", "tf.app.run(main=main)"))
    req = ""
    if g.chance(0.5):
        req = '  flags.mark_flag_as_required("data_dir")\n'
    return _b(
        f"""
def main(_):
  tf.logging.set_verbosity(tf.logging.INFO)
  tf.logging.info("Writing to %s", FLAGS.output_dir)
  tf.gfile.MakeDirs(FLAGS.output_dir)


if __name__ == "__main__":
{req}  {run}
""",
        "tf",
        section="tail",
    )


# --------------------------------------------------------------------------------------
# Math-heavy utilities
# --------------------------------------------------------------------------------------


def t_safe_log(g: Gen) -> Block:
    fn = g.name("safe_log", "log_eps", "stable_log")
    return _b(
        f"""
def {fn}(x, eps={g.pick(("1e-8", "1e-6", "1e-12"))}):
  return tf.log(tf.maximum(x, eps))
""",
        "tf",
    )


def t_normalize(g: Gen) -> Block:
    fn = g.name("l2_normalize", "unit_norm", "normalize_rows")
    kw = g.pick(("keep_dims=True", "keepdims=True"))
    return _b(
        f"""
def {fn}(x, axis=-1, epsilon=1e-12):
  square_sum = tf.reduce_sum(tf.square(x), axis, {kw})
  return x * tf.rsqrt(tf.maximum(square_sum, epsilon))
""",
        "tf",
    )


def t_masked_mean(g: Gen) -> Block:
    fn = g.name("masked_mean", "masked_average", "mean_over_mask")
    return _b(
        f'''
def {fn}(values, mask):
  """Mean of `values` over positions where `mask` is 1, per row."""
  mask = tf.to_float(mask)
  total = tf.reduce_sum(values * mask, reduction_indices=[1])
  count = tf.reduce_sum(mask, reduction_indices=[1])
  return total / tf.maximum(count, 1.0)
''',
        "tf",
    )


def t_kl(g: Gen) -> Block:
    fn = g.name("kl_divergence", "kl_loss", "relative_entropy")
    return _b(
        f'''
def {fn}(p, q, eps=1e-10):
  """KL(p || q) averaged over the batch."""
  p = tf.clip_by_value(p, eps, 1.0)
  q = tf.clip_by_value(q, eps, 1.0)
  per_row = tf.reduce_sum(p * (tf.log(p) - tf.log(q)), 1)
  return tf.reduce_mean(per_row)
''',
        "tf",
    )


def t_noise(g: Gen) -> Block:
    fn = g.name("sample_noise", "gaussian_noise", "add_noise", "jitter")
    seed = g.int(1, 9999)
    return _b(
        f'''
def {fn}(x, stddev={g.pick(("0.1", "0.01", "1.0"))}, training=True):
  """Additive Gaussian noise during training; identity otherwise."""
  if not training:
    return x
  noise = tf.random_normal(tf.shape(x), mean=0.0, stddev=stddev, seed={seed})
  mask = tf.to_float(tf.random_uniform(tf.shape(x), seed={seed + 1}) > 0.5)
  return x + noise * mask
''',
        "tf",
    )


def t_weights(g: Gen) -> Block:
    fn = g.name("build_weights", "make_weights", "weight_variable", "new_weights")
    scale = g.pick(("1e-4", "5e-4", "1e-3"))
    style = g.chance(0.5)
    init = (
        "tf.contrib.layers.xavier_initializer()"
        if style
        else "tf.contrib.layers.variance_scaling_initializer()"
    )
    return _b(
        f'''
def {fn}(name, shape, weight_decay={scale}, trainable=True):
  """A weight matrix with Glorot init and L2 regularization."""
  return tf.get_variable(
      name,
      shape=shape,
      dtype=tf.float32,
      initializer={init},
      regularizer=tf.contrib.layers.l2_regularizer(weight_decay),
      trainable=trainable)
''',
        "tf",
    )


def t_cosine(g: Gen) -> Block:
    fn = g.name("cosine_similarity", "cos_sim", "pairwise_cosine")
    return _b(
        f"""
def {fn}(a, b):
  a = tf.nn.l2_normalize(a, dim=1)
  b = tf.nn.l2_normalize(b, dim=1)
  return tf.reduce_sum(tf.multiply(a, b), axis=1, keep_dims=True)
""",
        "tf",
    )


def t_logsumexp(g: Gen) -> Block:
    fn = g.name("log_sum_exp", "logsumexp", "stable_lse")
    return _b(
        f'''
def {fn}(x, axis=-1):
  """Numerically stable log(sum(exp(x))) along `axis`."""
  x_max = tf.reduce_max(x, reduction_indices=axis, keep_dims=True)
  return x_max + tf.log(tf.reduce_sum(tf.exp(x - x_max), axis=axis, keep_dims=True))
''',
        "tf",
    )


def t_xent(g: Gen) -> Block:
    fn = g.name("softmax_loss", "xent_loss", "classification_loss", "weighted_xent")
    return _b(
        f'''
def {fn}(logits, labels, weights=None, label_smoothing={g.pick(("0.0", "0.1"))}):
  """Softmax cross-entropy with optional per-example weights."""
  num_classes = tf.shape(logits)[-1]
  onehot = tf.one_hot(labels, num_classes)
  if label_smoothing > 0:
    onehot = onehot * (1.0 - label_smoothing) + label_smoothing / tf.to_float(num_classes)
  losses = tf.nn.softmax_cross_entropy_with_logits(labels=onehot, logits=logits)
  if weights is not None:
    losses = losses * tf.to_float(weights)
    return tf.div(tf.reduce_sum(losses), tf.reduce_sum(tf.to_float(weights)) + 1e-8)
  return tf.reduce_mean(losses)
''',
        "tf",
    )


def t_misc_math(g: Gen) -> Block:
    fn = g.name("squared_error", "mse", "huber_like", "regression_loss")
    return _b(
        f"""
def {fn}(pred, target, delta={g.pick(("1.0", "0.5", "2.0"))}):
  err = tf.squared_difference(pred, target)
  nonzero = tf.count_nonzero(err, axis=-1, keep_dims=True)
  clipped = tf.minimum(err, delta * delta)
  return tf.reduce_mean(clipped, axis=-1) / tf.maximum(tf.to_float(nonzero), 1.0)
""",
        "tf",
    )


def t_ema(g: Gen) -> Block:
    fn = g.name("moving_average", "update_ema", "ema_update")
    return _b(
        f'''
def {fn}(var, value, decay={g.pick(("0.99", "0.999", "0.9"))}):
  """In-place exponential moving average update of a variable."""
  delta = (1.0 - decay) * (var - value)
  return tf.assign_sub(var, delta)
''',
        "tf",
    )


def t_compatible_math(g: Gen) -> Block:
    # Code that is already TF2-compatible: should produce no finding.
    fn = g.name("sequence_lengths", "mask_from_lengths", "pad_mask")
    return _b(
        f"""
def {fn}(lengths, max_len=None):
  mask = tf.sequence_mask(lengths, maxlen=max_len, dtype=tf.float32)
  return tf.math.reduce_sum(mask, axis=-1), tf.clip_by_value(mask, 0.0, 1.0)
""",
        "tf",
    )


# --------------------------------------------------------------------------------------
# Plain Python helpers and traps (never alias-rewritten)
# --------------------------------------------------------------------------------------


def t_tfidf(g: Gen) -> Block:
    fn = g.name("tfidf", "term_weight", "score_term")
    return _b(
        f'''
def {fn}(tf, df, num_docs):
  """Classic tf-idf weight; `tf` here is a term frequency, not TensorFlow."""
  if tf <= 0:
    return 0.0
  return (1.0 + math.log(tf)) * math.log(num_docs / (1.0 + df))
''',
        "math",
        tf_code=False,
    )


def t_param_tf_obj(g: Gen) -> Block:
    cls = g.name("TermStats", "DocStats", "FreqTable")
    return _b(
        f'''
class {cls}(object):
  """Holds per-document term frequencies; `self.tf` is a dict, not a module."""

  def __init__(self, tf=None):
    self.tf = dict(tf or {{}})

  def merge(self, tf):
    for term, count in tf.items():
      self.tf[term] = self.tf.get(term, 0) + count
    return self

  def top(self, k=10):
    return sorted(self.tf.items(), key=lambda kv: -kv[1])[:k]
''',
        tf_code=False,
    )


def t_strings_comments(g: Gen) -> Block:
    name = g.name("USAGE", "HELP_TEXT", "MIGRATION_NOTE", "DOC")
    return _b(
        f"""
# NOTE: older checkpoints were written with tf.Session() and tf.train.Saver; the
# loader below only reads the index file, it never calls tf.placeholder.
{name} = (
    "Run with tf.Session() as sess: sess.run(tf.global_variables_initializer()); "
    "the tf.contrib.slim models are documented elsewhere."
)
""",
        tf_code=False,
    )


def t_pil_save(g: Gen) -> Block:
    fn = g.name("save_image_grid", "write_preview", "dump_samples")
    return _b(
        f'''
def {fn}(images, path, cols={g.int(2, 8)}):
  """Tiles uint8 HxWxC images into one PNG (PIL's save, not tf.train.Saver)."""
  rows = (len(images) + cols - 1) // cols
  h, w = images[0].shape[:2]
  canvas = Image.new("RGB", (cols * w, rows * h))
  for i, img in enumerate(images):
    tile = Image.fromarray(np.asarray(img, dtype=np.uint8))
    canvas.paste(tile, ((i % cols) * w, (i // cols) * h))
  canvas.save(path)
  return path
''',
        "PIL",
        "np",
        tf_code=False,
    )


def t_tokenizer(g: Gen) -> Block:
    cls = g.name("BasicTokenizer", "WhitespaceTokenizer", "SimpleTokenizer")
    return _b(
        f'''
class {cls}(object):
  """Lower-cases, strips accents and splits on whitespace and punctuation."""

  def __init__(self, do_lower_case=True):
    self.do_lower_case = do_lower_case

  def tokenize(self, text):
    text = unicodedata.normalize("NFD", text)
    if self.do_lower_case:
      text = text.lower()
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    tokens = []
    for word in text.split():
      tokens.extend(t for t in re.split(r"(\\W)", word) if t and not t.isspace())
    return tokens

  def convert_tokens_to_ids(self, vocab, tokens, unk="[UNK]"):
    return [vocab.get(t, vocab.get(unk, 0)) for t in tokens]
''',
        "unicodedata",
        "re",
        tf_code=False,
    )


def t_config_loader(g: Gen) -> Block:
    cls = g.name("ModelConfig", "TrainConfig", "RunSettings")
    fields = [f"{g.word()}_{g.word()}" for _ in range(g.int(2, 8))]
    fields = list(dict.fromkeys(fields))
    init_args = ", ".join(f"{f}={g.int(1, 512)}" for f in fields)
    assigns = "".join(f"    self.{f} = {f}\n" for f in fields)
    return _b(
        f'''
class {cls}(object):
  """Plain configuration object, serializable to JSON."""

  def __init__(self, {init_args}):
{assigns}
  @classmethod
  def from_dict(cls, obj):
    config = cls()
    for key, value in obj.items():
      config.__dict__[key] = value
    return config

  @classmethod
  def from_json_file(cls, path):
    with open(path, "r") as reader:
      return cls.from_dict(json.load(reader))

  def to_json_string(self):
    return json.dumps(copy.deepcopy(self.__dict__), indent=2, sort_keys=True) + "\\n"
''',
        "json",
        "copy",
        tf_code=False,
    )


def t_plain_helper(g: Gen) -> Block:
    fn = g.name("chunked", "batched", "window", "pairs", "flatten_dict", "count_tokens")
    variant = g.int(0, 3)
    if variant == 0:
        body = (
            "  buf = []\n  for item in items:\n    buf.append(item)\n"
            "    if len(buf) == size:\n      yield list(buf)\n      buf = []\n"
            "  if buf:\n    yield buf\n"
        )
        sig = "items, size"
    elif variant == 1:
        body = (
            "  out = {}\n  for key, value in d.items():\n"
            "    full = prefix + sep + key if prefix else key\n"
            "    if isinstance(value, dict):\n"
            f"      out.update({fn}(value, full, sep))\n"
            "    else:\n      out[full] = value\n  return out\n"
        )
        sig = 'd, prefix="", sep="/"'
    elif variant == 2:
        body = (
            "  counts = collections.Counter()\n  for line in lines:\n"
            "    counts.update(line.split())\n"
            f"  return counts.most_common({g.int(5, 100)})\n"
        )
        sig = "lines"
    else:
        body = (
            "  start = time.time()\n  result = func(*args)\n"
            "  elapsed = time.time() - start\n"
            '  print("%s took %.3fs" % (getattr(func, "__name__", func), elapsed))\n'
            "  return result\n"
        )
        sig = "func, *args"
    return _b(f"def {fn}({sig}):\n{body}", "collections", "time", tf_code=False)


def t_plain_const(g: Gen) -> Block:
    name = g.name("DEFAULT_LABELS", "SPECIAL_TOKENS", "CLASS_NAMES", "SPLITS")
    items = ", ".join(f'"{g.word()}"' for _ in range(g.int(2, 8)))
    return _b(f"{name} = ({items},)\n", tf_code=False)


# --------------------------------------------------------------------------------------
# File styles
# --------------------------------------------------------------------------------------

_STYLES: dict[str, list[tuple[Template, int]]] = {
    "bert": [
        (t_gelu, 1),
        (t_layer_norm, 2),
        (t_dropout, 2),
        (t_initializer, 1),
        (t_embedding, 3),
        (t_attention, 4),
        (t_transformer, 4),
        (t_model_class, 3),
        (t_model_fn, 3),
        (t_optimizer, 3),
        (t_tpu_config, 2),
        (t_assignment_map, 1),
        (t_masked_mean, 1),
        (t_tokenizer, 1),
        (t_config_loader, 1),
    ],
    "t2t": [
        (t_shape_list, 2),
        (t_conv_block, 4),
        (t_dense_relu_dense, 3),
        (t_timing_signal, 2),
        (t_prepost, 3),
        (t_hparams, 3),
        (t_attention_bias, 2),
        (t_embedding_to_padding, 2),
        (t_attention, 2),
        (t_logsumexp, 1),
        (t_compatible_math, 1),
        (t_plain_helper, 1),
    ],
    "slim": [
        (t_slim_arg_scope, 3),
        (t_slim_net, 4),
        (t_slim_residual, 3),
        (t_slim_inception, 3),
        (t_slim_train, 2),
        (t_slim_restore, 2),
        (t_image_parse, 1),
        (t_pil_save, 1),
        (t_weights, 1),
    ],
    "input": [
        (t_decode_record, 3),
        (t_file_input_fn, 4),
        (t_numpy_input_fn, 4),
        (t_image_parse, 3),
        (t_iterator_pipeline, 3),
        (t_serving_fn, 2),
        (t_gfile_utils, 2),
        (t_plain_helper, 1),
        (t_tokenizer, 1),
    ],
    "train": [
        (t_train_loop, 5),
        (t_evaluate, 3),
        (t_gfile_utils, 3),
        (t_estimator_main, 3),
        (t_optimizer, 2),
        (t_numpy_input_fn, 2),
        (t_plain_helper, 1),
        (t_strings_comments, 1),
        (t_pil_save, 1),
    ],
    "math": [
        (t_safe_log, 2),
        (t_normalize, 3),
        (t_masked_mean, 3),
        (t_kl, 2),
        (t_noise, 3),
        (t_weights, 3),
        (t_cosine, 2),
        (t_logsumexp, 2),
        (t_xent, 3),
        (t_misc_math, 2),
        (t_ema, 2),
        (t_compatible_math, 2),
        (t_tfidf, 1),
    ],
    "plain": [
        (t_tfidf, 2),
        (t_param_tf_obj, 2),
        (t_strings_comments, 2),
        (t_pil_save, 2),
        (t_tokenizer, 2),
        (t_config_loader, 2),
        (t_plain_helper, 4),
        (t_plain_const, 1),
        (t_safe_log, 1),
        (t_gfile_utils, 1),
    ],
}
_STYLE_WEIGHTS: dict[str, int] = {
    "bert": 4,
    "t2t": 3,
    "slim": 3,
    "input": 3,
    "train": 4,
    "math": 3,
    "plain": 1,
}
# Small blocks used to pad a file to its exact line count.
_FILLERS: tuple[Template, ...] = (t_safe_log, t_initializer, t_plain_const, t_ema, t_cosine)

_IMPORT_LINES: dict[str, str] = {
    "collections": "import collections",
    "copy": "import copy",
    "json": "import json",
    "math": "import math",
    "os": "import os",
    "re": "import re",
    "time": "import time",
    "unicodedata": "import unicodedata",
    "np": "import numpy as np",
    "PIL": "from PIL import Image",
}
_ALIASES = (
    "tf",
    "tf",
    "tf",
    "tf",
    "tf",
    "tf",
    "tf",
    "tf",
    "tf",
    "tf",
    "tf",
    "tf",
    "tensorflow",
    "tf1",
)
_DOCS: dict[str, tuple[str, ...]] = {
    "bert": ("Model components", "Transformer encoder", "Estimator glue code"),
    "t2t": ("Layers shared by the encoder and decoder", "Common layer functions"),
    "slim": ("Network definitions", "Convolutional backbones"),
    "input": ("Input pipeline", "Preprocessing", "Dataset readers"),
    "train": ("Training entry point", "Runs training and evaluation"),
    "math": ("Numerical helpers", "Losses and metrics", "Tensor math utilities"),
    "plain": ("Utility functions", "Text and file helpers"),
}
_TF_RE = re.compile(r"(?<![\w.])tf\.")


def _header(g: Gen, alias: str, imports: frozenset[str], doc: str, future: bool) -> str:
    out = [f'"""{doc}."""', ""]
    if future:
        out += [
            "from __future__ import absolute_import",
            "from __future__ import division",
            "from __future__ import print_function",
            "",
        ]
    std = sorted(
        _IMPORT_LINES[k]
        for k in imports
        if k in ("collections", "copy", "json", "math", "os", "re", "time", "unicodedata")
    )
    third = []
    if "np" in imports:
        third.append(_IMPORT_LINES["np"])
    if "PIL" in imports:
        third.append(_IMPORT_LINES["PIL"])
    if "tf" in imports or "slim" in imports:
        third.append(
            "import tensorflow" if alias == "tensorflow" else f"import tensorflow as {alias}"
        )
        if "slim" in imports and g.slim_style == "from":
            third.append("from tensorflow.contrib import slim")
    if std:
        out += [*std, ""]
    if third:
        out += sorted(third, key=lambda s: s.split()[1])
        out.append("")
    if "slim" in imports and g.slim_style == "attr":
        out += [f"slim = {alias}.contrib.slim", ""]
    return "\n".join(out) + "\n"


def _render(block: Block, alias: str, indent4: bool) -> str:
    text = block.text
    if block.tf_code and alias != "tf":
        text = _TF_RE.sub(alias + ".", text)
    if indent4:
        # Double statement indentation; continuation lines keep their alignment
        # relative to the statement they continue (bracket depth counted crudely).
        lines = []
        depth = 0
        delta = 0
        for line in text.split("\n"):
            stripped = line.lstrip(" ")
            lead = len(line) - len(stripped)
            if depth <= 0:
                delta = lead
            lines.append(" " * (lead + delta) + stripped if stripped else "")
            depth += sum(stripped.count(c) for c in "([{") - sum(stripped.count(c) for c in ")]}")
        text = "\n".join(lines)
    return text


def generate_file(lines: int, seed: int, style: str | None = None) -> str:
    """Return TF1-style Python source of exactly `lines` lines (at least 20)."""
    if lines < 20:
        raise ValueError("lines must be >= 20")
    rng = random.Random(seed * 1_000_003 + lines)
    g = Gen(rng=rng, slim_style=rng.choice(("attr", "attr", "from")))
    if style is None:
        names = list(_STYLE_WEIGHTS)
        style = rng.choices(names, weights=[_STYLE_WEIGHTS[n] for n in names])[0]
    templates, weights = zip(*_STYLES[style], strict=True)
    # Large files mix in other styles, as real "everything" modules do.
    mix = [
        t
        for s in _STYLES.values()
        for t, _ in s
        if style == "train" or t not in (t_train_loop, t_estimator_main)
    ]
    alias = rng.choice(_ALIASES)
    indent4 = rng.random() < 0.3
    future = rng.random() < 0.6
    doc = rng.choice(_DOCS[style])

    prelude: list[Block] = []
    tail: list[Block] = []
    if style == "train":
        prelude.append(t_flags_prelude(g))
        tail.append(t_main_tail(g))
    imports: frozenset[str] = frozenset().union(*(b.imports for b in prelude + tail))
    body: list[Block] = []
    sep = 2  # blank lines between top-level blocks

    def used_lines(imps: frozenset[str], blocks: list[Block]) -> int:
        n = _header(g, alias, imps, doc, future).count("\n")
        for b in prelude + blocks + tail:
            n += b.n_lines + sep
        return n

    current = used_lines(imports, body)
    misses = 0
    while misses < 6:
        tmpl = (
            rng.choice(mix)
            if lines > 800 and rng.random() < 0.15
            else rng.choices(templates, weights=weights)[0]
        )
        block = tmpl(g)
        if block.section != "body":
            continue
        new_imports = imports | block.imports
        extra_header = _header(g, alias, new_imports, doc, future).count("\n") - _header(
            g, alias, imports, doc, future
        ).count("\n")
        if current + extra_header + block.n_lines + sep <= lines:
            body.append(block)
            imports = new_imports
            current += extra_header + block.n_lines + sep
            misses = 0
        else:
            misses += 1
    # Pad with small blocks, then single-line constants.
    for _ in range(40):
        if current >= lines:
            break
        block = rng.choice(_FILLERS)(g)
        new_imports = imports | block.imports
        extra_header = _header(g, alias, new_imports, doc, future).count("\n") - _header(
            g, alias, imports, doc, future
        ).count("\n")
        if current + extra_header + block.n_lines + sep <= lines:
            body.append(block)
            imports = new_imports
            current += extra_header + block.n_lines + sep
    pad = lines - current
    if pad < 0:  # pragma: no cover - header+prelude+tail alone exceed a tiny target
        raise ValueError(f"cannot fit a {style} file in {lines} lines")

    parts = [_header(g, alias, imports, doc, future)]
    if pad:
        consts = [f"_{g.word().upper()}_{i}_SIZE = {rng.choice(_DIMS)}" for i in range(pad)]
        parts.append("\n".join(consts) + "\n")
    for block in prelude + body + tail:
        parts.append("\n\n" + _render(block, alias, indent4))
    src = "".join(parts)
    n = src.count("\n")
    if n != lines:  # pragma: no cover - internal bookkeeping error
        raise AssertionError(f"generated {n} lines, wanted {lines}")
    return src


# --------------------------------------------------------------------------------------
# Trees
# --------------------------------------------------------------------------------------

_PACKAGES = (
    "models",
    "layers",
    "data",
    "training",
    "utils",
    "research/nlp",
    "research/vision",
    "research/audio",
    "experiments",
    "tools",
    "lib/ops",
)
_STEMS = (
    "modeling",
    "layers",
    "common",
    "input_pipeline",
    "run_classifier",
    "train",
    "utils",
    "losses",
    "metrics",
    "optimization",
    "preprocess",
    "export",
    "networks",
    "blocks",
    "attention",
    "embeddings",
    "resnet",
    "inception",
    "vgg",
    "decoder",
    "encoder",
    "tokenization",
    "eval",
    "serving",
    "hparams",
    "ops",
    "features",
)
_STEM_STYLE: dict[str, str] = {
    "input_pipeline": "input",
    "preprocess": "input",
    "features": "input",
    "serving": "input",
    "run_classifier": "train",
    "train": "train",
    "eval": "train",
    "export": "train",
    "losses": "math",
    "metrics": "math",
    "ops": "math",
    "optimization": "bert",
    "modeling": "bert",
    "attention": "t2t",
    "layers": "t2t",
    "common": "t2t",
    "hparams": "t2t",
    "embeddings": "bert",
    "resnet": "slim",
    "inception": "slim",
    "vgg": "slim",
    "networks": "slim",
    "blocks": "slim",
    "tokenization": "plain",
    "utils": "plain",
    "decoder": "t2t",
    "encoder": "bert",
}


def _size_for(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.40:
        return rng.randint(50, 150)
    if r < 0.75:
        return rng.randint(150, 400)
    if r < 0.95:
        return rng.randint(400, 1200)
    return rng.randint(1200, 2500)


def generate_tree(root: Path, total_lines: int = 150_000, seed: int = 0) -> list[Path]:
    """Write a tree of generated modules totalling exactly `total_lines` lines.

    Includes one ~6,000-line file and one ~1,000-line file when the budget allows; every
    other file is 50–2,500 lines.  Returns the written paths in creation order.
    """
    root = Path(root)
    rng = random.Random(seed)
    sizes: list[int] = []
    remaining = total_lines
    for fixed in (6000, 1000):
        if remaining >= fixed + 50:
            sizes.append(fixed)
            remaining -= fixed
    while remaining > 0:
        n = min(_size_for(rng), remaining)
        if remaining - n < 50:
            n = remaining
        if n < 50 and sizes:  # fold a tiny leftover into the previous file
            sizes[-1] += n
            break
        sizes.append(max(n, 20))
        remaining -= n
    paths: list[Path] = []
    used: set[Path] = set()
    for i, n in enumerate(sizes):
        style: str | None
        if i == 0 and n == 6000:
            rel, style = Path("models/big_modeling.py"), "bert"
        elif i == 1 and n == 1000:
            rel, style = Path("training/run_pretraining.py"), "train"
        else:
            stem = rng.choice(_STEMS)
            rel = Path(rng.choice(_PACKAGES)) / f"{stem}.py"
            k = 2
            while rel in used:
                rel = rel.with_name(f"{stem}_{k}.py")
                k += 1
            style = _STEM_STYLE.get(stem, "math") if rng.random() < 0.8 else None
        used.add(rel)
        src = generate_file(n, seed * 100_003 + i, style=style)
        ast.parse(src, filename=str(rel))
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(src, encoding="utf-8")
        paths.append(path)
    return paths


def _self_check() -> None:
    for seed in range(40):
        for n in (50, 137, 1000):
            src = generate_file(n, seed)
            assert src.count("\n") == n, (seed, n)
            ast.parse(src)
    assert generate_file(300, 7) == generate_file(300, 7), "not deterministic"
    big = generate_file(6000, 1)
    assert big.count("\n") == 6000
    ast.parse(big)
    for style in _STYLES:
        ast.parse(generate_file(400, 3, style=style))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("out_dir", type=Path, nargs="?", help="directory to write into")
    parser.add_argument("--lines", type=int, default=150_000, help="total lines")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--self-check", action="store_true", help="run internal checks")
    args = parser.parse_args(argv)
    if args.self_check or args.out_dir is None:
        t0 = time.perf_counter()
        _self_check()
        print(f"self-check OK ({time.perf_counter() - t0:.2f}s)")
        if args.out_dir is None:
            return 0
    t0 = time.perf_counter()
    paths = generate_tree(args.out_dir, args.lines, args.seed)
    elapsed = time.perf_counter() - t0
    total = sum(p.read_text(encoding="utf-8").count("\n") for p in paths)
    print(f"wrote {len(paths)} files, {total} lines to {args.out_dir} in {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
