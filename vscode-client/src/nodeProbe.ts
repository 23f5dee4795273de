/** The real {@link Probe}: node's fs and child_process. Shared by the extension and the CLI. */
import { execFile } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';

import type { ModuleCheck, Probe } from './serverCommand';

/** Exit code of the import check when the module is missing. */
const MISSING = 3;

export interface NodeProbeOptions {
  /** Working directory for the import check; the server is started in the same one. */
  cwd?: string;
  timeoutMs?: number;
  /** Receives details of checks that could not be made. */
  log?: (line: string) => void;
}

export function createNodeProbe(options: NodeProbeOptions = {}): Probe {
  return {
    async isExecutableFile(file: string): Promise<boolean> {
      try {
        const stat = await fs.stat(file);
        if (!stat.isFile()) return false;
        if (process.platform !== 'win32') await fs.access(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    pythonHasModule(python: string, module: string): Promise<ModuleCheck> {
      const code = `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(${JSON.stringify(module)}) else ${MISSING})`;
      return new Promise((resolve) => {
        execFile(
          python,
          ['-c', code],
          { cwd: options.cwd, timeout: options.timeoutMs ?? 20_000, windowsHide: true },
          (error, _stdout, stderr) => {
            if (error === null) {
              resolve('yes');
              return;
            }
            const exitCode = typeof error.code === 'number' ? error.code : undefined;
            if (exitCode === MISSING) {
              resolve('no');
            } else if (error.code === 'ENOENT' || error.code === 'EACCES') {
              resolve('no');
            } else {
              options.log?.(`Checking ${python} for ${module} failed: ${error.message} ${stderr.trim()}`.trim());
              resolve('unknown');
            }
          },
        );
      });
    },
    pythonVersion(python: string): Promise<string | undefined> {
      // -I: nothing from the environment or the current directory runs with it.
      const code = 'import sys; print("%d.%d" % sys.version_info[:2])';
      return new Promise((resolve) => {
        execFile(
          python,
          ['-I', '-c', code],
          { cwd: options.cwd, timeout: options.timeoutMs ?? 20_000, windowsHide: true },
          (error, stdout) => {
            const version = stdout.trim();
            resolve(error === null && /^\d+\.\d+$/.test(version) ? version : undefined);
          },
        );
      });
    },
  };
}
