/**
 * Maps VS Code `tf2-lsp.*` settings to the server's option object.
 *
 * Pure: no `vscode` import. The extension feeds it a `WorkspaceConfiguration`
 * (through {@link settingsFromConfiguration}); the CLI feeds it the JSON of a
 * settings.json (through {@link settingsFromJson}).
 *
 * Only the keys the user set are sent; the server applies its own defaults
 * (which are the `default`s in package.json and {@link DEFAULTS}) to the rest.
 * Every message carries the complete set of user-set options: it replaces the
 * previous one, it is not a delta.
 */

export const SECTION = 'tf2-lsp';

export const LEVELS = ['compat', 'native'] as const;
export type Level = (typeof LEVELS)[number];

export const SEVERITIES = ['error', 'warning', 'information', 'hint'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The object the server receives as initializationOptions and in didChangeConfiguration. */
export interface ServerOptions {
  level?: Level;
  select?: string[];
  ignore?: string[];
  severity?: Record<string, Severity>;
  unsafeFixes?: boolean;
  targetVersion?: string;
  debounce?: number;
}

export type ServerOptionKey = keyof ServerOptions;

export const SERVER_OPTION_KEYS: readonly ServerOptionKey[] = [
  'level',
  'select',
  'ignore',
  'severity',
  'unsafeFixes',
  'targetVersion',
  'debounce',
];

/** The server's defaults; must match the `default`s contributed in package.json (tested). */
export const DEFAULTS: Readonly<Required<ServerOptions>> = {
  level: 'compat',
  select: [],
  ignore: [],
  severity: {},
  unsafeFixes: false,
  targetVersion: '2.21',
  debounce: 0,
};

export const IMPORT_STRATEGIES = ['useBundled', 'fromEnvironment'] as const;
export type ImportStrategy = (typeof IMPORT_STRATEGIES)[number];
export const DEFAULT_IMPORT_STRATEGY: ImportStrategy = 'useBundled';

/** Settings the client itself uses to find the server. */
export interface ClientSettings {
  /** `tf2-lsp.importStrategy`: the server bundled with the extension, or one installed by the user. */
  importStrategy?: ImportStrategy;
  /** `tf2-lsp.path`: a command (program and leading arguments); `serve` is appended. */
  path?: [string, ...string[]];
  /** `tf2-lsp.interpreter`: the Python that runs the server (bundled, or installed in it). */
  interpreter?: string;
}

/** Read access to the `tf2-lsp` section; keys are relative to it (`level`, `trace.server`). */
export interface SettingsSource {
  /** Whether the user set the key (at any scope). */
  isSet(key: string): boolean;
  /** The effective value of the key. */
  get(key: string): unknown;
}

export interface Mapped<T> {
  value: T;
  /** Human-readable problems with the settings (invalid values that were dropped). */
  problems: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

function stringList(key: string, value: unknown, problems: string[]): string[] | undefined {
  if (!Array.isArray(value)) {
    problems.push(`${SECTION}.${key} must be an array of strings; ignored.`);
    return undefined;
  }
  const out: string[] = [];
  for (const item of value) {
    if (typeof item === 'string' && item.trim() !== '') {
      out.push(item.trim());
    } else {
      problems.push(`${SECTION}.${key}: dropped ${JSON.stringify(item)} (not a non-empty string).`);
    }
  }
  return out;
}

type OptionValues = Required<ServerOptions>;
type Mappers = { [K in ServerOptionKey]: (value: unknown, problems: string[]) => OptionValues[K] | undefined };

const MAPPERS: Mappers = {
  level: (value, problems) => {
    if (isOneOf(LEVELS, value)) return value;
    problems.push(`${SECTION}.level must be one of ${LEVELS.join(', ')}; got ${JSON.stringify(value)}; ignored.`);
    return undefined;
  },
  select: (value, problems) => stringList('select', value, problems),
  ignore: (value, problems) => stringList('ignore', value, problems),
  severity: (value, problems) => {
    if (!isRecord(value)) {
      problems.push(`${SECTION}.severity must be an object mapping rule codes to a severity; ignored.`);
      return undefined;
    }
    const out: Record<string, Severity> = {};
    for (const [code, severity] of Object.entries(value)) {
      if (isOneOf(SEVERITIES, severity)) {
        out[code] = severity;
      } else {
        problems.push(
          `${SECTION}.severity.${code} must be one of ${SEVERITIES.join(', ')}; got ${JSON.stringify(severity)}; ignored.`,
        );
      }
    }
    return out;
  },
  unsafeFixes: (value, problems) => {
    if (typeof value === 'boolean') return value;
    problems.push(`${SECTION}.unsafeFixes must be true or false; got ${JSON.stringify(value)}; ignored.`);
    return undefined;
  },
  targetVersion: (value, problems) => {
    if (typeof value === 'number' && Number.isFinite(value)) {
      // "2.21" typed without quotes in JSON parses as 2.21; keep the user's intent.
      return String(value);
    }
    if (typeof value === 'string' && /^\d+\.\d+(\.\d+)?$/.test(value.trim())) return value.trim();
    problems.push(`${SECTION}.targetVersion must be a version like "2.21"; got ${JSON.stringify(value)}; ignored.`);
    return undefined;
  },
  debounce: (value, problems) => {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.round(value);
    problems.push(`${SECTION}.debounce must be a number of milliseconds >= 0; got ${JSON.stringify(value)}; ignored.`);
    return undefined;
  },
};

/** Build the server's option object from the settings the user set. */
export function buildServerOptions(source: SettingsSource): Mapped<ServerOptions> {
  const problems: string[] = [];
  const options: Partial<OptionValues> = {};
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- K correlates key and value
  const assign = <K extends ServerOptionKey>(key: K): void => {
    if (!source.isSet(key)) return;
    const mapped = MAPPERS[key](source.get(key), problems);
    if (mapped !== undefined) options[key] = mapped;
  };
  SERVER_OPTION_KEYS.forEach(assign);
  return { value: options, problems };
}

/** Read `tf2-lsp.path`, `tf2-lsp.interpreter` and `tf2-lsp.importStrategy`; empty values count as unset. */
export function readClientSettings(source: SettingsSource): Mapped<ClientSettings> {
  const problems: string[] = [];
  const settings: ClientSettings = {};
  if (source.isSet('path')) {
    const raw = source.get('path');
    if (typeof raw === 'string') {
      if (raw.trim() !== '') settings.path = [raw.trim()];
    } else if (Array.isArray(raw) && raw.every((item): item is string => typeof item === 'string')) {
      const [program, ...args] = raw;
      if (program !== undefined && program.trim() !== '') settings.path = [program.trim(), ...args];
    } else if (raw !== undefined && raw !== null) {
      problems.push(`${SECTION}.path must be a string or an array of strings; ignored.`);
    }
  }
  if (source.isSet('interpreter')) {
    const raw = source.get('interpreter');
    if (typeof raw === 'string') {
      if (raw.trim() !== '') settings.interpreter = raw.trim();
    } else if (raw !== undefined && raw !== null) {
      problems.push(`${SECTION}.interpreter must be a string (a path to python); ignored.`);
    }
  }
  if (source.isSet('importStrategy')) {
    const raw = source.get('importStrategy');
    if (isOneOf(IMPORT_STRATEGIES, raw)) {
      settings.importStrategy = raw;
    } else {
      problems.push(
        `${SECTION}.importStrategy must be one of ${IMPORT_STRATEGIES.join(', ')}; got ${JSON.stringify(raw)}; ` +
          `using ${DEFAULT_IMPORT_STRATEGY}.`,
      );
    }
  }
  return { value: settings, problems };
}

/**
 * Settings from a parsed settings.json: flat keys (`"tf2-lsp.level": "native"`),
 * or a nested section (`{"tf2-lsp": {"level": "native"}}`); flat keys win.
 */
export function settingsFromJson(json: unknown): SettingsSource {
  const flat: Record<string, unknown> = {};
  if (isRecord(json)) {
    const nested = json[SECTION];
    if (isRecord(nested)) {
      const walk = (prefix: string, obj: Record<string, unknown>): void => {
        for (const [key, value] of Object.entries(obj)) {
          const full = prefix === '' ? key : `${prefix}.${key}`;
          // `severity` is an object value, not a sub-section.
          if (isRecord(value) && full !== 'severity') walk(full, value);
          else flat[full] = value;
        }
      };
      walk('', nested);
    }
    for (const [key, value] of Object.entries(json)) {
      if (key.startsWith(`${SECTION}.`)) flat[key.slice(SECTION.length + 1)] = value;
    }
  }
  return {
    isSet: (key) => Object.prototype.hasOwnProperty.call(flat, key) && flat[key] !== undefined,
    get: (key) => flat[key],
  };
}

/** The part of `vscode.WorkspaceConfiguration` used here (structural, so no `vscode` import). */
export interface ConfigurationLike {
  get(section: string): unknown;
  inspect(section: string):
    | {
        globalValue?: unknown;
        workspaceValue?: unknown;
        workspaceFolderValue?: unknown;
      }
    | undefined;
}

/** Settings from `vscode.workspace.getConfiguration('tf2-lsp', scope)`. */
export function settingsFromConfiguration(config: ConfigurationLike): SettingsSource {
  return {
    isSet: (key) => {
      const info = config.inspect(key);
      return (
        info !== undefined &&
        (info.globalValue !== undefined || info.workspaceValue !== undefined || info.workspaceFolderValue !== undefined)
      );
    },
    get: (key) => config.get(key),
  };
}

/** The payload of `workspace/didChangeConfiguration`. */
export function didChangeConfigurationParams(options: ServerOptions): { settings: { [SECTION]: ServerOptions } } {
  return { settings: { [SECTION]: options } };
}
