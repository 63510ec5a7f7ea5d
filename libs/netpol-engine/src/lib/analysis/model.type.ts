import type { NetworkPolicy, PolicyRef } from '../manifest';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface InventoryNamespace {
  name: string;
  /** `kubernetes.io/metadata.name=<name>` is always added (the API server has set it since 1.21). */
  labels?: Record<string, string>;
}

export interface InventoryPodPort {
  name?: string;
  port: number;
  /** Defaults to TCP, as in a container spec. */
  protocol?: Protocol;
}

export interface InventoryWorkload {
  /** Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod. */
  kind: string;
  name: string;
}

export interface InventoryPod {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  /** Pod IP (IPv4 or IPv6). A pod without one never matches an ipBlock. */
  ip?: string;
  /** Container ports; only named ones matter (named ports in policies resolve to them). */
  ports?: InventoryPodPort[];
  /** Owning workload; defaults to the bare pod, `{ kind: 'Pod', name }`. */
  workload?: InventoryWorkload;
}

/**
 * Namespaces and pods of a cluster. A namespace that pods use but that is not listed exists
 * with only its `kubernetes.io/metadata.name` label.
 */
export interface Inventory {
  namespaces: InventoryNamespace[];
  pods: InventoryPod[];
}

export interface AnalysisOptions {
  /** Whether ipBlock peers also match pod IPs (network-plugin dependent). Default true. */
  ipBlockMatchesPodIps?: boolean;
}

export interface AnalysisInput {
  inventory: Inventory;
  policies: readonly NetworkPolicy[];
  options?: AnalysisOptions;
}

/** `namespace/pod` or an IPv4/IPv6 address. */
export type EndpointText = string;

export interface ReachQuery {
  from: EndpointText;
  to: EndpointText;
  port: number;
  /** Defaults to TCP. */
  protocol?: Protocol;
}

export interface ReachResult {
  from: EndpointText;
  to: EndpointText;
  port: number;
  protocol: Protocol;
  allowed: boolean;
}

export interface WorkloadEndpoint {
  kind: 'workload';
  namespace: string;
  workloadKind: string;
  name: string;
}

/** Addresses outside the cluster model: `cidr` minus the `except` CIDRs. */
export interface CidrEndpoint {
  kind: 'cidr';
  cidr: string;
  except?: string[];
}

export type Endpoint = WorkloadEndpoint | CidrEndpoint;

export interface FlowPorts {
  protocol: Protocol;
  /** Inclusive, sorted, disjoint `[start, end]` ranges. */
  ranges: [number, number][];
}

/** Allowed traffic from one endpoint to another; `ports` lists protocols in the order TCP, UDP, SCTP. */
export interface Flow {
  from: Endpoint;
  to: Endpoint;
  ports: FlowPorts[];
}

/** Every workload of a namespace, in an aggregated flow: rendered `ns/*`. */
export interface NamespaceEndpoint {
  kind: 'namespace';
  namespace: string;
}

/**
 * A flow of `aggregatedFlows`: namespace to namespace when every workload of the one reaches every
 * workload of the other on these ports (a workload to itself when it has two pods or more), with
 * `eitherEnd` also a namespace at one end only, else a workload or external flow as in `connectivity`.
 */
export interface AggregatedFlow {
  from: Endpoint | NamespaceEndpoint;
  to: Endpoint | NamespaceEndpoint;
  ports: FlowPorts[];
}

/** How `aggregatedFlows` folds. */
export interface AggregateOptions {
  /**
   * Also fold a whole namespace at one end: `ns-a/* => workload` when every workload of ns-a reaches
   * it on the same ports, `workload => ns-b/*` when it reaches every workload of ns-b so. Default
   * false: only namespace pairs are folded.
   */
  eitherEnd?: boolean;
}

/** Restricts flows; several criteria must all hold. Unknown names match nothing. */
export interface FlowFilter {
  /** Only flows with a workload of one of these namespaces at either end. */
  namespaces?: readonly string[];
  /** Only flows with one of these workloads at either end, as `namespace/name` (any kind). */
  workloads?: readonly string[];
}

/** What one workload is open to and reaches, for summaries. */
export interface WorkloadReach {
  workload: WorkloadEndpoint;
  /** Every pod of the workload is selected by a policy isolating ingress. */
  ingressIsolated: boolean;
  /** Every pod of the workload is selected by a policy isolating egress. */
  egressIsolated: boolean;
  /** Some workload of another namespace reaches it. */
  reachedFromOtherNamespaces: boolean;
  /** Its flows from external addresses, as `connectivity` lists them. */
  inboundExternal: Flow[];
  /** Its flows to external addresses. */
  outboundExternal: Flow[];
}

export interface ConnectivityDiff {
  added: Flow[];
  removed: Flow[];
}

export interface RuleRef {
  /** `namespace/name` of the policy. */
  policy: string;
  /** 0-based index of the rule in `spec.ingress` or `spec.egress`. */
  rule: number;
}

export interface SideExplanation {
  /** False when this side is an external address, to which no policy applies. */
  applicable: boolean;
  /** Whether any policy selecting the pod lists this direction in its (defaulted) policyTypes. */
  isolated: boolean;
  /** `namespace/name` of those policies. */
  selectingPolicies: string[];
  /** Every rule of those policies that allows the connection. */
  allowedBy: RuleRef[];
  allowed: boolean;
}

export interface Explanation {
  from: EndpointText;
  to: EndpointText;
  port: number;
  protocol: Protocol;
  allowed: boolean;
  /** One sentence saying what decided the answer. */
  reason: string;
  egress: SideExplanation;
  ingress: SideExplanation;
}

export interface PolicyChanges {
  /** Policies to add or replace (matched by namespace and name). */
  upsert?: readonly NetworkPolicy[];
  /** Policies to remove. */
  delete?: readonly PolicyRef[];
}
