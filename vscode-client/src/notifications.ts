/** User-facing messages: one notification per failure, details in the output channel. */
import * as vscode from 'vscode';

export const SHOW_OUTPUT = 'Show Output';
export const OPEN_SETTINGS = 'Open Settings';

/** Output channel for the client's own log lines (the language client writes to it too). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(channel: vscode.OutputChannel): Logger {
  const write = (level: string, message: string): void => {
    channel.appendLine(`[${new Date().toISOString()}] [${level}] ${message}`);
  };
  return {
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message) => write('error', message),
  };
}

/**
 * Show the "server not found / misconfigured" error with buttons to show the
 * output channel and open the settings. Resolves to the button chosen.
 */
export async function showServerProblem(message: string, channel: vscode.OutputChannel): Promise<string | undefined> {
  const choice = await vscode.window.showErrorMessage(message, SHOW_OUTPUT, OPEN_SETTINGS);
  if (choice === SHOW_OUTPUT) {
    channel.show(true);
  } else if (choice === OPEN_SETTINGS) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'tf2-lsp');
  }
  return choice;
}
