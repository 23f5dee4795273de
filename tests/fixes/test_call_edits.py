"""The call model: TF1 calls bound to their TF1 signature, mapped onto the target, verified.

pyupgrade-style: source in, source out, with a no-op case beside the fixes. The classes are
the ones issue #10 names (renamed symbols keep TF1 keywords, renamed keywords deleted, several
edits in one call, *args/**kwargs, one diagnostic per changed argument, messages that say
what changed).
"""

from __future__ import annotations

import pytest

from tests.fixes.test_splice import both_paths
from tf2_lsp.analysis.detect import detect
from tf2_lsp.catalogue.rules import Catalogue, Level
from tf2_lsp.engine import fix_all, fix_title
from tf2_lsp.settings import Settings

TF = "import tensorflow as tf\n"


def fixed(body: str, catalogue: Catalogue, level: Level = "compat", unsafe: bool = False) -> str:
    source = TF + body + "\n"
    settings = Settings(level=level, unsafe_fixes=("TF",) if unsafe else ())
    outcome = fix_all(source, catalogue, settings, unsafe=unsafe)
    assert outcome.error is None and outcome.failed == []
    again = fix_all(outcome.source, catalogue, settings, unsafe=unsafe)
    assert again.source == outcome.source, "fixing twice changed the code again"
    spliced, libcst_only, _ = both_paths(source, catalogue, settings)
    assert spliced == libcst_only, "the splice and libcst paths disagree"
    return outcome.source[len(TF) : -1]


# Class 1: a renamed symbol takes its TF1 keywords and positions along.
RENAMED_SYMBOLS = [
    ("a = tf.gfile.IsDirectory(dirname=d)", "a = tf.io.gfile.isdir(path=d)"),
    (
        "tf.gfile.Rename(oldname=a, newname=b, overwrite=True)",
        "tf.io.gfile.rename(src=a, dst=b, overwrite=True)",
    ),
    ("w = tf.gfile.Walk(top, in_order=False)", "w = tf.io.gfile.walk(top, topdown=False)"),
    ("m = tf.multinomial(s, 5, 7)", "m = tf.random.categorical(s, 5, seed=7)"),
    (
        "m = tf.multinomial(logits, 1, output_dtype=tf.int64)",
        "m = tf.random.categorical(logits, 1, dtype=tf.int64)",
    ),
    ("e = tf.gfile.Exists(filename=p)", "e = tf.io.gfile.exists(path=p)"),
    ("tf.gfile.MakeDirs(dirname=out)", "tf.io.gfile.makedirs(path=out)"),
    # Positional arguments that keep their slot are not touched.
    ("tf.gfile.Copy(a, b, True)", "tf.io.gfile.copy(a, b, True)"),
]

# Class 2: keywords TF2 renamed are renamed, not deleted (TF1's deprecated argument pairs).
RENAMED_KEYWORDS = [
    ("c = tf.cond(p, fn1=f, fn2=g)", "c = tf.cond(p, true_fn=f, false_fn=g)"),
    (
        "y = tf.nn.separable_conv2d(x, dw, pw, [1, 1, 1, 1], 'SAME', rate=[2, 2])",
        "y = tf.nn.separable_conv2d(x, dw, pw, [1, 1, 1, 1], 'SAME', dilations=[2, 2])",
    ),
    (
        "y = tf.nn.depthwise_conv2d(x, dw, [1, 1, 1, 1], 'SAME', [2, 2])",
        "y = tf.nn.depthwise_conv2d(x, dw, [1, 1, 1, 1], 'SAME', dilations=[2, 2])",
    ),
    ("y = tf.math.softmax(x, dim=0)", "y = tf.math.softmax(x, axis=0)"),
    (
        "y = tf.batch_to_space(x, crops, block_size=2)",
        "y = tf.batch_to_space(x, crops=crops, block_shape=2)",
    ),
    (
        "t = tf.convert_to_tensor(v, preferred_dtype=tf.float32)",
        "t = tf.convert_to_tensor(v, dtype_hint=tf.float32)",
    ),
    (
        "z = tf.nn.convolution(inputs, w, 'SAME', strides=s, dilation_rate=r)",
        "z = tf.nn.convolution(inputs, w, padding='SAME', strides=s, dilations=r)",
    ),
    (
        "z = tf.nn.convolution(input=inputs, filter=w, padding='SAME', dilation_rate=r)",
        "z = tf.nn.convolution(input=inputs, filters=w, padding='SAME', dilations=r)",
    ),
    ("e = tf.expand_dims(x, dim=1)", "e = tf.expand_dims(x, axis=1)"),
    (
        "r = tf.reverse_sequence(x, lengths, seq_dim=1, batch_dim=0)",
        "r = tf.reverse_sequence(x, lengths, seq_axis=1, batch_axis=0)",
    ),
    ("b = tf.decode_raw(raw, tf.uint8)", "b = tf.compat.v1.decode_raw(raw, tf.uint8)"),
]

