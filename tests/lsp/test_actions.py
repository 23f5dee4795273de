"""Code actions answered from a document snapshot, without a server process."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from tf2_lsp.catalogue.rules import Catalogue
from tf2_lsp.engine import fix_all, fix_title
from tf2_lsp.fixes.edits import apply_line_edits
from tf2_lsp.lsp import actions
from tf2_lsp.lsp.actions import _finding_actions, bulk_edit
from tf2_lsp.lsp.capabilities import Capabilities
from tf2_lsp.lsp.convert import FIX_ALL_KIND
from tf2_lsp.settings import Settings

from .conftest import MakeSnapshot, apply, edits_of

TEXT = "import tensorflow as tf\ns = tf.Session()\nx = tf.log(y)\nz = tf.log(w)\n"


def params(
    line: int, start: int, end: int, only: list[str] | None = None
) -> types.CodeActionParams:
    return types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri="file:///work/a.py"),
        range=types.Range(
            start=types.Position(line=line, character=start),
            end=types.Position(line=line, character=end),
        ),
        context=types.CodeActionContext(diagnostics=[], only=only),  # type: ignore[arg-type]
    )


def by_title(found: list[types.CodeAction], part: str) -> types.CodeAction:
    (action,) = [a for a in found if part in a.title]
    return action


def test_quick_fix_and_disable_for_one_finding(snapshot_of: MakeSnapshot) -> None:
    snapshot = snapshot_of(TEXT)
    found = actions.code_actions(snapshot, params(1, 6, 6))
    fix = by_title(found, "Replace `tf.Session`")
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.diagnostics and fix.diagnostics[0].code == fix.title.split(":")[0]
    assert apply(TEXT, edits_of(fix.edit)) == TEXT.replace("tf.Session", "tf.compat.v1.Session")
    disable = by_title(found, "Disable")
    code = fix.title.split(":")[0]
    assert apply(TEXT, edits_of(disable.edit)).splitlines()[1] == (
        f"s = tf.Session()  # tf2-lsp: ignore[{code}]"
    )
    # Fix-all is offered in the light-bulb list too, computed now (no resolve support).
    fix_all = next(a for a in found if a.kind == FIX_ALL_KIND)
    assert "tf.compat.v1.Session()" in apply(TEXT, edits_of(fix_all.edit))
    assert "tf.math.log(y)" in apply(TEXT, edits_of(fix_all.edit))


def test_disable_adds_to_an_existing_ignore_comment(snapshot_of: MakeSnapshot) -> None:
    text = "import tensorflow as tf\nx = tf.log(tf.Session())  # tf2-lsp: ignore[TF999]\n"
    snapshot = snapshot_of(text)
    found = actions.code_actions(snapshot, params(1, 5, 5))
    disable = by_title(found, "Disable")
    code = disable.title.split(":")[0]
    assert apply(text, edits_of(disable.edit)).endswith(f"# tf2-lsp: ignore[TF999, {code}]\n")


def test_fix_all_of_one_code_only_when_it_occurs_twice(snapshot_of: MakeSnapshot) -> None:
    snapshot = snapshot_of(TEXT)
    log_actions = actions.code_actions(snapshot, params(2, 5, 5))
    per_code = by_title(log_actions, "in this file")
    fixed = apply(TEXT, edits_of(per_code.edit))
    assert fixed == TEXT.replace("tf.log", "tf.math.log")  # the Session stays
    session_actions = actions.code_actions(snapshot, params(1, 6, 6))
    assert not [a for a in session_actions if "in this file" in a.title]


def test_fix_all_is_deferred_to_resolve_when_the_client_can(snapshot_of: MakeSnapshot) -> None:
    capabilities = Capabilities(resolve_edits=True, document_changes=True)
    snapshot = snapshot_of(TEXT, capabilities=capabilities)
    (deferred,) = [
        a for a in actions.code_actions(snapshot, params(0, 0, 0)) if a.kind == FIX_ALL_KIND
    ]
    assert deferred.edit is None
    resolved = actions.resolve(snapshot, deferred)
    assert "tf.compat.v1.Session()" in apply(TEXT, edits_of(resolved.edit))
    # Asked for by kind (fix on save): the edit comes at once.
    (eager,) = actions.code_actions(snapshot, params(0, 0, 0, only=[FIX_ALL_KIND]))
    assert eager.edit == resolved.edit


def test_resolve_of_a_stale_version_gives_no_edit(snapshot_of: MakeSnapshot) -> None:
    capabilities = Capabilities(resolve_edits=True)
    old = snapshot_of(TEXT, capabilities=capabilities, version=1)
    (deferred,) = [a for a in actions.code_actions(old, params(0, 0, 0)) if a.kind == FIX_ALL_KIND]
    newer = snapshot_of(TEXT, capabilities=capabilities, version=2)
    assert actions.resolve(newer, deferred).edit is None


def test_unsafe_fixes_only_in_fix_all_when_configured(snapshot_of: MakeSnapshot) -> None:
    text = "import tensorflow as tf\nf = tf.gfile.FastGFile(path)\n"
    native = Settings(level="native")
    assert actions.bulk_edit(snapshot_of(text, settings=native), None) is None
    unsafe = snapshot_of(text, settings=Settings(level="native", unsafe_fixes=("TF",)))
    assert "tf.io.gfile.GFile(path)" in apply(text, edits_of(actions.bulk_edit(unsafe, None)))


def test_edits_are_versioned_only_for_clients_that_take_it(snapshot_of: MakeSnapshot) -> None:
    versioned = actions.bulk_edit(snapshot_of(TEXT, version=7), None)
    assert versioned is not None and versioned.changes is None
    (document_edit,) = versioned.document_changes or []
    assert isinstance(document_edit, types.TextDocumentEdit)
    assert document_edit.text_document.version == 7
    plain = actions.bulk_edit(snapshot_of(TEXT, capabilities=Capabilities()), None)
    assert plain is not None and plain.document_changes is None
    assert plain.changes is not None and list(plain.changes) == ["file:///work/a.py"]


def test_positions_in_the_negotiated_encoding(snapshot_of: MakeSnapshot) -> None:
    text = 'import tensorflow as tf\ny = ("🙂🙂", tf.log(x)); s = "日本語"\n'
    for encoding in ("utf-8", "utf-16", "utf-32"):
        snapshot = snapshot_of(text, encoding=encoding)
        edit = actions.bulk_edit(snapshot, None)
        assert apply(text, edits_of(edit), encoding) == text.replace("tf.log", "tf.math.log")


STATEMENTS = [
    "import tensorflow as tf",
    "sess = tf.Session()",
    "y = tf.log(x)",
    "h = tf.nn.dropout(h, keep_prob=0.5)",
    "from tensorflow.contrib import layers",
    "",
    "def f():",
    "    return tf.random_normal([3])",
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(
        st.tuples(st.sampled_from(STATEMENTS), st.sampled_from(["\n", "\r\n", "\r"])),
        min_size=1,
        max_size=10,
    )
)
def test_fix_all_writes_what_fix_writes_in_files_of_mixed_endings(
    snapshot_of: MakeSnapshot, catalogue: Catalogue, lines: list[tuple[str, str]]
) -> None:
    source = "import tensorflow as tf\r\n" + "".join(text + end for text, end in lines)
    snapshot = snapshot_of(source)
    expected = fix_all(source, catalogue, Settings()).source  # what `tf2-lsp fix` writes
    edit = bulk_edit(snapshot, None)
    assert (source if edit is None else apply(source, edits_of(edit))) == expected
    for finding in snapshot.detection.findings:  # each quick fix, as `fix` would apply its plan
        plan = snapshot.fixes.plan_for(finding)
        if finding.fix is None or not plan.edits:
            continue
        (action,) = [
            a for a in _finding_actions(snapshot, finding) if a.title == fix_title(finding)
        ]
        assert apply(source, edits_of(action.edit)) == apply_line_edits(source, plan.edits)


def test_a_test_module_driving_a_graph_mode_library_gets_the_opt_out_as_a_quick_fix(
    snapshot_of: MakeSnapshot, tmp_path: Path
) -> None:
    # The test never imports TensorFlow; its project's library builds graphs (TF810 there).
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "model.py").write_text(
        "import tensorflow as tf\n\ndef run():\n    x = tf.placeholder(tf.float32)\n"
        "    return tf.Session().run(x, {x: 1.0})\n"
    )
    text = "from lib import model\n\n\ndef test_run():\n    assert model.run() == 1.0\n"
    settings = Settings().for_file(str(tmp_path / "tests" / "test_model.py"))
    snapshot = snapshot_of(text, settings=settings)
    found = actions.code_actions(snapshot, params(0, 0, 0))
    (fix,) = [a for a in found if a.is_preferred and a.title.startswith("TF801")]
    fixed = apply(text, edits_of(fix.edit))
    assert "import tensorflow as tf\n" in fixed
    assert "\ntf.compat.v1.disable_v2_behavior()\n" in fixed.split("def test_run")[0]
