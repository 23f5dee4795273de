/** Extension entry point: wiring only. */
import * as vscode from 'vscode';

import { currentClientSettings, needsRestart } from './configSync';
import { createLogger, type Logger } from './notifications';
import { getPythonEnvironmentsApi } from './pythonExtension';
import { ReportPanels } from './reportPanel';
import { ServerController } from './server';
import { SECTION } from './settings';
import {
  SERVER_CHECK_WORKSPACE,
  SERVER_DEBUG_INFO,
  SERVER_VERIFY_FUNCTION,
  checkSummary,
  runServerCommand,
  verifyArguments,
  verifySummary,
} from './workspaceCommands';

export const FIX_ALL_KIND = `source.fixAll.${SECTION}`;

let controller: ServerController | undefined;
let lastInputs = ''; // the last inputs given to "Verify migration", offered again

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const channel = vscode.window.createOutputChannel('tf2-lsp');
  const logger = createLogger(channel);
  controller = new ServerController(channel, logger, context.extensionPath);
  const server = controller;
  const reports = new ReportPanels(context.globalStorageUri, channel, logger, context.extensionPath);
  context.subscriptions.push(channel, server, reports);

  context.subscriptions.push(
    vscode.commands.registerCommand(`${SECTION}.restart`, () => server.restart()),
    vscode.commands.registerCommand(`${SECTION}.showOutput`, () => channel.show()),
    vscode.commands.registerCommand(`${SECTION}.fixAll`, fixAll),
    vscode.commands.registerCommand(`${SECTION}.showReport`, () => reports.show()),
    vscode.commands.registerCommand(`${SECTION}.checkWorkspace`, async () => {
      try {
        const result = await runServerCommand(server.languageClient, SERVER_CHECK_WORKSPACE);
        void vscode.window.showInformationMessage(checkSummary(result));
      } catch (error) {
        logger.error(`Check Workspace failed: ${String(error)}`);
        void vscode.window.showErrorMessage(`tf2-lsp: Check Workspace failed: ${String(error)}`);
      }
    }),
    vscode.commands.registerCommand(`${SECTION}.verifyFunction`, async () => {
      const editor = vscode.window.activeTextEditor;
      if (editor === undefined || editor.document.languageId !== 'python' || editor.document.uri.scheme !== 'file') {
        void vscode.window.showInformationMessage('tf2-lsp: put the cursor in a function of a Python file to verify it.');
        return;
      }
      const inputs = await vscode.window.showInputBox({
        title: 'Verify migration of this function',
        prompt: "The function's arguments, NAME=SHAPE:DTYPE or NAME=LITERAL (empty when it takes none)",
        placeHolder: 'images=2x28x28x1:float32,training=False',
        value: lastInputs,
      });
      if (inputs === undefined) return; // dismissed
      lastInputs = inputs;
      const cursor = editor.selection.active;
      const target = { uri: editor.document.uri.toString(), line: cursor.line, character: cursor.character };
      try {
        // The server reports progress, then shows the verdict and opens the report itself.
        const result = await runServerCommand(server.languageClient, SERVER_VERIFY_FUNCTION, verifyArguments(target, inputs));
        channel.appendLine(verifySummary(result));
      } catch (error) {
        logger.error(`Verify migration failed: ${String(error)}`);
        void vscode.window.showErrorMessage(`tf2-lsp: Verify migration failed: ${String(error)}`);
      }
    }),
    vscode.commands.registerCommand(`${SECTION}.debugInfo`, async () => {
      try {
        const info = await runServerCommand(server.languageClient, SERVER_DEBUG_INFO);
        channel.appendLine(`tf2-lsp debug info:\n${JSON.stringify(info, null, 2)}`);
      } catch (error) {
        logger.error(`Debug Info failed: ${String(error)}`);
      }
      channel.show(true);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (needsRestart(event)) {
        logger.info('tf2-lsp.path, tf2-lsp.interpreter or tf2-lsp.importStrategy changed: restarting the server.');
        void server.restart();
      }
    }),
  );

  void watchPythonInterpreter(context, server, logger);
  await server.start();
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}

async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.document.languageId !== 'python') {
    void vscode.window.showInformationMessage('tf2-lsp: open a Python file or notebook cell to fix.');
    return;
  }
  await vscode.commands.executeCommand('editor.action.codeAction', { kind: FIX_ALL_KIND, apply: 'first' });
}

/** Restart when the interpreter selected in the Python extension changes (it may be the one we use). */
async function watchPythonInterpreter(
  context: vscode.ExtensionContext,
  server: ServerController,
  logger: Logger,
): Promise<void> {
  try {
    const api = await getPythonEnvironmentsApi();
    const event = api?.onDidChangeActiveEnvironmentPath;
    if (event === undefined) return;
    context.subscriptions.push(
      event(() => {
        const settings = currentClientSettings().value;
        if (settings.path !== undefined || settings.interpreter !== undefined) return;
        logger.info('The Python extension selected another interpreter: restarting the server.');
        void server.restart();
      }),
    );
  } catch (error) {
    logger.warn(`Could not watch the Python extension's interpreter: ${String(error)}`);
  }
}
