/** Types of a `networking.k8s.io/v1` NetworkPolicy as accepted by Palisade (see validateNetworkPolicy). */

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

/** An empty selector (`{}`) matches everything; an absent one in a peer means "not this kind of peer". */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface IPBlock {
  cidr: string;
  except?: string[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

export type NetworkPolicyProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface NetworkPolicyPort {
  protocol?: NetworkPolicyProtocol;
  /** A number (1–65535) or a named container port (IANA_SVC_NAME) resolved on the destination pod. */
  port?: number | string;
  /** Inclusive end of a port range; only with a numeric `port`. */
  endPort?: number;
}

export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export type PolicyType = 'Ingress' | 'Egress';

export interface NetworkPolicySpec {
  /** Optional in input (absent means `{}`); always present after canonicalizeNetworkPolicy. */
  podSelector?: LabelSelector;
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
  policyTypes?: PolicyType[];
}

export interface NetworkPolicyMetadata {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface NetworkPolicy {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: NetworkPolicyMetadata;
  spec: NetworkPolicySpec;
}

/** Identity of a policy within a cluster. */
export interface PolicyRef {
  namespace: string;
  name: string;
}
