import { AnalysisFailedError, AnalysisScheduler, ConnectivityTracker } from '@palisade/proposals';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { GraphQLObjectType } from 'graphql';
import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { portPolicy as policy } from '../support/merge-state';
import { createTestApp, type MintedToken, type TestApp } from '../support/test-app';

// No timer: the test runs the background passes.
const ENV = { ANALYSIS_RECONCILE_MS: '0' };

interface Lagging {
  cluster: string;
  headVersion: number;
  trackedVersion: number | null;
  upToDate: boolean;
  failures: number;
  lastError: string | null;
  retryAfter: string | null;
}

const INVENTORY = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }] };

const LAGGING_FIELDS = 'lagging { cluster headVersion trackedVersion upToDate failures lastError retryAfter } laggingCount';

/** What an answer lagging behind a cluster's newest version says of it, before any failure. */
const behind = (cluster: string, headVersion: number, trackedVersion: number | null): Lagging => ({
  cluster,
  headVersion,
  trackedVersion,
  upToDate: false,
  failures: 0,
  lastError: null,
  retryAfter: null,
});

/** `lagging` and `laggingCount` of a page. */
interface LaggingOfPage {
  lagging: Lagging[];
  laggingCount: number;
}

/** What /open and /history both say when `lagging` is every lagging cluster searched. */
const both = (lagging: Lagging[]) => ({ open: { lagging, laggingCount: lagging.length }, history: { lagging, laggingCount: lagging.length } });

/**
 * `/connections/open` and `/connections/history` (and their GraphQL fields) name the clusters they
 * searched whose history lags (`lagging`, the first LAGGING_LIMIT by name; `laggingCount` counts
 * them all), as `/connections/status` describes them, so an auditor reading only the answer knows
 * when it may miss the newest changes.
 */
