/** The manifest agrees with the code: defaults, commands, activation, code action kind, @types/vscode pin. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { DOCUMENT_SELECTOR } from '../src/selector';
import { DEFAULTS, DEFAULT_IMPORT_STRATEGY, IMPORT_STRATEGIES, SERVER_OPTION_KEYS } from '../src/settings';

interface Manifest {
  main: string;
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  activationEvents: string[];
  contributes: {
    commands: { command: string }[];
    codeActions: { languages: string[]; actions: { kind: string } }[];
    configuration: { properties: Record<string, { default?: unknown; enum?: string[] }> };
  };
}

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const properties = manifest.contributes.configuration.properties;

describe('package.json', () => {
  it('contributes every server option with the server default', () => {
    for (const key of SERVER_OPTION_KEYS) {
      const property = properties[`tf2-lsp.${key}`];
      assert.ok(property, `tf2-lsp.${key} is contributed`);
      assert.deepEqual(property.default, DEFAULTS[key], `default of tf2-lsp.${key}`);
    }
  });

  it('contributes the client settings', () => {
    for (const key of ['tf2-lsp.path', 'tf2-lsp.interpreter', 'tf2-lsp.importStrategy', 'tf2-lsp.trace.server']) {
      assert.ok(properties[key], key);
    }
    assert.deepEqual(properties['tf2-lsp.importStrategy']?.enum, [...IMPORT_STRATEGIES]);
    assert.equal(properties['tf2-lsp.importStrategy'].default, DEFAULT_IMPORT_STRATEGY);
    assert.deepEqual(properties['tf2-lsp.trace.server']?.enum, ['off', 'messages', 'verbose']);
    assert.deepEqual(properties['tf2-lsp.level']?.enum, ['compat', 'native']);
  });

  it('contributes no unknown tf2-lsp settings', () => {
    const known = new Set([
      ...SERVER_OPTION_KEYS.map((key) => `tf2-lsp.${key}`),
      'tf2-lsp.path',
      'tf2-lsp.interpreter',
      'tf2-lsp.importStrategy',
      'tf2-lsp.trace.server',
    ]);
    assert.deepEqual(
      Object.keys(properties).filter((key) => !known.has(key)),
      [],
    );
  });

  it('does not let an untrusted workspace choose the program that runs', () => {
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.sort(), [
      'tf2-lsp.importStrategy',
      'tf2-lsp.interpreter',
      'tf2-lsp.path',
    ]);
  });

  it('activates on Python files and Jupyter notebooks', () => {
    assert.deepEqual(manifest.activationEvents.sort(), ['onLanguage:python', 'onNotebook:jupyter-notebook']);
    assert.equal(manifest.main, './dist/extension.js');
    assert.deepEqual(DOCUMENT_SELECTOR, [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      { notebook: '*', language: 'python' },
    ]);
  });

  it('contributes the commands and the fix-all code action kind', () => {
    assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), [
      'tf2-lsp.checkWorkspace',
      'tf2-lsp.debugInfo',
      'tf2-lsp.fixAll',
      'tf2-lsp.restart',
      'tf2-lsp.showOutput',
      'tf2-lsp.showReport',
      'tf2-lsp.verifyFunction',
    ]);
    assert.deepEqual(
      manifest.contributes.codeActions.map((c) => c.actions.kind),
      ['source.fixAll.tf2-lsp'],
    );
  });

  it('titles the verify command as the command palette shows it', () => {
    const verify = (manifest.contributes.commands as { command: string; title: string; category: string }[]).find(
      (c) => c.command === 'tf2-lsp.verifyFunction',
    );
    assert.equal(`${verify?.category}: ${verify?.title}`, 'TF2: Verify migration of this function');
  });

  it('pins @types/vscode to the minor of engines.vscode (vsce requires it)', () => {
    const engine = /^\^(\d+)\.(\d+)\./.exec(manifest.engines.vscode);
    const types = /^~(\d+)\.(\d+)\./.exec(manifest.devDependencies['@types/vscode'] ?? '');
    assert.ok(engine && types, 'engines.vscode is ^X.Y.Z and @types/vscode is ~X.Y.Z');
    assert.deepEqual(types.slice(1), engine.slice(1));
  });
});
