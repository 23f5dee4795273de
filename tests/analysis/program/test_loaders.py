"""Two modules share a program when some file of the project loads both, directly, through
the modules it imports, or through a package `__init__` that loads one of them."""

from __future__ import annotations

from pathlib import Path

from tf2_lsp.analysis.program.loaders import Loaders


def package(root: Path, files: dict[str, str]) -> None:
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_an_entry_point_that_imports_both_joins_them(tmp_path: Path) -> None:
    package(
        tmp_path,
        {
            "pkg/model.py": "",
            "pkg/losses.py": "",
            "pkg/train.py": "from pkg.model import f\nimport pkg.losses\n",
        },
    )
    loaders = Loaders()
    model, losses = str(tmp_path / "pkg/model.py"), str(tmp_path / "pkg/losses.py")
    assert loaders.of(model) == {model, str(tmp_path / "pkg/train.py")}
    assert loaders.share_a_program(model, losses)


def test_loading_runs_through_chains_of_imports(tmp_path: Path) -> None:
    package(
        tmp_path,
        {
            "pkg/model.py": "",
            "pkg/net.py": "from . import model\n",
            "pkg/losses.py": "",
            "main.py": "from pkg import net, losses\n",
        },
    )
    loaders = Loaders()
    assert loaders.share_a_program(str(tmp_path / "pkg/model.py"), str(tmp_path / "pkg/losses.py"))


def test_separate_entry_points_are_separate_programs(tmp_path: Path) -> None:
    package(
        tmp_path,
        {
            "pkg/model.py": "",
            "pkg/losses.py": "",
            "train.py": "import pkg.model\n",
            "evaluate.py": "import pkg.losses\n",
        },
    )
    loaders = Loaders()
    model, losses = str(tmp_path / "pkg/model.py"), str(tmp_path / "pkg/losses.py")
    assert not loaders.share_a_program(model, losses)
    # A package `__init__` that loads the model is run by loading any module of the package.
    (tmp_path / "pkg" / "__init__.py").write_text("from pkg.model import f\n")
    assert Loaders().share_a_program(model, losses)


def test_a_subpackage_module_loads_the_init_of_every_package_around_it(tmp_path: Path) -> None:
    package(
        tmp_path,
        {
            "pkg/sub/__init__.py": "",
            "pkg/sub/model.py": "",
            "pkg/losses.py": "",
            "train.py": "from pkg.sub import model\n",
        },
    )
    model, losses = str(tmp_path / "pkg/sub/model.py"), str(tmp_path / "pkg/losses.py")
    assert not Loaders().share_a_program(model, losses)
    (tmp_path / "pkg" / "__init__.py").write_text("from . import losses\n")
    assert Loaders().share_a_program(model, losses)


def test_loaded_by_follows_imports_forwards_and_packages_upwards(tmp_path: Path) -> None:
    package(
        tmp_path,
        {
            "pkg/model.py": "from pkg import blocks\n",
            "pkg/blocks.py": "import numpy\n",
            "pkg/losses.py": "",
        },
    )
    loaded = Loaders().loaded_by(str(tmp_path / "pkg/model.py"))
    assert loaded == {str(tmp_path / f"pkg/{n}.py") for n in ("model", "blocks", "__init__")}
