import { runCli } from '../../run-cli.util';
import { newTestIo, SEED } from '../../__tests__/test-io';
import { fieldPathSteps } from '../format-findings.util';
import { MANIFEST_ERROR_RULE } from '../format-lint.util';
import { markdownCell } from '../markdown-table.util';

const inputs = [`${SEED}/article-policies.yaml`, `${SEED}/article-inventory.yaml`, `${SEED}/article-broken-egress.yaml`];

function lint(...argv: string[]) {
  const io = newTestIo();
  const code = runCli(['lint', ...inputs, ...argv], io);
  return { code, out: io.out, err: io.err };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } }; logicalLocations: { name: string }[] }[];
  properties: { document: number; path?: string };
}

describe('lint findings in place: text, JSON, Markdown and SARIF carry file, document and line', () => {
  // Lines of test/fixtures/seed/article-policies.yaml: document 2 (ingress-access) has its podSelector
  // on line 18 and its ipBlock peer on 23; document 5 (egress-access-myapp) its ipBlock on 75.
  const expected = [
    ['ERROR', 'test/fixtures/seed/article-broken-egress.yaml', 1, 13],
    ['EGRESS_TO_INTERNET', 'test/fixtures/seed/article-policies.yaml', 5, 75],
    ['INGRESS_FROM_OUTSIDE_CLUSTER', 'test/fixtures/seed/article-policies.yaml', 2, 23],
    ['POLICY_SELECTS_NO_POD', 'test/fixtures/seed/article-policies.yaml', 2, 18],
  ];

  it('text', () => {
    const sut = lint();
    expect(sut.code).toBe(1);
    expect(sut.out).toContain('test/fixtures/seed/article-policies.yaml: document 5 (line 75): MEDIUM EGRESS_TO_INTERNET (spec.egress[0].to[0].ipBlock): ');
    expect(sut.out).toContain('test/fixtures/seed/article-policies.yaml: document 2 (line 18): LOW POLICY_SELECTS_NO_POD (spec.podSelector): ');
  });

  it('json', () => {
    const { findings } = JSON.parse(lint('-o', 'json').out) as { findings: { code: string; location: unknown }[] };
    expect(findings.map((f) => [f.code, f.location])).toEqual(expected.slice(1).map(([code, file, document, line]) => [code, { file, document, line }]));
  });

  it('md: a summary and one table row per error and finding', () => {
    const sut = lint('-o', 'md');
    expect(sut.code).toBe(1);
    const lines = sut.out.trimEnd().split('\n');
    expect(lines[0]).toBe('### palisade lint: 3 files, 5 policies: 1 error, 3 findings (max severity medium)');
    expect(lines.slice(2, 4)).toEqual(['| Severity | Rule | File | Line | Document | Field | Message |', '| --- | --- | --- | ---: | ---: | --- | --- |']);
    const rows = lines.slice(4).map((l) => l.split(' | ').map((c) => c.replace(/^\| |`/g, '')));
    expect(rows.map((r) => [r[1] === MANIFEST_ERROR_RULE ? 'ERROR' : r[1], r[2], Number(r[4]), Number(r[3])])).toEqual(expected);
  });

  it('sarif: SARIF 2.1.0 with one rule per code and every result located by file, line and document', () => {
    const sut = lint('--format', 'sarif');
    expect(sut.code).toBe(1);
    const sarif = JSON.parse(sut.out) as { version: string; $schema: string; runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: SarifResult[]; artifacts: unknown[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(sarif.runs).toHaveLength(1);
    const [run] = sarif.runs;
    expect(run?.tool.driver.name).toBe('palisade');
    expect(run?.artifacts).toHaveLength(3);
    const results = run?.results ?? [];
    expect(results.map((r) => [r.ruleId === MANIFEST_ERROR_RULE ? 'ERROR' : r.ruleId, r.locations[0]?.physicalLocation.artifactLocation.uri, r.properties.document, r.locations[0]?.physicalLocation.region?.startLine])).toEqual(expected);
    expect(results.map((r) => r.level)).toEqual(['error', 'warning', 'note', 'note']);
    for (const r of results) {
      expect(run?.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
      expect(r.locations[0]?.logicalLocations[0]?.name).toBe(`document ${r.properties.document}`);
    }
  });

  it('names List items as their document and item', () => {
    const io = newTestIo();
    io.stdin = () =>
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'out' }, spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] } }] }, null, 2);
    runCli(['lint', '-', '-o', 'sarif'], io);
    const result = (JSON.parse(io.out) as { runs: { results: SarifResult[] }[] }).runs[0]?.results[0];
    expect(result?.locations[0]).toEqual({
      physicalLocation: { artifactLocation: { uri: '%3Cstdin%3E' }, region: { startLine: 17 } },
      logicalLocations: [{ name: 'document 1 items[0]', kind: 'module' }],
    });
  });

  it.each<[string, (string | number)[]]>([
    ['spec.egress[0].to[1].ipBlock', ['spec', 'egress', 0, 'to', 1, 'ipBlock']],
    ['metadata.labels[app.kubernetes.io/name]', ['metadata', 'labels', 'app.kubernetes.io/name']],
    ['', []],
  ])('reads the field path %s as lookup steps', (path, steps) => {
    expect(fieldPathSteps(path)).toEqual(steps);
  });

  it('keeps table cells on one row', () => {
    expect(markdownCell('a | b\nc')).toBe('a \\| b c');
  });
});
