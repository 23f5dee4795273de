import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { BundleLookup } from '../src/bundle';
import {
  expandPath,
  findOnPath,
  resolveServerCommand,
  type Environment,
  type ModuleCheck,
  type Probe,
  type ResolveInputs,
} from '../src/serverCommand';

/** A probe over an in-memory set of executables and interpreters (Python 3.11 unless `versions` says). */
function fakeProbe(
  executables: string[],
  modules: Record<string, ModuleCheck> = {},
  versions: Record<string, string | undefined> = {},
): Probe & { checked: string[] } {
  const files = new Set(executables);
  const checked: string[] = [];
  return {
    checked,
    isExecutableFile: (file) => Promise.resolve(files.has(file)),
    pythonHasModule: (python) => {
      checked.push(python);
      return Promise.resolve(modules[python] ?? 'yes');
    },
    pythonVersion: (python) =>
      Promise.resolve(python in versions ? versions[python] : files.has(python) ? '3.11' : undefined),
  };
}

const linux: Environment = {
  platform: 'linux',
  env: { PATH: '/usr/local/bin:/usr/bin:/home/me/.local/bin' },
  homeDir: '/home/me',
  workspaceFolder: '/work/proj',
};

function inputs(overrides: Partial<ResolveInputs> = {}): ResolveInputs {
  return { settings: {}, environment: linux, ...overrides };
}

describe('resolveServerCommand order', () => {
  const everything = fakeProbe(['/opt/bin/tf2-lsp', '/usr/bin/python3', '/venv/bin/python', '/usr/bin/tf2-lsp']);
  const pythonExt = (): Promise<string> => Promise.resolve('/venv/bin/python');

  it('1. tf2-lsp.path wins, run as <path...> serve', async () => {
    const result = await resolveServerCommand(
      inputs({
        settings: { path: ['/opt/bin/tf2-lsp', '--log-level', 'debug'], interpreter: '/usr/bin/python3' },
        pythonExtensionInterpreter: pythonExt,
      }),
      everything,
    );
    assert.equal(result.ok, true);
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/opt/bin/tf2-lsp', '--log-level', 'debug', 'serve']);
    assert.equal(result.source, 'tf2-lsp.path');
  });

  it('2. then tf2-lsp.interpreter, run as <python> -m tf2_lsp serve', async () => {
    let asked = false;
    const result = await resolveServerCommand(
      inputs({
        settings: { interpreter: '/usr/bin/python3' },
        pythonExtensionInterpreter: () => {
          asked = true;
          return pythonExt();
        },
      }),
      everything,
    );
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/usr/bin/python3', '-m', 'tf2_lsp', 'serve']);
    assert.equal(result.source, 'tf2-lsp.interpreter');
    assert.equal(asked, false, 'the Python extension is not consulted when a setting decides');
  });

  it('3. then the Python extension interpreter', async () => {
    const result = await resolveServerCommand(inputs({ pythonExtensionInterpreter: pythonExt }), everything);
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/venv/bin/python', '-m', 'tf2_lsp', 'serve']);
    assert.equal(result.source, 'python-extension');
  });

  it('4. then tf2-lsp on PATH (first directory that has it)', async () => {
    const probe = fakeProbe(['/usr/bin/tf2-lsp', '/home/me/.local/bin/tf2-lsp']);
    const result = await resolveServerCommand(inputs(), probe);
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/usr/bin/tf2-lsp', 'serve']);
    assert.equal(result.source, 'PATH');
  });
});

