/**
 * A small stand-in for the `vscode` module, enough for the modules under test
 * (configSync, notifications, pythonExtension). Tests are bundled with
 * `vscode` aliased to this file (see scripts/build.mjs). `stub` lets a test
 * set settings, installed extensions and notification answers, and read what
 * was shown or executed.
 */

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static parse(value: string): Uri {
    const match = /^([a-z][\w+.-]*):(?:\/\/)?(.*)$/i.exec(value);
    return match === null ? new Uri('file', value) : new Uri(match[1] ?? 'file', match[2] ?? '');
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

interface Inspected {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

interface StubExtension {
  isActive: boolean;
  exports: unknown;
  activate(): Promise<unknown>;
}

export const stub = {
  /** Contributed defaults, `section.key` -> value. */
  defaults: new Map<string, unknown>(),
  /** User settings, `section.key` -> value (global scope). */
  user: new Map<string, unknown>(),
  /** Workspace settings, `section.key` -> value; win over user settings. */
  workspace: new Map<string, unknown>(),
  extensions: new Map<string, StubExtension>(),
  /** Button the next error notifications answer with. */
  errorAnswer: undefined as string | undefined,
  errors: [] as { message: string; items: string[] }[],
  commands: [] as { command: string; args: unknown[] }[],
  reset(): void {
    this.defaults.clear();
    this.user.clear();
    this.workspace.clear();
    this.extensions.clear();
    this.errorAnswer = undefined;
    this.errors.length = 0;
    this.commands.length = 0;
  },
};

class WorkspaceConfiguration {
  constructor(private readonly section: string | undefined) {}
  private full(key: string): string {
    return this.section === undefined ? key : `${this.section}.${key}`;
  }
  inspect(key: string): Inspected | undefined {
    const full = this.full(key);
    return {
      defaultValue: stub.defaults.get(full),
      globalValue: stub.user.get(full),
      workspaceValue: stub.workspace.get(full),
    };
  }
  get(key: string, fallback?: unknown): unknown {
    const full = this.full(key);
    for (const layer of [stub.workspace, stub.user, stub.defaults]) {
      if (layer.has(full)) return layer.get(full);
    }
    return fallback;
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

export const workspace = {
  getConfiguration(section?: string): WorkspaceConfiguration {
    return new WorkspaceConfiguration(section);
  },
  workspaceFolders: undefined,
};

export const window = {
  showErrorMessage(message: string, ...items: string[]): Promise<string | undefined> {
    stub.errors.push({ message, items });
    return Promise.resolve(stub.errorAnswer);
  },
};

export const commands = {
  executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    stub.commands.push({ command, args });
    return Promise.resolve(undefined);
  },
};

export const extensions = {
  getExtension(id: string): StubExtension | undefined {
    return stub.extensions.get(id);
  },
};
