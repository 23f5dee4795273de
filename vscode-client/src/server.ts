/** Owns the language client: finds the server, starts, stops and restarts it (one at a time). */
import * as os from 'node:os';

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { findBundle } from './bundle';
import { createLanguageClient } from './client';
import { currentClientSettings, currentServerOptions } from './configSync';
import { createNodeProbe } from './nodeProbe';
import { showServerProblem, type Logger } from './notifications';
import { getSelectedInterpreter } from './pythonExtension';
import { resolveServerCommand } from './serverCommand';

export class ServerController implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly channel: vscode.OutputChannel,
    private readonly logger: Logger,
    /** The extension's install directory, which holds the bundled server (if any). */
    private readonly extensionDir: string,
  ) {}

  get languageClient(): LanguageClient | undefined {
    return this.client;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  dispose(): void {
    void this.stop();
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next.catch((error: unknown) => this.logger.error(String(error)));
    return this.queue;
  }

  private async doStart(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    const cwd = folder?.uri.fsPath;
    const clientSettings = currentClientSettings(folder?.uri);
    clientSettings.problems.forEach((problem) => this.logger.warn(problem));

    this.logger.info('Looking for the tf2-lsp server...');
    const resolution = await resolveServerCommand(
      {
        settings: clientSettings.value,
        environment: { platform: process.platform, env: process.env, homeDir: os.homedir(), workspaceFolder: cwd },
        pythonExtensionInterpreter: () => getSelectedInterpreter(folder?.uri),
        bundle: await findBundle(this.extensionDir),
      },
      createNodeProbe({ cwd, log: (line) => this.logger.warn(line) }),
    );
    resolution.log.forEach((line) => this.logger.info(line));
    if (!resolution.ok) {
      this.logger.error(resolution.message);
      void showServerProblem(resolution.message, this.channel);
      return;
    }

    this.logger.info(`Starting: ${resolution.command.map((part) => JSON.stringify(part)).join(' ')}`);
    const client = createLanguageClient({
      command: resolution.command,
      cwd,
      platform: process.platform,
      initializationOptions: () => {
        const options = currentServerOptions();
        options.problems.forEach((problem) => this.logger.warn(problem));
        this.logger.info(`initializationOptions: ${JSON.stringify(options.value)}`);
        return options.value;
      },
      outputChannel: this.channel,
      logger: this.logger,
    });
    this.client = client;
    try {
      await client.start();
      this.logger.info('Server started.');
    } catch (error) {
      // The language client has already shown a notification with a "Go to output" button.
      this.logger.error(`The server did not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    try {
      if (client.needsStop()) await client.stop(5_000);
    } catch (error) {
      this.logger.warn(`Stopping the server failed: ${String(error)}`);
    }
    try {
      await client.dispose();
    } catch {
      // already stopped
    }
  }
}
