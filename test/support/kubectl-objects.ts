/**
 * Objects shaped as `kubectl get ... -o json` prints them (uids, ownerReferences, status), to
 * build inventories for upload tests: `kubectlList(namespace('default'), ...deployment(...))`.
 */

type Labels = Record<string, string>;
type Json = Record<string, unknown>;

let uidCounter = 0;
const uid = (): string => `00000000-0000-4000-8000-${String(++uidCounter).padStart(12, '0')}`;
const CREATED = '2026-11-30T08:00:00Z';

export interface NamedPort {
  name?: string;
  containerPort: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

function meta(namespace: string | undefined, name: string, labels: Labels, owner?: Json): Json {
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    uid: uid(),
    resourceVersion: '4711',
    creationTimestamp: CREATED,
    labels,
    ...(owner ? { ownerReferences: [owner] } : {}),
  };
}

function ownerRef(apiVersion: string, kind: string, name: string): Json {
  return { apiVersion, kind, name, uid: uid(), controller: true, blockOwnerDeletion: true };
}

function podSpec(ports: NamedPort[]): Json {
  return {
    containers: [{ name: 'main', image: 'registry.example.com/app:1.0', ports: ports.map((p) => ({ protocol: 'TCP', ...p })) }],
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
  };
}

function template(labels: Labels, ports: NamedPort[]): Json {
  return { metadata: { labels }, spec: podSpec(ports) };
}

export function namespace(name: string, labels: Labels = {}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta(undefined, name, { 'kubernetes.io/metadata.name': name, ...labels }),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function pod(ns: string, name: string, opts: { labels: Labels; ip?: string; ports?: NamedPort[]; owner?: { kind: string; name: string } }): Json {
  const apiVersion = opts.owner ? ({ Job: 'batch/v1' } as Record<string, string>)[opts.owner.kind] ?? 'apps/v1' : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(ns, name, opts.labels, opts.owner && apiVersion ? ownerRef(apiVersion, opts.owner.kind, opts.owner.name) : undefined),
    spec: { ...podSpec(opts.ports ?? []), nodeName: 'node-1' },
    status: opts.ip
      ? { phase: 'Running', hostIP: '192.168.1.10', podIP: opts.ip, podIPs: [{ ip: opts.ip }], startTime: CREATED }
      : { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
  };
}

export function deployment(ns: string, name: string, labels: Labels, replicas: number, ports: NamedPort[] = []): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { ...meta(ns, name, labels), annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: { replicas, selector: { matchLabels: labels }, template: template(labels, ports), strategy: { type: 'RollingUpdate' } },
    status: { replicas, readyReplicas: replicas, availableReplicas: replicas },
  };
}

export function replicaSet(ns: string, deploymentName: string, hash: string, labels: Labels, replicas: number, ports: NamedPort[] = []): Json {
  const podLabels = { ...labels, 'pod-template-hash': hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta(ns, `${deploymentName}-${hash}`, podLabels, ownerRef('apps/v1', 'Deployment', deploymentName)),
    spec: { replicas, selector: { matchLabels: podLabels }, template: template(podLabels, ports) },
    status: { replicas, readyReplicas: replicas },
  };
}

export function statefulSet(ns: string, name: string, labels: Labels, replicas: number, ports: NamedPort[] = []): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(ns, name, labels),
    spec: { replicas, serviceName: name, selector: { matchLabels: labels }, template: template(labels, ports) },
    status: { replicas, readyReplicas: replicas },
  };
}

export function daemonSet(ns: string, name: string, labels: Labels, ports: NamedPort[] = []): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta(ns, name, labels),
    spec: { selector: { matchLabels: labels }, template: template(labels, ports) },
    status: { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberReady: 1 },
  };
}

export function cronJob(ns: string, name: string, labels: Labels): Json {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta(ns, name, labels),
    spec: {
      schedule: '0 * * * *',
      jobTemplate: { spec: { template: { ...template(labels, []), spec: { ...podSpec([]), restartPolicy: 'OnFailure' } } } },
    },
    status: { lastScheduleTime: CREATED },
  };
}

export function job(ns: string, name: string, labels: Labels, cronJobName?: string): Json {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(ns, name, labels, cronJobName ? ownerRef('batch/v1', 'CronJob', cronJobName) : undefined),
    spec: { parallelism: 1, completions: 1, template: { ...template(labels, []), spec: { ...podSpec([]), restartPolicy: 'OnFailure' } } },
    status: { active: 1 },
  };
}

export function networkPolicy(ns: string, name: string): Json {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(ns, name, {}),
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  };
}

/** What `kubectl get a,b,c -A -o json` prints: one List. */
export function kubectlList(...items: Json[]): Json {
  return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
}
