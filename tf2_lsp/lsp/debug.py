"""The debug-info command: what a bug report needs, in one answer.

Versions of the server and of what it runs on, the settings in force for each workspace
folder with where each came from (default, editor, or which pyproject.toml), and the
catalogue's size.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import fields
from importlib import metadata
from pathlib import Path
from typing import Any

from tf2_lsp import __version__
from tf2_lsp.catalogue.rules import CatalogueError
from tf2_lsp.lsp.session import Session
from tf2_lsp.settings import Settings, load_project_settings

PACKAGES = ("pygls", "lsprotocol", "libcst", "jedi")


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def folder_settings(session: Session, folder: Path) -> dict[str, Any]:
    """Each setting in force in `folder`, its value and where it came from."""
    project, _, pyproject = load_project_settings(folder)
    editor = session.folders.editor
    in_force = session.settings_for((folder / "__any__.py").as_uri())
    settings: dict[str, Any] = {}
    for item in fields(Settings):
        name = item.name
        if name == "explicit":
            continue
        if pyproject is not None and name in project.explicit:
            source = str(pyproject)
        elif name in editor.explicit:
            source = "editor"
        else:
            source = "default"
        settings[name] = {"value": _jsonable(getattr(in_force, name)), "source": source}
    return {
        "folder": str(folder),
        "pyproject": str(pyproject) if pyproject is not None else None,
        "settings": settings,
    }


def debug_info(session: Session) -> dict[str, Any]:
    from tf2_lsp.lsp.workspace import workspace_folders

    try:
        catalogue = session.catalogue
        rules: dict[str, Any] = {
            "rules": len(catalogue.rules),
            "families": len({rule.family.id for rule in catalogue.rules}),
            "symbols": sum(len(rule.symbols) for rule in catalogue.rules),
            "fixable": sum(1 for rule in catalogue.rules if rule.fixes),
        }
    except CatalogueError as error:
        rules = {"error": str(error)}
    return {
        "server": {"name": "tf2-lsp", "version": __version__},
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "executable": sys.executable,
        "packages": {package: _version(package) for package in PACKAGES},
        "positionEncoding": session.encoding,
        "editorSettings": session.folders.editor_raw,
        "folders": [folder_settings(session, folder) for folder in workspace_folders(session)],
        "catalogue": rules,
        "openDocuments": len(session.server.workspace.text_documents),
    }
