"""jedi's parse cache in tf2-lsp: its own directory, whole files only, damage read as a miss."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tf2_lsp.analysis.names.infer import forget_file, infer_receivers
from tf2_lsp.model import ReceiverCandidate

SOURCE = "import collections\nd = collections.OrderedDict()\nd.move_to_end(1)\n"
CANDIDATE = ReceiverCandidate((3, 3), line=3, column=3, method="move_to_end")


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    forget_file(None, everything=True)  # nothing parsed before may answer from memory
    return tmp_path / "cache"


def _pickles(cache_home: Path) -> list[Path]:
    return sorted((cache_home / "tf2-lsp" / "jedi").rglob("*.pkl"))


def test_jedi_keeps_its_parses_under_tf2_lsps_own_cache(cache_home: Path, tmp_path: Path) -> None:
    module = tmp_path / "model.py"
    module.write_text(SOURCE)
    assert infer_receivers(SOURCE, str(module), [CANDIDATE]) == {(3, 3): ""}
    assert _pickles(cache_home), "jedi wrote no parse cache where tf2-lsp keeps its own"
    # No half-written temporary file is left beside them.
    assert not list((cache_home / "tf2-lsp" / "jedi").rglob(".parse-*"))


def test_a_truncated_cache_file_is_parsed_again_not_an_error(
    cache_home: Path, tmp_path: Path
) -> None:
    module = tmp_path / "model.py"
    module.write_text(SOURCE)
    infer_receivers(SOURCE, str(module), [CANDIDATE])
    pickles = _pickles(cache_home)
    sizes = {path: path.stat().st_size for path in pickles}
    for path in pickles:  # what a writer killed mid-write, or a reader racing one, would see
        path.write_bytes(path.read_bytes()[:20])
    forget_file(None, everything=True)
    assert infer_receivers(SOURCE, str(module), [CANDIDATE]) == {(3, 3): ""}
    assert any(path.stat().st_size == sizes[path] for path in pickles), "nothing was rewritten"


def test_a_cache_directory_that_cannot_be_made_leaves_jedi_working(
    cache_home: Path, tmp_path: Path
) -> None:
    cache_home.mkdir()
    (cache_home / "tf2-lsp").write_text("a file where the directory would go")
    module = tmp_path / "model.py"
    module.write_text(SOURCE)
    assert infer_receivers(SOURCE, str(module), [CANDIDATE]) == {(3, 3): ""}


_PROBE = textwrap.dedent(
    """
    import json, sys
    from tf2_lsp.analysis.names.infer import infer_receivers
    from tf2_lsp.model import ReceiverCandidate
    source = sys.argv[1]
    candidates = [ReceiverCandidate((3, 5), line=3, column=5, method="run"),
                  ReceiverCandidate((6, 3), line=6, column=3, method="move_to_end")]
    print(json.dumps(sorted(map(list, infer_receivers(source, None, candidates)))))
    """
)


def test_servers_starting_together_on_an_empty_cache_all_get_answers(tmp_path: Path) -> None:
    """Several processes parse the same modules into one empty cache at once (two editors, CI
    workers): none may read another's half-written file and lose its answer."""
    source = (
        "import tensorflow as tf\nsess = tf.compat.v1.Session()\nsess.run(1)\n"
        "import collections\nd = collections.OrderedDict()\nd.move_to_end(1)\n"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _PROBE, source],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
        )
        for _ in range(4)
    ]
    answers = [process.communicate(timeout=120) for process in processes]
    for (out, err), process in zip(answers, processes, strict=True):
        assert process.returncode == 0, err
        assert json.loads(out) == [[3, 5], [6, 3]], err
