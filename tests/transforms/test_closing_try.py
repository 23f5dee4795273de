"""A Session's `try: ... finally: sess.close()` without the close (transforms/closing_try.py)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from tf2_lsp.transforms.base import FixError
from tf2_lsp.transforms.closing_try import is_close, without_closing_try


def _opens(statement: ast.stmt) -> bool:
    value = getattr(statement, "value", None)
    return isinstance(value, ast.Call) and ast.unparse(value.func) == "tf.Session"


def _rewritten(source: str) -> str:
    return without_closing_try(textwrap.dedent(source), _opens)


def test_a_try_that_only_closes_the_session_goes() -> None:
    assert _rewritten(
        """\
        sess = tf.Session()
        try:
            # train
            for batch in batches:
                sess.run(train_op, {x: batch})
        finally:
            sess.close()
        print("done")
        """
    ) == textwrap.dedent(
        """\
        sess = tf.Session()
        # train
        for batch in batches:
            sess.run(train_op, {x: batch})
        print("done")
        """
    )


def test_an_except_that_closes_and_reraises_goes_too_and_else_follows_the_body() -> None:
    assert _rewritten(
        """\
        sess = tf.Session()
        try:
            sess.run(train_op, {x: batch})
        except Exception:
            sess.close()
            raise
        else:
            final = sess.run(w)
        finally:
            sess.close()
        """
    ) == textwrap.dedent(
        """\
        sess = tf.Session()
        sess.run(train_op, {x: batch})
        final = sess.run(w)
        """
    )


@pytest.mark.parametrize(
    ("clauses", "kept"),
    [
        (  # a handler that handles the error stays, the `finally` goes
            "except KeyboardInterrupt:\n    print('stopped')\nfinally:\n    sess.close()\n",
            "except KeyboardInterrupt:\n    print('stopped')\n",
        ),
        (  # a handler left with nothing to do does nothing
            "except KeyboardInterrupt:\n    sess.close()\n",
            "except KeyboardInterrupt:\n    pass\n",
        ),
        (  # a `finally` that does more keeps the rest
            "finally:\n    sess.close()\n    log.flush()\n",
            "finally:\n    log.flush()\n",
        ),
        (  # `else` needs the `except` while the `finally` stays
            "except ValueError:\n    sess.close()\n    raise\nelse:\n    pass\n"
            "finally:\n    log.flush()\n",
            "except ValueError:\n    raise\nelse:\n    pass\nfinally:\n    log.flush()\n",
        ),
    ],
)
def test_a_try_that_does_more_stays_without_the_close(clauses: str, kept: str) -> None:
    head = "sess = tf.Session()\ntry:\n    sess.run(train_op, {x: batch})\n"
    rewritten = without_closing_try(head + clauses, _opens)
    assert rewritten == head + kept
    ast.parse(rewritten)


def test_a_try_that_closes_another_session_is_left_alone() -> None:
    source = "sess = tf.Session()\ntry:\n    run()\nfinally:\n    other.close()\n"
    assert without_closing_try(source, _opens) == source


def test_a_string_written_left_of_the_body_is_not_dedented() -> None:
    source = 'sess = tf.Session()\ntry:\n    note = """a\nb"""\nfinally:\n    sess.close()\n'
    with pytest.raises(FixError, match="not indented as its body"):
        without_closing_try(source, _opens)


def test_only_a_bare_close_of_this_session_is_a_close() -> None:
    def statement(source: str) -> ast.stmt:
        return ast.parse(source).body[0]

    assert is_close(statement("sess.close()"), "sess")
    assert not is_close(statement("other.close()"), "sess")
    assert not is_close(statement("done = sess.close()"), "sess")
    assert not is_close(statement("sess.close(1)"), "sess")