# Class 4: every edit a call needs, in one fix.
SEVERAL_EDITS = [
    (
        "y = tf.nn.conv1d(value=s, filters=k, stride=1, padding='SAME', use_cudnn_on_gpu=True)",
        "y = tf.nn.conv1d(input=s, filters=k, stride=1, padding='SAME')",
    ),
    (
        "y = tf.nn.conv2d(input=x, filter=w, strides=[1, 1, 1, 1], padding='SAME', "
        "use_cudnn_on_gpu=True, data_format='NHWC')",
        "y = tf.nn.conv2d(input=x, filters=w, strides=[1, 1, 1, 1], padding='SAME', "
        "data_format='NHWC')",
    ),
    (
        "m = tf.reduce_mean(x, reduction_indices=[1], keep_dims=True)",
        "m = tf.reduce_mean(x, axis=[1], keepdims=True)",
    ),
    (
        "h = tf.nn.dropout(h, 0.9, [b, 1], 3)",
        "h = tf.nn.dropout(h, rate=0.1, noise_shape=[b, 1], seed=3)",
    ),
]

# Removed parameters: dropped only when the value keeps TF1 behaviour.
REMOVED = [
    # TF2's cond is always strict: `strict=True` may go, TF1's default `strict=False` may not.
    ("c = tf.cond(p, f, g, strict=True)", "c = tf.cond(p, f, g)"),
    ("c = tf.cond(p, f, g, strict=False)", "c = tf.compat.v1.cond(p, f, g, strict=False)"),
    ("o = tf.ones_like(x, optimize=True)", "o = tf.ones_like(x)"),
    ("o = tf.ones_like(x, None, 'o', False)", "o = tf.compat.v1.ones_like(x, None, 'o', False)"),
    (
        "y = tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME', False)",
        "y = tf.compat.v1.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME', False)",
    ),
    (
        "y = tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME', True)",
        "y = tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME')",
    ),
    # A value the code computes cannot be proven to be the default.
    ("c = tf.cond(p, f, g, strict=flag)", "c = tf.compat.v1.cond(p, f, g, strict=flag)"),
]

# Valid TF2 calls and TF1 calls whose arguments mean the same: nothing to do.
UNCHANGED = [
    "c = tf.cond(p, f, g)",
    "c = tf.cond(p, true_fn=f, false_fn=g)",
    "y = tf.math.softmax(x, axis=0)",
    "y = tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding='SAME')",
    "a = tf.io.gfile.isdir(path=d)",
    "m = tf.random.categorical(s, 5, seed=7)",
    "y = tf.reduce_sum(x, 1)",
    "h = tf.nn.dropout(h, rate=0.1)",
]


@pytest.mark.parametrize(
    ("before", "after"), RENAMED_SYMBOLS + RENAMED_KEYWORDS + SEVERAL_EDITS + REMOVED
)
def test_call_rewrite(before: str, after: str, catalogue: Catalogue) -> None:
    assert fixed(before, catalogue) == after


@pytest.mark.parametrize("body", UNCHANGED)
def test_unchanged_calls_are_not_reported(body: str, catalogue: Catalogue) -> None:
    source = TF + body + "\n"
    assert [f for f in detect(source, catalogue).findings if f.anchor_kind == "call"] == []
    assert fixed(body, catalogue) == body


