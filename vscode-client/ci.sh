#!/usr/bin/env bash
# CI for the VS Code extension: clean install from the lockfile; typecheck, lint, build and
# unit tests (package.json "ci"); then the packages: the universal .vsix (no server inside)
# and this machine's platform .vsix with the server bundled (the tf2-lsp wheel built from this
# checkout, or TF2LSP_WHEEL=FILE, and its dependencies from PyPI: needs `python3` with pip and
# network access), and a start of that bundled server with a bare Python over LSP
# (scripts/smoke_vsix.py).
set -euo pipefail
wheel_args=()
if [[ -n "${TF2LSP_WHEEL:-}" ]]; then
    wheel_args=(--wheel "$(realpath "$TF2LSP_WHEEL")")
fi
cd "$(dirname "${BASH_SOURCE[0]}")"
npm ci --no-audit --no-fund
npm run ci
rm -f ./*.vsix
python3 scripts/package_vsix.py --target universal
# This machine's target, e.g. tf2-lsp-linux-x64.vsix.
python3 scripts/package_vsix.py "${wheel_args[@]}"
for vsix in tf2-lsp-*.vsix; do
    python3 scripts/smoke_vsix.py "$vsix"
done
ls -l ./*.vsix
