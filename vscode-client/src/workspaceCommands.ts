/** Commands that run on the server (workspace/executeCommand): Check Workspace, Debug Info. */

/** The server's command ids; distinct from the extension's own, which the language client would otherwise clash with when it registers the server's commands. */
export const SERVER_CHECK_WORKSPACE = 'tf2-lsp.server.checkWorkspace';
export const SERVER_DEBUG_INFO = 'tf2-lsp.server.debugInfo';

/** What the commands need of the language client. */
export interface Requester {
  sendRequest(method: string, params: unknown): Promise<unknown>;
}

export async function runServerCommand(client: Requester | undefined, command: string): Promise<unknown> {
  if (client === undefined) throw new Error('the tf2-lsp server is not running');
  return client.sendRequest('workspace/executeCommand', { command, arguments: [] });
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
