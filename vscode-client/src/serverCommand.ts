/**
 * Decides how to start the tf2-lsp server.
 *
 * Pure: every input (settings, environment, file-system and interpreter probes,
 * the Python extension's interpreter, the bundled server) is passed in, so it can be
 * unit-tested and reused by the CLI (`dist/cli.js`).
 *
 * `tf2-lsp.path` always wins: `<path...> serve`. Otherwise `tf2-lsp.importStrategy`:
 *
 * - `useBundled` (default): the server bundled with the extension, run as
 *   `<python> -I <extension>/bundled/tool/launch.py serve` by the first Python of a
 *   version the bundle was built for: `tf2-lsp.interpreter`, else the interpreter
 *   selected in the Python extension, else `python3`/`python` on PATH. A package
 *   without a bundle (built from source, universal) looks in the environment instead.
 * - `fromEnvironment`: a server the user installed:
 *    1. `tf2-lsp.interpreter`  -> `<python> -m tf2_lsp serve`
 *    2. the interpreter selected in the Python extension (if it has tf2_lsp)
 *    3. `tf2-lsp` on PATH      -> `<abs path> serve`
 *   and, when none has it, the bundled server.
 *
 * An explicit setting that does not work is reported as such; it does not fall
 * through, so a typo never silently starts some other server. The Python
 * extension's interpreter falls through on any failure.
 */
import * as nodePath from 'node:path';

import type { Bundle, BundleLookup } from './bundle';
import { DEFAULT_IMPORT_STRATEGY, type ClientSettings } from './settings';

export const SERVER_EXECUTABLE = 'tf2-lsp';
export const SERVER_MODULE = 'tf2_lsp';
export const INSTALL_HINT = 'pip install <path to the tf2_lsp wheel>';

export type ModuleCheck = 'yes' | 'no' | 'unknown';

export interface Probe {
  /** True when `file` is an existing regular file that may be executed. */
  isExecutableFile(file: string): Promise<boolean>;
  /** Whether `python` can import `module` ('unknown' when the check itself failed). */
  pythonHasModule(python: string, module: string): Promise<ModuleCheck>;
  /** The `major.minor` version of `python`, or undefined when it does not run. */
  pythonVersion(python: string): Promise<string | undefined>;
}

export interface Environment {
  platform: NodeJS.Platform;
  /** Environment variables (PATH, PATHEXT, ...); keys are matched case-insensitively on Windows. */
  env: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  /** First workspace folder: base for relative paths and `${workspaceFolder}`. */
  workspaceFolder?: string;
}

export interface ResolveInputs {
  settings: ClientSettings;
  environment: Environment;
  /** Asked only when neither setting is given; may throw or return undefined. */
  pythonExtensionInterpreter?: () => Promise<string | undefined>;
  /** The server bundled with the extension, or why there is none (absent: none). */
  bundle?: BundleLookup;
}

export type Source = 'tf2-lsp.path' | 'tf2-lsp.interpreter' | 'python-extension' | 'PATH';

export type Resolution =
  | {
      ok: true;
      command: [string, ...string[]];
      /** Where the program (the server, or the Python that runs the bundled one) came from. */
      source: Source;
      /** Whether the command runs the server bundled with the extension. */
      bundled: boolean;
      log: string[];
    }
  | {
      ok: false;
      /** `setting`: an explicit setting is broken; `not-found`: nothing was found. */
      reason: 'setting' | 'not-found';
      /** One-paragraph message for the notification. */
      message: string;
      log: string[];
    };

function pathApi(platform: NodeJS.Platform): typeof nodePath.posix {
  return platform === 'win32' ? nodePath.win32 : nodePath.posix;
}

export function getEnv(environment: Environment, name: string): string | undefined {
  if (environment.platform !== 'win32') return environment.env[name];
  const wanted = name.toUpperCase();
  for (const [key, value] of Object.entries(environment.env)) {
    if (key.toUpperCase() === wanted) return value;
  }
  return undefined;
}

