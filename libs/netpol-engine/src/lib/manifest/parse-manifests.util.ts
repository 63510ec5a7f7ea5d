import { isIP } from 'node:net';

import { describeDocument, locationOf } from './describe-document.util';
import { FieldPath, joinPath } from './field-path.util';
import type {
  ContainerPort,
  NamespaceManifest,
  ParseManifestsResult,
  PodManifest,
  WorkloadKind,
  WorkloadManifest,
} from './inventory-manifest.type';
import { isRecord } from './is-record.util';
import { dns1123LabelErrors } from './kubernetes-names.util';
import { isPresent, ManifestChecker } from './manifest-checker.util';
import type { ManifestError } from './manifest-error.type';
import type { ManifestInputOptions } from './manifest-input-options.type';
import { ManifestRegistry } from './manifest-registry.util';
import type { NetworkPolicyProtocol } from './network-policy.type';
import { toParsedDocuments } from './to-parsed-documents.util';
import { validateNetworkPolicy } from './validate-network-policy.util';

const DEFAULT_NAMESPACE = 'default';
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const PROTOCOLS: readonly NetworkPolicyProtocol[] = ['TCP', 'UDP', 'SCTP'];
const PORT_RANGE = 'must be an integer between 1 and 65535';
const MAX_REPLICAS = 2 ** 31 - 1; // int32

/** API group of each kind read here; the same kind name in another group (a CRD, e.g. Calico's NetworkPolicy) is ignored. */
const KIND_GROUPS: Record<string, readonly string[]> = {
  NetworkPolicy: ['networking.k8s.io', 'extensions'], // extensions/v1beta1 is reported as unsupported, not skipped
  Namespace: [''],
  Pod: [''],
  Deployment: ['apps'],
  StatefulSet: ['apps'],
  DaemonSet: ['apps'],
  ReplicaSet: ['apps'],
  Job: ['batch'],
  CronJob: ['batch'],
};

/** Options of parseManifests. */
export interface ParseManifestsOptions extends ManifestInputOptions {
  /** Objects read from other sources already: a duplicate of one is an error here, naming where the first is. */
  seen?: ManifestRegistry;
  /**
   * Skip a document that is no Kubernetes manifest (not a map, or a map with neither `kind` nor
   * `apiVersion`, such as a Helm values.yaml) instead of failing it: what a CLI reading a whole
   * repository wants; it is listed in `skipped`. Without it such a document is an error (the API's
   * uploads). Kinds the analysis does not read are skipped (and listed) either way.
   */
  skipNonManifests?: boolean;
}

/**
 * Reads a cluster description for local analysis (the CLI): NetworkPolicies (validated strictly),
 * Namespaces, Pods and pod-creating workloads (validated lightly: required fields and types).
 * Lists are expanded; other kinds are skipped without error (listed in `skipped`). Unlike parseNetworkPolicies this is
 * not all-or-nothing: valid objects are returned alongside the errors of the others.
 *
 * @example
 * const { policies, namespaces, pods, workloads, errors } = parseManifests(text, { source: 'cluster.yaml' });
 */
