import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runCli } from '../../run-cli.util';
import { newTestIo, REPO_ROOT, SEED } from '../../__tests__/test-io';
import { FLOW_FORMATS } from '../format-flows.util';

const seed = [`${SEED}/article-policies.yaml`, `${SEED}/article-inventory.yaml`];

function run(...argv: string[]) {
  const io = newTestIo();
  const code = runCli(argv, io);
  return { code, out: io.out, err: io.err };
}

describe('CI formats', () => {
  it('connectivity -o md: one Markdown table row per flow, as in the text output', () => {
    const text = run('connectivity', ...seed).out.trimEnd().split('\n');
    const sut = run('connectivity', ...seed, '-o', 'md');
    expect(sut.code).toBe(0);
    const lines = sut.out.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['| From | To | Ports |', '| --- | --- | --- |']);
    expect(lines.slice(2)).toHaveLength(text.length);
    expect(lines).toContain('| `default/myapp[Deployment]` | `1.1.1.1/32` | TCP 443 |');
  });

  describe('diff supports every format connectivity does', () => {
    let dir: string;
    let before: string;
    let after: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'palisade-diff-formats-'));
      // before: the article without its last policy (egress to 1.1.1.1:443); after: all five
      const text = readFileSync(join(REPO_ROOT, seed[0] as string), 'utf8');
      before = join(dir, 'before.yaml');
      after = join(dir, 'after.yaml');
      writeFileSync(before, text.split(/^---$/m).slice(0, -1).join('---'));
      writeFileSync(after, text);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const diff = (format: string) => run('diff', before, after, '--inventory', seed[1] as string, '-o', format);

    it.each(FLOW_FORMATS)('%s', (format) => {
      expect(diff(format)).toMatchObject({ code: 0, err: '' });
    });

    it('csv: a change column, one row per flow and port range', () => {
      expect(diff('csv').out).toBe('change,from,to,protocol,port_from,port_to\nadded,default/myapp[Deployment],1.1.1.1/32,TCP,443,443\n');
    });

    it('jsonl: one changed flow per line', () => {
      expect(diff('jsonl').out.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual([
        { change: 'added', from: { kind: 'workload', namespace: 'default', workloadKind: 'Deployment', name: 'myapp' }, to: { kind: 'cidr', cidr: '1.1.1.1/32' }, ports: [{ protocol: 'TCP', ranges: [[443, 443]] }] },
      ]);
    });

    it('dot: opened flows as green edges', () => {
      const out = diff('dot').out;
      expect(out).toMatch(/^digraph palisade_diff \{/);
      expect(out).toContain('"default/myapp[Deployment]" -> "1.1.1.1/32" [label="+ TCP 443", color="#1a7f37", fontcolor="#1a7f37"];');
    });

    // EGRESS_TO_INTERNET_OPENED names the policy, not a field: its line is where document 5 starts.
    it('md: a summary, the flows opened and the findings with file, line and document', () => {
      const lines = diff('md').out.trimEnd().split('\n');
      expect(lines[0]).toBe('### palisade diff: 1 policies added, 0 modified, 0 removed; 1 flows opened, 0 closed; 3 findings (max severity high)');
      expect(lines).toContain('| ➕ opened | `default/myapp[Deployment]` | `1.1.1.1/32` | TCP 443 |');
      expect(lines).toContain('| Severity | Finding | File | Line | Document | Message |');
      const high = lines.find((l) => l.startsWith('| HIGH | EGRESS_TO_INTERNET_OPENED |'));
      expect(high?.split(' | ').slice(2, 5)).toEqual([`\`${after}\``, '65', '5']);
    });

    it('says on standard error when flows cannot be computed', () => {
      expect(run('diff', before, after, '-o', 'csv')).toEqual({
        code: 0,
        out: 'change,from,to,protocol,port_from,port_to\n',
        err: 'palisade: warning: flows not computed: no Namespaces, Pods or workloads in the input (give --inventory)\n',
      });
    });
  });
});
