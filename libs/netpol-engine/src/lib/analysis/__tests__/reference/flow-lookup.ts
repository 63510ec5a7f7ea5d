/** Test helper: answers "does this Flow[] allow X" by expanding flows back to pods and addresses. */
import type { Endpoint, Flow, Inventory, InventoryPod, Protocol } from '../../model.type';
import { addressBits, cidrContains } from './reference-evaluator';

function workloadOf(pod: InventoryPod): string {
  return `${pod.namespace}/${pod.workload?.kind ?? 'Pod'}/${pod.workload?.name ?? pod.name}`;
}

function endpointContains(endpoint: Endpoint, target: { pod: InventoryPod } | { ip: string }): boolean {
  if (endpoint.kind === 'workload') {
    return 'pod' in target && workloadOf(target.pod) === `${endpoint.namespace}/${endpoint.workloadKind}/${endpoint.name}`;
  }
  if (!('ip' in target)) return false;
  return cidrContains(endpoint.cidr, target.ip) && !(endpoint.except ?? []).some((e) => cidrContains(e, target.ip));
}

export class FlowLookup {
  constructor(
    private readonly inventory: Inventory,
    private readonly flows: readonly Flow[],
  ) {}

  private resolve(text: string): { pod: InventoryPod } | { ip: string } {
    if (addressBits(text) !== null) return { ip: text };
    const pod = this.inventory.pods.find((p) => `${p.namespace}/${p.name}` === text);
    if (!pod) throw new Error(`no pod ${text}`);
    return { pod };
  }

  /** Whether some flow covers (from, to, protocol, port); endpoints as `ns/pod` or an IP. */
  allows(from: string, to: string, protocol: Protocol, port: number): boolean {
    const source = this.resolve(from);
    const destination = this.resolve(to);
    return this.flows.some(
      (f) =>
        endpointContains(f.from, source) &&
        endpointContains(f.to, destination) &&
        f.ports.some((p) => p.protocol === protocol && p.ranges.some(([lo, hi]) => lo <= port && port <= hi)),
    );
  }

  /** Every (from, to, protocol, port) a flow list covers, for the given pods, addresses and ports. */
  expand(endpoints: readonly string[], protocols: readonly Protocol[], ports: readonly number[]): Set<string> {
    const out = new Set<string>();
    for (const from of endpoints) {
      for (const to of endpoints) {
        if (from === to) continue;
        for (const protocol of protocols) for (const port of ports) if (this.allows(from, to, protocol, port)) out.add(`${from} ${to} ${protocol} ${port}`);
      }
    }
    return out;
  }
}
