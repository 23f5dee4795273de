/**
 * `node dist/cli.js [--workspace DIR] [--python-extension-interpreter PY] [--extension-dir DIR] < settings.json`
 *
 * Prints `{"command": [...], "initializationOptions": {...}}`: the command the
 * extension would start the server with and the options it would send, computed
 * by the same modules (serverCommand.ts, settings.ts). Reads a JSON object of VS
 * Code settings on stdin (`{"tf2-lsp.interpreter": "/usr/bin/python3", ...}`)
 * and PATH from the environment. `--extension-dir` is where the extension is installed
 * (default: the directory above dist/), which holds the bundled server if it has one.
 * Exits 1, with the reason on stderr, when no
 * server is found; exit 2 on bad input.
 */
import * as os from 'node:os';
import * as nodePath from 'node:path';

import { findBundle } from './bundle';

import { createNodeProbe } from './nodeProbe';
import { resolveServerCommand } from './serverCommand';
import { buildServerOptions, readClientSettings, settingsFromJson } from './settings';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'usage: node dist/cli.js [--workspace DIR] [--python-extension-interpreter PY] [--extension-dir DIR] < settings.json\n',
    );
    return 0;
  }
  const text = (await readStdin()).trim();
  let json: unknown = {};
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch (error) {
      process.stderr.write(`tf2-lsp cli: stdin is not JSON: ${String(error)}\n`);
      return 2;
    }
  }
  const source = settingsFromJson(json);
  const options = buildServerOptions(source);
  const client = readClientSettings(source);
  for (const problem of [...options.problems, ...client.problems]) process.stderr.write(`warning: ${problem}\n`);

  const workspaceFolder = option(args, '--workspace') ?? process.cwd();
  const pythonExt = option(args, '--python-extension-interpreter');
  const resolution = await resolveServerCommand(
    {
      settings: client.value,
      environment: { platform: process.platform, env: process.env, homeDir: os.homedir(), workspaceFolder },
      pythonExtensionInterpreter: pythonExt === undefined ? undefined : () => Promise.resolve(pythonExt),
      bundle: await findBundle(nodePath.resolve(option(args, '--extension-dir') ?? nodePath.join(__dirname, '..'))),
    },
    createNodeProbe({ cwd: workspaceFolder, log: (line) => process.stderr.write(`${line}\n`) }),
  );
  if (args.includes('--verbose')) for (const line of resolution.log) process.stderr.write(`${line}\n`);
  if (!resolution.ok) {
    process.stderr.write(`${resolution.message}\n${resolution.log.join('\n')}\n`);
    return 1;
  }
  const output = { command: resolution.command, bundled: resolution.bundled, initializationOptions: options.value };
  process.stdout.write(`${JSON.stringify(output)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tf2-lsp cli: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