/** Expand `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}`, then make relative paths absolute. */
export function expandPath(raw: string, environment: Environment): string {
  const api = pathApi(environment.platform);
  let value = raw.replace(/\$\{(userHome|workspaceFolder|env:([^}]+))\}/g, (whole, name: string, envName?: string) => {
    if (envName !== undefined) return getEnv(environment, envName) ?? '';
    if (name === 'userHome') return environment.homeDir ?? whole;
    return environment.workspaceFolder ?? whole;
  });
  if (environment.homeDir !== undefined && (value === '~' || value.startsWith('~/') || value.startsWith('~\\'))) {
    value = api.join(environment.homeDir, value.slice(1));
  }
  const hasSeparator = value.includes('/') || (environment.platform === 'win32' && value.includes('\\'));
  if (hasSeparator && !api.isAbsolute(value) && environment.workspaceFolder !== undefined) {
    value = api.resolve(environment.workspaceFolder, value);
  }
  return value;
}

/** Candidate file names for `name` in one directory, honouring PATHEXT on Windows. */
function executableNames(name: string, environment: Environment): string[] {
  if (environment.platform !== 'win32') return [name];
  const pathext = (getEnv(environment, 'PATHEXT') ?? '.COM;.EXE;.BAT;.CMD')
    .split(';')
    .map((ext) => ext.trim())
    .filter((ext) => ext !== '');
  const lower = name.toLowerCase();
  const hasKnownExt = pathext.some((ext) => lower.endsWith(ext.toLowerCase()));
  const names = pathext.map((ext) => name + ext.toLowerCase());
  return hasKnownExt ? [name, ...names] : names;
}

/** Find `name` on PATH the way a shell would (first match wins). */
export async function findOnPath(name: string, environment: Environment, probe: Probe): Promise<string | undefined> {
  const api = pathApi(environment.platform);
  const delimiter = environment.platform === 'win32' ? ';' : ':';
  const dirs = (getEnv(environment, 'PATH') ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const rawDir of dirs) {
    const dir = environment.platform === 'win32' ? rawDir.replace(/^"(.*)"$/, '$1') : rawDir;
    for (const candidate of executableNames(name, environment)) {
      const full = api.join(dir, candidate);
      if (await probe.isExecutableFile(full)) return full;
    }
  }
  return undefined;
}

/** Resolve a program given in a setting: a path (absolute or relative) or a bare name looked up on PATH. */
async function resolveProgram(raw: string, environment: Environment, probe: Probe): Promise<string | undefined> {
  const expanded = expandPath(raw, environment);
  const api = pathApi(environment.platform);
  if (api.isAbsolute(expanded)) {
    if (await probe.isExecutableFile(expanded)) return expanded;
    if (environment.platform === 'win32') {
      for (const candidate of executableNames(expanded, environment)) {
        if (candidate !== expanded && (await probe.isExecutableFile(candidate))) return candidate;
      }
    }
    return undefined;
  }
  return findOnPath(expanded, environment, probe);
}

function notFoundMessage(): string {
  return (
    `tf2-lsp: the tf2-lsp language server was not found. Install it with \`${INSTALL_HINT}\` ` +
    '(in the environment of your project, or with pipx), or set `tf2-lsp.interpreter` to a Python ' +
    'interpreter that has it (or `tf2-lsp.path` to its command). The platform packages of the extension ' +
    'bring their own server: `tf2-lsp.importStrategy` `useBundled`.'
  );
}

export async function resolveServerCommand(inputs: ResolveInputs, probe: Probe): Promise<Resolution> {
  const log: string[] = [];
  if (inputs.settings.path !== undefined) return fromPathSetting(inputs.settings.path, inputs.environment, probe, log);
  const strategy = inputs.settings.importStrategy ?? DEFAULT_IMPORT_STRATEGY;
  const lookup: BundleLookup = inputs.bundle ?? { ok: false, reason: 'this copy of the extension has no bundled server' };
  if (strategy === 'useBundled') {
    if (lookup.ok) return resolveBundled(inputs, lookup.bundle, probe, log);
    log.push(`importStrategy useBundled: ${lookup.reason}; looking for tf2-lsp in the environment.`);
    return resolveFromEnvironment(inputs, probe, log);
  }
  const found = await resolveFromEnvironment(inputs, probe, log);
  if (found.ok || found.reason === 'setting' || !lookup.ok) return found;
  log.push('importStrategy fromEnvironment: tf2-lsp is not installed in the environment; trying the bundled server.');
  const bundled = await resolveBundled(inputs, lookup.bundle, probe, log);
  return bundled.ok ? bundled : { ...found, log };
}

