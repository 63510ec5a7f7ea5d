import type { Client } from 'pg';

import { ClusterSyncStateRepository, LeaseLostError, PrismaService, type SyncLease } from '../../libs/persistence/src';
import { connectTo, createTestDatabase, type TestDatabase } from '../../libs/testing/src';

describe(`${ClusterSyncStateRepository.name}: leases and fencing`, () => {
  let db: TestDatabase;
  let sql: Client;
  const prismas: PrismaService[] = [];
  let repo: (i?: number) => ClusterSyncStateRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = await connectTo(db.url);
    // Separate clients, as separate workers would have.
    const repos = [0, 1, 2, 3].map(() => {
      const prisma = new PrismaService({ databaseUrl: db.url, poolSize: 2 });
      prismas.push(prisma);
      return new ClusterSyncStateRepository(prisma);
    });
    repo = (i = 0) => repos[i]!;
    for (let i = 0; i < 20; i++) {
      const { rows } = await sql.query<{ id: string }>(`INSERT INTO clusters (name, updated_at) VALUES ($1, now()) RETURNING id`, [`c${String(i).padStart(2, '0')}`]);
      const id = rows[0]!.id;
      await sql.query(`INSERT INTO cluster_connections (cluster_id, credentials, server_version, checked_at, updated_at) VALUES ($1, '\\x00', 'v1.20.2', now(), now())`, [id]);
      await sql.query(`INSERT INTO cluster_sync_states (cluster_id, updated_at) VALUES ($1, now())`, [id]);
    }
    // A cluster without a connection is never claimed.
    const { rows } = await sql.query<{ id: string }>(`INSERT INTO clusters (name, updated_at) VALUES ('unconnected', now()) RETURNING id`);
    await sql.query(`INSERT INTO cluster_sync_states (cluster_id, updated_at) VALUES ($1, now())`, [rows[0]!.id]);
  });
  afterAll(async () => {
    await Promise.all(prismas.map((p) => p.$disconnect()));
    await sql.end();
    await db.drop();
  });

  it('hands concurrent claimers disjoint clusters (FOR UPDATE SKIP LOCKED), bounded by their limit', async () => {
    const claims = await Promise.all([0, 1, 2, 3].map((i) => repo(i).claim(`w${i}`, 60_000, 8)));
    const all = claims.flat().map((l) => l.clusterId);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(20);
    for (const claim of claims) expect(claim.length).toBeLessThanOrEqual(8);
    expect(await repo().claim('late', 60_000, 8)).toEqual([]);
    const { rows } = await sql.query("SELECT s.lease_holder FROM cluster_sync_states s JOIN clusters c ON c.id = s.cluster_id WHERE c.name = 'unconnected'");
    expect(rows[0].lease_holder).toBeNull();
    await sql.query('UPDATE cluster_sync_states SET lease_holder = NULL, lease_expires_at = NULL');
  });

  it('fences a holder whose lease lapsed and was taken over: its checks and writes are refused', async () => {
    const [stale] = (await repo(0).claim('w-old', 60_000, 1)) as [SyncLease];
    await repo(3).claim('w-other', 60_000, 100); // every other cluster is busy
    await repo(0).assertHeld(stale, 1000);
    // The old holder stalls past its lease; another worker takes the cluster.
    await sql.query("UPDATE cluster_sync_states SET lease_expires_at = now() - interval '1 second' WHERE cluster_id = $1", [stale.clusterId]);
    const [fresh] = (await repo(1).claim('w-new', 60_000, 1)) as [SyncLease];
    expect(fresh.clusterId).toBe(stale.clusterId);
    expect(fresh.token).toBe(stale.token + 1n);

    await expect(repo(0).assertHeld(stale, 0)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(prismas[0]!.$transaction((tx) => repo(0).recordProgress(stale, { status: 'IN_SYNC', appliedVersion: 9 }, tx))).rejects.toBeInstanceOf(LeaseLostError);
    expect(await repo(0).renew([stale], 60_000)).toEqual(new Set());
    await repo(0).release(stale); // a no-op: it is not the holder any more

    const written = await prismas[1]!.$transaction((tx) => repo(1).recordProgress(fresh, { status: 'SYNCING' }, tx));
    expect(written).toMatchObject({ status: 'SYNCING', leaseHolder: 'w-new', appliedVersion: null });
    expect(await repo(1).renew([fresh], 60_000)).toEqual(new Set([fresh.clusterId]));
    await sql.query('UPDATE cluster_sync_states SET lease_holder = NULL, lease_expires_at = NULL');
  });

  it('refuses a write when less than the safety margin of the lease is left', async () => {
    const [lease] = (await repo(2).claim('w-margin', 1500, 1)) as [SyncLease];
    await repo(2).assertHeld(lease, 500);
    await expect(repo(2).assertHeld(lease, 5000)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('lets a released cluster be claimed at once', async () => {
    const [lease] = (await repo(3).claim('w-leaving', 60_000, 1)) as [SyncLease];
    await repo(3).release(lease);
    const claimed = await repo(0).claim('w-next', 60_000, 20);
    expect(claimed.map((l) => l.clusterId)).toContain(lease.clusterId);
  });
});
