"""Code actions: quick fixes, fix-all per code, source.fixAll, disable-for-this-line.

Every edit is applied to the text here, in the negotiated encoding, and the result asserted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tf2_lsp.lsp.convert import FIX_ALL_KIND

from .conftest import (
    SERVER_ENV,
    SHARED,
    apply_workspace_edit,
    code_actions,
    codes,
    initialize,
    open_and_wait,
    publishes,
    replace_all,
    rng,
    text_edits,
    wait_publish,
)

QUICKFIX = types.CodeActionKind.QuickFix


def titles(actions: list[types.CodeAction]) -> list[str]:
    return [a.title for a in actions]


def only_one(actions: list[types.CodeAction], prefix: str) -> types.CodeAction:
    found = [a for a in actions if a.title.startswith(prefix)]
    assert len(found) == 1, f"{prefix!r} in {titles(actions)}"
    return found[0]


@SHARED
async def test_quick_fix_is_minimal(shared: LanguageClient, tmp_path: Path) -> None:
    text = "import tensorflow as tf\nsess = tf.Session()\ny = tf.log(x)\n"
    published = await open_and_wait(shared, tmp_path / "a.py", text)
    uri = published.uri
    session = next(d for d in published.diagnostics if d.code == "TF101")
    actions = await code_actions(shared, uri, session.range, diagnostics=[session])

    fix = only_one(actions, "TF101: Replace")
    assert fix.kind == QUICKFIX
    assert fix.is_preferred
    assert fix.diagnostics and fix.diagnostics[0].code == "TF101"
    assert "(unsafe)" not in fix.title
    # One small edit inside the symbol's own range, not a rewrite of the file or even the line.
    (edit,) = text_edits(fix.edit, uri)
    assert edit.range.start.line == edit.range.end.line == 1
    assert session.range.start.character <= edit.range.start.character
    assert edit.range.end.character <= session.range.end.character
    assert apply_workspace_edit(text, fix.edit, uri) == (
        "import tensorflow as tf\nsess = tf.compat.v1.Session()\ny = tf.log(x)\n"
    )
    # The edit names the document version it was computed for.
    assert fix.edit is not None and fix.edit.document_changes
    document_edit = fix.edit.document_changes[0]
    assert isinstance(document_edit, types.TextDocumentEdit)
    assert document_edit.text_document.version == 1

    # Only findings in the requested range get quick fixes.
    assert not [t for t in titles(actions) if t.startswith("TF201")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
async def test_quick_fix_after_non_ascii_text(
    client: LanguageClient, tmp_path: Path, encoding: str
) -> None:
    await initialize(client, encodings=[encoding])
    text = (
        'import tensorflow as tf\nx = "日本語"; s = tf.Session()\ny = ("🙂🙂", tf.log(x))  # 🙂\n'
    )
    published = await open_and_wait(client, tmp_path / "a.py", text)
    uri = published.uri
    result = text
    for code, expected in [("TF101", "tf.compat.v1.Session()"), ("TF201", "tf.math.log(x)")]:
        diagnostic = next(d for d in published.diagnostics if d.code == code)
        actions = await code_actions(client, uri, diagnostic.range, diagnostics=[diagnostic])
        fix = only_one(actions, f"{code}: Replace")
        fixed = apply_workspace_edit(text, fix.edit, uri, encoding)
        assert expected in fixed
        result = apply_workspace_edit(result, fix.edit, uri, encoding)
    assert result == (
        'import tensorflow as tf\nx = "日本語"; s = tf.compat.v1.Session()\n'
        'y = ("🙂🙂", tf.math.log(x))  # 🙂\n'
    )


@SHARED
async def test_dropout_fix(shared: LanguageClient, tmp_path: Path) -> None:
    text = "import tensorflow as tf\nh = tf.nn.dropout(h, keep)\n"
    published = await open_and_wait(shared, tmp_path / "a.py", text)
    (diagnostic,) = published.diagnostics
    actions = await code_actions(shared, published.uri, diagnostic.range)
    fix = only_one(actions, "TF214: Update the arguments")
    assert apply_workspace_edit(text, fix.edit, published.uri) == (
        "import tensorflow as tf\nh = tf.nn.dropout(h, rate=1 - keep)\n"
    )


NATIVE = "import tensorflow as tf\nf = tf.gfile.FastGFile(path)\ns = tf.Session()\n"


async def test_unsafe_fix_is_marked(client: LanguageClient, tmp_path: Path) -> None:
    await initialize(client, {"debounce": 0, "level": "native"})
    published = await open_and_wait(client, tmp_path / "a.py", NATIVE)
    diagnostic = next(d for d in published.diagnostics if d.code == "TF302")
    assert diagnostic.data["fix"]["safety"] == "unsafe"
    actions = await code_actions(client, published.uri, diagnostic.range)
    fix = only_one(actions, "TF302: Replace")
    assert fix.title.endswith("(unsafe)")
    assert not fix.is_preferred
    fixed = apply_workspace_edit(NATIVE, fix.edit, published.uri)
    assert "tf.io.gfile.GFile(path)" in fixed
    assert "tf.Session()" in fixed  # nothing else touched


@SHARED
async def test_fix_all_of_one_code(shared: LanguageClient, tmp_path: Path) -> None:
    text = "import tensorflow as tf\na = tf.Session()\ny = tf.log(x)\nb = tf.Session(graph=g)\n"
    published = await open_and_wait(shared, tmp_path / "a.py", text)
    uri = published.uri
    first = next(d for d in published.diagnostics if d.code == "TF101")
    actions = await code_actions(shared, uri, first.range, diagnostics=[first])
    fix_all = only_one(actions, "TF101: Fix all TF101 in this file")
    assert fix_all.kind == QUICKFIX
    assert apply_workspace_edit(text, fix_all.edit, uri) == (
        "import tensorflow as tf\n"
        "a = tf.compat.v1.Session()\n"
        "y = tf.log(x)\n"
        "b = tf.compat.v1.Session(graph=g)\n"
    )
    # Edits stay on the changed lines.
    assert {e.range.start.line for e in text_edits(fix_all.edit, uri)} == {1, 3}

    # A code that occurs once gets no "Fix all".
    log = next(d for d in published.diagnostics if d.code == "TF201")
    actions = await code_actions(shared, uri, log.range, diagnostics=[log])
    assert not [t for t in titles(actions) if "Fix all TF201" in t]


@pytest.mark.parametrize("kind", ["source.fixAll.tf2-lsp", "source.fixAll"])
async def test_source_fix_all_applies_safe_fixes_only(
    client: LanguageClient, tmp_path: Path, kind: str
) -> None:
    await initialize(client, {"debounce": 0, "level": "native"})
    published = await open_and_wait(client, tmp_path / "a.py", NATIVE)
    actions = await code_actions(client, published.uri, rng(0, 0), only=[kind])
    (action,) = actions
    assert action.kind == "source.fixAll.tf2-lsp"
    fixed = apply_workspace_edit(NATIVE, action.edit, published.uri)
    assert "tf.gfile.FastGFile(path)" in fixed  # unsafe: left alone
    assert "tf.Session()" not in fixed
    assert "tf.Session" not in fixed.replace("tf.compat.v1.Session", "")


async def test_source_fix_all_with_unsafe_fixes(client: LanguageClient, tmp_path: Path) -> None:
    await initialize(client, {"debounce": 0, "level": "native", "unsafeFixes": True})
    published = await open_and_wait(client, tmp_path / "a.py", NATIVE)
    (action,) = await code_actions(client, published.uri, rng(0, 0), only=["source.fixAll.tf2-lsp"])
    fixed = apply_workspace_edit(NATIVE, action.edit, published.uri)
    assert "tf.io.gfile.GFile(path)" in fixed
    assert "FastGFile" not in fixed


async def test_source_fix_all_without_fixable_findings(
    client: LanguageClient, tmp_path: Path
) -> None:
    await initialize(client, {"debounce": 0, "level": "native"})
    text = "import tensorflow as tf\nf = tf.gfile.FastGFile(path)\n"  # unsafe only
    published = await open_and_wait(client, tmp_path / "a.py", text)
    assert await code_actions(client, published.uri, rng(0, 0), only=["source.fixAll"]) == []


@SHARED
async def test_quickfix_only_excludes_source_actions(
    shared: LanguageClient, tmp_path: Path
) -> None:
    text = "import tensorflow as tf\nsess = tf.Session()\n"
    published = await open_and_wait(shared, tmp_path / "a.py", text)
    (diagnostic,) = published.diagnostics
    actions = await code_actions(shared, published.uri, diagnostic.range, only=[QUICKFIX])
    assert actions and all(a.kind == QUICKFIX for a in actions)
    # Without `only`, the file-wide fix-all is offered as well.
    actions = await code_actions(shared, published.uri, diagnostic.range)
    assert {a.kind for a in actions} == {QUICKFIX, "source.fixAll.tf2-lsp"}


@SHARED
async def test_no_quick_fix_away_from_findings(shared: LanguageClient, tmp_path: Path) -> None:
    text = "import tensorflow as tf\nsess = tf.Session()\nx = 1\n"
    published = await open_and_wait(shared, tmp_path / "a.py", text)
    actions = await code_actions(shared, published.uri, rng(2, 0, 2, 5), only=[QUICKFIX])
    assert actions == []


@SHARED
async def test_disable_for_this_line(shared: LanguageClient, tmp_path: Path) -> None:
    text = "import tensorflow as tf\nsess = tf.Session()\ny = tf.log(x)\n"
    published = await open_and_wait(shared, tmp_path / "a.py", text)
    uri = published.uri
    session = next(d for d in published.diagnostics if d.code == "TF101")
    actions = await code_actions(shared, uri, session.range, diagnostics=[session])
    disable = only_one(actions, "TF101: Disable TF101 for this line")
    assert disable.kind == QUICKFIX
    (edit,) = text_edits(disable.edit, uri)
    assert edit.range.start == edit.range.end == types.Position(line=1, character=19)
    fixed = apply_workspace_edit(text, disable.edit, uri)
    assert fixed == (
        "import tensorflow as tf\nsess = tf.Session()  # tf2-lsp: ignore[TF101]\ny = tf.log(x)\n"
    )
    replace_all(shared, uri, 2, fixed)
    after = await wait_publish(shared, uri, 2)
    assert codes(after.diagnostics) == ["TF201"]


@SHARED
async def test_disable_extends_an_existing_ignore(shared: LanguageClient, tmp_path: Path) -> None:
    text = "import tensorflow as tf\ns = tf.Session(); y = tf.log(x)  # tf2-lsp: ignore[TF201]\n"
    published = await open_and_wait(shared, tmp_path / "a.py", text)
    uri = published.uri
    (session,) = published.diagnostics
    assert session.code == "TF101"
    actions = await code_actions(shared, uri, session.range, diagnostics=[session])
    disable = only_one(actions, "TF101: Disable")
    fixed = apply_workspace_edit(text, disable.edit, uri)
    assert fixed.splitlines()[1].endswith("# tf2-lsp: ignore[TF201, TF101]")
    assert fixed.count("tf2-lsp") == 1
    replace_all(shared, uri, 2, fixed)
    after = await wait_publish(shared, uri, 2)
    assert list(after.diagnostics) == []


async def test_disable_after_non_ascii_text(client: LanguageClient, tmp_path: Path) -> None:
    await initialize(client, encodings=["utf-8"])
    text = "import tensorflow as tf\ns = tf.Session()  # 日本語 🙂\n"
    published = await open_and_wait(client, tmp_path / "a.py", text)
    uri = published.uri
    (session,) = published.diagnostics
    actions = await code_actions(client, uri, session.range)
    disable = only_one(actions, "TF101: Disable")
    fixed = apply_workspace_edit(text, disable.edit, uri, "utf-8")
    assert fixed == (
        "import tensorflow as tf\ns = tf.Session()  # 日本語 🙂  # tf2-lsp: ignore[TF101]\n"
    )


@SHARED
async def test_actions_follow_the_latest_version(shared: LanguageClient, tmp_path: Path) -> None:
    text = "import tensorflow as tf\nsess = tf.Session()\n"
    uri = (await open_and_wait(shared, tmp_path / "a.py", text)).uri
    newer = "import tensorflow as tf\n\n\nsess = tf.Session()\n"
    replace_all(shared, uri, 2, newer)
    await wait_publish(shared, uri, 2)
    actions = await code_actions(shared, uri, rng(3, 8))
    fix = only_one(actions, "TF101: Replace")
    assert apply_workspace_edit(newer, fix.edit, uri) == newer.replace("tf.S", "tf.compat.v1.S")
    assert len(publishes(shared, uri)) >= 2


# Files mixing CRLF, LF and CR line ends, where fixes insert lines (imports, the opt-out),
# remove lines (unused contrib imports) and rewrite lines of every ending.
MIXED_ENDINGS = [
    "import tensorflow as tf\r\nsess = tf.Session()\ny = tf.log(x)\r\n",
    "import tensorflow as tf\nfrom tensorflow.contrib import layers\r\n"
    "h = layers.fully_connected(x, 3)\nz = tf.log(h)\r\n",
    "import tensorflow as tf\r\nx = tf.placeholder(tf.float32)\rs = tf.Session()\n"
    "if __name__ == '__main__':\r\n    s.run(x)\n",
    "import tensorflow as tf\ntf.app.flags.DEFINE_string('a', '', 'b')\r\n"
    "FLAGS = tf.app.flags.FLAGS\r\nprint(tf.log(1.0))",
]


@SHARED
async def test_fix_all_writes_what_fix_writes_in_files_of_mixed_endings(
    shared: LanguageClient, tmp_path: Path
) -> None:
    """Each line keeps its own ending: fix-all applied to the editor's text is, byte for byte,
    the file `tf2-lsp fix` writes."""
    tree = tmp_path / "cli"
    tree.mkdir()
    for number, text in enumerate(MIXED_ENDINGS):
        (tree / f"m{number}.py").write_bytes(text.encode())
    subprocess.run(
        [sys.executable, "-m", "tf2_lsp", "fix", str(tree)], env=SERVER_ENV, capture_output=True
    )
    for number, text in enumerate(MIXED_ENDINGS):
        expected = (tree / f"m{number}.py").read_bytes().decode()
        assert expected != text, "the CLI fixed nothing"
        published = await open_and_wait(shared, tmp_path / f"m{number}.py", text)
        (action,) = await code_actions(shared, published.uri, rng(0, 0), only=[FIX_ALL_KIND])
        assert apply_workspace_edit(text, action.edit, published.uri) == expected, number