export function parseManifests(input: string | unknown[], opts: ParseManifestsOptions = {}): ParseManifestsResult {
  const { documents, errors } = toParsedDocuments(input, opts.source);
  const result: ParseManifestsResult = { policies: [], policyLocations: [], skipped: [], namespaces: [], pods: [], workloads: [], errors };
  const seen = opts.seen ?? new ManifestRegistry();
  const defaultNamespace = opts.defaultNamespace ?? DEFAULT_NAMESPACE;

  for (const doc of documents) {
    const prefix = doc.pathPrefix ?? '';
    const c = new ManifestChecker({
      document: doc.document,
      ...(doc.source === undefined ? {} : { source: doc.source }),
      lineOf: doc.lineOf,
    });
    const report = (more: ManifestError[]): void => {
      errors.push(...more.map((e) => ({ ...e, path: joinPath(prefix, e.path) })));
    };
    const register = (key: string, label: string): boolean => {
      const first = seen.claim(key, () => locationOf(doc));
      if (!first) return true;
      c.add(FieldPath.root().child('metadata').child('name'), `duplicate ${label}: already defined in ${describeDocument(first, doc)}`);
      return false;
    };

    if (opts.skipNonManifests && !looksLikeManifest(doc.value)) {
      result.skipped.push({ ...locationOf(doc), reason: 'not-a-manifest' });
      continue;
    }
    const kind = manifestKind(c, doc.value);
    if (kind === undefined) {
      if (c.errors.length === 0) result.skipped.push({ ...locationOf(doc), kind: kindName(doc.value), reason: 'kind-not-used' });
      report(c.errors);
      continue;
    }

    if (kind === 'NetworkPolicy') {
      const validated = validateNetworkPolicy(doc.value, {
        document: doc.document,
        ...(doc.source === undefined ? {} : { source: doc.source }),
        lineOf: doc.lineOf,
        defaultNamespace,
      });
      report(validated.errors);
      const p = validated.policy;
      if (p && register(`NetworkPolicy/${p.metadata.namespace}/${p.metadata.name}`, `NetworkPolicy ${p.metadata.namespace}/${p.metadata.name}`)) {
        result.policies.push(p);
        result.policyLocations.push({ ...locationOf(doc), lineOf: doc.lineOf });
      }
    } else if (kind === 'Namespace') {
      const ns = readNamespace(c, doc.value);
      if (ns && register(`Namespace/${ns.name}`, `Namespace ${ns.name}`)) result.namespaces.push(ns);
    } else if (kind === 'Pod') {
      const pod = readPod(c, doc.value, defaultNamespace);
      if (pod && register(`Pod/${pod.namespace}/${pod.name}`, `Pod ${pod.namespace}/${pod.name}`)) result.pods.push(pod);
    } else {
      const w = readWorkload(c, doc.value, kind, defaultNamespace);
      if (w && register(`${w.kind}/${w.namespace}/${w.name}`, `${w.kind} ${w.namespace}/${w.name}`)) result.workloads.push(w);
    }
    report(c.errors);
  }
  return result;
}

/** A map with a `kind` or an `apiVersion`: meant as a Kubernetes object, so a broken one is an error, not skipped. */
function looksLikeManifest(value: unknown): boolean {
  return isRecord(value) && (value['kind'] !== undefined || value['apiVersion'] !== undefined);
}

/** `Service`, or `group/version Kind` for a kind we read in another API group (a CRD of the same name). */
function kindName(value: unknown): string | undefined {
  if (!isRecord(value) || typeof value['kind'] !== 'string') return undefined;
  const kind = value['kind'];
  const apiVersion = typeof value['apiVersion'] === 'string' ? value['apiVersion'] : undefined;
  return KIND_GROUPS[kind] && apiVersion !== undefined ? `${apiVersion} ${kind}` : kind;
}

/** The kind if this document is one we read, after checking kind and apiVersion exist. */
function manifestKind(c: ManifestChecker, value: unknown): 'NetworkPolicy' | 'Namespace' | 'Pod' | WorkloadKind | undefined {
  const root = FieldPath.root();
  if (!isRecord(value)) {
    c.add(root, 'must be an object (a Kubernetes manifest)');
    return undefined;
  }
  const kind = c.requiredString(value['kind'], root.child('kind'));
  if (kind === undefined) return undefined;
  const groups = KIND_GROUPS[kind];
  if (!groups) return undefined; // a kind we do not need
  const apiVersion = c.requiredString(value['apiVersion'], root.child('apiVersion'));
  if (apiVersion === undefined) return undefined;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return groups.includes(group) ? (kind as 'NetworkPolicy' | 'Namespace' | 'Pod' | WorkloadKind) : undefined;
}

