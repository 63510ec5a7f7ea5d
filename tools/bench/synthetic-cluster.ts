import type { Inventory, InventoryPod, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec, ReachQuery } from '@palisade/netpol-engine';

/**
 * Reproducible synthetic clusters for benchmarks: the same tier and seed always give the same
 * cluster. The shape follows a multi-team cluster: namespaces per team (team and env labels), a few
 * workloads per namespace with replicas, pod labels drawn from a small vocabulary, named container
 * ports, a default deny plus DNS and monitoring allowances per namespace, and per-workload allow
 * policies whose peers are mostly local (50%), some from the same team (30%), from one other
 * namespace (16%) or cluster-wide (4%: a whole environment, or every other team); about one
 * egress rule in five goes to an ipBlock (a public /32 or /24, a private VPC range, or 0.0.0.0/0
 * minus private space).
 *
 * The "open" shape is the same cluster where policies are not written everywhere: about one team
 * namespace in six has no policy at all (every workload there reaches and is reached by every
 * unisolated one) and about one in twenty-four isolates ingress only (its egress stays open).
 */

/** `default`: every team namespace has a default deny; `open`: some namespaces have none. */
export type ClusterShape = 'default' | 'open';


export type TierName = 'S' | 'M' | 'L' | 'stress';

export interface TierSpec {
  name: TierName;
  pods: number;
  namespaces: number;
  policies: number;
  /** Target number of distinct pod label sets (one per workload). */
  labelSets: number;
}

export const TIERS: Readonly<Record<TierName, TierSpec>> = {
  S: { name: 'S', pods: 1_000, namespaces: 100, policies: 1_000, labelSets: 250 },
  M: { name: 'M', pods: 10_000, namespaces: 1_000, policies: 12_000, labelSets: 2_500 },
  L: { name: 'L', pods: 100_000, namespaces: 5_000, policies: 60_000, labelSets: 25_000 },
  // One namespace, 10k pods, 10k policies that all select every pod.
  stress: { name: 'stress', pods: 10_000, namespaces: 1, policies: 10_000, labelSets: 100 },
};

export interface SyntheticCluster {
  spec: TierSpec;
  inventory: Inventory;
  policies: NetworkPolicy[];
  /** A policy of the set, changed (one more port on its first rule): the one-policy diff. */
  changedPolicy: NetworkPolicy;
  /** A connection between two pods that a policy rule talks about: the explain query. */
  explainQuery: ReachQuery;
  stats: { namespaces: number; pods: number; workloads: number; labelSets: number; policies: number; rules: number; ipBlockPeers: number };
}

/** mulberry32: small, fast, good enough for test data, and the same everywhere. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const APPS = ['web', 'api', 'auth', 'cart', 'search', 'payments', 'orders', 'catalog', 'users', 'notify', 'billing', 'reports', 'gateway', 'cache', 'db', 'queue', 'worker', 'scheduler', 'ledger', 'media', 'images', 'feed', 'chat', 'mail', 'export', 'import', 'audit', 'metrics-proxy', 'inventory', 'shipping', 'pricing', 'reviews', 'recommend', 'profile', 'sessions', 'geo', 'translate', 'pdf', 'webhooks', 'admin'];
const TIERS_OF_APP = ['frontend', 'backend', 'data', 'batch'];
const ENVS = ['prod', 'staging', 'dev'];
const KINDS: readonly [string, number][] = [['Deployment', 0.7], ['StatefulSet', 0.15], ['DaemonSet', 0.03], ['CronJob', 0.07], ['Job', 0.05]];
const PUBLIC_EGRESS = ['1.1.1.1/32', '8.8.8.8/32', '140.82.112.0/20', '52.94.0.0/16', '151.101.0.0/16', '203.0.113.0/24', '2606:4700::/32'];
const PRIVATE_EGRESS = ['10.200.0.0/16', '172.20.0.0/16', '192.168.10.0/24'];
const NOT_PRIVATE = { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] };

interface Workload {
  namespace: string;
  team: string;
  kind: string;
  name: string;
  labels: Record<string, string>;
  pods: string[];
}

function np(namespace: string, name: string, spec: NetworkPolicySpec): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec };
}

function podIp(i: number): string {
  const n = i + 1; // 10.0.0.1 onwards: 16M addresses, plenty
  return `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Splits `total` into `parts` positive integers with some spread (each at least 1). */
function spread(r: Random, total: number, parts: number): number[] {
  const out = new Array<number>(parts).fill(1);
  const weights = Array.from({ length: parts }, () => 0.2 + 1.6 * r.next());
  const sum = weights.reduce((a, b) => a + b, 0);
  let left = total - parts;
  for (let i = 0; i < parts && left > 0; i++) {
    const share = Math.min(left, Math.floor(((total - parts) * weights[i]) / sum));
    out[i] += share;
    left -= share;
  }
  for (let i = 0; left > 0; i = (i + 1) % parts, left--) out[i]++;
  return out;
}