async function fromPathSetting(
  path: [string, ...string[]],
  environment: Environment,
  probe: Probe,
  log: string[],
): Promise<Resolution> {
  const [program, ...args] = path;
  const resolved = await resolveProgram(program, environment, probe);
  if (resolved === undefined) {
    log.push(`tf2-lsp.path: ${JSON.stringify(program)} is not an executable file (nor found on PATH).`);
    return {
      ok: false,
      reason: 'setting',
      message:
        `tf2-lsp: the setting tf2-lsp.path names ${JSON.stringify(program)}, which is not an executable ` +
        `file. Fix or clear the setting, or install the server with \`${INSTALL_HINT}\`.`,
      log,
    };
  }
  log.push(`Using tf2-lsp.path: ${resolved}`);
  return { ok: true, command: [resolved, ...args, 'serve'], source: 'tf2-lsp.path', bundled: false, log };
}

/** "3.10–3.14" (or "3.12" for one version). */
export function versionRange(versions: readonly string[]): string {
  const first = versions[0] ?? '?';
  const last = versions.at(-1) ?? first;
  return first === last ? first : `${first}–${last}`;
}

/** Names a Python interpreter goes by on PATH. */
function pythonNames(platform: NodeJS.Platform): string[] {
  return platform === 'win32' ? ['python', 'python3'] : ['python3', 'python'];
}

/** The bundled server, run by the first interpreter of a version it was built for. */
async function resolveBundled(inputs: ResolveInputs, bundle: Bundle, probe: Probe, log: string[]): Promise<Resolution> {
  const { settings, environment } = inputs;
  const range = versionRange(bundle.pythonVersions);
  const command = (python: string): [string, ...string[]] => [python, '-I', bundle.launcher, 'serve'];
  const describe = (version: string | undefined): string =>
    version === undefined ? 'does not run (or prints no version)' : `is Python ${version}`;
  log.push(`Bundled server for ${bundle.target}, Python ${range}: ${bundle.launcher}`);

  if (settings.interpreter !== undefined) {
    const python = await resolveProgram(settings.interpreter, environment, probe);
    const version = python === undefined ? undefined : await probe.pythonVersion(python);
    if (python === undefined || version === undefined || !bundle.pythonVersions.includes(version)) {
      const what = python === undefined ? 'is not an executable file' : describe(version);
      log.push(`tf2-lsp.interpreter: ${JSON.stringify(settings.interpreter)} ${what}.`);
      return {
        ok: false,
        reason: 'setting',
        message:
          `tf2-lsp: the interpreter ${JSON.stringify(settings.interpreter)} (tf2-lsp.interpreter) ${what}; the ` +
          `bundled server needs Python ${range}. Point the setting at such an interpreter, or clear it.`,
        log,
      };
    }
    log.push(`Using the bundled server with tf2-lsp.interpreter: ${python} (Python ${version})`);
    return { ok: true, command: command(python), source: 'tf2-lsp.interpreter', bundled: true, log };
  }

  if (inputs.pythonExtensionInterpreter !== undefined) {
    const selected = await selectedInterpreter(inputs.pythonExtensionInterpreter, probe, log);
    if (selected !== undefined) {
      const version = await probe.pythonVersion(selected);
      if (version !== undefined && bundle.pythonVersions.includes(version)) {
        log.push(`Using the bundled server with the Python extension's interpreter: ${selected} (Python ${version})`);
        return { ok: true, command: command(selected), source: 'python-extension', bundled: true, log };
      }
      log.push(`Python extension: selected interpreter ${selected} ${describe(version)}, not ${range}.`);
    }
  }

  for (const name of pythonNames(environment.platform)) {
    const found = await findOnPath(name, environment, probe);
    if (found === undefined) continue;
    const version = await probe.pythonVersion(found);
    if (version !== undefined && bundle.pythonVersions.includes(version)) {
      log.push(`Using the bundled server with ${name} from PATH: ${found} (Python ${version})`);
      return { ok: true, command: command(found), source: 'PATH', bundled: true, log };
    }
    log.push(`PATH: ${found} ${describe(version)}, not ${range}.`);
  }
  log.push(`PATH: no Python ${range} as ${pythonNames(environment.platform).join(' or ')} in ${getEnv(environment, 'PATH') ?? '(PATH unset)'}.`);
  return {
    ok: false,
    reason: 'not-found',
    message:
      `tf2-lsp: no Python ${range} was found to run the bundled tf2-lsp server. Install Python ${range}, ` +
      'then select it in the Python extension or set `tf2-lsp.interpreter` to it.',
    log,
  };
}

