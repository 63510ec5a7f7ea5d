import type { NetworkPolicy } from '@palisade/netpol-engine';
import type { ClusterCapabilities } from '@palisade/persistence';

export interface ServerVersion {
  major: number;
  minor: number;
}

/** `v1.20.2`, `v1.22.3-gke.1`, `1.29` → {major, minor}; null when unreadable. */
export function parseServerVersion(gitVersion: string): ServerVersion | null {
  const match = /^v?(\d+)\.(\d+)/.exec(gitVersion.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : null;
}

const atLeast = (v: ServerVersion | null, major: number, minor: number): boolean =>
  v !== null && (v.major > major || (v.major === major && v.minor >= minor));

/**
 * What a server can store, from its version and served API groups. `endPort` arrived as alpha
 * (off by default) in 1.21 and was on by default from 1.22: a 1.21 server silently drops the field,
 * which would widen nothing but narrow a range to one port, so 1.22 is required.
 */
export function capabilitiesOf(gitVersion: string, apiGroups: readonly string[]): ClusterCapabilities {
  const version = parseServerVersion(gitVersion);
  return {
    endPort: atLeast(version, 1, 22),
    adminNetworkPolicy: apiGroups.includes('policy.networking.k8s.io'),
  };
}

export interface UnsupportedField {
  /** `namespace/name` of the policy. */
  policy: string;
  /** Field path, e.g. `spec.egress[0].ports[1].endPort`. */
  path: string;
  reason: string;
}

/** The fields of `policies` a server with `capabilities` (and `serverVersion`) cannot store. */
export function unsupportedFields(policies: readonly NetworkPolicy[], capabilities: ClusterCapabilities, serverVersion: string): UnsupportedField[] {
  const found: UnsupportedField[] = [];
  if (capabilities.endPort) return found;
  for (const policy of policies) {
    const key = `${policy.metadata.namespace}/${policy.metadata.name}`;
    for (const direction of ['ingress', 'egress'] as const) {
      (policy.spec[direction] ?? []).forEach((rule, r) => {
        (rule.ports ?? []).forEach((port, p) => {
          if (port.endPort !== undefined) {
            found.push({
              policy: key,
              path: `spec.${direction}[${r}].ports[${p}].endPort`,
              reason: `endPort needs Kubernetes 1.22 or later; the cluster runs ${serverVersion}`,
            });
          }
        });
      });
    }
  }
  return found;
}
