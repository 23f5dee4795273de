import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { findBundle, parseManifest, targetsFor } from '../src/bundle';

describe('findBundle', () => {
  let root = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'tf2-lsp-bundle-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  function extension(name: string, manifest: string | undefined): string {
    const dir = join(root, name);
    mkdirSync(join(dir, 'bundled', 'tool'), { recursive: true });
    mkdirSync(join(dir, 'bundled', 'libs'), { recursive: true });
    writeFileSync(join(dir, 'bundled', 'tool', 'launch.py'), '');
    if (manifest !== undefined) writeFileSync(join(dir, 'bundled', 'manifest.json'), manifest);
    return dir;
  }

  it('finds the launcher and the Python versions of a bundle built for this machine', async () => {
    const dir = extension('ok', JSON.stringify({ target: 'linux-x64', pythonVersions: ['3.10', '3.11'] }));
    const lookup = await findBundle(dir, 'linux', 'x64');
    assert.deepEqual(lookup, {
      ok: true,
      bundle: { launcher: join(dir, 'bundled', 'tool', 'launch.py'), pythonVersions: ['3.10', '3.11'], target: 'linux-x64' },
    });
  });

  it('has none in a package built without it', async () => {
    const lookup = await findBundle(extension('none', undefined), 'linux', 'x64');
    assert.ok(!lookup.ok);
    assert.match(lookup.reason, /no bundled server/);
  });

  it('refuses a bundle built for another machine, naming both', async () => {
    const dir = extension('other', JSON.stringify({ target: 'win32-x64', pythonVersions: ['3.12'] }));
    const lookup = await findBundle(dir, 'darwin', 'arm64');
    assert.ok(!lookup.ok);
    assert.match(lookup.reason, /built for win32-x64, not for this machine \(darwin-arm64\)/);
  });

  it('reports a damaged manifest', async () => {
    const lookup = await findBundle(extension('damaged', '{"target": "linux-x64"'), 'linux', 'x64');
    assert.ok(!lookup.ok);
    assert.match(lookup.reason, /damaged: manifest\.json is not JSON/);
  });
});

describe('bundle manifest and targets', () => {
  it('accepts only major.minor version lists', () => {
    assert.deepEqual(parseManifest({ target: 'linux-x64', pythonVersions: ['3.10'] }), {
      target: 'linux-x64',
      pythonVersions: ['3.10'],
    });
    assert.equal(parseManifest({ target: 'linux-x64', pythonVersions: [] }), 'manifest.json has no "pythonVersions" list');
    assert.equal(parseManifest({ target: 'linux-x64', pythonVersions: ['3'] }), 'manifest.json has no "pythonVersions" list');
    assert.equal(parseManifest({ pythonVersions: ['3.10'] }), 'manifest.json has no "target"');
  });

  it('accepts alpine packages on Linux (VS Code on Alpine reports linux)', () => {
    assert.deepEqual(targetsFor('linux', 'arm64'), ['linux-arm64', 'alpine-arm64']);
    assert.deepEqual(targetsFor('win32', 'x64'), ['win32-x64']);
  });
});
