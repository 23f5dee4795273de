import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  DEFAULTS,
  SERVER_OPTION_KEYS,
  buildServerOptions,
  didChangeConfigurationParams,
  readClientSettings,
  settingsFromConfiguration,
  settingsFromJson,
  type ConfigurationLike,
} from '../src/settings';

describe('buildServerOptions', () => {
  it('sends nothing when the user set nothing (the server applies its defaults)', () => {
    const { value, problems } = buildServerOptions(settingsFromJson({}));
    assert.deepEqual(value, {});
    assert.deepEqual(problems, []);
  });

  it('maps every option the user set, with the server key names', () => {
    const { value, problems } = buildServerOptions(
      settingsFromJson({
        'tf2-lsp.level': 'native',
        'tf2-lsp.select': ['TF101', 'TF2'],
        'tf2-lsp.ignore': ['TF305'],
        'tf2-lsp.severity': { TF101: 'error', TF102: 'hint' },
        'tf2-lsp.unsafeFixes': true,
        'tf2-lsp.targetVersion': '2.16',
        'tf2-lsp.debounce': 300,
        'tf2-lsp.path': ['/opt/bin/tf2-lsp'],
        'tf2-lsp.interpreter': '/usr/bin/python3',
        'tf2-lsp.trace.server': 'verbose',
        'python.analysis.typeCheckingMode': 'strict',
      }),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(value, {
      level: 'native',
      select: ['TF101', 'TF2'],
      ignore: ['TF305'],
      severity: { TF101: 'error', TF102: 'hint' },
      unsafeFixes: true,
      targetVersion: '2.16',
      debounce: 300,
    });
    assert.deepEqual(Object.keys(value).sort(), [...SERVER_OPTION_KEYS].sort());
  });

  it('sends only the keys that were set, even when set to the default', () => {
    const { value } = buildServerOptions(settingsFromJson({ 'tf2-lsp.level': 'compat', 'tf2-lsp.debounce': 150 }));
    assert.deepEqual(value, { level: 'compat', debounce: 150 });
  });

  it('accepts a nested section like a settings object', () => {
    const { value } = buildServerOptions(
      settingsFromJson({ 'tf2-lsp': { level: 'native', severity: { TF101: 'warning' }, trace: { server: 'off' } } }),
    );
    assert.deepEqual(value, { level: 'native', severity: { TF101: 'warning' } });
  });

  it('drops invalid values and says why', () => {
    const { value, problems } = buildServerOptions(
      settingsFromJson({
        'tf2-lsp.level': 'v2',
        'tf2-lsp.select': ['TF101', 3, ''],
        'tf2-lsp.ignore': 'TF1',
        'tf2-lsp.severity': { TF101: 'fatal', TF102: 'warning' },
        'tf2-lsp.unsafeFixes': 'yes',
        'tf2-lsp.targetVersion': 'latest',
        'tf2-lsp.debounce': -5,
      }),
    );
    assert.deepEqual(value, { select: ['TF101'], severity: { TF102: 'warning' } });
    assert.equal(problems.length, 8);
    assert.ok(problems.some((problem) => problem.includes('tf2-lsp.level')));
    assert.ok(problems.some((problem) => problem.includes('tf2-lsp.severity.TF101')));
  });

  it('normalises numbers: targetVersion 2.21 -> "2.21", debounce rounded', () => {
    const { value } = buildServerOptions(
      settingsFromJson({ 'tf2-lsp.targetVersion': 2.21, 'tf2-lsp.debounce': 99.6 }),
    );
    assert.deepEqual(value, { targetVersion: '2.21', debounce: 100 });
  });
});

describe('readClientSettings', () => {
  it('takes path as an array or a single string', () => {
    assert.deepEqual(readClientSettings(settingsFromJson({ 'tf2-lsp.path': ['/a/tf2-lsp', '--x'] })).value, {
      path: ['/a/tf2-lsp', '--x'],
    });
    assert.deepEqual(readClientSettings(settingsFromJson({ 'tf2-lsp.path': '/a b/tf2-lsp' })).value, {
      path: ['/a b/tf2-lsp'],
    });
  });

  it('treats empty values as unset', () => {
    assert.deepEqual(
      readClientSettings(settingsFromJson({ 'tf2-lsp.path': [], 'tf2-lsp.interpreter': '  ' })).value,
      {},
    );
  });

  it('reports values of the wrong type', () => {
    const { value, problems } = readClientSettings(
      settingsFromJson({ 'tf2-lsp.path': [1], 'tf2-lsp.interpreter': false }),
    );
    assert.deepEqual(value, {});
    assert.equal(problems.length, 2);
  });

  it('reads importStrategy, and reports a value that is not one of the two', () => {
    assert.deepEqual(readClientSettings(settingsFromJson({ 'tf2-lsp.importStrategy': 'fromEnvironment' })).value, {
      importStrategy: 'fromEnvironment',
    });
    const { value, problems } = readClientSettings(settingsFromJson({ 'tf2-lsp.importStrategy': 'bundled' }));
    assert.deepEqual(value, {});
    assert.deepEqual(problems, [
      'tf2-lsp.importStrategy must be one of useBundled, fromEnvironment; got "bundled"; using useBundled.',
    ]);
  });
});

describe('settingsFromConfiguration', () => {
  const config = (values: Record<string, { def?: unknown; global?: unknown; folder?: unknown }>): ConfigurationLike => ({
    get: (key) => values[key]?.folder ?? values[key]?.global ?? values[key]?.def,
    inspect: (key) => ({
      defaultValue: values[key]?.def,
      globalValue: values[key]?.global,
      workspaceFolderValue: values[key]?.folder,
    }),
  });

  it('counts a key as set at any scope and ignores defaults', () => {
    const { value } = buildServerOptions(
      settingsFromConfiguration(
        config({
          level: { def: 'compat', global: 'native' },
          debounce: { def: 150, folder: 50 },
          targetVersion: { def: '2.21' },
          select: { def: [] },
        }),
      ),
    );
    assert.deepEqual(value, { level: 'native', debounce: 50 });
  });
});

describe('didChangeConfigurationParams', () => {
  it('wraps the same object under settings["tf2-lsp"]', () => {
    const options = { level: 'native' as const, select: ['TF101'] };
    assert.deepEqual(didChangeConfigurationParams(options), { settings: { 'tf2-lsp': options } });
    assert.equal(didChangeConfigurationParams(options).settings['tf2-lsp'], options);
  });
});

describe('DEFAULTS', () => {
  it('covers every server option', () => {
    assert.deepEqual(Object.keys(DEFAULTS).sort(), [...SERVER_OPTION_KEYS].sort());
  });
});
