/** "tf2-lsp: Show migration report": runs `tf2-lsp report` on a workspace folder, shows the page. */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as vscode from 'vscode';

import { findBundle } from './bundle';
import { currentClientSettings } from './configSync';
import { createNodeProbe } from './nodeProbe';
import { showServerProblem, type Logger } from './notifications';
import { getSelectedInterpreter } from './pythonExtension';
import { failureMessage, parseOpenMessage, reportCommand, reportFileName } from './report';
import { resolveServerCommand } from './serverCommand';

const VIEW_TYPE = 'tf2-lsp.report';

export class ReportPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(
    private readonly storage: vscode.Uri,
    private readonly channel: vscode.OutputChannel,
    private readonly logger: Logger,
    private readonly extensionDir: string,
  ) {}

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.panels.clear();
  }

  async show(): Promise<void> {
    const folder = await pickFolder();
    if (folder === undefined) return;
    const root = folder.uri.fsPath;
    const settings = currentClientSettings(folder.uri);
    const resolution = await resolveServerCommand(
      {
        settings: settings.value,
        environment: { platform: process.platform, env: process.env, homeDir: os.homedir(), workspaceFolder: root },
        pythonExtensionInterpreter: () => getSelectedInterpreter(folder.uri),
        bundle: await findBundle(this.extensionDir),
      },
      createNodeProbe({ cwd: root, log: (line) => this.logger.warn(line) }),
    );
    if (!resolution.ok) {
      void showServerProblem(resolution.message, this.channel);
      return;
    }
    const directory = this.storage.fsPath;
    await fs.mkdir(directory, { recursive: true });
    const output = path.join(directory, reportFileName(root));
    const [program, ...args] = reportCommand(resolution.command, root, output);
    this.logger.info(`Report: ${[program, ...args].map((part) => JSON.stringify(part)).join(' ')}`);

    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `tf2-lsp: scanning ${folder.name} for the migration report…`,
        cancellable: true,
      },
      (_progress, token) => run(program, args, root, token),
    );
    if (result.stderr.trim()) this.logger.info(result.stderr.trim());
    if (result.kind === 'cancelled') return;
    if (result.kind === 'failed') {
      const message = failureMessage(result.code, result.stderr);
      this.logger.error(message);
      void vscode.window.showErrorMessage(message);
      return;
    }
    const html = await fs.readFile(output, 'utf8');
    this.reveal(folder, html);
  }

  private reveal(folder: vscode.WorkspaceFolder, html: string): void {
    const key = folder.uri.toString();
    let panel = this.panels.get(key);
    if (panel === undefined) {
      panel = vscode.window.createWebviewPanel(
        VIEW_TYPE,
        `TF2 migration: ${folder.name}`,
        vscode.ViewColumn.Active,
        // The page is self-contained (inline styles, script and SVG; its CSP forbids fetches).
        { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [] },
      );
      const root = folder.uri.fsPath;
      panel.webview.onDidReceiveMessage((message: unknown) => {
        const request = parseOpenMessage(message, root);
        if (request === undefined) return;
        const position = new vscode.Position(request.line - 1, 0);
        void vscode.window.showTextDocument(vscode.Uri.file(request.file), {
          selection: new vscode.Range(position, position),
          viewColumn: vscode.ViewColumn.Beside,
        });
      });
      panel.onDidDispose(() => this.panels.delete(key));
      this.panels.set(key, panel);
    }
    panel.webview.html = html;
    panel.reveal();
  }
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  if (folders.length === 0) {
    void vscode.window.showInformationMessage('tf2-lsp: open a folder to report on.');
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder to report on' });
}

type RunResult =
  | { kind: 'ok'; stderr: string }
  | { kind: 'cancelled'; stderr: string }
  | { kind: 'failed'; code: number | null; stderr: string };

function run(program: string, args: string[], cwd: string, token: vscode.CancellationToken): Promise<RunResult> {
  return new Promise((resolve) => {
    let cancelled = false;
    const child = execFile(program, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (cancelled) resolve({ kind: 'cancelled', stderr });
      else if (error === null) resolve({ kind: 'ok', stderr });
      else {
        const code = typeof error.code === 'number' ? error.code : null;
        resolve({ kind: 'failed', code, stderr: stderr.trim() === '' ? error.message : stderr });
      }
    });
    token.onCancellationRequested(() => {
      cancelled = true;
      child.kill();
    });
  });
}
