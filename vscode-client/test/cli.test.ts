/** dist/cli.js end to end: real fs probe, real PATH lookup, real (fake) interpreter. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
const posix = process.platform !== 'win32';

/** Runs dist/cli.js; without `args`, for an extension directory with no bundled server. */
function run(
  settings: unknown,
  env: Record<string, string>,
  args: string[] = ['--extension-dir', join(tmpdir(), 'tf2-lsp-no-such-extension')],
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], {
    input: JSON.stringify(settings),
    env: { ...env, SYSTEMROOT: process.env.SYSTEMROOT ?? '' },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('dist/cli.js', { skip: !posix && 'needs POSIX shell scripts as fake programs' }, () => {
  let dir = '';
  before(() => {
    assert.ok(existsSync(cli), `${cli} exists (run npm run build)`);
    dir = mkdtempSync(join(tmpdir(), 'tf2-lsp-cli-'));
    for (const [name, body] of [
      ['tf2-lsp', 'exit 0'],
      // Python stand-ins: the import check exits 0 (found) or 3 (missing).
      ['python-ok', 'exit 0'],
      ['python-missing', 'exit 3'],
      // A Python stand-in for the version probe.
      ['python3', 'echo 3.12'],
    ] as const) {
      writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    }
    writeFileSync(join(dir, 'not-executable'), '');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the interpreter command and the initializationOptions', () => {
    const { status, stdout } = run(
      { 'tf2-lsp.interpreter': join(dir, 'python-ok'), 'tf2-lsp.level': 'compat', 'tf2-lsp.select': ['TF101'] },
      { PATH: '/nonexistent' },
    );
    assert.equal(status, 0);
    assert.deepEqual(JSON.parse(stdout), {
      command: [join(dir, 'python-ok'), '-m', 'tf2_lsp', 'serve'],
      bundled: false,
      initializationOptions: { level: 'compat', select: ['TF101'] },
    });
  });

  it('finds tf2-lsp on PATH when nothing is set', () => {
    const { status, stdout } = run({}, { PATH: `/nonexistent:${dir}` });
    assert.equal(status, 0);
    assert.deepEqual(JSON.parse(stdout), {
      command: [join(dir, 'tf2-lsp'), 'serve'],
      bundled: false,
      initializationOptions: {},
    });
  });

  it('runs tf2-lsp.path with serve appended', () => {
    const { stdout } = run({ 'tf2-lsp.path': [join(dir, 'tf2-lsp'), '-v'] }, { PATH: '' });
    assert.deepEqual((JSON.parse(stdout) as { command: string[] }).command, [join(dir, 'tf2-lsp'), '-v', 'serve']);
  });

  it('fails with the install hint when the server is nowhere', () => {
    const { status, stdout, stderr } = run({}, { PATH: '/nonexistent' });
    assert.equal(status, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /pip install <path to the tf2_lsp wheel>/);
  });

  it('fails when the interpreter lacks tf2_lsp', () => {
    const { status, stderr } = run({ 'tf2-lsp.interpreter': join(dir, 'python-missing') }, { PATH: dir });
    assert.equal(status, 1);
    assert.match(stderr, /does not have tf2-lsp installed/);
  });

  it('does not take a non-executable file', () => {
    const { status, stderr } = run({ 'tf2-lsp.path': join(dir, 'not-executable') }, { PATH: dir });
    assert.equal(status, 1);
    assert.match(stderr, /not an executable/);
  });

  it('runs the server bundled in --extension-dir with python3 from PATH', () => {
    const extension = join(dir, 'extension');
    mkdirSync(join(extension, 'bundled', 'tool'), { recursive: true });
    mkdirSync(join(extension, 'bundled', 'libs'), { recursive: true });
    writeFileSync(join(extension, 'bundled', 'tool', 'launch.py'), '');
    const target = `${process.platform}-${process.arch}`;
    writeFileSync(join(extension, 'bundled', 'manifest.json'), JSON.stringify({ target, pythonVersions: ['3.12'] }));
    const { status, stdout, stderr } = run({}, { PATH: dir }, ['--extension-dir', extension]);
    assert.equal(status, 0, stderr);
    assert.deepEqual(JSON.parse(stdout), {
      command: [join(dir, 'python3'), '-I', join(extension, 'bundled', 'tool', 'launch.py'), 'serve'],
      bundled: true,
      initializationOptions: {},
    });
  });

  it('rejects input that is not JSON', () => {
    const result = spawnSync(process.execPath, [cli], { input: '{nope', encoding: 'utf8' });
    assert.equal(result.status, 2);
  });
});
