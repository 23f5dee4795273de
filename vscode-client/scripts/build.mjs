// Bundles the extension (dist/extension.js) and the CLI (dist/cli.js) with esbuild.
//   node scripts/build.mjs            -> dist/
//   node scripts/build.mjs --tests    -> dist/ and out/test/*.test.js (vscode aliased to a stand-in)
//   node scripts/build.mjs --watch    -> dist/, rebuilding on change
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const production = !args.has('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: production ? false : 'inline',
  minify: false,
  logLevel: 'warning',
  absWorkingDir: root,
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: production,
  },
  {
    ...common,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    // The CLI must never need VS Code: fail the build if it reaches `vscode`.
    external: [],
    banner: { js: '#!/usr/bin/env node' },
  },
];

if (args.has('--tests')) {
  rmSync(join(root, 'out'), { recursive: true, force: true });
  const tests = readdirSync(join(root, 'test'))
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `test/${name}`);
  builds.push({
    ...common,
    sourcemap: 'inline',
    entryPoints: tests,
    outdir: 'out/test',
    alias: { vscode: './test/vscodeStub.ts' },
  });
}

if (args.has('--watch')) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('watching for changes...');
} else {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
