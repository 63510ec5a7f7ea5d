import type { Flow, WorkloadEndpoint } from '@palisade/netpol-engine';

import { formatFlows } from '../format-flows.util';

const api: WorkloadEndpoint = { kind: 'workload', namespace: 'prod', workloadKind: 'Deployment', name: 'api' };
const web: WorkloadEndpoint = { kind: 'workload', namespace: 'prod', workloadKind: 'Deployment', name: 'web' };
const idle: WorkloadEndpoint = { kind: 'workload', namespace: 'batch', workloadKind: 'CronJob', name: 'idle' };
const flows: Flow[] = [
  { from: web, to: api, ports: [{ protocol: 'TCP', ranges: [[8080, 8080], [9000, 9100]] }] },
  { from: api, to: { kind: 'cidr', cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] }, ports: [{ protocol: 'UDP', ranges: [[53, 53]] }] },
];

describe(formatFlows.name, () => {
  it('text: one line per flow', () => {
    expect(formatFlows(flows, 'text')).toBe(
      'prod/web[Deployment] => prod/api[Deployment] : TCP 8080,9000-9100\nprod/api[Deployment] => 0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16 : UDP 53\n',
    );
  });

  it('json: the engine flows', () => {
    expect(JSON.parse(formatFlows(flows, 'json'))).toEqual({ flows });
  });

  it('csv: one row per port range, quoting fields with commas', () => {
    expect(formatFlows(flows, 'csv').split('\n')).toEqual([
      'from,to,protocol,port_from,port_to',
      'prod/web[Deployment],prod/api[Deployment],TCP,8080,8080',
      'prod/web[Deployment],prod/api[Deployment],TCP,9000,9100',
      'prod/api[Deployment],"0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16",UDP,53,53',
      '',
    ]);
  });

  it('dot: namespaces as clusters, every workload drawn, external ranges as ellipses', () => {
    const dot = formatFlows(flows, 'dot', [idle, api, web]);
    expect(dot).toMatch(/^digraph palisade \{/);
    expect(dot).toContain('subgraph cluster_0 {\n    label="batch";\n    "batch/idle[CronJob]" [label="idle\\nCronJob"];\n  }');
    expect(dot).toContain('"0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16" [shape=ellipse];');
    expect(dot).toContain('"prod/web[Deployment]" -> "prod/api[Deployment]" [label="TCP 8080,9000-9100"];');
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });
});
