import type { Client } from 'pg';

import { type ConnectionHistoryStatusRecord, ConnectivityTrackingRepository, PrismaService } from '../../libs/persistence/src';
import { connectTo, createTestDatabase, type TestDatabase } from '../../libs/testing/src';

const RETRY_AFTER = new Date('2030-01-01T00:00:00Z');

/** A lagging cluster's status before any failure. */
const behind = (clusterName: string, headVersion: number, trackedVersion: number | null): ConnectionHistoryStatusRecord => ({
  clusterName,
  headVersion,
  trackedVersion,
  lagging: true,
  failures: 0,
  lastError: null,
  retryAfter: null,
});

describe(`${ConnectivityTrackingRepository.name}: laggingStatuses`, () => {
  let db: TestDatabase;
  let sql: Client;
  let prisma: PrismaService;
  let sut: ConnectivityTrackingRepository;
  const ids: Record<string, string> = {};

  /** A cluster at `head`, with a tracking row when `tracking` is given. */
  const cluster = async (
    name: string,
    head: number,
    tracking?: { version: number | null; hash?: string; failures?: number; lastError?: string; retryAfter?: Date },
  ) => {
    const { rows } = await sql.query<{ id: string }>('INSERT INTO clusters (name, head_version, updated_at) VALUES ($1, $2, now()) RETURNING id', [name, head]);
    ids[name] = rows[0]!.id;
    if (tracking) {
      await sql.query(
        `INSERT INTO connectivity_tracking (cluster_id, version, snapshot_content_hash, failures, last_error, retry_after, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())`,
        [rows[0]!.id, tracking.version, tracking.hash ?? null, tracking.failures ?? 0, tracking.lastError ?? null, tracking.retryAfter ?? null],
      );
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = await connectTo(db.url);
    prisma = new PrismaService({ databaseUrl: db.url, poolSize: 2 });
    sut = new ConnectivityTrackingRepository(prisma);
    await cluster('a-current', 2, { version: 2 });
    await cluster('b-no-versions', 0); // nothing to reflect: never lags
    await cluster('c-behind', 2, { version: 1 });
    await cluster('d-untracked', 1); // no tracking row: before its first catch-up
    await cluster('e-failing', 1, { version: null, failures: 3, lastError: 'engine error', retryAfter: RETRY_AFTER });
    // Caught up another way since it failed: the failure is stale, holds nothing back, is not listed.
    await cluster('f-stale-failure', 1, { version: 1, failures: 2, lastError: 'old error', retryAfter: RETRY_AFTER });
    // The newest snapshot is not the one the history reflects; an error left over without failures is not shown.
    await cluster('g-new-snapshot', 1, { version: 1, hash: 'old', lastError: 'left over' });
    await sql.query(
      `INSERT INTO inventory_snapshots (cluster_id, content_hash, namespace_count, namespaces, pod_count, pods, source, taken_at)
       VALUES ($1, 'new', 0, '[]', 0, '[]', 'UPLOAD', now())`,
      [ids['g-new-snapshot']],
    );
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await sql.end();
    await db.drop();
  });

  const ALL_LAGGING = [
    behind('c-behind', 2, 1),
    behind('d-untracked', 1, null),
    { ...behind('e-failing', 1, null), failures: 3, lastError: 'engine error', retryAfter: RETRY_AFTER },
    behind('g-new-snapshot', 1, 1),
  ];

  it('answers only the lagging clusters, by name, as statuses describes them, and how many lag', async () => {
    expect(await sut.laggingStatuses(null, 100)).toEqual({ statuses: ALL_LAGGING, total: 4 });
    // The same rows statuses answers, filtered in SQL.
    expect((await sut.statuses(null)).filter((s) => s.lagging)).toEqual(ALL_LAGGING);
  });

  it.each([
    [1, ALL_LAGGING.slice(0, 1)],
    [3, ALL_LAGGING.slice(0, 3)],
    [4, ALL_LAGGING],
  ])('keeps the first %i by name and still counts every lagging cluster', async (limit, expected) => {
    expect(await sut.laggingStatuses(null, limit)).toEqual({ statuses: expected, total: 4 });
  });

  it('searches and counts the given clusters only; none lagging (or none given) answers total 0', async () => {
    const scope = [ids['a-current']!, ids['c-behind']!, ids['e-failing']!, ids['g-new-snapshot']!];
    expect(await sut.laggingStatuses(scope, 1)).toEqual({ statuses: [ALL_LAGGING[0]], total: 3 });
    expect(await sut.laggingStatuses(scope, 100)).toEqual({ statuses: [ALL_LAGGING[0], ALL_LAGGING[2], ALL_LAGGING[3]], total: 3 });
    expect(await sut.laggingStatuses([ids['a-current']!, ids['b-no-versions']!, ids['f-stale-failure']!], 100)).toEqual({ statuses: [], total: 0 });
    expect(await sut.laggingStatuses([], 100)).toEqual({ statuses: [], total: 0 });
  });
});
