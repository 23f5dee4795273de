/**
 * The tf2-lsp server bundled in a platform package of the extension (`bundled/`, written by
 * scripts/package_vsix.py): `tool/launch.py` runs it from `libs/`, and `manifest.json` says
 * which platform and Python versions it was built for. A package built without it (from
 * source, or the universal .vsix) has no bundle and finds the server in the environment.
 */
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';

export interface Bundle {
  /** Absolute path of `bundled/tool/launch.py`; run as `<python> -I <launcher> serve`. */
  launcher: string;
  /** `major.minor` versions the compiled libraries were built for, oldest first. */
  pythonVersions: string[];
  /** The `vsce package --target` it was built for, e.g. `linux-x64`. */
  target: string;
}

export type BundleLookup = { ok: true; bundle: Bundle } | { ok: false; reason: string };

/** The vsce target names of a machine (`alpine-*` packages also run on glibc-less Linux). */
export function targetsFor(platform: NodeJS.Platform, arch: string): string[] {
  const targets = [`${platform}-${arch}`];
  if (platform === 'linux') targets.push(`alpine-${arch}`);
  return targets;
}

/** Validate a parsed manifest.json; the problem in words, or the versions and target. */
export function parseManifest(json: unknown): { pythonVersions: string[]; target: string } | string {
  if (typeof json !== 'object' || json === null) return 'manifest.json is not an object';
  const { pythonVersions, target } = json as Record<string, unknown>;
  if (typeof target !== 'string') return 'manifest.json has no "target"';
  if (
    !Array.isArray(pythonVersions) ||
    pythonVersions.length === 0 ||
    !pythonVersions.every((version): version is string => typeof version === 'string' && /^\d+\.\d+$/.test(version))
  ) {
    return 'manifest.json has no "pythonVersions" list';
  }
  return { pythonVersions, target };
}

/** Find and check the bundle under `extensionDir` for this machine. */
export async function findBundle(
  extensionDir: string,
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): Promise<BundleLookup> {
  const bundled = nodePath.join(extensionDir, 'bundled');
  const launcher = nodePath.join(bundled, 'tool', 'launch.py');
  let text: string;
  try {
    text = await fs.readFile(nodePath.join(bundled, 'manifest.json'), 'utf8');
    await fs.access(launcher);
    await fs.access(nodePath.join(bundled, 'libs'));
  } catch {
    return { ok: false, reason: `this copy of the extension has no bundled server (${bundled})` };
  }
  let manifest: ReturnType<typeof parseManifest>;
  try {
    manifest = parseManifest(JSON.parse(text));
  } catch (error) {
    manifest = `manifest.json is not JSON (${String(error)})`;
  }
  if (typeof manifest === 'string') return { ok: false, reason: `the bundled server is damaged: ${manifest}` };
  const wanted = targetsFor(platform, arch);
  if (!wanted.includes(manifest.target)) {
    return {
      ok: false,
      reason:
        `the bundled server was built for ${manifest.target}, not for this machine (${wanted[0] ?? platform}); ` +
        `install the extension package for ${wanted[0] ?? platform}`,
    };
  }
  return { ok: true, bundle: { launcher, ...manifest } };
}
