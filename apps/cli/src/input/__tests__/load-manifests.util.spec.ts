import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { newTestIo } from '../../__tests__/test-io';
import { CliException } from '../../cli.exception';
import { collectManifestFiles } from '../collect-manifest-files.util';
import { loadManifests, loadValidManifests, readUtf8File, skippedWarning } from '../load-manifests.util';

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
    const sut = loadManifests(['policies'], newTestIo(dir));
    expect(sut.policies.map((p) => p.metadata.name)).toEqual(['b', 'a']);
    expect(sut.namespaces.map((n) => n.name)).toEqual(['default']);
    expect(sut.policyLocations.get('default/a')).toMatchObject({ source: 'policies/nested/a.yml', document: 1, line: 1 });
  });

  it('leaves policy locations out when asked (commands that report no line), still naming duplicates', () => {
    writeFileSync(join(dir, 'again.yaml'), policyYaml('a'));
    const sut = loadManifests(['policies', 'again.yaml'], newTestIo(dir), { policyLocations: false });
    expect(sut.policies.map((p) => p.metadata.name)).toEqual(['b', 'a']);
    expect(sut.policyLocations.size).toBe(0);
    expect(sut.errors).toEqual(['again.yaml: document 1 (line 4): metadata.name: duplicate NetworkPolicy default/a: already defined in policies/nested/a.yml: document 1 (line 1)']);
  });

  it('reports an object defined in two files, naming both', () => {
    writeFileSync(join(dir, 'again.yaml'), policyYaml('a'));
    writeFileSync(join(dir, 'more.yaml'), `${policyYaml('z')}---\n${policyYaml('b')}`);
    const sut = loadManifests(['policies', 'again.yaml', 'more.yaml'], newTestIo(dir));
    expect(sut.errors).toEqual([
      'again.yaml: document 1 (line 4): metadata.name: duplicate NetworkPolicy default/a: already defined in policies/nested/a.yml: document 1 (line 1)',
      'more.yaml: document 2 (line 11): metadata.name: duplicate NetworkPolicy default/b: already defined in policies/b.yaml: document 1 (line 1)',
    ]);
    // The first definition is kept; nothing of the duplicates is.
    expect(sut.policies.map((p) => p.metadata.name)).toEqual(['b', 'a', 'z']);
    expect(sut.policyLocations.get('default/b')?.source).toBe('policies/b.yaml');
  });

  it('reports file, document, line and field of invalid manifests', () => {
    writeFileSync(join(dir, 'bad.yaml'), `${policyYaml('ok')}---\n${policyYaml('bad')}  ingress:\n  - ports:\n    - port: 0\n`);
    expect(() => loadValidManifests(['bad.yaml'], newTestIo(dir))).toThrow(CliException);
    const errors = loadManifests(['bad.yaml'], newTestIo(dir)).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^bad\.yaml: document 2 \(line \d+\): spec\.ingress\[0\]\.ports\[0\]\.port: /);
  });

  it.each([
    ['missing', 'cannot read missing: no such file or directory'],
    ['empty', 'empty: no .yaml, .yml or .json files in this directory'],
  ])('fails on %s', (arg, message) => {
    expect(() => loadManifests([arg], newTestIo(dir))).toThrow(message);
  });

  describe('a directory as people have it', () => {
    beforeEach(() => {
      mkdirSync(join(dir, 'repo', 'chart'), { recursive: true });
      writeFileSync(join(dir, 'repo', 'chart', 'values.yaml'), 'replicaCount: 2\nimage:\n  repository: nginx\n  tag: "1.27"\n');
      writeFileSync(join(dir, 'repo', 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- policy.yaml\n');
      writeFileSync(join(dir, 'repo', 'policy.yaml'), policyYaml('web'));
      writeFileSync(
        join(dir, 'repo', 'app.yaml'),
        [
          'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}',
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {a: b}',
          'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: things.example.com}',
          'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: calico}\nspec: {}',
          'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}',
        ].join('\n---\n'),
      );
    });

    it('skips what is no manifest and kinds the analysis does not use, one warning line per file on standard error', () => {
      const io = newTestIo(dir);
      const sut = loadManifests(['repo'], io);
      expect(sut.errors).toEqual([]);
      expect(sut.policies.map((p) => p.metadata.name)).toEqual(['web']);
      expect(sut.namespaces.map((n) => n.name)).toEqual(['shop']);
      expect(io.err.split('\n')).toEqual([
        'palisade: warning: repo/app.yaml: skipped 4 objects of kinds the analysis does not use (Service, ConfigMap, CustomResourceDefinition, projectcalico.org/v3 NetworkPolicy)',
        'palisade: warning: repo/chart/values.yaml: skipped, not a Kubernetes manifest (no kind or apiVersion)',
        'palisade: warning: repo/kustomization.yaml: skipped 1 object of a kind the analysis does not use (Kustomization)',
        '',
      ]);
      expect(sut.warnings).toHaveLength(3);
    });

    it('keeps malformed YAML an error', () => {
      writeFileSync(join(dir, 'repo', 'chart', 'values.yaml'), 'image:\n  repository: nginx\n tag: [1\n');
      const io = newTestIo(dir);
      expect(loadManifests(['repo'], io).errors[0]).toEqual(expect.stringMatching(/^repo\/chart\/values\.yaml: document 1 \(line \d+\): YAML syntax error: All mapping items must start at the same column/));
    });

    it('keeps an object meant as a manifest an error when it lacks its kind', () => {
      writeFileSync(join(dir, 'repo', 'chart', 'values.yaml'), 'apiVersion: v1\nmetadata: {name: x}\n');
      expect(loadManifests(['repo'], newTestIo(dir)).errors).toEqual(['repo/chart/values.yaml: document 1 (line 1): kind: is required']);
    });

    it('words a file mixing both', () => {
      const skipped = [
        { document: 1, reason: 'not-a-manifest' as const },
        { document: 2, kind: 'Service', reason: 'kind-not-used' as const },
      ];
      expect(skippedWarning('x.yaml', skipped, false)).toBe('x.yaml: skipped 1 document that is not a Kubernetes manifest and 1 object of a kind the analysis does not use (Service)');
    });
  });

  it('reads standard input for -, named <stdin> in messages', () => {
    const io = { ...newTestIo(dir), stdin: () => `${policyYaml('piped')}---\n${policyYaml('bad')}  ingress: 3\n` };
    const sut = loadManifests(['-', 'policies/b.yaml'], io);
    expect(sut.files).toEqual(['<stdin>', 'policies/b.yaml']);
    expect(sut.policies.map((p) => p.metadata.name)).toEqual(['piped', 'b']);
    expect(sut.errors).toEqual(['<stdin>: document 2 (line 14): spec.ingress: must be a list']);
    expect(() => loadManifests(['-', '-'], io)).toThrow('standard input (-) can be read only once');
  });
});

describe(readUtf8File.name, () => {
  it("reads exactly what readFileSync(path, 'utf8') reads: BOM kept, invalid bytes replaced, four-byte characters whole", () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-utf8-'));
    const cases = [
      [0xef, 0xbb, 0xbf, 0x61],
      [0x61, 0xff, 0x62],
      [0xed, 0xa0, 0x80],
      [0xf0, 0x9f, 0x98, 0x80, 0xc3],
      [0xe2, 0x82],
      [0xc0, 0xaf],
      [...Buffer.from('kind: NetworkPolicy # héllo ✓\n', 'utf8')],
    ];
    try {
      cases.forEach((bytes, i) => {
        const file = join(dir, `${i}.yaml`);
        writeFileSync(file, Buffer.from(bytes));
        expect(readUtf8File(file)).toBe(readFileSync(file, 'utf8'));
      });
      expect(readUtf8File(join(dir, '0.yaml'))).toBe('\ufeffa');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
