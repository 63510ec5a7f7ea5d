import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { kubectlList, namespace, pod } from '../support/kubectl-objects';
import { createTestApp, type TestApp } from '../support/test-app';

// The limits need an app configured apart, hence a file (and process) of their own: a second app in one
// process would start analysis worker threads again after the first app's ended, which SWC does not survive.
describe('inventory upload limits (INVENTORY_UPLOAD_MAX_BYTES, INVENTORY_UPLOAD_MAX_OBJECTS, INVENTORY_RETAIN)', () => {
  let t: TestApp;
  let sql: Client;

  beforeAll(async () => {
    t = await createTestApp({ INVENTORY_UPLOAD_MAX_BYTES: '20000', INVENTORY_UPLOAD_MAX_OBJECTS: '10', INVENTORY_RETAIN: '2' });
    sql = await connectTo(t.db.url);
    await t.http.post('/api/v1/clusters').send({ name: 'prod' }).expect(201);
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  const put = (body: string, type = 'application/json') => t.http.put('/api/v1/clusters/prod/inventory').set('Content-Type', type).send(body);
  const snapshotCount = async (): Promise<number> => (await sql.query('SELECT count(*)::int AS n FROM inventory_snapshots')).rows[0].n as number;
  const small = (n: number): string =>
    JSON.stringify(kubectlList(namespace('default'), ...Array.from({ length: n }, (_, i) => pod('default', `p${i}`, { labels: { i: String(i) }, ip: `10.0.0.${i + 1}` }))));

  it('refuses more objects than the limit with 400 naming it, and stores nothing', async () => {
    const body = small(10); // 11 objects
    expect(Buffer.byteLength(body)).toBeLessThan(20000);
    const response = await put(body).expect(400);
    expect(response.body.code).toBe('INVENTORY_TOO_MANY_OBJECTS');
    expect(response.body.detail).toBe('the inventory holds 11 objects; at most 10 are accepted (INVENTORY_UPLOAD_MAX_OBJECTS)');
    expect(await snapshotCount()).toBe(0);
  });

  it('refuses a larger body with 413 before parsing it, and the same text through GraphQL', async () => {
    const garbage = `{"kind": "List", "items": [${'x'.repeat(20001)}`; // would be a 400 if it were parsed
    const response = await put(garbage).expect(413);
    expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
    const yaml = await put(`kind: List\n# ${'x'.repeat(20001)}\n`, 'application/yaml').expect(413);
    expect(yaml.body.code).toBe('PAYLOAD_TOO_LARGE');
    const gql = await t.gql('mutation($input: UploadInventoryInput!) { uploadInventory(cluster: "prod", input: $input) { id } }', { input: { manifests: garbage } });
    expect(gql.errors?.[0]?.extensions).toMatchObject({ code: 'INVENTORY_TOO_LARGE', status: 413 });
    expect(await snapshotCount()).toBe(0);
  });

  it('keeps the newest INVENTORY_RETAIN snapshots', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await put(small(n)).expect(201)).body.id as string);
    const { rows } = await sql.query('SELECT id FROM inventory_snapshots ORDER BY taken_at DESC');
    expect(rows.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
  });
});
