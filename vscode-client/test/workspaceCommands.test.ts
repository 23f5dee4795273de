/** Server-side commands: the request sent, the summary shown, no clash with the extension's ids. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  SERVER_CHECK_WORKSPACE,
  SERVER_DEBUG_INFO,
  SERVER_VERIFY_FUNCTION,
  checkSummary,
  runServerCommand,
  verifyArguments,
  verifySummary,
} from '../src/workspaceCommands';

describe('server commands', () => {
  it('sends workspace/executeCommand with the server command id', async () => {
    const sent: { method: string; params: unknown }[] = [];
    const client = {
      sendRequest: (method: string, params: unknown): Promise<unknown> => {
        sent.push({ method, params });
        return Promise.resolve({ files: 3, findings: 2, filesWithFindings: 1 });
      },
    };
    const result = await runServerCommand(client, SERVER_CHECK_WORKSPACE);
    assert.deepEqual(sent, [
      { method: 'workspace/executeCommand', params: { command: 'tf2-lsp.server.checkWorkspace', arguments: [] } },
    ]);
    assert.equal(checkSummary(result), 'tf2-lsp: 2 TensorFlow 1.x API use(s) in 1 of 3 file(s); see the Problems panel.');
  });

  it('says so when the server is not running', async () => {
    await assert.rejects(runServerCommand(undefined, SERVER_DEBUG_INFO), /not running/);
  });

  it('summarises a clean workspace and tolerates an unexpected answer', () => {
    assert.equal(checkSummary({ files: 4, findings: 0, filesWithFindings: 0 }), 'tf2-lsp: no TensorFlow 1.x API uses in 4 file(s).');
    assert.equal(checkSummary(null), 'tf2-lsp: the workspace was checked; see the Problems panel.');
  });

  it('sends the verify command with the document, the cursor and the inputs', async () => {
    const sent: { method: string; params: unknown }[] = [];
    const client = {
      sendRequest: (method: string, params: unknown): Promise<unknown> => {
        sent.push({ method, params });
        return Promise.resolve({ passed: false, function: 'build', summary: 'MISMATCH: outputs differ' });
      },
    };
    const target = { uri: 'file:///work/model.py', line: 4, character: 8 };
    const result = await runServerCommand(client, SERVER_VERIFY_FUNCTION, verifyArguments(target, ' x=2x3:float32 '));
    assert.deepEqual(sent, [
      {
        method: 'workspace/executeCommand',
        params: {
          command: 'tf2-lsp.server.verifyFunction',
          arguments: [{ uri: 'file:///work/model.py', position: { line: 4, character: 8 }, inputs: 'x=2x3:float32' }],
        },
      },
    ]);
    assert.equal(verifySummary(result), 'tf2-lsp: MISMATCH build: MISMATCH: outputs differ');
    assert.equal(verifySummary({ status: 'error', message: 'Verify migration: not in git' }), 'tf2-lsp: Verify migration: not in git');
    assert.equal(verifySummary(undefined), 'tf2-lsp: the verification ended without an answer; see the output.');
  });

  it('uses server command ids the extension does not contribute itself', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      contributes: { commands: { command: string }[] };
    };
    const own = manifest.contributes.commands.map((c) => c.command);
    assert.ok(own.includes('tf2-lsp.checkWorkspace') && own.includes('tf2-lsp.debugInfo'));
    assert.ok(!own.includes(SERVER_CHECK_WORKSPACE) && !own.includes(SERVER_DEBUG_INFO));
    assert.ok(own.includes('tf2-lsp.verifyFunction') && !own.includes(SERVER_VERIFY_FUNCTION));
  });
});
