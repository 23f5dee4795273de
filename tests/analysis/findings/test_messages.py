"""How messages read: import targets in import form, the file's own alias, no repeated asides."""

from __future__ import annotations

import re

import pytest

from tf2_lsp.analysis.detect import detect
from tf2_lsp.analysis.findings.messages import tidy
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.settings import Settings


def messages(source: str, catalogue: Catalogue, **options: object) -> dict[str, str]:
    detection = detect(source, catalogue, Settings(**options))  # type: ignore[arg-type]
    return {f.code: f.message for f in detection.findings}


@pytest.mark.parametrize(
    ("message", "tidied"),
    [
        ("the `tf_slim` package (`tf_slim`)", "the `tf_slim` package"),
        ("lives in `tf_slim` (`tf_slim.layers`)", "lives in `tf_slim` (`tf_slim.layers`)"),
        ("a (b) (c)", "a (b; c)"),
        ("a (b) (c) (d)", "a (b; c; d)"),
        ("a (b (c)) (d)", "a (b (c); d)"),
        ("call `f(x) (y)` as is", "call `f(x) (y)` as is"),
        (
            "the `tf_slim` package (`tf_slim`) (no automatic fix: x)",
            "the `tf_slim` package (no automatic fix: x)",
        ),
    ],
)
def test_tidy(message: str, tidied: str) -> None:
    assert tidy(message) == tidied


def test_from_import_is_told_the_from_import_form(catalogue: Catalogue) -> None:
    source = (
        "import tensorflow as tf1\n"
        "from tensorflow import gfile\n"
        "from tensorflow import gfile as gf\n"
    )
    detection = detect(source, catalogue, Settings())
    told = [f.message for f in detection.findings]
    assert told == [
        "`gfile` only exists in TensorFlow 2 as `from tensorflow.compat.v1 import gfile`",
        "`gf` only exists in TensorFlow 2 as `from tensorflow.compat.v1 import gfile as gf`",
    ]
    assert all("tf1." not in message for message in told)
    assert detection.findings[0].shown_target == "from tensorflow.compat.v1 import gfile"


def test_contrib_imports_name_their_replacement_once(catalogue: Catalogue) -> None:
    source = (
        "from tensorflow.contrib import slim\n"
        "import tensorflow.contrib.slim as sl\n"
        "from tensorflow.contrib import layers\n"
    )
    told = [f.message for f in detect(source, catalogue, Settings()).findings]
    assert told[0].endswith("slim lives on as the `tf_slim` package (`import tf_slim as slim`)")
    assert told[1].endswith("(`import tf_slim as sl`)")
    assert told[2].endswith("live on in `tf_slim` (`from tf_slim import layers`)")


def test_messages_use_the_files_own_alias(catalogue: Catalogue) -> None:
    source = "import tensorflow as tf1\nx = tf1.to_float(y)\nf = tf1.gfile.FastGFile(p)\n"
    told = messages(source, catalogue)
    assert told["TF203"] == (
        "`tf1.to_float` was removed in TensorFlow 2; use `tf1.cast` with an explicit dtype"
    )
    assert (
        "`tf1.io.gfile.GFile` replaces it (`tf1.compat.v1.gfile.FastGFile` keeps it)"
        in told["TF302"]
    )


def test_no_message_in_the_catalogue_hard_codes_the_tf_alias(catalogue: Catalogue) -> None:
    hard_coded = [rule.code for rule in catalogue.rules if re.search(r"`tf\.", rule.message)]
    assert hard_coded == []


def test_no_message_repeats_an_aside(catalogue: Catalogue) -> None:
    source = (
        "import tensorflow as tf\n"
        "from tensorflow.contrib import slim\n"
        "h = tf.layers.dense(x, 3, reuse=True)\n"
        "a = tf.contrib.slim.arg_scope\n"
    )
    for level in ("compat", "native"):
        found = detect(source, catalogue, Settings(level=level)).findings  # type: ignore[arg-type]
        assert len(found) >= 3  # the layer, the slim import and its alias
        for finding in found:
            assert ") (" not in finding.message, finding.message
            assert "(`tf_slim`)" not in finding.message, finding.message
