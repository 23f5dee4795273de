"""A spliced fix grown over the continuation lines it moved off their bracket
(fixes/realign.py), and what `tf2-lsp fix` then writes."""

from __future__ import annotations

import textwrap

from tf2_lsp import engine
from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.fixes.edits import LineEdit
from tf2_lsp.fixes.realign import grown
from tf2_lsp.settings import Settings

LINES = [
    "import tensorflow as tf",
    'w = tf.get_variable("w", shape=[3, 3],',
    "                    initializer=init)",
]
RENAMED = LineEdit(2, 2, ('w = tf.compat.v1.get_variable("w", shape=[3, 3],',))


def test_the_edit_takes_the_continuation_line_it_moves() -> None:
    (edit,) = grown(LINES, [RENAMED], [(2, 3)], set())
    assert edit == LineEdit(2, 3, (RENAMED.lines[0], " " * 30 + "initializer=init)"))


def test_a_continuation_line_inside_the_edit_is_aligned_too() -> None:
    # Splices on lines 2 and 3 rebuilt as one edit: line 3's own text changes, and it goes
    # under the moved bracket as well.
    edit = LineEdit(2, 3, (RENAMED.lines[0], "                    initializer=tf.ones)"))
    (grown_edit,) = grown(
        [*LINES[:2], "                    initializer=tf.zeros)"], [edit], [(2, 3)], set()
    )
    assert grown_edit == LineEdit(2, 3, (RENAMED.lines[0], " " * 30 + "initializer=tf.ones)"))


def test_a_line_another_edit_holds_is_left_to_it() -> None:
    assert grown(LINES, [RENAMED], [(2, 3)], busy={3}) == [RENAMED]
    other = LineEdit(3, 3, ("                    initializer=other)",))
    assert grown(LINES, [RENAMED, other], [(2, 3)], set())[0] == RENAMED


def test_fix_keeps_arguments_under_the_renamed_calls_bracket(catalogue: Catalogue) -> None:
    source = textwrap.dedent(
        """\
        import tensorflow as tf

        w = tf.get_variable("w", shape=[3, 3],
                            initializer=tf.zeros_initializer())
        m = tf.reduce_mean(w, reduction_indices=[1],
                           keep_dims=True)
        with tf.variable_scope("s",
                               reuse=True):
            pass
        """
    )
    fixed = engine.fix_all(source, catalogue, Settings()).source
    assert fixed == textwrap.dedent(
        """\
        import tensorflow as tf

        w = tf.compat.v1.get_variable("w", shape=[3, 3],
                                      initializer=tf.zeros_initializer())
        m = tf.reduce_mean(w, axis=[1],
                           keepdims=True)
        with tf.compat.v1.variable_scope("s",
                                         reuse=True):
            pass
        """
    )
