"""Line edits -> minimal text changes: each change covers only what differs."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tf2_lsp.fixes import edits as edits_module
from tf2_lsp.fixes.edits import LineEdit, TextChange, minimal_changes, text_changes


def apply_changes(source: str, changes: list[TextChange]) -> str:
    """Apply character-column changes (all relative to `source`) as an editor would."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", source)]

    def index(line: int, column: int) -> int:
        return starts[line] + column

    # As the LSP has it: text inserted at one position comes in the order of the changes.
    spans = sorted(
        ((index(c.line, c.column), index(c.end_line, c.end_column), c.text) for c in changes),
        key=lambda span: span[:2],
    )
    for start, end, text in reversed(spans):
        source = source[:start] + text + source[end:]
    return source


def apply_line_edits(source: str, edits: list[LineEdit], newline: str = "\n") -> str:
    """The reference: replace whole lines."""
    lines = re.split(r"\r\n|\r|\n", source)
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        lines[edit.start - 1 : edit.end] = list(edit.lines)
    return newline.join(lines)


def test_rename_is_an_insertion_inside_the_symbol() -> None:
    source = "import tensorflow as tf\nsess = tf.Session()\n"
    (change,) = minimal_changes(source, [LineEdit(2, 2, ("sess = tf.compat.v1.Session()",))])
    assert change == TextChange(1, 10, 1, 10, "compat.v1.")


def test_replacement_spans_only_the_difference() -> None:
    source = "h = tf.nn.dropout(h, keep)\n"
    (change,) = minimal_changes(source, [LineEdit(1, 1, ("h = tf.nn.dropout(h, rate=1 - keep)",))])
    assert (change.line, change.end_line) == (0, 0)
    assert apply_changes(source, [change]) == "h = tf.nn.dropout(h, rate=1 - keep)\n"
    assert change.column >= len("h = tf.nn.dropout(h, ")
    assert change.end_column <= len("h = tf.nn.dropout(h, keep")


def test_columns_count_characters_not_bytes() -> None:
    source = 'x = "日本語🙂"; s = tf.Session()\n'
    fixed = 'x = "日本語🙂"; s = tf.compat.v1.Session()'
    (change,) = minimal_changes(source, [LineEdit(1, 1, (fixed,))])
    assert change == TextChange(0, 19, 0, 19, "compat.v1.")
    assert source[: change.column].endswith("tf.")


def test_insertion_before_a_line() -> None:
    source = "import tensorflow as tf\nx = 1\n"
    (change,) = minimal_changes(source, [LineEdit(2, 1, ("from absl import logging",))])
    assert change == TextChange(1, 0, 1, 0, "from absl import logging\n")
    assert apply_changes(source, [change]) == (
        "import tensorflow as tf\nfrom absl import logging\nx = 1\n"
    )


def test_line_endings_are_kept() -> None:
    source = "import tensorflow as tf\r\na = tf.Session()\r\nb = 1\r\n"
    edits = [LineEdit(2, 3, ("a = tf.compat.v1.Session()", "b = 2", "c = 3"))]
    changes = minimal_changes(source, edits)
    result = apply_changes(source, changes)
    assert result == "import tensorflow as tf\r\na = tf.compat.v1.Session()\r\nb = 2\r\nc = 3\r\n"
    assert all("\n" not in c.text or "\r\n" in c.text for c in changes)


def test_deleting_lines() -> None:
    source = "a = 1\nb = 2\nc = 3\n"
    changes = minimal_changes(source, [LineEdit(2, 2, ())])
    # The line goes; it is not left behind as an empty line.
    assert apply_changes(source, changes) == apply_line_edits(source, [LineEdit(2, 2, ())])
    assert apply_changes(source, changes) == "a = 1\nc = 3\n"


CASES = [
    (
        "import tensorflow as tf\ns = tf.Session()\ny = tf.log(x)\n",
        [LineEdit(2, 2, ("s = tf.compat.v1.Session()",)), LineEdit(3, 3, ("y = tf.math.log(x)",))],
    ),
    ("a\nb\nc\nd\n", [LineEdit(2, 3, ("B", "C", "extra"))]),
    ("a\nb\nc\n", [LineEdit(1, 0, ("header",)), LineEdit(3, 3, ("c2",))]),
    ("x = 1\n", [LineEdit(1, 1, ("x = 1",))]),
    ("tf.a(tf.b(tf.c))\n", [LineEdit(1, 1, ("tf.A(tf.b(tf.C))",))]),
    ("s = '🙂'; t = tf.log(1)\n", [LineEdit(1, 1, ("s = '🙂'; t = tf.math.log(1)",))]),
    ("aaa\n", [LineEdit(1, 1, ("aaaa",))]),
    ("abcabc\n", [LineEdit(1, 1, ("abc",))]),
]


@pytest.mark.parametrize(("source", "edits"), CASES)
def test_same_result_as_replacing_lines(source: str, edits: list[LineEdit]) -> None:
    changes = minimal_changes(source, edits)
    assert apply_changes(source, changes) == apply_line_edits(source, edits)


