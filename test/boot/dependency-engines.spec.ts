import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { satisfies } from 'semver';

const root = join(__dirname, '..', '..');

/** The Node versions the README promises; CI runs the suite on each major. */
const PROMISED_NODE_VERSIONS = ['20.19.0', '22.13.0', '24.0.0'];

interface LockedPackage {
  engines?: { node?: string } | string[];
  optional?: boolean;
  os?: string[];
}

describe('dependency engines', () => {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };

  it('the README names the versions this test checks', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('Node.js 20.19+, 22.13+ or 24');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    for (const version of PROMISED_NODE_VERSIONS) expect(satisfies(version, manifest.engines.node)).toBe(true);
  });

  it.each(PROMISED_NODE_VERSIONS)('every locked package accepts Node %s (npm ci prints no EBADENGINE)', (version) => {
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, pkg]) => {
        const range = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
        // Only packages that install on Linux matter here: platform-specific optional binaries for other systems are skipped by npm.
        if (!range || (pkg.os && !pkg.os.includes('linux'))) return [];
        return satisfies(version, range, { includePrerelease: true }) ? [] : [`${path} wants node ${range}`];
      });
    expect(refusing).toEqual([]);
  });
});
