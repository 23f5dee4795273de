"""Run the tf2-lsp bundled with the VS Code extension: `python -I launch.py serve` (or any
other `tf2-lsp` command line, e.g. `report DIR -o FILE`).

`-I` keeps the environment out (PYTHONPATH, the user site, the current directory); the
bundled libraries then go first on sys.path, so the server is the bundled one even when the
interpreter's environment has another tf2-lsp, libcst or pygls installed.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

BUNDLED = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBS = os.path.join(BUNDLED, "libs")
MANIFEST = os.path.join(BUNDLED, "manifest.json")
EXIT_UNUSABLE = 2


def _fail(message: str) -> None:
    sys.stderr.write("tf2-lsp (bundled): " + message + "\n")
    sys.exit(EXIT_UNUSABLE)


def _supported_versions() -> list[str]:
    try:
        with open(MANIFEST, encoding="utf-8") as stream:
            return list(json.load(stream)["pythonVersions"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


def main() -> None:
    running = "{}.{}".format(*sys.version_info[:2])
    if not os.path.isdir(LIBS):
        _fail(f"this copy of the extension has no bundled server ({LIBS} is missing).")
    supported = _supported_versions()
    if running not in supported:
        _fail(
            f"Python {running} ({sys.executable}) cannot run the bundled server; it was built "
            f"for Python {', '.join(supported) or '(unknown)'}. Select another interpreter, or "
            "set tf2-lsp.importStrategy to fromEnvironment and install tf2-lsp yourself."
        )
    sys.path.insert(0, LIBS)
    try:
        # The compiled part of libcst exists once per Python version: fail now, not at a fix.
        importlib.import_module("libcst.native")
    except ImportError as error:
        _fail(f"the bundled libcst does not load on Python {running}: {error}")
    from tf2_lsp.cli.main import main as tf2_lsp_main

    sys.argv[0] = "tf2-lsp"
    sys.exit(tf2_lsp_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
