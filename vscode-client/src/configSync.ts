/**
 * Keeps the server's options in step with the `tf2-lsp.*` settings.
 *
 * The language client is created with `synchronize.configurationSection: 'tf2-lsp'`,
 * so it sends `workspace/didChangeConfiguration` once after start and on every
 * change of the section. By default it would send the raw section (with `path`,
 * `interpreter`, `trace`, ...); the middleware here replaces the payload with
 * `{settings: {"tf2-lsp": <the same object as initializationOptions>}}`, and
 * answers `workspace/configuration` requests for the `tf2-lsp` section with that
 * object too.
 */
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';

import {
  SECTION,
  buildServerOptions,
  didChangeConfigurationParams,
  readClientSettings,
  settingsFromConfiguration,
  type ClientSettings,
  type Mapped,
  type ServerOptions,
} from './settings';

export function currentServerOptions(scope?: vscode.Uri): Mapped<ServerOptions> {
  return buildServerOptions(settingsFromConfiguration(vscode.workspace.getConfiguration(SECTION, scope)));
}

export function currentClientSettings(scope?: vscode.Uri): Mapped<ClientSettings> {
  return readClientSettings(settingsFromConfiguration(vscode.workspace.getConfiguration(SECTION, scope)));
}

/** Settings whose change needs a new server process rather than a notification. */
export const RESTART_SETTINGS = [`${SECTION}.path`, `${SECTION}.interpreter`, `${SECTION}.importStrategy`] as const;

export function needsRestart(event: vscode.ConfigurationChangeEvent): boolean {
  return RESTART_SETTINGS.some((setting) => event.affectsConfiguration(setting));
}

export type SendDidChangeConfiguration = (params: ReturnType<typeof didChangeConfigurationParams>) => Promise<void>;

export function configurationMiddleware(
  send: SendDidChangeConfiguration,
  report: (problems: string[]) => void,
): Pick<Middleware, 'workspace'> {
  return {
    workspace: {
      didChangeConfiguration: async () => {
        const options = currentServerOptions();
        report(options.problems);
        await send(didChangeConfigurationParams(options.value));
      },
      configuration: async (params, token, next) => {
        const answers = await next(params, token);
        if (!Array.isArray(answers)) return answers;
        return params.items.map((item, index): unknown =>
          item.section === SECTION
            ? currentServerOptions(item.scopeUri === undefined ? undefined : vscode.Uri.parse(item.scopeUri)).value
            : answers[index],
        );
      },
    },
  };
}
