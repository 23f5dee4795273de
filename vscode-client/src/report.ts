/**
 * The pieces of "tf2-lsp: Show migration report" that need no VS Code: the CLI command to run,
 * and the validation of what the report's webview asks for. The glue is in reportPanel.ts.
 */
import * as nodePath from 'node:path';

/** The server command ends with `serve`; the same program writes the report. */
export function reportCommand(
  serverCommand: readonly string[],
  folder: string,
  output: string,
): [string, ...string[]] {
  const base = serverCommand.at(-1) === 'serve' ? serverCommand.slice(0, -1) : [...serverCommand];
  const [program, ...rest] = base;
  if (program === undefined) throw new Error('empty server command');
  return [program, ...rest, 'report', folder, '-o', output, '--vscode-links'];
}

/** One report file per workspace folder, in the extension's storage. */
export function reportFileName(folder: string): string {
  let hash = 0;
  for (const char of folder) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  const name = nodePath.basename(folder).replace(/[^\w.-]+/g, '_') || 'workspace';
  return `report-${name}-${hash.toString(16)}.html`;
}

export interface OpenRequest {
  file: string;
  line: number;
}

/** A webview message `{type: 'open', file, line}` for a file inside `folder`, else undefined. */
export function parseOpenMessage(message: unknown, folder: string, platform = process.platform): OpenRequest | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, file, line } = message as Record<string, unknown>;
  if (type !== 'open' || typeof file !== 'string' || typeof line !== 'number') return undefined;
  if (!Number.isInteger(line) || line < 1) return undefined;
  return isInside(folder, file, platform) ? { file, line } : undefined;
}

export function isInside(folder: string, file: string, platform = process.platform): boolean {
  const api = platform === 'win32' ? nodePath.win32 : nodePath.posix;
  if (!api.isAbsolute(file)) return false;
  const relative = api.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !api.isAbsolute(relative);
}

/** The last lines of the CLI's stderr, for an error notification. */
export function failureMessage(code: number | null, stderr: string): string {
  const lines = stderr.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('\r'));
  const reason = lines.slice(-3).join(' ').trim();
  const status = code === null ? 'could not run' : `exited with status ${code}`;
  return `tf2-lsp report ${status}${reason ? `: ${reason}` : '.'}`;
}