interface ObjectIdentity {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  metadata: Record<string, unknown>;
}

function readIdentity(c: ManifestChecker, value: Record<string, unknown>, defaultNamespace: string): ObjectIdentity | undefined {
  const path = FieldPath.root().child('metadata');
  if (!isPresent(value['metadata'])) {
    c.add(path, 'is required');
    return undefined;
  }
  const metadata = c.record(value['metadata'], path);
  if (!metadata) return undefined;
  const name = c.requiredString(metadata['name'], path.child('name'));
  const namespace = isPresent(metadata['namespace']) && metadata['namespace'] !== '' ? c.string(metadata['namespace'], path.child('namespace')) : defaultNamespace;
  const labels = isPresent(metadata['labels']) ? c.stringMap(metadata['labels'], path.child('labels')) : {};
  if (name === undefined || namespace === undefined || labels === undefined) return undefined;
  return { name, namespace, labels, metadata };
}

function readNamespace(c: ManifestChecker, value: unknown): NamespaceManifest | undefined {
  const id = readIdentity(c, value as Record<string, unknown>, '');
  if (!id) return undefined;
  for (const msg of dns1123LabelErrors(id.name)) c.invalid(FieldPath.root().child('metadata').child('name'), id.name, msg);
  return { name: id.name, labels: { ...id.labels, [NAMESPACE_NAME_LABEL]: id.name } };
}

function readPod(c: ManifestChecker, value: unknown, defaultNamespace: string): PodManifest | undefined {
  const obj = value as Record<string, unknown>;
  const root = FieldPath.root();
  const id = readIdentity(c, obj, defaultNamespace);
  const ports = readPodSpecPorts(c, obj['spec'], root.child('spec'));

  let ip: string | undefined;
  const status = isPresent(obj['status']) ? c.record(obj['status'], root.child('status')) : undefined;
  if (status && isPresent(status['podIP'])) {
    const ipPath = root.child('status').child('podIP');
    ip = c.string(status['podIP'], ipPath);
    if (ip !== undefined && isIP(ip) === 0) {
      c.invalid(ipPath, ip, 'must be a valid IP address');
      ip = undefined;
    }
  }
  const owner = id ? readController(c, id.metadata) : undefined;
  if (!id || !ports) return undefined;
  return {
    namespace: id.namespace,
    name: id.name,
    labels: id.labels,
    ...(ip === undefined ? {} : { ip }),
    ports,
    ...(owner ? { ownerKind: owner.kind, ownerName: owner.name } : {}),
  };
}

function readController(c: ManifestChecker, metadata: Record<string, unknown>): { kind: string; name: string } | undefined {
  if (!isPresent(metadata['ownerReferences'])) return undefined;
  const path = FieldPath.root().child('metadata').child('ownerReferences');
  const refs = c.list(metadata['ownerReferences'], path) ?? [];
  const i = refs.findIndex((r) => isRecord(r) && r['controller'] === true);
  const ref = refs[i];
  if (!isRecord(ref)) return undefined;
  const kind = c.requiredString(ref['kind'], path.index(i).child('kind'));
  const name = c.requiredString(ref['name'], path.index(i).child('name'));
  return kind !== undefined && name !== undefined ? { kind, name } : undefined;
}

