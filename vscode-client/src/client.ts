/** Builds the LanguageClient for a resolved server command. */
import type * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions as ExecutableServerOptions,
} from 'vscode-languageclient/node';

import { configurationMiddleware } from './configSync';
import type { Logger } from './notifications';
import { DOCUMENT_SELECTOR } from './selector';
import { SECTION, type ServerOptions } from './settings';

export const CLIENT_ID = SECTION;
export const CLIENT_NAME = 'tf2-lsp';


export interface ClientInputs {
  command: readonly [string, ...string[]];
  cwd: string | undefined;
  platform: NodeJS.Platform;
  initializationOptions: () => ServerOptions;
  outputChannel: vscode.OutputChannel;
  logger: Logger;
}

export function createLanguageClient(inputs: ClientInputs): LanguageClient {
  const [program, ...args] = inputs.command;
  const serverOptions: ExecutableServerOptions = {
    command: program,
    args,
    transport: TransportKind.stdio,
    options: {
      cwd: inputs.cwd,
      // .cmd/.bat wrappers on Windows can only be started through a shell.
      shell: inputs.platform === 'win32' && /\.(cmd|bat)$/i.test(program),
    },
  };

  const reportProblems = (problems: string[]): void => {
    for (const problem of problems) inputs.logger.warn(problem);
  };

  // The middleware refers to `client`, which exists by the time it runs.
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: inputs.outputChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // A function, so a restart of this client sends the current settings.
    initializationOptions: inputs.initializationOptions,
    synchronize: { configurationSection: SECTION },
    middleware: configurationMiddleware(async (params) => {
      await client.sendNotification(DidChangeConfigurationNotification.type, params);
    }, reportProblems),
    initializationFailedHandler: (error: unknown) => {
      inputs.logger.error(`Server initialization failed: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    },
  };
  const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  return client;
}