function ports(r: Random): NetworkPolicyPort[] {
  const roll = r.next();
  if (roll < 0.45) return [{ protocol: 'TCP', port: 'http' }];
  if (roll < 0.7) return [{ protocol: 'TCP', port: r.pick([8080, 8443, 9000, 5432, 6379]) }];
  if (roll < 0.85) return [{ protocol: 'TCP', port: 8000, endPort: 8000 + 10 * (1 + r.int(10)) }];
  if (roll < 0.93) return [{ protocol: 'TCP', port: 'grpc' }, { protocol: 'TCP', port: 'http' }];
  if (roll < 0.97) return [{ protocol: 'UDP', port: r.pick([514, 4789, 8125]) }];
  return [];
}

function peerFor(r: Random, from: Workload, byNamespace: Map<string, Workload[]>, byTeam: Map<string, string[]>, namespaces: string[]): NetworkPolicyPeer {
  const roll = r.next();
  if (roll < 0.5) {
    const local = byNamespace.get(from.namespace) as Workload[];
    return { podSelector: { matchLabels: { app: r.pick(local).labels['app'] } } };
  }
  if (roll < 0.8) {
    const ns = r.pick(byTeam.get(from.team) as string[]);
    const target = r.pick(byNamespace.get(ns) as Workload[]);
    return r.chance(0.3)
      ? { namespaceSelector: { matchLabels: { team: from.team } }, podSelector: { matchLabels: { app: target.labels['app'] } } }
      : { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } }, podSelector: { matchLabels: { app: target.labels['app'] } } };
  }
  if (roll < 0.96) {
    const ns = r.pick(namespaces);
    const target = r.pick(byNamespace.get(ns) as Workload[]);
    return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } }, podSelector: { matchLabels: { app: target.labels['app'] } } };
  }
  // Rare cluster-wide peers (every frontend of an environment, of every other team): few rules, many flows.
  if (roll < 0.98) {
    return { namespaceSelector: { matchLabels: { env: r.pick(ENVS) } }, podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'backend'] }] } };
  }
  return { namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: [from.team] }] }, podSelector: { matchLabels: { tier: 'frontend' } } };
}

function ipBlockPeer(r: Random): NetworkPolicyPeer {
  const roll = r.next();
  if (roll < 0.6) return { ipBlock: { cidr: r.pick(PUBLIC_EGRESS) } };
  if (roll < 0.85) return { ipBlock: { cidr: r.pick(PRIVATE_EGRESS) } };
  return { ipBlock: { ...NOT_PRIVATE, except: [...NOT_PRIVATE.except] } };
}

function podsOf(w: Workload, podLabels: Record<string, string>, firstIndex: number, containerPorts: InventoryPod['ports']): InventoryPod[] {
  return w.pods.map((name, i) => ({ namespace: w.namespace, name, labels: podLabels, ip: podIp(firstIndex + i), ports: containerPorts, workload: { kind: w.kind, name: w.name } }));
}

function containerPorts(r: Random): InventoryPod['ports'] {
  // The same name on different numbers across workloads: named ports must be resolved per pod.
  const http = r.pick([8080, 8080, 8443, 9000]);
  return [
    { name: 'http', port: http, protocol: 'TCP' },
    { name: 'grpc', port: 9090, protocol: 'TCP' },
    { name: 'metrics', port: 9100, protocol: 'TCP' },
  ];
}

/** How a team namespace is isolated in a cluster shape. */
type Isolation = 'both' | 'ingress' | 'none';