describe('lagging clusters in connection answers', () => {
  let t: TestApp;
  let sql: Client;
  let auditor: MintedToken;

  /** One background pass: every lagging cluster not waiting to retry is caught up. */
  const pass = () => t.app.get(AnalysisScheduler).tick();
  /** A cluster with its first version, which the background pass has not taken in yet. */
  const createCluster = async (name: string) => {
    await t.http.post('/api/v1/clusters').send({ name }).expect(201);
    await t.http.post(`/api/v1/clusters/${name}/versions/import`).send({ policies: [policy('web', 80)] }).expect(201);
  };
  /** A new inventory snapshot the background pass has not taken in yet (the upload's own pass held back): the tracked version stays. */
  const uploadInventory = async (name: string) => {
    const tick = vi.spyOn(t.app.get(AnalysisScheduler), 'tick').mockResolvedValue();
    await t.http.put(`/api/v1/clusters/${name}/inventory`).set('Content-Type', 'application/json').send(JSON.stringify(INVENTORY)).expect(201);
    tick.mockRestore();
  };
  /** `lagging` and `laggingCount` of /open and of /history, for the same query string. */
  const restLagging = async (token: string, query = '') => {
    const ofPage = async (route: string): Promise<LaggingOfPage> => {
      const body = (await t.as(token).get(`/api/v1/connections/${route}${query}`).expect(200)).body as LaggingOfPage;
      return { lagging: body.lagging, laggingCount: body.laggingCount };
    };
    return { open: await ofPage('open'), history: await ofPage('history') };
  };
  /** `lagging` and `laggingCount` of the root openConnections and connectionHistory fields, with `cluster` when given. */
  const gqlLagging = async (token: string, cluster?: string) => {
    const result = await t.gql<{ openConnections: LaggingOfPage; connectionHistory: LaggingOfPage }>(
      `query ($c: String) { openConnections(cluster: $c) { ${LAGGING_FIELDS} } connectionHistory(cluster: $c) { ${LAGGING_FIELDS} } }`,
      { c: cluster },
      token,
    );
    expect(result.errors).toBeUndefined();
    return { open: result.data!.openConnections, history: result.data!.connectionHistory };
  };

  beforeAll(async () => {
    t = await createTestApp(ENV);
    sql = await connectTo(t.db.url);
    await pass(); // the pass on start, before any cluster exists
    auditor = await t.mintToken({ name: 'auditor', roles: ['auditor'] });
  });

  afterEach(async () => {
    // Every test starts with every history current: the engine answers again and no retry waits.
    vi.restoreAllMocks();
    await sql.query("UPDATE connectivity_tracking SET retry_after = now() - interval '1 second' WHERE retry_after IS NOT NULL");
    await pass();
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
  });

  it('answers lagging: [] on /open and /history when the history of every searched cluster is current', async () => {
    await createCluster('current');
    await pass();

    const open = await t.as(auditor.token).get('/api/v1/connections/open').expect(200);
    expect(Object.keys(open.body as object)).toEqual(['items', 'nextCursor', 'lagging', 'laggingCount']);
    expect(open.body).toMatchObject({ lagging: [], laggingCount: 0 });
    const history = await t.as(auditor.token).get('/api/v1/connections/history').expect(200);
    expect(Object.keys(history.body as object)).toEqual(['items', 'nextCursor', 'lagging', 'laggingCount']);
    expect(history.body).toMatchObject({ lagging: [], laggingCount: 0 });
    expect(await restLagging(auditor.token, '?cluster=current')).toEqual(both([]));
    expect(await gqlLagging(auditor.token)).toEqual(both([]));
  });

  it('lists a cluster whose new version or inventory the background pass has not taken in yet, with the version its history reflects (REST and GraphQL)', async () => {
    await createCluster('alpha');
    await pass();
    await createCluster('beta');
    const lagging = [behind('beta', 1, null)];

    expect(await restLagging(auditor.token)).toEqual(both(lagging));
    expect(await restLagging(auditor.token, '?cluster=beta')).toEqual(both(lagging));
    expect(await gqlLagging(auditor.token)).toEqual(both(lagging));
    expect(await gqlLagging(auditor.token, 'beta')).toEqual(both(lagging));
    const nested = await t.gql<{ cluster: { openConnections: LaggingOfPage; connectionHistory: LaggingOfPage } }>(
      `{ cluster(name: "beta") { openConnections { ${LAGGING_FIELDS} } connectionHistory { ${LAGGING_FIELDS} } } }`,
      {},
      auditor.token,
    );
    expect(nested.errors).toBeUndefined();
    expect(nested.data!.cluster).toEqual({ openConnections: { lagging, laggingCount: 1 }, connectionHistory: { lagging, laggingCount: 1 } });

    // Once the pass has taken it in, the answers are current again.
    await pass();
    expect(await restLagging(auditor.token)).toEqual(both([]));

    // A new inventory snapshot: the history still reflects version 1, on the inventory before it.
    await uploadInventory('beta');
    const inventoryLag = [behind('beta', 1, 1)];
    expect(await restLagging(auditor.token)).toEqual(both(inventoryLag));
    expect(await gqlLagging(auditor.token, 'beta')).toEqual(both(inventoryLag));
    await pass();
    expect(await gqlLagging(auditor.token, 'beta')).toEqual(both([]));
  });

  it('shows the failed catch-ups in a row, the last error and the retry time of a cluster the engine fails on', async () => {
    await createCluster('broken');
    const broken = ((await sql.query("SELECT id FROM clusters WHERE name = 'broken'")).rows[0] as { id: string }).id;
    const tracker = t.app.get(ConnectivityTracker);
    const catchUp = tracker.catchUp.bind(tracker);
    vi.spyOn(tracker, 'catchUp').mockImplementation(async (clusterId: string) => {
      if (clusterId === broken) throw new AnalysisFailedError('engine error: Invalid array length');
      return catchUp(clusterId);
    });
    await pass();

    const status = (await t.as(auditor.token).get('/api/v1/connections/status?cluster=broken').expect(200)).body.items as Lagging[];
    const retryAfter = status[0]!.retryAfter!;
    expect(Date.parse(retryAfter) - Date.now()).toBeGreaterThan(50_000);
    expect(Date.parse(retryAfter) - Date.now()).toBeLessThanOrEqual(60_000);
    const lagging: Lagging[] = [{ cluster: 'broken', headVersion: 1, trackedVersion: null, upToDate: false, failures: 1, lastError: 'engine error: Invalid array length', retryAfter }];
    expect(status).toEqual(lagging);
    expect(await restLagging(auditor.token)).toEqual(both(lagging));
    expect(await restLagging(auditor.token, '?cluster=broken')).toEqual(both(lagging));
    expect(await gqlLagging(auditor.token)).toEqual(both(lagging));
  });

  it('shows a scoped auditor only the clusters of its scope in lagging', async () => {
    await createCluster('scoped-mine');
    await pass();
    const scoped = await t.mintToken({ name: 'scoped-auditor', roles: ['auditor'], clusters: ['scoped-mine'] });

    // Only a cluster outside its scope lags: nothing to tell it.
    await createCluster('scoped-other');
    const other = behind('scoped-other', 1, null);
    expect(await restLagging(auditor.token)).toEqual(both([other]));
    expect(await restLagging(scoped.token)).toEqual(both([]));
    expect(await gqlLagging(scoped.token)).toEqual(both([]));

    // Both lag: it sees its own only.
    await uploadInventory('scoped-mine');
    const mine = behind('scoped-mine', 1, 1);
    expect(await restLagging(scoped.token)).toEqual(both([mine]));
    expect(await restLagging(scoped.token, '?cluster=scoped-mine')).toEqual(both([mine]));
    expect(await gqlLagging(scoped.token)).toEqual(both([mine]));
    expect((await t.as(scoped.token).get('/api/v1/connections/open?cluster=scoped-other').expect(403)).body.code).toBe('FORBIDDEN');
    // An unscoped auditor sees both, by name.
    expect(await restLagging(auditor.token)).toEqual(both([mine, other]));
  });

  it('answers lagging: [] for a named cluster that is current while another cluster lags', async () => {
    await createCluster('named-current');
    await pass();
    await createCluster('named-lagging');

    expect(await restLagging(auditor.token, '?cluster=named-current')).toEqual(both([]));
    expect(await gqlLagging(auditor.token, 'named-current')).toEqual(both([]));
    const nested = await t.gql<{ cluster: { openConnections: LaggingOfPage; connectionHistory: LaggingOfPage } }>(
      `{ cluster(name: "named-current") { openConnections { lagging { cluster } laggingCount } connectionHistory { lagging { cluster } laggingCount } } }`,
      {},
      auditor.token,
    );
    expect(nested.data).toEqual({ cluster: { openConnections: { lagging: [], laggingCount: 0 }, connectionHistory: { lagging: [], laggingCount: 0 } } });
    // The other cluster does lag: searching every cluster says so.
    const lagging = [behind('named-lagging', 1, null)];
    expect(await restLagging(auditor.token)).toEqual(both(lagging));
  });

  it('keeps a page with lagging at 1 + first in the query budget: 9 pages of 500 fit the budget of 5000, 10 cost 5010', async () => {
    const page = (i: number) => `a${i}: openConnections(first: 500) { items { cluster } nextCursor lagging { cluster failures } }`;
    const fits = await t.http.post('/graphql').send({ query: `{ ${Array.from({ length: 9 }, (_, i) => page(i)).join(' ')} }` }).expect(200);
    expect(fits.body.errors).toBeUndefined();
    expect(fits.body.data.a8).toEqual({ items: [], nextCursor: null, lagging: [] });
    const over = await t.http.post('/graphql').send({ query: `{ ${Array.from({ length: 10 }, (_, i) => page(i)).join(' ')} }` }).expect(400);
    expect(over.body.errors.map((e: { message: string }) => e.message)).toEqual(['query cost 5010 exceeds the budget of 5000']);
  });

  it('names the first 100 lagging clusters by name and counts them all: 101 lagging answer 100 and laggingCount 101 on /open and /history (REST and GraphQL); a scoped auditor counts its scope only', async () => {
    const names = Array.from({ length: 101 }, (_, i) => `bulk-${String(i).padStart(3, '0')}`);
    // As createCluster, in batches: imports 4 at a time, as many policy sets as one principal may have waiting (else 429 POLICY_SETS_WAITING).
    const inBatches = async (size: number, each: (name: string) => Promise<unknown>) => {
      for (let i = 0; i < names.length; i += size) await Promise.all(names.slice(i, i + size).map(each));
    };
    await inBatches(20, (name) => t.http.post('/api/v1/clusters').send({ name }).expect(201));
    await inBatches(4, (name) => t.http.post(`/api/v1/clusters/${name}/versions/import`).send({ policies: [policy('web', 80)] }).expect(201));
    const page = { lagging: names.slice(0, 100).map((name) => behind(name, 1, null)), laggingCount: 101 };

    const rest = await restLagging(auditor.token);
    expect(rest.open.lagging).toHaveLength(100);
    expect(rest).toEqual({ open: page, history: page });
    expect(await gqlLagging(auditor.token)).toEqual({ open: page, history: page });
    // /connections/status lists every one.
    const status = (await t.as(auditor.token).get('/api/v1/connections/status').expect(200)).body.items as Lagging[];
    expect(status.filter((s) => !s.upToDate).map((s) => s.cluster)).toEqual(names);

    // Its scope: a current cluster, the first lagging one, and the one past the first 100.
    const scoped = await t.mintToken({ name: 'bulk-auditor', roles: ['auditor'], clusters: ['current', 'bulk-000', 'bulk-100'] });
    const mine = both([behind('bulk-000', 1, null), behind('bulk-100', 1, null)]);
    expect(await restLagging(scoped.token)).toEqual(mine);
    expect(await gqlLagging(scoped.token)).toEqual(mine);

    // The tests after this one start with every history current: a pass catches up 20 clusters.
    for (let i = 0; i < 6; i++) await pass();
    expect(await restLagging(auditor.token)).toEqual(both([]));
  });

  it('documents lagging and laggingCount in the OpenAPI document and the GraphQL schema', async () => {
    const openapi = (await t.http.get('/api/docs/openapi.json').expect(200)).body as { components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> } };
    for (const page of ['OpenConnectionPageModel', 'ConnectionChangePageModel']) {
      expect(openapi.components.schemas[page]!.properties['lagging']).toEqual({
        type: 'array',
        items: { $ref: '#/components/schemas/ConnectionHistoryStatusModel' },
        description: expect.stringMatching(/^The clusters searched \(the one named, else every cluster of the scope\) whose connection history does not reflect/),
      });
      expect(openapi.components.schemas[page]!.properties['laggingCount']).toEqual({
        type: 'number',
        description: expect.stringMatching(/^How many of the clusters searched lag in all \(lagging names the first 100; \/connections\/status lists every one\)/),
      });
      expect(openapi.components.schemas[page]!.required).toEqual(['items', 'nextCursor', 'lagging', 'laggingCount']);
    }
    const schema = t.app.get(GraphQLSchemaHost).schema;
    for (const page of ['OpenConnectionPage', 'ConnectionChangePage']) {
      const lagging = (schema.getType(page) as GraphQLObjectType).getFields()['lagging']!;
      expect(String(lagging.type)).toBe('[ConnectionHistoryStatus!]!');
      expect(lagging.description).toMatch(/^The clusters searched \(the one named, else every cluster of the scope\) whose connection history does not reflect/);
      expect(lagging.description).toContain('the first 100 by name');
      const laggingCount = (schema.getType(page) as GraphQLObjectType).getFields()['laggingCount']!;
      expect(String(laggingCount.type)).toBe('Int!');
      expect(laggingCount.description).toMatch(/^How many of the clusters searched lag in all/);
    }
  });
});