@pytest.mark.parametrize(("source", "edits"), CASES)
def test_changes_do_not_overlap(source: str, edits: list[LineEdit]) -> None:
    changes = sorted(minimal_changes(source, edits), key=lambda c: (c.line, c.column))
    assert changes or apply_line_edits(source, edits) == source  # none only when nothing changes
    for first, second in itertools.pairwise(changes):
        assert (first.end_line, first.end_column) <= (second.line, second.column)


@pytest.mark.parametrize(
    ("source", "start", "end", "expected"),
    [
        ("a = 1\nb = 2\nc = 3\n", 2, 2, "a = 1\nc = 3\n"),
        ("a = 1\nb = 2\nc = 3\n", 1, 2, "c = 3\n"),
        ("a = 1\nb = 2\nc = 3\n", 3, 3, "a = 1\nb = 2\n"),
        # As `tf2-lsp fix` does it: the last line goes, the break before it stays.
        ("a = 1\nb = 2", 2, 2, "a = 1\n"),
        ("a = 1", 1, 1, ""),
        ("a = 1\r\nb = 2\r\nc = 3\r\n", 2, 2, "a = 1\r\nc = 3\r\n"),
    ],
)
def test_deletions_remove_whole_lines(source: str, start: int, end: int, expected: str) -> None:
    (change,) = minimal_changes(source, [LineEdit(start, end, ())])
    assert apply_changes(source, [change]) == expected


# Lines of a file that mixes line endings; hypothesis picks lines, breaks and edits.
LINE_TEXTS = st.sampled_from(["", "a = 1", "b = 2", "tf.x()", "  c", "é😀", "#\x0c"])
BREAKS = st.sampled_from(["\n", "\r\n", "\r"])
MIXED = st.lists(st.tuples(LINE_TEXTS, BREAKS), min_size=1, max_size=8).flatmap(
    lambda lines: st.sampled_from(["", "\n", "\r\n"]).map(
        lambda last: "".join(t + b for t, b in lines[:-1]) + lines[-1][0] + last
    )
)


@st.composite
def line_edits(draw: st.DrawFn, source: str) -> list[LineEdit]:
    """Edits of distinct, non-adjacent runs of lines (as the planner makes them), and lines
    inserted at one place by several edits, after the last line too (a new import and the
    statement that needs it)."""
    count = len(re.split(r"\r\n|\r|\n", source))
    edits, line = [], 1
    while line <= count + 1:
        if line == count + 1 or draw(st.booleans()):
            if line == count + 1 or draw(st.booleans()):
                for new in draw(st.lists(st.lists(LINE_TEXTS, min_size=1, max_size=2))):
                    edits.append(LineEdit(line, line - 1, tuple(new)))
                line += 1
                continue
            end = draw(st.integers(line - 1, min(count, line + 2)))
            new = draw(st.lists(LINE_TEXTS, max_size=3))
            if end >= line or new:
                edits.append(LineEdit(line, end, tuple(new)))
            line = max(end, line) + 2
        else:
            line += 1
    return edits


@settings(max_examples=300, deadline=None)
@given(data=st.data(), source=MIXED)
def test_changes_write_what_fix_writes_in_files_of_mixed_endings(
    data: st.DataObject, source: str
) -> None:
    """Each line keeps its own ending: the changes give `tf2-lsp fix`'s text exactly."""
    edits = data.draw(line_edits(source))
    assert apply_changes(source, minimal_changes(source, edits)) == edits_module.apply_line_edits(
        source, edits
    )


def test_lines_added_after_a_last_line_without_a_break_start_lines_of_their_own() -> None:
    # A conftest.py of one import and no final newline, given TF2 behaviour's switch and
    # its import: `fix` wrote `...session_tfimport tensorflow as tf`, which did not parse.
    source = "from pkg.test_util import session_tf"
    edits = [
        LineEdit(2, 1, ("tf.compat.v1.disable_v2_behavior()",)),
        LineEdit(2, 1, ("import tensorflow as tf",)),
    ]
    fixed = edits_module.apply_line_edits(source, edits)
    assert fixed == (
        "from pkg.test_util import session_tf\nimport tensorflow as tf\n"
        "tf.compat.v1.disable_v2_behavior()"
    )
    # The editor's quick fix writes the same, the import first.
    assert apply_changes(source, minimal_changes(source, edits)) == fixed


@settings(max_examples=300, deadline=None)
@given(old=MIXED, new=MIXED)
def test_text_changes_turn_one_text_into_the_other(old: str, new: str) -> None:
    changes = text_changes(old, new)
    assert apply_changes(old, changes) == new
    for change in changes:  # never between the \r and \n of one break
        for line, column in ((change.line, change.column), (change.end_line, change.end_column)):
            assert column <= len(re.split(r"\r\n|\r|\n", old)[line])