def test_one_fix_for_rename_and_arguments(catalogue: Catalogue) -> None:
    source = TF + "tf.gfile.Rename(oldname=a, newname=b)\n"
    findings = detect(source, catalogue).findings
    assert {f.call for f in findings} == {findings[0].call}  # one edit, shared
    assert {f.code for f in findings} == {"TF301"}
    assert {fix_title(f) for f in findings} == {
        "TF301: Replace `tf.gfile.Rename` with `tf.io.gfile.rename` and map its arguments"
    }


def test_compat_fallback_title_names_the_compat_target(catalogue: Catalogue) -> None:
    source = TF + "o = tf.ones_like(x, optimize=False)\n"
    [finding] = detect(source, catalogue).findings
    assert fix_title(finding).endswith(": Replace `tf.ones_like` with `tf.compat.v1.ones_like`")


def test_program_fix_titles_say_what_each_rewrites(catalogue: Catalogue) -> None:
    model = (
        "def tower(x):\n    with tf.variable_scope('t'):\n        return tf.layers.dense(x, 2)\n"
    )
    graph = "x = tf.placeholder(tf.float32)\n\nif __name__ == '__main__':\n    print(x)\n"
    titles = {
        fix_title(f)
        for source in (
            TF + model,
            TF + model.replace("tf.layers.dense(x, 2)", "x * 2.0 + tf.get_variable('w', [])"),
            TF + graph,
        )
        for f in detect(source, catalogue, Settings(level="native")).findings
        if f.anchor_kind == "program" and f.fix is not None
    }
    assert titles == {
        "TF934: Make `tower` a Keras layer of Keras sublayers (unsafe)",
        "TF938: Make `tower` a Keras layer that keeps its TF1 body (unsafe)",
        "TF801: Disable TF2 behaviour for this graph-mode program",
    }


@pytest.mark.parametrize(
    ("body", "after"),
    [
        ("o = tf.ones_like(x, optimize=False)", "o = tf.compat.v1.ones_like(x, optimize=False)"),
        (
            "o = tf.zeros_like(x, optimize=False, dtype=tf.int32)",
            "o = tf.compat.v1.zeros_like(x, optimize=False, dtype=tf.int32)",
        ),
        # A value TF2 shares is still dropped at the native level.
        ("o = tf.ones_like(x, optimize=True)", "o = tf.ones_like(x)"),
    ],
)
def test_removed_value_that_matters_keeps_compat_at_native_level(
    body: str, after: str, catalogue: Catalogue
) -> None:
    # Issue #21 item 11: left in place, the TF1-only argument raises a TypeError in TF2.
    assert fixed(body, catalogue, level="native") == after


# Class 7: *args/**kwargs into a function whose signature changed.
@pytest.mark.parametrize(
    "body",
    [
        "h = tf.nn.dropout(h, *(0.9,))",
        "h = tf.nn.dropout(h, **opts)",
        "y = tf.nn.softmax(x, *rest)",
        "a = tf.gfile.IsDirectory(**where)",
    ],
)
def test_star_arguments_warn_without_a_fix(body: str, catalogue: Catalogue) -> None:
    source = TF + body + "\n"
    [finding] = detect(source, catalogue).findings
    assert finding.severity == "warning"
    assert finding.fix is None
    assert finding.refused is not None and "*args/**kwargs" in finding.refused
    assert fix_all(source, catalogue, Settings()).source == source


def test_star_arguments_pass_through_an_unchanged_signature(catalogue: Catalogue) -> None:
    # tf.gfile.Glob(filename) -> tf.io.gfile.glob(pattern): positions line up, so *args still
    # reach the same parameters; **kwargs would not (the name changed).
    assert fixed("tf.gfile.Glob(*patterns)", catalogue) == "tf.io.gfile.glob(*patterns)"
    source = TF + "tf.gfile.Glob(**options)\n"
    [finding] = detect(source, catalogue).findings
    assert finding.fix is None and finding.refused is not None


