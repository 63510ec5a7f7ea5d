import { createHash } from 'node:crypto';

import { canonicalJson } from '@palisade/netpol-engine';
import type { SnapshotNamespace, SnapshotPod } from '@palisade/persistence';

/** sha256 of the canonical JSON of a snapshot's content: the same for a watched and an uploaded snapshot of the same cluster state. */
export function inventoryContentHash(content: { namespaces: readonly SnapshotNamespace[]; pods: readonly SnapshotPod[] }): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
