#!/usr/bin/env bash
# CI for the VS Code extension: clean install from the lockfile, then
# typecheck, lint, build, unit tests and `vsce package` (see package.json "ci").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
npm ci --no-audit --no-fund
npm run ci
