import type { AggregatedFlow, Endpoint, Flow, FlowPorts, NamespaceEndpoint } from './model.type';

/**
 * `ns/name[Kind]` for a workload, `cidr` or `cidr except a, b` for external addresses, `ns/*` for every
 * workload of a namespace (aggregated flows).
 *
 * @example formatEndpoint({ kind: 'workload', namespace: 'prod', workloadKind: 'Deployment', name: 'api' }) // 'prod/api[Deployment]'
 * @example formatEndpoint({ kind: 'cidr', cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }) // '0.0.0.0/0 except 10.0.0.0/8'
 */
export function formatEndpoint(endpoint: Endpoint | NamespaceEndpoint): string {
  if (endpoint.kind === 'namespace') return `${endpoint.namespace}/*`;
  if (endpoint.kind === 'workload') return `${endpoint.namespace}/${endpoint.name}[${endpoint.workloadKind}]`;
  return endpoint.except && endpoint.except.length > 0 ? `${endpoint.cidr} except ${endpoint.except.join(', ')}` : endpoint.cidr;
}

/**
 * Ports as text: `All` when every port of TCP, UDP and SCTP is open; otherwise per protocol
 * (TCP, UDP, SCTP order) a comma-separated list of ports and inclusive ranges, protocols
 * separated by `; ` — a fully open protocol reads `TCP 1-65535`.
 *
 * @example formatPorts([{ protocol: 'TCP', ranges: [[53, 53], [8000, 8080]] }, { protocol: 'UDP', ranges: [[53, 53]] }])
 * // 'TCP 53,8000-8080; UDP 53'
 */
export function formatPorts(ports: readonly FlowPorts[]): string {
  const full = (p: FlowPorts) => p.ranges.length === 1 && p.ranges[0][0] === 1 && p.ranges[0][1] === 65535;
  if (ports.length === 3 && ports.every(full)) return 'All';
  return ports
    .map((p) => `${p.protocol} ${p.ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(',')}`)
    .join('; ');
}

/**
 * One line per flow: `from => to : ports`.
 *
 * @example formatFlow(flow) // 'prod/frontend[Deployment] => prod/api[Deployment] : TCP 8080'
 * @example formatFlow(flow) // 'prod/api[Deployment] => 1.1.1.1/32 : TCP 443'
 * @example formatFlow(flow) // 'prod/api[Deployment] => 0.0.0.0/0 except 10.0.0.0/8 : All'
 * @example formatFlow(aggregatedFlow) // 'team-a/* => team-b/* : All'
 */
export function formatFlow(flow: Flow | AggregatedFlow): string {
  return `${formatEndpoint(flow.from)} => ${formatEndpoint(flow.to)} : ${formatPorts(flow.ports)}`;
}