function readWorkload(c: ManifestChecker, value: unknown, kind: WorkloadKind, defaultNamespace: string): WorkloadManifest | undefined {
  const obj = value as Record<string, unknown>;
  const root = FieldPath.root();
  const id = readIdentity(c, obj, defaultNamespace);
  const spec = requiredRecord(c, obj['spec'], root.child('spec'));

  // CronJob: spec.jobTemplate.spec holds what a Job has in spec.
  let podOwnerSpec = spec;
  let podOwnerPath = root.child('spec');
  if (kind === 'CronJob' && spec) {
    const jobTemplate = requiredRecord(c, spec['jobTemplate'], podOwnerPath.child('jobTemplate'));
    podOwnerPath = podOwnerPath.child('jobTemplate').child('spec');
    podOwnerSpec = jobTemplate ? requiredRecord(c, jobTemplate['spec'], podOwnerPath) : undefined;
  }
  if (!podOwnerSpec) return undefined;

  const countField = kind === 'Job' || kind === 'CronJob' ? 'parallelism' : kind === 'DaemonSet' ? undefined : 'replicas';
  let replicas: number | undefined = 1;
  if (countField && isPresent(podOwnerSpec[countField])) {
    replicas = c.integer(podOwnerSpec[countField], podOwnerPath.child(countField), 0, MAX_REPLICAS, 'must be a non-negative integer');
  }

  const templatePath = podOwnerPath.child('template');
  const template = requiredRecord(c, podOwnerSpec['template'], templatePath);
  if (!template) return undefined;
  let templateLabels: Record<string, string> | undefined = {};
  const templateMetadata = isPresent(template['metadata']) ? c.record(template['metadata'], templatePath.child('metadata')) : {};
  if (templateMetadata && isPresent(templateMetadata['labels'])) {
    templateLabels = c.stringMap(templateMetadata['labels'], templatePath.child('metadata').child('labels'));
  }
  const ports = readPodSpecPorts(c, template['spec'], templatePath.child('spec'));
  const owner = id ? readController(c, id.metadata) : undefined;

  if (!id || replicas === undefined || !templateLabels || !ports) return undefined;
  return { kind, namespace: id.namespace, name: id.name, replicas, templateLabels, ports, ...(owner ? { ownerKind: owner.kind, ownerName: owner.name } : {}) };
}

function requiredRecord(c: ManifestChecker, value: unknown, path: FieldPath): Record<string, unknown> | undefined {
  if (isPresent(value)) return c.record(value, path);
  c.add(path, 'is required');
  return undefined;
}

/** Ports of `spec.containers[]` of a pod spec. */
function readPodSpecPorts(c: ManifestChecker, value: unknown, path: FieldPath): ContainerPort[] | undefined {
  const spec = requiredRecord(c, value, path);
  if (!spec) return undefined;
  const containersPath = path.child('containers');
  if (!isPresent(spec['containers'])) {
    c.add(containersPath, 'is required');
    return undefined;
  }
  const containers = c.listOf(spec['containers'], containersPath, (container, containerPath) => {
    const record = c.record(container, containerPath);
    if (!record) return undefined;
    if (!isPresent(record['ports'])) return [];
    return c.listOf(record['ports'], containerPath.child('ports'), (port, portPath) => readContainerPort(c, port, portPath));
  });
  return containers?.flat();
}

function readContainerPort(c: ManifestChecker, value: unknown, path: FieldPath): ContainerPort | undefined {
  const record = c.record(value, path);
  if (!record) return undefined;
  let port: number | undefined;
  if (isPresent(record['containerPort'])) port = c.integer(record['containerPort'], path.child('containerPort'), 1, 65535, PORT_RANGE);
  else c.add(path.child('containerPort'), 'is required');
  const name = isPresent(record['name']) ? c.string(record['name'], path.child('name')) : undefined;
  let protocol: NetworkPolicyProtocol | undefined = 'TCP';
  if (isPresent(record['protocol'])) {
    const text = c.string(record['protocol'], path.child('protocol'));
    protocol = PROTOCOLS.find((p) => p === text);
    if (text !== undefined && protocol === undefined) c.unsupported(path.child('protocol'), text, PROTOCOLS);
  }
  if (port === undefined || protocol === undefined || (isPresent(record['name']) && name === undefined)) return undefined;
  // Literals, not a spread of an optional field: a spread took nine tenths of this reader's time (one port per container of 100,000 pods).
  return name === undefined ? { port, protocol } : { name, port, protocol };
}
