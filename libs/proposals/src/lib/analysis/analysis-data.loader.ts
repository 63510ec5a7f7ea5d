import { workerData } from 'node:worker_threads';

import type { Inventory, NetworkPolicy } from '@palisade/netpol-engine';
import { Client } from 'pg';

import type { PolicySetRef, SnapshotRef } from './analysis-result.type';
import { toEngineInventory } from './to-engine-inventory.util';

/**
 * Reads policy sets and inventory snapshots for an analysis worker thread over the thread's own
 * PostgreSQL connection, as one JSON text each: the rows are decoded on the thread, never on the
 * API's event loop. Versions and snapshots are immutable, so what is read by id stays true.
 */
export class AnalysisDataLoader {
  private client: Promise<Client> | null = null;

  constructor(private readonly databaseUrl: string = (workerData as { databaseUrl: string }).databaseUrl) {}

  async policySet(ref: PolicySetRef): Promise<NetworkPolicy[]> {
    const { rows } = await (await this.connection()).query<{ found: boolean; policies: string }>(
      `SELECT count(v.id) > 0 AS found,
              coalesce(json_agg(c.manifest ORDER BY e.namespace, e.name) FILTER (WHERE c.hash IS NOT NULL), '[]')::text AS policies
         FROM policy_set_versions v
         LEFT JOIN policy_set_entries e ON e.version_id = v.id
         LEFT JOIN network_policy_contents c ON c.hash = e.policy_hash
        WHERE v.cluster_id = $1::uuid AND v.number = $2::int`,
      [ref.clusterId, ref.number],
    );
    if (!rows[0]?.found) throw new Error(`version ${ref.number} is gone`);
    return JSON.parse(rows[0].policies) as NetworkPolicy[];
  }

  async inventory(ref: SnapshotRef): Promise<Inventory> {
    const { rows } = await (await this.connection()).query<{ namespaces: string; pods: string }>(
      'SELECT namespaces::text AS namespaces, pods::text AS pods FROM inventory_snapshots WHERE cluster_id = $1::uuid AND id = $2::uuid',
      [ref.clusterId, ref.id],
    );
    if (!rows[0]) throw new Error(`inventory snapshot ${ref.id} is gone`);
    return toEngineInventory({ namespaces: JSON.parse(rows[0].namespaces), pods: JSON.parse(rows[0].pods) });
  }

  /** Closes the connection (the bench's own loader; a thread's lives as long as the thread). */
  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await (await client).end();
  }

  private connection(): Promise<Client> {
    this.client ??= (async () => {
      const client = new Client({ connectionString: this.databaseUrl });
      client.on('error', () => {
        this.client = null; // the next read connects again
      });
      await client.connect();
      return client;
    })().catch((error: unknown) => {
      this.client = null;
      throw error;
    });
    return this.client;
  }
}
