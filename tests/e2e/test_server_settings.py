"""Settings: initializationOptions, didChangeConfiguration, invalid values, per-folder pyproject."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import (
    code_actions,
    codes,
    initialize,
    open_and_wait,
    publishes,
    rng,
    rule_code,
    wait_for,
    wait_publish,
)

LAYERS = rule_code("tensorflow.layers.dense")  # needs Keras 2: gone for TF >= 2.16
SOURCE = (
    "import tensorflow as tf\n"
    "sess = tf.Session()\n"
    "y = tf.log(x)\n"
    "tf.compat.v1.logging.info('hi')\n"
    "h = tf.layers.dense(x, 3)\n"
)
DEFAULT_CODES = sorted(["TF101", "TF201", LAYERS])


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, DEFAULT_CODES),
        ({"select": ["TF1"]}, ["TF101"]),
        ({"select": ["TF101", "TF201"]}, ["TF101", "TF201"]),
        ({"ignore": ["TF101"]}, ["TF201", LAYERS]),
        ({"ignore": ["TF2", LAYERS]}, ["TF101"]),
        ({"level": "native"}, ["TF101", "TF201", "TF311", LAYERS]),
    ],
)
async def test_init_options_select_ignore_level(
    client: LanguageClient, tmp_path: Path, options: dict[str, Any], expected: list[str]
) -> None:
    await initialize(client, {"debounce": 0, **options})
    published = await open_and_wait(client, tmp_path / "a.py", SOURCE)
    assert codes(published.diagnostics) == sorted(expected)
    assert client.messages == []  # valid settings: nothing to warn about


async def test_severity_override(client: LanguageClient, tmp_path: Path) -> None:
    await initialize(client, {"debounce": 0, "severity": {"TF101": "error", "TF201": "hint"}})
    published = await open_and_wait(client, tmp_path / "a.py", SOURCE)
    severity = {d.code: d.severity for d in published.diagnostics}
    assert severity["TF101"] == types.DiagnosticSeverity.Error
    assert severity["TF201"] == types.DiagnosticSeverity.Hint


async def test_target_version(client: LanguageClient, tmp_path: Path) -> None:
    """tf.compat.v1.layers needs Keras 2: a safe fix for 2.15, an error with an unsafe fix
    (tf_keras + TF_USE_LEGACY_KERAS=1) for 2.21."""
    await initialize(client, {"debounce": 0, "targetVersion": "2.15"})
    published = await open_and_wait(client, tmp_path / "a.py", SOURCE)
    layers = next(d for d in published.diagnostics if d.code == LAYERS)
    assert layers.severity == types.DiagnosticSeverity.Warning
    assert layers.data["fix"]["safety"] == "safe"

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"tf2-lsp": {"debounce": 0, "targetVersion": "2.21"}}
        )
    )
    again = await wait_publish(
        client, published.uri, 1, after=len(publishes(client, published.uri))
    )
    layers = next(d for d in again.diagnostics if d.code == LAYERS)
    assert layers.severity == types.DiagnosticSeverity.Error
    assert layers.data["fix"]["safety"] == "unsafe"


async def test_unsafe_fixes_setting(client: LanguageClient, tmp_path: Path) -> None:
    text = "import tensorflow as tf\nf = tf.gfile.FastGFile(path)\n"
    await initialize(client, {"debounce": 0, "level": "native", "unsafeFixes": True})
    published = await open_and_wait(client, tmp_path / "a.py", text)
    (action,) = await code_actions(client, published.uri, rng(0, 0), only=["source.fixAll"])
    assert "(incl. unsafe)" in action.title


async def test_debounce_setting_is_used(client: LanguageClient, tmp_path: Path) -> None:
    """With a long debounce a burst of edits is analysed once (no timing assertions)."""
    await initialize(client, {"debounce": 1500})
    published = await open_and_wait(client, tmp_path / "a.py", SOURCE)
    uri = published.uri
    for version in (2, 3):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=rng(5, 0), text=f"v{version} = tf.log(x)\n"
                    )
                ],
            )
        )
    await wait_publish(client, uri, 3)
    assert [p.version for p in publishes(client, uri)] == [1, 3]


async def test_did_change_configuration_republishes(client: LanguageClient, tmp_path: Path) -> None:
    await initialize(client)
    first = await open_and_wait(client, tmp_path / "a.py", SOURCE)
    second = await open_and_wait(client, tmp_path / "b.py", "import tensorflow as tf\ntf.log(1)\n")
    assert codes(first.diagnostics) == DEFAULT_CODES
    before = {uri: len(publishes(client, uri)) for uri in (first.uri, second.uri)}
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={
                "tf2-lsp": {
                    "debounce": 0,
                    "ignore": ["TF201"],
                    "severity": {"TF101": "information"},
                }
            }
        )
    )
    again = await wait_publish(client, first.uri, 1, after=before[first.uri])
    assert codes(again.diagnostics) == sorted(["TF101", LAYERS])
    assert next(d for d in again.diagnostics if d.code == "TF101").severity == (
        types.DiagnosticSeverity.Information
    )
    other = await wait_publish(client, second.uri, 1, after=before[second.uri])
    assert list(other.diagnostics) == []

    # Settings not wrapped in {"tf2-lsp": ...} are accepted as well.
    count = len(publishes(client, first.uri))
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"debounce": 0, "select": [LAYERS]})
    )
    again = await wait_publish(client, first.uri, 1, after=count)
    assert codes(again.diagnostics) == [LAYERS]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"level": "bogus"}, "level"),
        ({"colour": "blue"}, "colour"),
        ({"select": "TF1, nonsense"}, "select"),
        ({"severity": {"TF101": "fatal"}}, "severity"),
        ({"targetVersion": "1.15"}, "targetVersion"),
        ({"unsafeFixes": "yes"}, "unsafeFixes"),
        ({"debounce": -5}, "debounce"),
    ],
)
async def test_invalid_setting_warns_and_uses_the_default(
    client: LanguageClient, tmp_path: Path, options: dict[str, Any], named: str
) -> None:
    await initialize(client, {"debounce": 0, **options})
    published = await open_and_wait(client, tmp_path / "a.py", SOURCE)
    assert codes(published.diagnostics) == DEFAULT_CODES  # the defaults are in force
    message = await wait_for(lambda: next(iter(client.messages), None), "a showMessage")
    assert message.type == types.MessageType.Warning
    assert f"'{named}'" in message.message


async def test_invalid_setting_via_did_change_configuration(
    client: LanguageClient, tmp_path: Path
) -> None:
    await initialize(client)
    published = await open_and_wait(client, tmp_path / "a.py", SOURCE)
    count = len(publishes(client, published.uri))
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"tf2-lsp": {"debounce": 0, "level": "bogus", "select": ["TF1"]}}
        )
    )
    again = await wait_publish(client, published.uri, 1, after=count)
    assert codes(again.diagnostics) == ["TF101"]  # the valid part applies
    message = await wait_for(lambda: next(iter(client.messages), None), "a showMessage")
    assert "'level'" in message.message


async def test_settings_not_an_object(client: LanguageClient, tmp_path: Path) -> None:
    await initialize(client, ["not", "an", "object"])
    await open_and_wait(client, tmp_path / "a.py", SOURCE)
    message = await wait_for(lambda: next(iter(client.messages), None), "a showMessage")
    assert "settings" in message.message


async def test_workspace_folders_use_their_own_pyproject(
    client: LanguageClient, tmp_path: Path
) -> None:
    folder_a, folder_b, folder_c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for folder in (folder_a, folder_b, folder_c):
        (folder / "pkg").mkdir(parents=True)
    (folder_a / "pyproject.toml").write_text('[tool.tf2-lsp]\nselect = ["TF1"]\n')
    (folder_b / "pyproject.toml").write_text(
        '[tool.tf2-lsp]\nignore = ["TF101"]\n[tool.tf2-lsp.severity]\nTF201 = "error"\n'
    )
    (folder_c / "pyproject.toml").write_text('[project]\nname = "c"\n')  # no [tool.tf2-lsp]
    await initialize(
        client,
        {"debounce": 0, "severity": {"TF201": "hint"}},
        folders=[folder_a, folder_b, folder_c],
    )

    in_a = await open_and_wait(client, folder_a / "pkg" / "m.py", SOURCE)
    in_b = await open_and_wait(client, folder_b / "m.py", SOURCE)
    in_c = await open_and_wait(client, folder_c / "m.py", SOURCE)
    assert codes(in_a.diagnostics) == ["TF101"]
    assert codes(in_b.diagnostics) == sorted(["TF201", LAYERS])
    assert codes(in_c.diagnostics) == DEFAULT_CODES
    # The project's own severity wins over the editor's; elsewhere the editor's applies.
    assert next(d for d in in_b.diagnostics if d.code == "TF201").severity == (
        types.DiagnosticSeverity.Error
    )
    assert next(d for d in in_c.diagnostics if d.code == "TF201").severity == (
        types.DiagnosticSeverity.Hint
    )


async def test_pyproject_change_is_picked_up(client: LanguageClient, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.tf2-lsp]\nselect = ["TF1"]\n')
    await initialize(client, folders=[tmp_path])
    published = await open_and_wait(client, tmp_path / "m.py", SOURCE)
    assert codes(published.diagnostics) == ["TF101"]
    pyproject.write_text('[tool.tf2-lsp]\nselect = ["TF2"]\n')
    count = len(publishes(client, published.uri))
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    again = await wait_publish(client, published.uri, 1, after=count)
    assert codes(again.diagnostics) == ["TF201"]


async def test_invalid_pyproject_setting_warns(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.tf2-lsp]\nlevel = "bogus"\n')
    await initialize(client, folders=[tmp_path])
    published = await open_and_wait(client, tmp_path / "m.py", SOURCE)
    assert codes(published.diagnostics) == DEFAULT_CODES
    message = await wait_for(lambda: next(iter(client.messages), None), "a showMessage")
    assert "pyproject.toml" in message.message and "'level'" in message.message


@pytest.mark.parametrize("body", ["tool = 5\n", "[tool]\ntf2-lsp = 3\n"])
async def test_a_malformed_tool_table_warns_and_the_folder_is_served(
    client: LanguageClient, tmp_path: Path, body: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(body)
    await initialize(client, folders=[tmp_path])
    published = await open_and_wait(client, tmp_path / "m.py", SOURCE)
    assert codes(published.diagnostics) == DEFAULT_CODES
    message = await wait_for(lambda: next(iter(client.messages), None), "a showMessage")
    assert f"{tmp_path / 'pyproject.toml'}: [tool" in message.message
    assert "must be a table; using defaults" in message.message


async def test_pyproject_values_equal_to_the_defaults_still_win(
    client: LanguageClient, tmp_path: Path
) -> None:
    """A team's pyproject.toml that says the defaults outright beats the editor's settings."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tf2-lsp]\nlevel = "compat"\ntarget-version = "2.21"\n'
    )
    await initialize(
        client, {"debounce": 0, "level": "native", "targetVersion": "2.15"}, folders=[tmp_path]
    )
    published = await open_and_wait(client, tmp_path / "m.py", SOURCE)
    assert codes(published.diagnostics) == DEFAULT_CODES  # compat: no TF311
    layers = next(d for d in published.diagnostics if d.code == LAYERS)
    assert layers.severity == types.DiagnosticSeverity.Error  # 2.21: no Keras 2
