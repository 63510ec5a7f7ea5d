import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CliException } from '../../cli.exception';
import { collectManifestFiles } from '../collect-manifest-files.util';
import { loadManifests, loadValidManifests } from '../load-manifests.util';

const policyYaml = (name: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\nspec:\n  podSelector: {}\n`;

describe(loadManifests.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-cli-'));
    mkdirSync(join(dir, 'policies', 'nested'), { recursive: true });
    writeFileSync(join(dir, 'policies', 'b.yaml'), policyYaml('b'));
    writeFileSync(join(dir, 'policies', 'nested', 'a.yml'), policyYaml('a'));
    writeFileSync(join(dir, 'policies', 'c.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }));
    writeFileSync(join(dir, 'policies', 'README.md'), '# not a manifest');
    mkdirSync(join(dir, 'empty'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads directories recursively for .yaml, .yml and .json, in name order', () => {
    expect(collectManifestFiles(['policies'], dir).map((f) => f.name)).toEqual(['policies/b.yaml', 'policies/c.json', 'policies/nested/a.yml']);
    const sut = loadManifests(['policies'], dir);
    expect(sut.policies.map((p) => p.metadata.name)).toEqual(['b', 'a']);
    expect(sut.namespaces.map((n) => n.name)).toEqual(['default']);
    expect(sut.policySource.get('default/a')).toBe('policies/nested/a.yml');
  });

  it('reports an object defined in two files, naming both', () => {
    writeFileSync(join(dir, 'again.yaml'), policyYaml('a'));
    writeFileSync(join(dir, 'more.yaml'), `${policyYaml('z')}---\n${policyYaml('b')}`);
    const sut = loadManifests(['policies', 'again.yaml', 'more.yaml'], dir);
    expect(sut.errors).toEqual([
      'again.yaml: document 1 (line 4): metadata.name: duplicate NetworkPolicy default/a: already defined in policies/nested/a.yml: document 1 (line 1)',
      'more.yaml: document 2 (line 11): metadata.name: duplicate NetworkPolicy default/b: already defined in policies/b.yaml: document 1 (line 1)',
    ]);
    // The first definition is kept; nothing of the duplicates is.
    expect(sut.policies.map((p) => p.metadata.name)).toEqual(['b', 'a', 'z']);
    expect(sut.policySource.get('default/b')).toBe('policies/b.yaml');
  });

  it('reports file, document, line and field of invalid manifests', () => {
    writeFileSync(join(dir, 'bad.yaml'), `${policyYaml('ok')}---\n${policyYaml('bad')}  ingress:\n  - ports:\n    - port: 0\n`);
    expect(() => loadValidManifests(['bad.yaml'], dir)).toThrow(CliException);
    const errors = loadManifests(['bad.yaml'], dir).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^bad\.yaml: document 2 \(line \d+\): spec\.ingress\[0\]\.ports\[0\]\.port: /);
  });

  it.each([
    ['missing', 'cannot read missing: no such file or directory'],
    ['empty', 'empty: no .yaml, .yml or .json files in this directory'],
  ])('fails on %s', (arg, message) => {
    expect(() => loadManifests([arg], dir)).toThrow(message);
  });
});
