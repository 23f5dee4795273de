/** report.ts: the CLI command of "Show Migration Report" and the webview's open requests. */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { failureMessage, isInside, parseOpenMessage, reportCommand, reportFileName } from '../src/report';

describe('reportCommand', () => {
  it('turns each kind of server command into the report command', () => {
    assert.deepEqual(reportCommand(['/venv/bin/python', '-m', 'tf2_lsp', 'serve'], '/ws', '/store/r.html'), [
      '/venv/bin/python',
      '-m',
      'tf2_lsp',
      'report',
      '/ws',
      '-o',
      '/store/r.html',
      '--vscode-links',
    ]);
    assert.deepEqual(reportCommand(['/usr/local/bin/tf2-lsp', 'serve'], '/ws', 'r.html'), [
      '/usr/local/bin/tf2-lsp',
      'report',
      '/ws',
      '-o',
      'r.html',
      '--vscode-links',
    ]);
  });

  it('keeps a wrapper command that does not end with serve', () => {
    assert.deepEqual(reportCommand(['/opt/run-tf2-lsp'], '/ws', 'r.html').slice(0, 2), ['/opt/run-tf2-lsp', 'report']);
    assert.throws(() => reportCommand([], '/ws', 'r.html'));
  });
});

describe('reportFileName', () => {
  it('is stable per folder and differs between folders of the same name', () => {
    assert.equal(reportFileName('/a/proj'), reportFileName('/a/proj'));
    assert.notEqual(reportFileName('/a/proj'), reportFileName('/b/proj'));
    assert.match(reportFileName('/a/my proj!'), /^report-my_proj_-[0-9a-f]+\.html$/);
  });
});

describe('parseOpenMessage', () => {
  it('accepts an open request for a file inside the folder', () => {
    assert.deepEqual(parseOpenMessage({ type: 'open', file: '/ws/src/a.py', line: 12 }, '/ws', 'linux'), {
      file: '/ws/src/a.py',
      line: 12,
    });
  });

  it('refuses anything else', () => {
    for (const message of [
      undefined,
      'open',
      { type: 'open', file: '/elsewhere/a.py', line: 1 },
      { type: 'open', file: '/ws/../etc/passwd', line: 1 },
      { type: 'open', file: 'src/a.py', line: 1 },
      { type: 'open', file: '/ws/a.py', line: 0 },
      { type: 'open', file: '/ws/a.py', line: 1.5 },
      { type: 'open', file: '/ws/a.py', line: '3' },
      { type: 'run', file: '/ws/a.py', line: 1 },
    ]) {
      assert.equal(parseOpenMessage(message, '/ws', 'linux'), undefined, JSON.stringify(message));
    }
  });

  it('understands Windows paths', () => {
    assert.equal(isInside('C:\\ws', 'C:\\ws\\src\\a.py', 'win32'), true);
    assert.equal(isInside('C:\\ws', 'D:\\ws\\a.py', 'win32'), false);
  });
});

describe('failureMessage', () => {
  it('ends with the last lines the CLI printed', () => {
    assert.equal(
      failureMessage(2, 'tf2-lsp: baseline x.json is not JSON\n'),
      'tf2-lsp report exited with status 2: tf2-lsp: baseline x.json is not JSON',
    );
    assert.equal(failureMessage(null, ''), 'tf2-lsp report could not run.');
  });
});
