import type { DocumentLocation } from './document-location.type';
import type { ManifestError } from './manifest-error.type';
import type { NetworkPolicy, NetworkPolicyProtocol } from './network-policy.type';

/** A Namespace as seen by namespaceSelectors. */
export interface NamespaceManifest {
  name: string;
  /** Includes `kubernetes.io/metadata.name`, which the API server sets on every namespace. */
  labels: Record<string, string>;
}

/** A container port: what named ports in policies resolve against. */
export interface ContainerPort {
  name?: string;
  port: number;
  protocol: NetworkPolicyProtocol;
}

export interface PodManifest {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** From `status.podIP`, when the manifest came from a live cluster. */
  ip?: string;
  /** From `spec.containers[].ports[]`; protocol defaulted to TCP. */
  ports: ContainerPort[];
  /** The controlling owner reference (`controller: true`), if any. */
  ownerKind?: string;
  ownerName?: string;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob';

/** A controller with a pod template: stands for the pods it will create when the input has none of them (see inventoryFromManifests). */
export interface WorkloadManifest {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  /**
   * `spec.replicas` (default 1) for Deployment, StatefulSet and ReplicaSet; `parallelism` (default 1)
   * for Job and CronJob; 1 for DaemonSet (one pod per node; the node count is not in the manifests).
   */
  replicas: number;
  templateLabels: Record<string, string>;
  ports: ContainerPort[];
  /** The controlling owner reference (`controller: true`), if any: a ReplicaSet's Deployment, a Job's CronJob. */
  ownerKind?: string;
  ownerName?: string;
}

/** A document parseManifests read but did not use, and why. */
export interface SkippedManifest extends DocumentLocation {
  /** `Service`, `Kustomization`, `projectcalico.org/v3 NetworkPolicy`; absent when the document is no manifest at all. */
  kind?: string;
  reason: 'not-a-manifest' | 'kind-not-used';
}

/** Where a policy was read: its document, and the line of any field of it (computed on demand). */
export interface PolicyLocation extends DocumentLocation {
  lineOf(path: (string | number)[]): number | undefined;
}

export interface ParseManifestsResult {
  policies: NetworkPolicy[];
  /** Where each policy was read, index for index with `policies`. */
  policyLocations: PolicyLocation[];
  /** Documents of kinds the analysis does not read (a Service, a CRD), and, with `skipNonManifests`, documents that are no Kubernetes manifest. */
  skipped: SkippedManifest[];
  namespaces: NamespaceManifest[];
  pods: PodManifest[];
  workloads: WorkloadManifest[];
  errors: ManifestError[];
}
