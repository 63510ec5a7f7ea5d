// Builders for manifests in specs: a valid NetworkPolicy that each test bends in one place.

export type Json = Record<string, unknown>;

/** A valid NetworkPolicy manifest with the given spec (and optional metadata overrides). */
export function manifest(spec: unknown = { podSelector: {} }, metadata: Json = {}): Json {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web', namespace: 'shop', ...metadata },
    spec,
  };
}

/** A policy whose only ingress rule has the given ports. */
export function withIngressPorts(...ports: unknown[]): Json {
  return manifest({ podSelector: {}, ingress: [{ ports }] });
}

/** A policy whose only ingress rule has the given peers. */
export function withIngressPeers(...from: unknown[]): Json {
  return manifest({ podSelector: {}, ingress: [{ from }] });
}

/** A policy whose pod selector is the given one. */
export function withPodSelector(podSelector: unknown): Json {
  return manifest({ podSelector });
}

/** A policy whose only peer is an ipBlock. */
export function withIpBlock(ipBlock: unknown): Json {
  return withIngressPeers({ ipBlock });
}