/** The Python extension's interpreter if it is an executable file; logs why not. */
async function selectedInterpreter(
  ask: () => Promise<string | undefined>,
  probe: Probe,
  log: string[],
): Promise<string | undefined> {
  let selected: string | undefined;
  try {
    selected = await ask();
  } catch (error) {
    log.push(`Python extension: could not get the selected interpreter (${String(error)}).`);
    return undefined;
  }
  if (selected === undefined || selected === '') {
    log.push('Python extension: no interpreter selected (or extension not installed).');
    return undefined;
  }
  if (!(await probe.isExecutableFile(selected))) {
    log.push(`Python extension: selected interpreter ${selected} is not an executable file.`);
    return undefined;
  }
  return selected;
}

/** A server the user installed: tf2-lsp.interpreter, the Python extension's interpreter, PATH. */
async function resolveFromEnvironment(inputs: ResolveInputs, probe: Probe, log: string[]): Promise<Resolution> {
  const { settings, environment } = inputs;
  // 1. tf2-lsp.interpreter
  if (settings.interpreter !== undefined) {
    const python = await resolveProgram(settings.interpreter, environment, probe);
    if (python === undefined) {
      log.push(`tf2-lsp.interpreter: ${JSON.stringify(settings.interpreter)} is not an executable file.`);
      return {
        ok: false,
        reason: 'setting',
        message:
          `tf2-lsp: the setting tf2-lsp.interpreter names ${JSON.stringify(settings.interpreter)}, ` +
          'which is not an executable file. Set it to a Python interpreter that has tf2-lsp installed.',
        log,
      };
    }
    const check = await probe.pythonHasModule(python, SERVER_MODULE);
    if (check === 'no') {
      log.push(`tf2-lsp.interpreter: ${python} cannot import ${SERVER_MODULE}.`);
      return {
        ok: false,
        reason: 'setting',
        message:
          `tf2-lsp: the interpreter ${python} (tf2-lsp.interpreter) does not have tf2-lsp installed. ` +
          `Run \`"${python}" -m ${INSTALL_HINT}\`, or point the setting at another interpreter.`,
        log,
      };
    }
    if (check === 'unknown') log.push(`tf2-lsp.interpreter: could not check that ${python} has ${SERVER_MODULE}; trying it.`);
    log.push(`Using tf2-lsp.interpreter: ${python}`);
    return { ok: true, command: [python, '-m', SERVER_MODULE, 'serve'], source: 'tf2-lsp.interpreter', bundled: false, log };
  }

  // 2. the Python extension's interpreter
  if (inputs.pythonExtensionInterpreter !== undefined) {
    const selected = await selectedInterpreter(inputs.pythonExtensionInterpreter, probe, log);
    if (selected !== undefined) {
      const check = await probe.pythonHasModule(selected, SERVER_MODULE);
      if (check === 'yes') {
        log.push(`Using the Python extension's interpreter: ${selected}`);
        return {
          ok: true,
          command: [selected, '-m', SERVER_MODULE, 'serve'],
          source: 'python-extension',
          bundled: false,
          log,
        };
      }
      log.push(
        check === 'no'
          ? `Python extension: selected interpreter ${selected} does not have ${SERVER_MODULE} installed.`
          : `Python extension: could not check whether ${selected} has ${SERVER_MODULE}.`,
      );
    }
  }

  // 3. tf2-lsp on PATH
  const onPath = await findOnPath(SERVER_EXECUTABLE, environment, probe);
  if (onPath !== undefined) {
    log.push(`Using ${SERVER_EXECUTABLE} from PATH: ${onPath}`);
    return { ok: true, command: [onPath, 'serve'], source: 'PATH', bundled: false, log };
  }
  log.push(`PATH: no ${SERVER_EXECUTABLE} executable in ${getEnv(environment, 'PATH') ?? '(PATH unset)'}.`);
  return { ok: false, reason: 'not-found', message: notFoundMessage(), log };
}
