/** Commands that run on the server (workspace/executeCommand): Check Workspace, Debug Info, Verify Migration of This Function. */

/** The server's command ids; distinct from the extension's own, which the language client would otherwise clash with when it registers the server's commands. */
export const SERVER_CHECK_WORKSPACE = 'tf2-lsp.server.checkWorkspace';
export const SERVER_DEBUG_INFO = 'tf2-lsp.server.debugInfo';
export const SERVER_VERIFY_FUNCTION = 'tf2-lsp.server.verifyFunction';

/** What the commands need of the language client. */
export interface Requester {
  sendRequest(method: string, params: unknown): Promise<unknown>;
}

export async function runServerCommand(
  client: Requester | undefined,
  command: string,
  args: unknown[] = [],
): Promise<unknown> {
  if (client === undefined) throw new Error('the tf2-lsp server is not running');
  return client.sendRequest('workspace/executeCommand', { command, arguments: args });
}

/** Where the cursor is: the server verifies the top-level function around it. */
export interface CursorTarget {
  uri: string;
  line: number;
  character: number;
}

/** The arguments of the server's verify command: the document, the position, the function's inputs. */
export function verifyArguments(target: CursorTarget, inputs: string): unknown[] {
  return [{ uri: target.uri, position: { line: target.line, character: target.character }, inputs: inputs.trim() }];
}

/** The server shows the verdict itself (a message and a report); this is for the log. */
export function verifySummary(result: unknown): string {
  const answer = result as Partial<Record<'passed' | 'function' | 'summary' | 'message', unknown>> | null;
  if (typeof answer?.message === 'string') return `tf2-lsp: ${answer.message}`;
  if (typeof answer?.function === 'string' && typeof answer.summary === 'string') {
    return `tf2-lsp: ${answer.passed === true ? 'PASS' : 'MISMATCH'} ${answer.function}: ${answer.summary}`;
  }
  return 'tf2-lsp: the verification ended without an answer; see the output.';
}

/** The notification after "Check Workspace": counts, and where the findings are. */
export function checkSummary(result: unknown): string {
  const counts = result as Partial<Record<'files' | 'findings' | 'filesWithFindings', unknown>> | null;
  const files = counts?.files;
  const findings = counts?.findings;
  const flagged = counts?.filesWithFindings;
  if (typeof files !== 'number' || typeof findings !== 'number' || typeof flagged !== 'number') {
    return 'tf2-lsp: the workspace was checked; see the Problems panel.';
  }
  if (findings === 0) return `tf2-lsp: no TensorFlow 1.x API uses in ${files} file(s).`;
  return `tf2-lsp: ${findings} TensorFlow 1.x API use(s) in ${flagged} of ${files} file(s); see the Problems panel.`;
}