function generateTeamCluster(spec: TierSpec, r: Random, shape: ClusterShape, isolationDraw: Random): Omit<SyntheticCluster, 'stats'> {
  const teamNamespaces = spec.namespaces - 2; // plus kube-system and monitoring
  const teams = Math.max(2, Math.round(teamNamespaces / 5));
  const namespaces: Inventory['namespaces'] = [
    { name: 'kube-system', labels: {} },
    { name: 'monitoring', labels: { purpose: 'monitoring' } },
  ];
  const nsNames: string[] = [];
  const nsTeam = new Map<string, string>();
  const byTeam = new Map<string, string[]>();
  for (let i = 0; i < teamNamespaces; i++) {
    const team = `team-${String(i % teams).padStart(4, '0')}`;
    const name = `${team}-ns${Math.floor(i / teams)}`;
    namespaces.push({ name, labels: { team, env: r.pick(ENVS) } });
    nsNames.push(name);
    nsTeam.set(name, team);
    byTeam.set(team, [...(byTeam.get(team) ?? []), name]);
  }

  // Workloads: one distinct label set each (app, team, tier, version); kube-dns and prometheus apart.
  const workloadCount = spec.labelSets - 2;
  const perNamespace = spread(r, workloadCount, teamNamespaces);
  const workloads: Workload[] = [];
  const byNamespace = new Map<string, Workload[]>();
  nsNames.forEach((ns, i) => {
    const list: Workload[] = [];
    for (let j = 0; j < perNamespace[i]; j++) {
      const app = j < APPS.length ? APPS[(j + i + Math.floor(i / teams) * 11) % APPS.length] : `${APPS[j % APPS.length]}-${Math.floor(j / APPS.length)}`;
      let roll = r.next();
      const kind = KINDS.find(([, p]) => (roll -= p) < 0)?.[0] ?? 'Deployment';
      const team = nsTeam.get(ns) as string;
      const w: Workload = { namespace: ns, team, kind, name: app, labels: { app, team, tier: r.pick(TIERS_OF_APP), version: `v${1 + r.int(3)}` }, pods: [] };
      list.push(w);
      workloads.push(w);
    }
    byNamespace.set(ns, list);
  });

  const pods: InventoryPod[] = [];
  const dnsLabels = { 'k8s-app': 'kube-dns' };
  pods.push(
    { namespace: 'kube-system', name: 'kube-dns-0', labels: dnsLabels, ip: podIp(pods.length), ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }], workload: { kind: 'Deployment', name: 'kube-dns' } },
    { namespace: 'kube-system', name: 'kube-dns-1', labels: dnsLabels, ip: podIp(pods.length + 1), ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }], workload: { kind: 'Deployment', name: 'kube-dns' } },
    { namespace: 'monitoring', name: 'prometheus-0', labels: { app: 'prometheus' }, ip: podIp(pods.length + 2), ports: [{ name: 'web', port: 9090, protocol: 'TCP' }], workload: { kind: 'StatefulSet', name: 'prometheus' } },
  );
  const replicas = spread(r, spec.pods - pods.length, workloads.length);
  workloads.forEach((w, i) => {
    for (let k = 0; k < replicas[i]; k++) w.pods.push(`${w.name}-${k}`);
    pods.push(...podsOf(w, w.labels, pods.length, containerPorts(r)));
  });

  // Isolation per namespace, drawn from a stream of its own so the default shape's cluster is unchanged.
  const isolation = new Map<string, Isolation>();
  for (const ns of nsNames) {
    const roll = isolationDraw.next();
    isolation.set(ns, shape === 'default' || roll >= 1 / 6 + 1 / 24 ? 'both' : roll < 1 / 6 ? 'none' : 'ingress');
  }

  // Policies: default deny, DNS and monitoring per namespace; the rest per workload.
  const policies: NetworkPolicy[] = [];
  for (const ns of nsNames) {
    const isolated = isolation.get(ns) as Isolation;
    if (isolated === 'none') continue;
    if (isolated === 'ingress') {
      policies.push(np(ns, 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }));
      policies.push(np(ns, 'allow-monitoring', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 'metrics' }] }] }));
      continue;
    }
    policies.push(np(ns, 'default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    policies.push(
      np(ns, 'allow-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: dnsLabels } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
      }),
    );
    policies.push(np(ns, 'allow-monitoring', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 'metrics' }] }] }));
  }
  // The open shape spends the per-workload policies on the namespaces that write policies.
  const writers = shape === 'default' ? workloads : workloads.filter((w) => isolation.get(w.namespace) !== 'none');
  const perWorkload = spread(r, Math.max(writers.length, spec.policies - policies.length), writers.length);
  writers.forEach((w, i) => {
    const selector: LabelSelector = { matchLabels: { app: w.labels['app'] } };
    const isolated = isolation.get(w.namespace) as Isolation;
    for (let k = 0; k < perWorkload[i] && policies.length < spec.policies; k++) {
      // A namespace isolating ingress only gets no egress policy.
      if (isolated === 'ingress' && k % 2 === 1) continue;
      const peers = Array.from({ length: 1 + r.int(k === 0 ? 3 : 2) }, () => peerFor(r, w, byNamespace, byTeam, nsNames));
      if (k % 2 === 0) {
        policies.push(np(w.namespace, `${w.name}-ingress-${k}`, { podSelector: selector, ingress: [{ from: peers, ports: ports(r) }] }));
      } else {
        if (r.chance(0.2)) peers.push(ipBlockPeer(r));
        policies.push(np(w.namespace, `${w.name}-egress-${k}`, { podSelector: selector, policyTypes: ['Egress'], egress: [{ to: peers, ports: ports(r) }] }));
      }
    }
  });

  // The diff: an ingress policy in the middle of the set also admits monitoring (whose egress is
  // open) on one more port, so the change opens flows.
  const target = policies.find((p, i) => i >= policies.length / 2 && p.spec.ingress && p.metadata.name.includes('-ingress-')) as NetworkPolicy;
  const rule = (target.spec.ingress ?? [])[0];
  const changedPolicy = np(target.metadata.namespace, target.metadata.name, {
    ...target.spec,
    ingress: [{ from: [...(rule.from ?? []), { namespaceSelector: { matchLabels: { purpose: 'monitoring' } } }], ports: [...(rule.ports ?? []), { protocol: 'TCP', port: 7777 }] }],
  });
  // The explain: a pod of the changed policy's workload, from a pod in another namespace.
  const to = pods.find((p) => p.namespace === target.metadata.namespace && p.labels?.['app'] === (target.spec.podSelector?.matchLabels ?? {})['app']) as InventoryPod;
  const from = pods[Math.floor(pods.length / 3)];
  return { spec, inventory: { namespaces, pods }, policies, changedPolicy, explainQuery: { from: `${from.namespace}/${from.name}`, to: `${to.namespace}/${to.name}`, port: 8080, protocol: 'TCP' } };
}

