import { hashNetworkPolicy, type NetworkPolicy } from '@palisade/netpol-engine';
import type { StoredPolicy } from '@palisade/persistence';

/** The field manager Palisade applies as. */
export const FIELD_MANAGER = 'palisade';
/** Every object Palisade manages carries this label; it never touches NetworkPolicies without it. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'palisade';
/**
 * The registered cluster the object belongs to. Two registrations that share an API server (or
 * namespaces of one) then never prune or fight over each other's objects.
 */
export const CLUSTER_LABEL = 'palisade.io/cluster';
/** The version that last changed the object (unchanged policies are not re-applied for every version). */
export const VERSION_ANNOTATION = 'palisade.io/version';
/** hashNetworkPolicy of the policy as approved (spec, its own labels and annotations). */
export const POLICY_HASH_ANNOTATION = 'palisade.io/policy-hash';

const NETWORK_POLICIES = '/apis/networking.k8s.io/v1';
export const ALL_NETWORK_POLICIES_PATH = `${NETWORK_POLICIES}/networkpolicies`;

/** Label selector of the objects Palisade manages for `clusterName`. */
export function managedSelector(clusterName: string): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${CLUSTER_LABEL}=${clusterName}`;
}

export function networkPolicyPath(namespace: string, name: string): string {
  return `${NETWORK_POLICIES}/namespaces/${encodeURIComponent(namespace)}/networkpolicies/${encodeURIComponent(name)}`;
}

/** A policy of the desired version, with what apply and drift detection compare. */
export interface DesiredPolicy {
  key: string;
  namespace: string;
  name: string;
  manifest: NetworkPolicy;
  /** Hash of the whole policy as approved: goes into the policy-hash annotation. */
  hash: string;
  /** Hash of identity and spec only: what the live object must match. */
  specHash: string;
}

/** What is kept of a live NetworkPolicy (never the whole object: a cluster may have thousands). */
export interface LivePolicy {
  key: string;
  namespace: string;
  name: string;
  uid: string;
  /** Labelled managed-by palisade. */
  managed: boolean;
  /** Its cluster label, when managed (null on objects labelled before the label existed). */
  managedFor: string | null;
  policyHash: string | null;
  specHash: string;
  labels: Record<string, string>;
  /** Without kubectl's last-applied-configuration, which can be large. */
  annotations: Record<string, string>;
}

function specHashOf(namespace: string, name: string, spec: unknown): string {
  return hashNetworkPolicy({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace, name },
    spec: (spec ?? {}) as NetworkPolicy['spec'],
  });
}

export function toDesiredPolicy(stored: StoredPolicy): DesiredPolicy {
  const manifest = stored.manifest as NetworkPolicy;
  return {
    key: `${stored.namespace}/${stored.name}`,
    namespace: stored.namespace,
    name: stored.name,
    manifest,
    hash: hashNetworkPolicy(manifest),
    specHash: specHashOf(stored.namespace, stored.name, manifest.spec),
  };
}

interface RawPolicy {
  metadata?: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
}

export function toLivePolicy(raw: unknown): LivePolicy {
  const { metadata = {}, spec } = raw as RawPolicy;
  const namespace = metadata.namespace ?? '';
  const name = metadata.name ?? '';
  const labels = metadata.labels ?? {};
  const annotations = { ...(metadata.annotations ?? {}) };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    uid: metadata.uid ?? '',
    managed: labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE,
    managedFor: labels[CLUSTER_LABEL] ?? null,
    policyHash: annotations[POLICY_HASH_ANNOTATION] ?? null,
    specHash: specHashOf(namespace, name, spec),
    labels,
    annotations,
  };
}

/** The object Palisade applies: the approved policy, labelled as managed and annotated with version and hash. */
export function toAppliedObject(desired: DesiredPolicy, version: number, clusterName: string): Record<string, unknown> {
  const { metadata, spec } = desired.manifest;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: desired.name,
      namespace: desired.namespace,
      labels: { ...(metadata.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [CLUSTER_LABEL]: clusterName },
      annotations: { ...(metadata.annotations ?? {}), [VERSION_ANNOTATION]: String(version), [POLICY_HASH_ANNOTATION]: desired.hash },
    },
    spec,
  };
}

/** The first of the policy's own labels or annotations the live object lacks or changed, or null. */
export function metadataDifference(desired: DesiredPolicy, live: LivePolicy): string | null {
  for (const [key, value] of Object.entries(desired.manifest.metadata.labels ?? {})) {
    if (key !== MANAGED_BY_LABEL && key !== CLUSTER_LABEL && live.labels[key] !== value) return `label ${key} differs`;
  }
  for (const [key, value] of Object.entries(desired.manifest.metadata.annotations ?? {})) {
    if (live.annotations[key] !== value) return `annotation ${key} differs`;
  }
  return null;
}

/** Whether Palisade manages `live` for `clusterName` (rather than not at all, or for another registration). */
export function isManagedFor(live: LivePolicy, clusterName: string): boolean {
  return live.managed && (live.managedFor ?? clusterName) === clusterName;
}

/** True when the live object is exactly what applying `desired` would leave: nothing to send. */
export function isUpToDate(desired: DesiredPolicy, live: LivePolicy | undefined, clusterName: string): boolean {
  return (
    live !== undefined &&
    isManagedFor(live, clusterName) &&
    live.managedFor === clusterName &&
    live.policyHash === desired.hash &&
    live.specHash === desired.specHash &&
    metadataDifference(desired, live) === null
  );
}
