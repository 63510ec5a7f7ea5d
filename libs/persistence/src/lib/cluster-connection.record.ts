/** What a cluster's API server can store, as far as Palisade needs to know. */
export interface ClusterCapabilities {
  /** `spec.{ingress,egress}[].ports[].endPort`: beta and on by default from Kubernetes 1.22. */
  endPort: boolean;
  /** The AdminNetworkPolicy API group (policy.networking.k8s.io) is served. */
  adminNetworkPolicy: boolean;
}

export interface ClusterConnectionRecord {
  clusterId: string;
  /** Encrypted credentials (see ConnectionCipher); opaque to persistence. */
  credentials: Buffer;
  /** `gitVersion` of the server at the last check, e.g. `v1.20.2`. */
  serverVersion: string;
  capabilities: ClusterCapabilities;
  checkedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface ClusterConnectionInput {
  clusterId: string;
  credentials: Buffer;
  serverVersion: string;
  capabilities: ClusterCapabilities;
  checkedAt: Date;
}
