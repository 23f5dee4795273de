/** configSync, notifications and pythonExtension against the `vscode` stand-in (test/vscodeStub.ts). */
import * as assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';

import * as vscode from 'vscode';
import type { CancellationToken, ConfigurationParams } from 'vscode-languageclient/node';

import { configurationMiddleware, currentClientSettings, currentServerOptions, needsRestart } from '../src/configSync';
import { OPEN_SETTINGS, SHOW_OUTPUT, showServerProblem } from '../src/notifications';
import { PYTHON_EXTENSION_ID, getSelectedInterpreter } from '../src/pythonExtension';
import { DEFAULTS } from '../src/settings';
import { stub } from './vscodeStub';

function contributeDefaults(): void {
  for (const [key, value] of Object.entries(DEFAULTS)) stub.defaults.set(`tf2-lsp.${key}`, value);
  stub.defaults.set('tf2-lsp.path', []);
  stub.defaults.set('tf2-lsp.interpreter', '');
  stub.defaults.set('tf2-lsp.trace.server', 'off');
}

beforeEach(() => {
  stub.reset();
  contributeDefaults();
});

describe('reading settings through vscode.workspace', () => {
  it('sends only what the user set; workspace beats user settings', () => {
    stub.user.set('tf2-lsp.level', 'native');
    stub.user.set('tf2-lsp.select', ['TF1']);
    stub.workspace.set('tf2-lsp.select', ['TF101']);
    stub.workspace.set('tf2-lsp.trace.server', 'verbose');
    assert.deepEqual(currentServerOptions().value, { level: 'native', select: ['TF101'] });
  });

  it('reads path and interpreter, ignoring the contributed empty defaults', () => {
    assert.deepEqual(currentClientSettings().value, {});
    stub.user.set('tf2-lsp.interpreter', '/usr/bin/python3');
    assert.deepEqual(currentClientSettings().value, { interpreter: '/usr/bin/python3' });
  });

  it('restarts only for path/interpreter/importStrategy changes', () => {
    const event = (changed: string): vscode.ConfigurationChangeEvent => ({
      affectsConfiguration: (section: string) => changed === section || changed.startsWith(`${section}.`),
    });
    assert.equal(needsRestart(event('tf2-lsp.interpreter')), true);
    assert.equal(needsRestart(event('tf2-lsp.path')), true);
    assert.equal(needsRestart(event('tf2-lsp.importStrategy')), true);
    assert.equal(needsRestart(event('tf2-lsp.level')), false);
  });
});

describe('configuration middleware', () => {
  const token = {} as CancellationToken;

  it('didChangeConfiguration sends {settings: {"tf2-lsp": options}} with the initializationOptions shape', async () => {
    stub.user.set('tf2-lsp.level', 'native');
    stub.user.set('tf2-lsp.severity', { TF101: 'error' });
    stub.user.set('tf2-lsp.path', ['/opt/bin/tf2-lsp']);
    const sent: unknown[] = [];
    const reported: string[] = [];
    const middleware = configurationMiddleware(
      (params) => {
        sent.push(params);
        return Promise.resolve();
      },
      (problems) => reported.push(...problems),
    );
    const next = (): Promise<void> => Promise.reject(new Error('the raw section must not be sent'));
    await middleware.workspace?.didChangeConfiguration?.(['tf2-lsp'], next);
    assert.deepEqual(sent, [{ settings: { 'tf2-lsp': { level: 'native', severity: { TF101: 'error' } } } }]);
    assert.deepEqual(sent[0], { settings: { 'tf2-lsp': currentServerOptions().value } });
    assert.deepEqual(reported, []);
  });

  it('answers workspace/configuration for "tf2-lsp" with the options object, other sections as usual', async () => {
    stub.user.set('tf2-lsp.unsafeFixes', true);
    const middleware = configurationMiddleware(() => Promise.resolve(), () => undefined);
    const params: ConfigurationParams = {
      items: [{ section: 'tf2-lsp' }, { section: 'python' }, { section: 'tf2-lsp', scopeUri: 'file:///work/a.py' }],
    };
    const answers = await middleware.workspace?.configuration?.(params, token, () => ['raw', { python: 1 }, 'raw']);
    assert.deepEqual(answers, [{ unsafeFixes: true }, { python: 1 }, { unsafeFixes: true }]);
  });
});

describe('server problem notification', () => {
  const channel = (): vscode.OutputChannel & { shown: number } => {
    const fake = {
      shown: 0,
      show: () => {
        fake.shown++;
      },
    };
    return fake as unknown as vscode.OutputChannel & { shown: number };
  };

  it('shows one error with Show Output / Open Settings buttons', async () => {
    const out = channel();
    stub.errorAnswer = SHOW_OUTPUT;
    await showServerProblem('tf2-lsp: not found. pip install tf2-lsp', out);
    assert.deepEqual(stub.errors, [
      { message: 'tf2-lsp: not found. pip install tf2-lsp', items: [SHOW_OUTPUT, OPEN_SETTINGS] },
    ]);
    assert.equal(out.shown, 1);
  });

  it('Open Settings opens the tf2-lsp settings', async () => {
    stub.errorAnswer = OPEN_SETTINGS;
    await showServerProblem('x', channel());
    assert.deepEqual(stub.commands, [{ command: 'workbench.action.openSettings', args: ['tf2-lsp'] }]);
  });
});

describe('Python extension interpreter', () => {
  const environments = (executable: string | undefined, path = '/envs/a') => ({
    getActiveEnvironmentPath: () => ({ id: 'a', path }),
    resolveEnvironment: () =>
      Promise.resolve({ executable: { uri: executable === undefined ? undefined : vscode.Uri.file(executable) } }),
  });

  it('is undefined when ms-python is not installed', async () => {
    assert.equal(await getSelectedInterpreter(), undefined);
  });

  it('activates the extension and resolves the environment to its executable', async () => {
    let activated = false;
    const ext = {
      isActive: false,
      exports: undefined as unknown,
      activate() {
        activated = true;
        this.exports = { environments: environments('/envs/a/bin/python') };
        return Promise.resolve(this.exports);
      },
    };
    stub.extensions.set(PYTHON_EXTENSION_ID, ext);
    assert.equal(await getSelectedInterpreter(), '/envs/a/bin/python');
    assert.equal(activated, true);
  });

  it('falls back to the environment path when it cannot be resolved', async () => {
    stub.extensions.set(PYTHON_EXTENSION_ID, {
      isActive: true,
      exports: { environments: environments(undefined, '/usr/bin/python3') },
      activate: () => Promise.resolve(undefined),
    });
    assert.equal(await getSelectedInterpreter(), '/usr/bin/python3');
  });

  it('is undefined for an old API without environments', async () => {
    stub.extensions.set(PYTHON_EXTENSION_ID, { isActive: true, exports: {}, activate: () => Promise.resolve({}) });
    assert.equal(await getSelectedInterpreter(), undefined);
  });

  it('rejects (for the caller to fall through) when activation hangs', async () => {
    stub.extensions.set(PYTHON_EXTENSION_ID, {
      isActive: false,
      exports: undefined,
      activate: () => new Promise<never>(() => undefined),
    });
    await assert.rejects(getSelectedInterpreter(undefined, 20), /timed out/);
  });
});