describe('Python extension fall-through', () => {
  const onPath = ['/usr/bin/tf2-lsp', '/venv/bin/python'];

  for (const [name, interpreter] of [
    ['throws', (): Promise<string | undefined> => Promise.reject(new Error('API changed'))],
    ['returns nothing', (): Promise<string | undefined> => Promise.resolve(undefined)],
    ['returns a missing file', (): Promise<string | undefined> => Promise.resolve('/gone/python')],
  ] as const) {
    it(`falls through to PATH when the extension ${name}`, async () => {
      const result = await resolveServerCommand(inputs({ pythonExtensionInterpreter: interpreter }), fakeProbe(onPath));
      assert.ok(result.ok);
      assert.equal(result.source, 'PATH');
      assert.ok(result.log.some((line) => line.startsWith('Python extension:')), result.log.join('\n'));
    });
  }

  it('falls through when the selected interpreter lacks tf2_lsp', async () => {
    const probe = fakeProbe(onPath, { '/venv/bin/python': 'no' });
    const result = await resolveServerCommand(
      inputs({ pythonExtensionInterpreter: () => Promise.resolve('/venv/bin/python') }),
      probe,
    );
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/usr/bin/tf2-lsp', 'serve']);
    assert.deepEqual(probe.checked, ['/venv/bin/python']);
  });
});