# Issue #21 item 4: *args/**kwargs that can only raise in TF2 (a TF1-only slot or keyword)
# do not stop the explicit keywords from being renamed; they are passed on as written.
@pytest.mark.parametrize(
    ("body", "after"),
    [
        (
            "a = tf.reduce_logsumexp(s, axis=0, keep_dims=True, *rest)",
            "a = tf.reduce_logsumexp(s, axis=0, keepdims=True, *rest)",
        ),
        (
            "b = tf.reduce_min(s, reduction_indices=[1], **kw)",
            "b = tf.reduce_min(s, axis=[1], **kw)",
        ),
        ("c = tf.nn.softmax(x, dim=1, *rest)", "c = tf.nn.softmax(x, axis=1, *rest)"),
        (
            "d = tf.reduce_sum(x, 1, *rest, keep_dims=True)",
            "d = tf.reduce_sum(x, 1, *rest, keepdims=True)",
        ),
        ("e = tf.nn.dropout(h, keep_prob=kp, **kw)", "e = tf.nn.dropout(h, rate=1 - kp, **kw)"),
        (
            "f = tf.ones_like(p, optimize=False, **kw)",
            "f = tf.compat.v1.ones_like(p, optimize=False, **kw)",
        ),
    ],
)
def test_star_arguments_do_not_block_keyword_renames(
    body: str, after: str, catalogue: Catalogue
) -> None:
    assert fixed(body, catalogue) == after


@pytest.mark.parametrize(
    "body",
    [
        # *r reaches `data_format`, which was `use_cudnn_on_gpu`'s slot in TF1.
        "y = tf.nn.conv1d(s, k, 1, 'SAME', use_cudnn_on_gpu=True, *r)",
        # A positional argument after *args fills a slot nobody knows.
        "y = tf.reduce_sum(x, *r, 1, keep_dims=True)",
    ],
)
def test_star_arguments_that_may_change_meaning_still_block(
    body: str, catalogue: Catalogue
) -> None:
    source = TF + body + "\n"
    [finding] = detect(source, catalogue).findings
    assert finding.fix is None and finding.refused is not None
    assert fix_all(source, catalogue, Settings()).source == source


# Class 8: each changed argument has its own diagnostic, at its own position.
def test_each_changed_keyword_has_its_own_diagnostic(catalogue: Catalogue) -> None:
    source = TF + (
        "y = tf.nn.conv1d(\n"
        "    value=s,\n"
        "    filters=k,\n"
        "    stride=1,\n"
        "    padding='SAME',\n"
        "    use_cudnn_on_gpu=True,\n"
        ")\n"
    )
    findings = detect(source, catalogue).findings
    assert [(f.span.line, f.span.column) for f in findings] == [(3, 4), (7, 4)]
    assert all(f.anchor == findings[0].anchor for f in findings)
    outcome = fix_all(source, catalogue, Settings())
    assert outcome.source == TF + (
        "y = tf.nn.conv1d(\n    input=s,\n    filters=k,\n    stride=1,\n    padding='SAME',\n)\n"
    )
    assert len(outcome.applied) == 2


# Class 15: the finding names the parameter and what happened to it.
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("c = tf.cond(p, fn1=f, fn2=g)", "`fn1=` is `true_fn=` in TensorFlow 2"),
        (
            "y = tf.nn.depthwise_conv2d(x, dw, [1, 1, 1, 1], 'SAME', [2, 2])",
            "the argument in position 5 (`rate`) is passed as `dilations=`",
        ),
        (
            "y = tf.nn.conv1d(s, k, 1, 'SAME', True)",
            "`use_cudnn_on_gpu` was removed in TensorFlow 2; "
            "TensorFlow 2 behaves as TF1 did with `True`: dropped",
        ),
        (
            "o = tf.ones_like(x, optimize=False)",
            "`optimize=False` has no TensorFlow 2 counterpart; "
            "`tf.compat.v1.ones_like` keeps TF1 behaviour",
        ),
        ("h = tf.nn.dropout(h, kp)", "`keep_prob` became `rate` (= 1 - the TF1 value)"),
    ],
)
def test_message_names_the_parameter_and_the_change(
    body: str, expected: str, catalogue: Catalogue
) -> None:
    messages = [f.message for f in detect(TF + body + "\n", catalogue).findings]
    assert any(expected in message for message in messages), messages


