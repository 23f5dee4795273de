"""Continuation lines kept under their bracket when a fix moves it (transforms/layout.py)."""

from __future__ import annotations

from tf2_lsp.transforms.layout import realigned


def test_lines_aligned_under_a_renamed_call_follow_its_bracket() -> None:
    old = [
        'w = tf.get_variable("w", shape=[3, 3],',
        "                    initializer=init)",
    ]
    new = ['w = tf.compat.v1.get_variable("w", shape=[3, 3],', old[1]]
    assert realigned(old, new) == [new[0], " " * 30 + "initializer=init)"]


def test_each_line_follows_the_bracket_it_was_aligned_under() -> None:
    old = [
        "a = tf.foo(b, tf.bar(c,",
        "                     d),",
        "           e)",
    ]
    new = ["a = tf.compat.v1.foo(b, tf.compat.v1.bar(c,", old[1], old[2]]
    assert realigned(old, new) == [
        new[0],
        " " * 41 + "d),",
        " " * 21 + "e)",
    ]


def test_a_line_aligned_under_a_moved_line_moves_with_it() -> None:
    old = [
        "y = f(a, g(b,",
        "           c, h(d,",
        "                e)))",
    ]
    new = ["y = tf.compat.v1.f(a, g(b,", old[1], old[2]]
    assert realigned(old, new) == [
        new[0],
        " " * 24 + "c, h(d,",
        " " * 29 + "e)))",
    ]


def test_hanging_indents_and_lines_outside_brackets_keep_theirs() -> None:
    old = ["x = f(", "    a, b)", "z = 1"]
    new = ["x = tf.compat.v1.f(", "    a, b)", "z = 1"]
    assert realigned(old, new) == new
    # Not aligned under the bracket (one column short): the author's choice stays.
    old = ["x = f(a,", "     b)"]
    new = ["x = tf.compat.v1.f(a,", "     b)"]
    assert realigned(old, new) == new


def test_a_line_inside_a_string_is_never_moved() -> None:
    old = ['x = f(a, """one', '      two""",', "      b)"]
    new = ['x = tf.compat.v1.f(a, """one', '      two""",', "      b)"]
    assert realigned(old, new) == [new[0], new[1], " " * 19 + "b)"]


def test_text_it_cannot_read_or_brackets_that_differ_are_left_alone() -> None:
    old = ["x = f(a,", "      b)"]
    assert realigned(old, ["x = g(h(a),", "      b)"]) == ["x = g(h(a),", "      b)"]
    assert realigned(old, ['x = f("a,', "      b)"]) == ['x = f("a,', "      b)"]
    assert realigned(["x = f(a,", "\tb)"], ["x = ff(a,", "\tb)"]) == ["x = ff(a,", "\tb)"]


def test_brackets_added_after_the_aligned_lines_do_not_stop_them() -> None:
    # tf.layers.dense(x, ...) -> tf.keras.layers.Dense(...)(x): the call on the input opens
    # its bracket after the aligned line.
    old = ["h = tf.layers.dense(x, 64,", '                    name="h")']
    new = ["h = tf.keras.layers.Dense(64,", '                    name="h")(x)']
    assert realigned(old, new) == [new[0], " " * 26 + 'name="h")(x)']


def test_lines_that_stop_inside_an_outer_bracket_are_read_too() -> None:
    # The first lines of a dict literal, as the planner hands them over: the dict stays open.
    old = ["d = {", "    'a': tf.Feature(shape=[3],", "                    dtype=tf.int64),"]
    new = ["d = {", "    'a': tf.io.Feature(shape=[3],", old[2]]
    assert realigned(old, new) == [*new[:2], " " * 23 + "dtype=tf.int64),"]