describe('failures', () => {
  it('reports "not found" with the install hint and the PATH searched', async () => {
    const result = await resolveServerCommand(inputs(), fakeProbe([]));
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.equal(result.reason, 'not-found');
    assert.match(result.message, /pip install <path to the tf2_lsp wheel>/);
    assert.match(result.message, /tf2-lsp\.interpreter/);
    assert.ok(result.log.some((line) => line.includes('/usr/local/bin:/usr/bin')));
  });

  it('does not fall through past a broken tf2-lsp.path', async () => {
    const result = await resolveServerCommand(
      inputs({ settings: { path: ['/nope/tf2-lsp'] } }),
      fakeProbe(['/usr/bin/tf2-lsp']),
    );
    assert.ok(!result.ok);
    assert.equal(result.reason, 'setting');
    assert.match(result.message, /tf2-lsp\.path/);
    assert.match(result.message, /\/nope\/tf2-lsp/);
  });

  it('does not fall through past a tf2-lsp.interpreter without the module', async () => {
    const result = await resolveServerCommand(
      inputs({ settings: { interpreter: '/usr/bin/python3' } }),
      fakeProbe(['/usr/bin/python3', '/usr/bin/tf2-lsp'], { '/usr/bin/python3': 'no' }),
    );
    assert.ok(!result.ok);
    assert.equal(result.reason, 'setting');
    assert.match(result.message, /-m pip install <path to the tf2_lsp wheel>/);
  });

  it('tries an interpreter whose module check could not run', async () => {
    const result = await resolveServerCommand(
      inputs({ settings: { interpreter: '/usr/bin/python3' } }),
      fakeProbe(['/usr/bin/python3'], { '/usr/bin/python3': 'unknown' }),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/usr/bin/python3', '-m', 'tf2_lsp', 'serve']);
  });
});

describe('paths in settings', () => {
  it('looks a bare command name up on PATH', async () => {
    const result = await resolveServerCommand(
      inputs({ settings: { interpreter: 'python3' } }),
      fakeProbe(['/usr/bin/python3']),
    );
    assert.ok(result.ok);
    assert.equal(result.command[0], '/usr/bin/python3');
  });

  it('expands ~, ${userHome}, ${workspaceFolder}, ${env:X} and relative paths', () => {
    const env: Environment = { ...linux, env: { ...linux.env, VENV: '/v' } };
    assert.equal(expandPath('~/bin/tf2-lsp', env), '/home/me/bin/tf2-lsp');
    assert.equal(expandPath('${userHome}/bin/tf2-lsp', env), '/home/me/bin/tf2-lsp');
    assert.equal(expandPath('${workspaceFolder}/.venv/bin/python', env), '/work/proj/.venv/bin/python');
    assert.equal(expandPath('${env:VENV}/bin/python', env), '/v/bin/python');
    assert.equal(expandPath('.venv/bin/python', env), '/work/proj/.venv/bin/python');
    assert.equal(expandPath('python3', env), 'python3');
  });

  it('resolves a relative interpreter against the workspace folder', async () => {
    const result = await resolveServerCommand(
      inputs({ settings: { interpreter: '.venv/bin/python' } }),
      fakeProbe(['/work/proj/.venv/bin/python']),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/work/proj/.venv/bin/python', '-m', 'tf2_lsp', 'serve']);
  });
});

describe('Windows', () => {
  const windows: Environment = {
    platform: 'win32',
    env: { Path: 'C:\\Python312\\Scripts;"C:\\Tools"', PATHEXT: '.COM;.EXE;.BAT;.CMD' },
    homeDir: 'C:\\Users\\me',
    workspaceFolder: 'C:\\proj',
  };

  it('honours PATHEXT and a case-insensitive Path variable', async () => {
    const probe = fakeProbe(['C:\\Tools\\tf2-lsp.cmd', 'C:\\Python312\\Scripts\\tf2-lsp.exe']);
    assert.equal(await findOnPath('tf2-lsp', windows, probe), 'C:\\Python312\\Scripts\\tf2-lsp.exe');
    const onlyCmd = fakeProbe(['C:\\Tools\\tf2-lsp.cmd']);
    assert.equal(await findOnPath('tf2-lsp', windows, onlyCmd), 'C:\\Tools\\tf2-lsp.cmd');
  });

  it('does not take an extension-less file as a program', async () => {
    const probe = fakeProbe(['C:\\Tools\\tf2-lsp']);
    assert.equal(await findOnPath('tf2-lsp', windows, probe), undefined);
  });

  it('finds an interpreter given without .exe', async () => {
    const result = await resolveServerCommand(
      { settings: { interpreter: 'C:\\Python312\\python' }, environment: windows },
      fakeProbe(['C:\\Python312\\python.exe']),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['C:\\Python312\\python.exe', '-m', 'tf2_lsp', 'serve']);
  });

  it('resolves a relative interpreter with backslashes against the workspace folder', () => {
    assert.equal(expandPath('.venv\\Scripts\\python.exe', windows), 'C:\\proj\\.venv\\Scripts\\python.exe');
  });
});

describe('bundled server (importStrategy useBundled, the default)', () => {
  const launcher = '/ext/bundled/tool/launch.py';
  const bundle: BundleLookup = {
    ok: true,
    bundle: { launcher, pythonVersions: ['3.10', '3.11', '3.12', '3.13', '3.14'], target: 'linux-x64' },
  };
  const pythons = ['/venv/bin/python', '/usr/bin/python3', '/usr/local/bin/python3', '/usr/bin/tf2-lsp'];
  const selected = (): Promise<string> => Promise.resolve('/venv/bin/python');

  it('runs the bundle with the Python extension interpreter, even one without tf2_lsp', async () => {
    const probe = fakeProbe(pythons, { '/venv/bin/python': 'no' });
    const result = await resolveServerCommand(inputs({ bundle, pythonExtensionInterpreter: selected }), probe);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.command, ['/venv/bin/python', '-I', launcher, 'serve']);
    assert.equal(result.source, 'python-extension');
    assert.equal(result.bundled, true);
    assert.deepEqual(probe.checked, [], 'no import check: the bundle brings tf2_lsp');
  });

  it('runs it with tf2-lsp.interpreter first', async () => {
    const result = await resolveServerCommand(
      inputs({ bundle, settings: { interpreter: 'python3' }, pythonExtensionInterpreter: selected }),
      fakeProbe(pythons, {}, { '/usr/local/bin/python3': '3.12' }),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/usr/local/bin/python3', '-I', launcher, 'serve']);
    assert.equal(result.source, 'tf2-lsp.interpreter');
  });

  it('refuses a tf2-lsp.interpreter of a version the bundle was not built for', async () => {
    const result = await resolveServerCommand(
      inputs({ bundle, settings: { interpreter: '/usr/bin/python3' }, pythonExtensionInterpreter: selected }),
      fakeProbe(pythons, {}, { '/usr/bin/python3': '3.9' }),
    );
    assert.ok(!result.ok);
    assert.equal(result.reason, 'setting');
    assert.match(result.message, /is Python 3\.9; the bundled server needs Python 3\.10–3\.14/);
  });

  it('skips a selected interpreter that is too old for python3 on PATH', async () => {
    const result = await resolveServerCommand(
      inputs({ bundle, pythonExtensionInterpreter: selected }),
      fakeProbe(pythons, {}, { '/venv/bin/python': '3.9', '/usr/local/bin/python3': '3.12' }),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/usr/local/bin/python3', '-I', launcher, 'serve']);
    assert.equal(result.source, 'PATH');
    assert.ok(result.log.some((line) => line.includes('/venv/bin/python is Python 3.9, not 3.10–3.14')));
  });

  it('tries python after a python3 that does not run', async () => {
    const result = await resolveServerCommand(
      inputs({ bundle }),
      fakeProbe(['/usr/bin/python3', '/usr/bin/python'], {}, { '/usr/bin/python3': undefined }),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/usr/bin/python', '-I', launcher, 'serve']);
  });

  it('says which Python it needs when there is none', async () => {
    const result = await resolveServerCommand(
      inputs({ bundle }),
      fakeProbe(['/usr/bin/python3', '/usr/bin/tf2-lsp'], {}, { '/usr/bin/python3': '3.8' }),
    );
    assert.ok(!result.ok);
    assert.equal(result.reason, 'not-found');
    assert.match(result.message, /no Python 3\.10–3\.14 was found to run the bundled tf2-lsp server/);
  });

  it('still lets tf2-lsp.path decide', async () => {
    const result = await resolveServerCommand(
      inputs({ bundle, settings: { path: ['/usr/bin/tf2-lsp'] } }),
      fakeProbe(pythons),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/usr/bin/tf2-lsp', 'serve']);
    assert.equal(result.bundled, false);
  });

  it('looks in the environment when the extension has no bundle, saying why', async () => {
    const result = await resolveServerCommand(
      inputs({ bundle: { ok: false, reason: 'built from source' } }),
      fakeProbe(['/usr/bin/tf2-lsp']),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/usr/bin/tf2-lsp', 'serve']);
    assert.ok(result.log.some((line) => line.includes('built from source')));
  });
});

describe('importStrategy fromEnvironment', () => {
  const launcher = '/ext/bundled/tool/launch.py';
  const bundle: BundleLookup = { ok: true, bundle: { launcher, pythonVersions: ['3.11'], target: 'linux-x64' } };
  const fromEnvironment = { importStrategy: 'fromEnvironment' } as const;

  it('runs the installed server of the selected interpreter', async () => {
    const result = await resolveServerCommand(
      inputs({ bundle, settings: fromEnvironment, pythonExtensionInterpreter: () => Promise.resolve('/venv/bin/python') }),
      fakeProbe(['/venv/bin/python']),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/venv/bin/python', '-m', 'tf2_lsp', 'serve']);
    assert.equal(result.bundled, false);
  });

  it('falls back to the bundled server when nothing is installed', async () => {
    const result = await resolveServerCommand(
      inputs({ bundle, settings: fromEnvironment, pythonExtensionInterpreter: () => Promise.resolve('/venv/bin/python') }),
      fakeProbe(['/venv/bin/python'], { '/venv/bin/python': 'no' }),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.command, ['/venv/bin/python', '-I', launcher, 'serve']);
    assert.equal(result.bundled, true);
  });

  it('does not fall back past a broken tf2-lsp.interpreter', async () => {
    const result = await resolveServerCommand(
      inputs({ bundle, settings: { ...fromEnvironment, interpreter: '/usr/bin/python3' } }),
      fakeProbe(['/usr/bin/python3'], { '/usr/bin/python3': 'no' }),
    );
    assert.ok(!result.ok);
    assert.equal(result.reason, 'setting');
  });

  it('keeps the install hint when neither is usable', async () => {
    const result = await resolveServerCommand(
      inputs({ bundle, settings: fromEnvironment }),
      fakeProbe(['/usr/bin/python3'], {}, { '/usr/bin/python3': '3.9' }),
    );
    assert.ok(!result.ok);
    assert.equal(result.reason, 'not-found');
    assert.match(result.message, /pip install/);
  });
});
