/**
 * The interpreter selected in the Python extension (ms-python.python), through
 * its public `environments` API. Every step is guarded: any failure means
 * "no interpreter", and the caller falls through to the next way of finding
 * the server.
 */
import * as vscode from 'vscode';

export const PYTHON_EXTENSION_ID = 'ms-python.python';

interface EnvironmentPath {
  readonly id: string;
  readonly path: string;
}

interface ResolvedEnvironment {
  readonly executable?: { readonly uri?: vscode.Uri };
}

/** The subset of the Python extension's API used here. */
export interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): EnvironmentPath;
  resolveEnvironment(environment: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
  readonly onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
}

function isEnvironmentsApi(value: unknown): value is PythonEnvironmentsApi {
  if (typeof value !== 'object' || value === null) return false;
  const api = value as Partial<Record<keyof PythonEnvironmentsApi, unknown>>;
  return typeof api.getActiveEnvironmentPath === 'function' && typeof api.resolveEnvironment === 'function';
}

function withTimeout<T>(promise: Thenable<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    Promise.resolve(promise).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** The Python extension's environments API, or undefined when it is missing or unusable. */
export async function getPythonEnvironmentsApi(timeoutMs = 15_000): Promise<PythonEnvironmentsApi | undefined> {
  const extension = vscode.extensions.getExtension<unknown>(PYTHON_EXTENSION_ID);
  if (extension === undefined) return undefined;
  const exports: unknown = extension.isActive
    ? extension.exports
    : await withTimeout(extension.activate(), timeoutMs, 'Activating the Python extension');
  const environments: unknown =
    typeof exports === 'object' && exports !== null ? (exports as { environments?: unknown }).environments : undefined;
  return isEnvironmentsApi(environments) ? environments : undefined;
}

/** Path of the selected interpreter's executable, or undefined. Throws only on API errors. */
export async function getSelectedInterpreter(resource?: vscode.Uri, timeoutMs = 15_000): Promise<string | undefined> {
  const api = await getPythonEnvironmentsApi(timeoutMs);
  if (api === undefined) return undefined;
  const active = api.getActiveEnvironmentPath(resource);
  const resolved = await withTimeout(api.resolveEnvironment(active), timeoutMs, 'Resolving the Python environment');
  const executable = resolved?.executable?.uri?.fsPath;
  if (executable !== undefined && executable !== '') return executable;
  // Unresolvable environments: the path is usually the executable itself.
  return active.path !== '' ? active.path : undefined;
}
