"""The result cache: `check` prints the same bytes with and without it, and an entry is used
only for the text, settings and tf2-lsp it was made by."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest

import tf2_lsp
from tests.analysis.support import (
    ENTRY,
    GRAPH_CALLER,
    NO_READER,
    PENALTY_READER,
    TF2_CALLER,
    model_package,
    reader_package,
    write,
)
from tests.cli.conftest import ROOT, TF1, project, run, run_process
from tf2_lsp.cli.cache import (
    CACHE_DIR_NAME,
    KEPT_VERSIONS,
    PACK_SUFFIX,
    ResultCache,
    code_fingerprint,
    text_digest,
)
from tf2_lsp.cli.records import Record
from tf2_lsp.cli.scan import FileResult
from tf2_lsp.settings import Settings

EXAMPLES = ROOT / "examples" / "tf1_model"
NOTEBOOK = json.dumps(
    {
        "cells": [
            {"cell_type": "code", "metadata": {}, "source": ["import tensorflow as tf\n"]},
            {"cell_type": "code", "metadata": {}, "source": ["s = tf.Session()\n"]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
)


def _entries(cache_dir: Path) -> list[tuple[Path, str]]:
    """(pack, key) of every entry stored under `cache_dir`."""
    found = []
    for pack in cache_dir.rglob(f"*{PACK_SUFFIX}"):
        for line in pack.read_text(encoding="utf-8").splitlines():
            found.append((pack, json.loads(line.partition("\t")[0])))
    return sorted(found)


def _stored(cache_dir: Path) -> dict[str, Any]:
    """The one entry stored under `cache_dir`."""
    [(pack, _)] = _entries(cache_dir)
    return cast(dict[str, Any], json.loads(pack.read_text(encoding="utf-8").partition("\t")[2]))


def _replace_stored(cache_dir: Path, entry: dict[str, Any]) -> None:
    [(pack, key)] = _entries(cache_dir)
    pack.write_text(f"{json.dumps(key)}\t{json.dumps(entry)}\n", encoding="utf-8")


def _example_project(tmp_path: Path) -> Path:
    root = project(tmp_path, {"notebook.ipynb": NOTEBOOK, "bad.py": "def f(:\n"})
    shutil.copytree(EXAMPLES, root / "model")
    return root


@pytest.mark.parametrize(
    "options",
    [
        ("--format", "json"),
        ("--format", "text", "--statistics"),
        ("--format", "sarif", "--level", "native", "--target-version", "2.15"),
    ],
)
def test_output_is_byte_identical_with_and_without_the_cache(
    tmp_path: Path, options: tuple[str, ...]
) -> None:
    root = _example_project(tmp_path)
    without = run("check", root, *options, "--no-cache")
    assert not (root / CACHE_DIR_NAME).exists()
    cold = run("check", root, *options)
    entries = _entries(root / CACHE_DIR_NAME)
    assert len(entries) == 5  # three modules, the notebook, the file that does not parse
    assert len({pack for pack, _ in entries}) == 2  # one pack per directory
    warm = run("check", root, *options)
    assert _entries(root / CACHE_DIR_NAME) == entries
    for result in (cold, warm):
        assert (result.returncode, result.stdout, result.stderr) == (
            without.returncode,
            without.stdout,
            without.stderr,
        )


def test_report_keeps_and_reads_the_same_entries_as_check(tmp_path: Path) -> None:
    # `report` scans as `check` does: entries written by the command, a pack at a time (a
    # worker writing its own would rewrite its directory's pack once per file, and workers
    # writing at the same time would lose each other's).
    root = _example_project(tmp_path)

    def report() -> dict[str, Any]:
        result = run("report", root, "--format", "json")
        assert result.returncode == 0, result.stderr
        data: dict[str, Any] = json.loads(result.stdout)
        data.pop("generated")
        return data

    cold = report()
    entries = _entries(root / CACHE_DIR_NAME)
    assert len(entries) == 5
    assert report() == cold
    run("check", root, "--format", "json")
    assert _entries(root / CACHE_DIR_NAME) == entries  # check found them all, wrote none new
    [(pack, key)] = [entry for entry in entries if entry[1].startswith("bad.py/")]
    lines = pack.read_text(encoding="utf-8").splitlines()
    pack.write_text("\n".join(x for x in lines if not x.startswith('"bad.py/')) + "\n")
    assert report() == cold  # analysed again
    assert (pack, key) in _entries(root / CACHE_DIR_NAME)  # and stored again
    # A warm report reads the entries: one emptied by hand is what it reports.
    for pack, _ in entries:
        emptied = [
            f"{k}\t{json.dumps({**json.loads(e), 'records': []})}"
            for k, _, e in (x.partition("\t") for x in pack.read_text().splitlines())
        ]
        pack.write_text("\n".join(emptied) + "\n")
    assert report()["totals"]["findings"] == 0 < cold["totals"]["findings"]


def test_a_warm_run_reads_the_entries(tmp_path: Path) -> None:
    """The entry, not a new analysis, gives the warm run's findings (which is why the
    byte-identical test above proves something)."""
    root = project(tmp_path, {"a.py": TF1})
    run("check", root)
    stored = _stored(root / CACHE_DIR_NAME)
    stored["records"] = stored["records"][:1]
    _replace_stored(root / CACHE_DIR_NAME, stored)
    assert len(json.loads(run("check", root, "--format", "json").stdout)) == 1


def test_a_changed_file_is_analysed_again(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    assert run("check", root).returncode == 1
    (root / "a.py").write_text("import tensorflow as tf\ns = tf.compat.v1.Session()\n")
    assert run("check", root).returncode == 0
    (root / "a.py").write_text(TF1)
    assert run("check", root).returncode == 1


@pytest.mark.parametrize(
    "options",
    [
        ("--select", "TF201"),
        ("--ignore", "TF2"),
        ("--level", "native"),
        ("--target-version", "2.15"),
    ],
)
def test_other_settings_do_not_reuse_an_entry(tmp_path: Path, options: tuple[str, ...]) -> None:
    root = _example_project(tmp_path)
    run("check", root, "--format", "json")
    expected = run("check", root, "--format", "json", *options, "--no-cache").stdout
    assert expected != run("check", root, "--format", "json").stdout
    assert run("check", root, "--format", "json", *options).stdout == expected


def test_pyproject_settings_are_part_of_the_key(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    assert run("check", root).returncode == 1
    with (root / "pyproject.toml").open("a") as config:
        config.write("[tool.tf2-lsp]\nignore = ['TF']\n")
    assert run("check", root).returncode == 0


def test_another_version_never_reads_the_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {"a.py": TF1})
    run("check", root)
    stored = _stored(root / CACHE_DIR_NAME)
    stored["records"] = []
    _replace_stored(root / CACHE_DIR_NAME, stored)  # what this version would now wrongly report
    assert run("check", root).returncode == 0
    monkeypatch.setattr(tf2_lsp, "__version__", "99.0")
    assert run("check", root).returncode == 1
    assert len({pack.parent for pack, _ in _entries(root / CACHE_DIR_NAME)}) == 2


def test_a_new_version_keeps_the_most_recently_written_few_and_nothing_else_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every upgrade starts a directory of its own: they must not pile up in a project.
    directory = tmp_path / CACHE_DIR_NAME
    directory.mkdir()
    old = []
    for age in range(6):
        version = directory / f"{age:016x}"
        version.mkdir()
        (version / "entry.json").write_text("{}")
        os.utime(version, (1_000_000 - age, 1_000_000 - age))
        old.append(version)
    mine = directory / "notes"  # not a fingerprint: never touched
    mine.mkdir()
    monkeypatch.setattr(tf2_lsp, "__version__", "99.0")
    cache = ResultCache.open(directory)
    assert cache is not None and cache.root.is_dir()
    fingerprints = {p for p in directory.iterdir() if p.is_dir() and p != mine}
    assert fingerprints == {cache.root, *old[: KEPT_VERSIONS - 1]}
    assert mine.is_dir()
    # Opening it again removes nothing more.
    again = ResultCache.open(directory)
    assert again is not None and again.root == cache.root
    assert {p for p in directory.iterdir() if p.is_dir() and p != mine} == fingerprints


def test_the_fingerprint_follows_the_version_and_the_rule_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = code_fingerprint()
    assert code_fingerprint() == first
    monkeypatch.setattr(tf2_lsp, "__version__", "99.0")
    assert code_fingerprint() != first
    monkeypatch.undo()
    # A checkout's rules/*.toml sit beside the package: an edited rule changes the fingerprint.
    package = tmp_path / "tf2_lsp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (tmp_path / "rules").mkdir()
    rule = tmp_path / "rules" / "a.toml"
    rule.write_text("x = 1\n")
    monkeypatch.setattr(tf2_lsp, "__file__", str(package / "__init__.py"))
    before = code_fingerprint()
    rule.write_text("x = 22\n")
    assert code_fingerprint() != before


def test_fix_forgets_what_it_rewrites(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1, "clean.py": "x = 1\n"})
    run("check", root)
    assert len(_entries(root / CACHE_DIR_NAME)) == 2
    assert run("fix", root).returncode == 0
    assert _stored(root / CACHE_DIR_NAME)["digest"] == text_digest("x = 1\n")
    assert run("check", root).returncode == 0


def test_fix_creates_no_cache(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    assert run("fix", root).returncode == 0
    assert not (root / CACHE_DIR_NAME).exists()


def test_the_cache_keeps_itself_out_of_git(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = project(tmp_path, {"a.py": TF1})
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    run("check", root)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status.split() == ["??", "a.py", "??", "pyproject.toml"]
    assert (root / CACHE_DIR_NAME / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f59")


def test_cache_dir_option_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"a.py": TF1})
    run("check", root, "--cache-dir", tmp_path / "given")
    assert len(_entries(tmp_path / "given")) == 1
    monkeypatch.setenv("TF2LSP_CACHE_DIR", str(tmp_path / "from-env"))
    run("check", root)
    assert len(_entries(tmp_path / "from-env")) == 1
    assert not (root / CACHE_DIR_NAME).exists()


def test_no_project_file_puts_the_cache_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "a.py").write_text(TF1)
    (tmp_path / "work").mkdir()
    run_process("check", tmp_path / "code", cwd=tmp_path / "work")
    assert len(_entries(tmp_path / "work" / CACHE_DIR_NAME)) == 1


def test_a_cache_that_cannot_be_made_is_a_warning(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": TF1})
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    result = run("check", root, "--cache-dir", blocked, "--format", "json")
    assert "cannot use the cache directory" in result.stderr
    assert result.stdout == run("check", root, "--format", "json", "--no-cache").stdout


def test_a_damaged_entry_is_a_miss_and_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    cache = ResultCache.open(tmp_path / "c")
    assert cache is not None
    path, settings = tmp_path / "a.py", Settings()
    record = Record("a.py", 1, 1, 1, 5, "TF201", "warning", "m", "tensorflow.Session", None)
    result = FileResult("a.py", records=[record], lines=3)
    cache.write([cache.entry(path, settings, "d1", result)])
    assert cache.load(path, "a.py", settings, "d1") == result
    assert cache.load(path, "a.py", settings, "d2") is None  # the text changed
    assert cache.load(path, "b.py", settings, "d1") is None  # reported under another name
    [(pack, _)] = _entries(tmp_path / "c")
    assert not [p for p in pack.parent.iterdir() if p.name.startswith(".tmp-")]
    pack.write_text(pack.read_text()[:60])  # cut short
    assert ResultCache(cache.root).load(path, "a.py", settings, "d1") is None


def _result(name: str) -> FileResult:
    record = Record(name, 1, 1, 1, 5, "TF201", "warning", "m", "tensorflow.Session", None)
    return FileResult(name, records=[record], lines=1)


def test_a_pack_keeps_the_other_files_entries_when_one_is_written_again(tmp_path: Path) -> None:
    # A directory's files share a pack: writing one file's entry (an edited file, or a run
    # over that file alone), or losing one to damage, leaves its neighbours' entries.
    cache = ResultCache.open(tmp_path / "c")
    assert cache is not None
    settings = Settings()
    names = ["a.py", "b.py", "tab\there.py", "new\nline.py"]
    cache.write([cache.entry(tmp_path / n, settings, "d1", _result(n)) for n in names])
    cache.write([cache.entry(tmp_path / "a.py", settings, "d2", _result("a.py"))])
    [(pack, _), *others] = _entries(tmp_path / "c")
    assert {p for p, _ in others} == {pack}
    lines = pack.read_text().splitlines()
    assert lines[1].startswith('"b.py/')
    pack.write_text("\n".join([lines[0], lines[1][:30], *lines[2:]]))  # one damaged line
    fresh = ResultCache(cache.root)
    loaded = {n: fresh.load(tmp_path / n, n, settings, "d1") for n in names}
    assert loaded == {
        "a.py": None,  # written again for another text
        "b.py": None,  # damaged
        "tab\there.py": _result("tab\there.py"),
        "new\nline.py": _result("new\nline.py"),
    }
    assert fresh.load(tmp_path / "a.py", "a.py", settings, "d2") == _result("a.py")
    other = tmp_path / "sub" / "a.py"
    cache.write([cache.entry(other, settings, "d1", _result("sub/a.py"))])
    assert len(list((tmp_path / "c").rglob(f"*{PACK_SUFFIX}"))) == 2  # a pack per directory
    assert fresh.load(other, "sub/a.py", settings, "d1") == _result("sub/a.py")


def test_forgetting_a_file_keeps_its_neighbours(tmp_path: Path) -> None:
    cache = ResultCache.open(tmp_path / "c")
    assert cache is not None
    settings = Settings()
    for name in ("a.py", "ab.py"):
        cache.write([cache.entry(tmp_path / name, settings, "d1", _result(name))])
    cache.forget([tmp_path / "a.py"])
    assert [key.partition("/")[0] for _, key in _entries(tmp_path / "c")] == ["ab.py"]
    cache.forget([tmp_path / "ab.py"])
    assert _entries(tmp_path / "c") == []


def test_runs_at_the_same_time_agree(tmp_path: Path) -> None:
    root = project(tmp_path, {f"m{i}.py": TF1 for i in range(20)})
    expected = run("check", root, "--format", "json", "--no-cache").stdout
    command = [sys.executable, "-m", "tf2_lsp", "check", str(root), "--format", "json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, env=env, cwd=root) for _ in range(3)
    ]
    outputs = [process.communicate()[0].decode() for process in processes]
    assert outputs == [expected] * 3
    assert run("check", root, "--format", "json").stdout == expected
    assert not [p for p in (root / CACHE_DIR_NAME).rglob(".tmp-*")]


def test_a_change_to_another_file_the_findings_read_is_seen(tmp_path: Path) -> None:
    # A test module that drives a graph-mode library of its project needs the opt-out (TF801):
    # its findings depend on the library's text, not only its own.
    library = "import tensorflow as tf\n\ndef build():\n    return tf.ones([2])\n"
    graph_library = library.replace("tf.ones([2])", "tf.compat.v1.placeholder(tf.float32)")
    test = "import tensorflow as tf\nimport lib\n\ndef test_build():\n    assert lib.build()\n"
    root = project(tmp_path, {"lib.py": library, "test_lib.py": test})

    def test_codes() -> list[str]:
        found = json.loads(run("check", root / "test_lib.py", "--format", "json").stdout)
        return [f["code"] for f in found]

    assert test_codes() == []
    (root / "lib.py").write_text(graph_library)
    assert test_codes() == ["TF801"]
    assert json.loads(run("check", root / "test_lib.py", "--format", "json", "--no-cache").stdout)


def test_a_model_functions_answer_follows_its_callers_in_other_files(tmp_path: Path) -> None:
    callee = model_package(project(tmp_path, {}), TF2_CALLER)

    def fixable() -> bool:
        found = json.loads(run("check", callee, "--level", "native", "--format", "json").stdout)
        (model,) = [f for f in found if f["code"] == "TF938"]
        return model["fix"] is not None

    assert fixable() and fixable()  # the second from the cache
    write(tmp_path / "pkg" / "run.py", GRAPH_CALLER)
    assert not fixable()


def test_a_collection_reader_added_or_removed_elsewhere_is_seen(tmp_path: Path) -> None:
    # The model's layer fix depends on every module of its program that may read its
    # penalties: a new reader file, and its removal, change the answer the cache keeps.
    model = reader_package(project(tmp_path, {}), NO_READER)

    def fixable() -> bool:
        found = json.loads(run("check", model, "--level", "native", "--format", "json").stdout)
        (finding,) = [f for f in found if f["code"] == "TF938"]
        return finding["fix"] is not None

    assert fixable() and fixable()  # the second from the cache
    write(tmp_path / "pkg" / "train.py", ENTRY + "import pkg.penalties\n")
    assert fixable()  # the import names a module not there yet
    reader = tmp_path / "pkg" / "penalties.py"
    reader.write_text(PENALTY_READER)
    assert not fixable()
    reader.unlink()
    assert fixable()
    write(tmp_path / "pkg" / "losses.py", PENALTY_READER)  # an edit of a file that was there
    assert not fixable()