# The binding verifier: what would not bind is never offered.
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("y = tf.reduce_sum(x, axis=1, reduction_indices=[0])", "`axis` is passed twice"),
        ("h = tf.nn.dropout(x, keep_prob=kp, rate=r)", "`rate` is passed twice"),
        ("y = tf.nn.softmax(x, 0, 'n', 1)", "`axis` is passed twice"),
    ],
)
def test_verifier_refuses_calls_that_would_not_bind(
    body: str, reason: str, catalogue: Catalogue
) -> None:
    source = TF + body + "\n"
    [finding] = detect(source, catalogue).findings
    assert finding.fix is None and finding.refused is not None
    assert reason in finding.refused
    assert "would not bind" in finding.message


def test_tf1_only_keyword_is_refused(catalogue: Catalogue) -> None:
    source = TF + "y = tf.nn.softmax(x, dim=1, bogus=1)\n"
    [finding] = detect(source, catalogue).findings
    assert finding.code == "TF993" and "no parameter `bogus`" in finding.message
    assert finding.fix is None  # no argument of a call that fits no signature is mapped


# The verifier also gates the Keras / schedule call maps, per target version.
def test_call_map_that_would_not_bind_is_refused(catalogue: Catalogue) -> None:
    source = TF + "y = tf.layers.max_pooling2d(x, 2, 2, 'same', 'channels_last', 'pool')\n"
    # Keras 2 (TF 2.15) takes `name` only by keyword; Keras 3 (TF 2.21) also by position.
    old = detect(source, catalogue, Settings(level="native", target_version="2.15")).findings
    [finding] = old
    # Refused as a Keras layer, the call keeps TF1's layer through tf.compat.v1 and says why.
    assert finding.fix is not None and finding.shown_target == "tf.compat.v1.layers.max_pooling2d"
    assert "takes at most 4 positional arguments, 5 given" in finding.message
    new = detect(source, catalogue, Settings(level="native", target_version="2.21")).findings
    assert [f.refused for f in new] == [None]


# Class 6: at native level a compat-only TF1 function moves to its TF2 home (generated from
# TensorFlow's own data), its arguments mapped; a call no TF2 home takes keeps compat.
NATIVE_HOMES = [
    (
        "y = tf.sparse_reduce_max(sp, axis=1, keep_dims=True)",
        "y = tf.sparse.reduce_max(sp, axis=1, keepdims=True)",
    ),
    ("z = tf.arg_max(x, dimension=1)", "z = tf.math.argmax(x, axis=1)"),
    # TF1's `tf.math.argmin` took `name` third: keyword, so the output reads the same as
    # TF1 and as TF2 code and a second round leaves it alone.
    ("z = tf.arg_min(x, 0, tf.int32)", "z = tf.math.argmin(x, 0, output_type=tf.int32)"),
    (
        "m = tf.random.multinomial(logits, 3, 5, output_dtype=tf.int32)",
        "m = tf.random.categorical(logits, 3, seed=5, dtype=tf.int32)",
    ),
    ("z = tf.compat.v1.arg_max(x, dimension=1)", "z = tf.math.argmax(x, axis=1)"),
    # No TF2 home for `foo`: the call keeps TF1 behaviour on tf.compat.v1.
    ("z = tf.arg_max(x, dimension=1, foo=2)", "z = tf.compat.v1.arg_max(x, dimension=1, foo=2)"),
    # No TF2 home at all: the compat rename, safe, as before.
    ("d = tf.Dimension(3)", "d = tf.compat.v1.Dimension(3)"),
]


@pytest.mark.parametrize(("before", "after"), NATIVE_HOMES)
def test_native_level_writes_the_tf2_home(before: str, after: str, catalogue: Catalogue) -> None:
    assert fixed(before, catalogue, "native", unsafe=True) == after


def test_compat_code_without_a_tf2_home_is_left_alone(catalogue: Catalogue) -> None:
    source = TF + "d = tf.compat.v1.Dimension(3)\nz = tf.compat.v1.arg_max(x, 1, foo=2)\n"
    found = detect(source, catalogue, Settings(level="native")).findings
    # `foo=` fits no signature of arg_max: that is reported (TF993), and nothing is rewritten.
    assert [(f.code, f.span.line, f.fix) for f in found] == [("TF993", 3, None)]
