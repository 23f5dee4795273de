#!/usr/bin/env node
// Prints {"command": [...], "initializationOptions": {...}} for the VS Code
// settings JSON on stdin, using the extension's own modules (bundled into
// dist/cli.js by `npm run build`). Same arguments as dist/cli.js.
//   echo '{"tf2-lsp.interpreter": "/usr/bin/python3"}' | node scripts/print-server-command.mjs
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write(`${cli} is missing: run \`npm run build\` in vscode-client/ first.\n`);
  process.exit(2);
}
createRequire(import.meta.url)(cli);