function generateStress(spec: TierSpec, r: Random): Omit<SyntheticCluster, 'stats'> {
  const ns = 'stress';
  const apps = spec.labelSets;
  const pods: InventoryPod[] = [];
  for (let a = 0; a < apps; a++) {
    const labels = { app: `app-${a}`, tier: TIERS_OF_APP[a % TIERS_OF_APP.length] };
    const ports = containerPorts(r);
    for (let k = 0; k < spec.pods / apps; k++) pods.push({ namespace: ns, name: `app-${a}-${k}`, labels, ip: podIp(pods.length), ports, workload: { kind: 'Deployment', name: `app-${a}` } });
  }
  const policies: NetworkPolicy[] = [];
  for (let i = 0; i < spec.policies; i++) {
    const egressTo: NetworkPolicyPeer[] = [{ podSelector: { matchLabels: { app: `app-${(i * 7) % apps}` } } }];
    if (i % 50 === 0) egressTo.push({ ipBlock: { cidr: `203.0.${i % 256}.0/24` } });
    policies.push(
      np(ns, `policy-${i}`, {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: `app-${i % apps}` } } }], ports: [{ protocol: 'TCP', port: 1000 + (i % 1000) }] }],
        egress: [{ to: egressTo, ports: [{ protocol: 'TCP', port: 2000 + (i % 500) }] }],
      }),
    );
  }
  const target = policies[spec.policies / 2];
  // The diff: one more port on both rules of one policy, which opens one workload pair on it.
  const changedPolicy = np(ns, target.metadata.name, {
    ...target.spec,
    ingress: [{ ...(target.spec.ingress ?? [])[0], ports: [...((target.spec.ingress ?? [])[0].ports ?? []), { protocol: 'TCP', port: 7777 }] }],
    egress: [{ ...(target.spec.egress ?? [])[0], ports: [...((target.spec.egress ?? [])[0].ports ?? []), { protocol: 'TCP', port: 7777 }] }],
  });
  return { spec, inventory: { namespaces: [{ name: ns, labels: {} }], pods }, policies, changedPolicy, explainQuery: { from: `${ns}/app-0-0`, to: `${ns}/app-50-0`, port: 1000, protocol: 'TCP' } };
}

/**
 * The synthetic cluster of a tier; the same `seed` always gives the same cluster.
 *
 * @example const cluster = generateCluster(TIERS.S); // 1000 pods, 100 namespaces, 1000 policies
 */
export function generateCluster(spec: TierSpec, seed = 20261126, shape: ClusterShape = 'default'): SyntheticCluster {
  const r = new Random(seed);
  const cluster = spec.name === 'stress' ? generateStress(spec, r) : generateTeamCluster(spec, r, shape, new Random(seed ^ 0x6f70656e));
  const labelSets = new Set(cluster.inventory.pods.map((p) => JSON.stringify(Object.entries(p.labels ?? {}).sort()))).size;
  let rules = 0;
  let ipBlockPeers = 0;
  for (const p of cluster.policies) {
    for (const rule of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])]) {
      rules++;
      const peers = 'from' in rule ? rule.from : 'to' in rule ? rule.to : undefined;
      ipBlockPeers += (peers ?? []).filter((peer) => peer.ipBlock).length;
    }
  }
  const workloads = new Set(cluster.inventory.pods.map((p) => `${p.namespace}/${p.workload?.kind}/${p.workload?.name}`)).size;
  return {
    ...cluster,
    stats: { namespaces: cluster.inventory.namespaces.length, pods: cluster.inventory.pods.length, workloads, labelSets, policies: cluster.policies.length, rules, ipBlockPeers },
  };
}
