import type { Client } from 'pg';

import { ConnectionHistoryRecorder, type ConnectivityChangeInput } from '../../libs/connection-history/src';
import { PrismaService } from '../../libs/persistence/src';
import { connectTo } from '../../libs/testing/src';
import { createTestApp, type MintedToken, type TestApp } from '../support/test-app';

const myapp = { kind: 'workload', namespace: 'default', workloadKind: 'Deployment', name: 'myapp' } as const;
const internet = { kind: 'cidr', cidr: '1.1.1.1/32' } as const;

describe('connection history over REST and GraphQL: roles, scope, filters', () => {
  let t: TestApp;
  let sql: Client;
  let proposer: MintedToken;
  let devAuditor: MintedToken;
  let auditor: MintedToken;
  let proposalId: string;

  /** Records through the app's own recorder, in a transaction, as version creation will. */
  const record = async (cluster: string, input: Partial<ConnectivityChangeInput>): Promise<void> => {
    const { rows } = await sql.query<{ id: string }>('SELECT id FROM clusters WHERE name = $1', [cluster]);
    const recorder = t.app.get(ConnectionHistoryRecorder);
    await t.app.get(PrismaService).$transaction((tx) =>
      recorder.record(tx, {
        clusterId: rows[0]!.id,
        clusterName: cluster,
        version: 1,
        cause: 'INITIAL',
        proposalId: null,
        author: null,
        approvers: [],
        snapshotId: null,
        occurredAt: new Date('2026-12-01T10:00:00Z'),
        opened: [],
        closed: [],
        ...input,
      }),
    );
  };

  beforeAll(async () => {
    t = await createTestApp();
    sql = await connectTo(t.db.url);
    await t.http.post('/api/v1/clusters').send({ name: 'prod' }).expect(201);
    await t.http.post('/api/v1/clusters').send({ name: 'dev' }).expect(201);
    proposer = await t.mintToken({ name: 'pat', roles: ['proposer', 'approver'] });
    devAuditor = await t.mintToken({ name: 'dev-auditor', roles: ['auditor'], clusters: ['dev'] });
    auditor = await t.mintToken({ name: 'auditor', roles: ['auditor'] });
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO proposals (author_id, author_kind, author_name, base_version, change_hash, changes, cluster_id, status, title, updated_at)
       SELECT 'bot-id', 'bot', 'deploy-bot', 1, 'h', '{}', id, 'MERGED', 'Let myapp call 1.1.1.1', now() FROM clusters WHERE name = 'prod' RETURNING id`,
    );
    proposalId = rows[0]!.id;
    await record('prod', { opened: [{ from: myapp, to: { kind: 'cidr', cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }, ports: [{ protocol: 'UDP', ranges: [[53, 53]] }] }] });
    await record('prod', {
      version: 2,
      cause: 'PROPOSAL',
      proposalId,
      author: { id: 'bot-id', name: 'deploy-bot', kind: 'bot' },
      approvers: [
        { id: 'a1', name: 'alice' },
        { id: 'c1', name: 'carol' },
      ],
      occurredAt: new Date('2026-12-02T10:00:00Z'),
      opened: [{ from: myapp, to: internet, ports: [{ protocol: 'TCP', ranges: [[443, 443]] }] }],
    });
    await record('dev', { cause: 'IMPORT', opened: [{ from: myapp, to: internet, ports: [{ protocol: 'TCP', ranges: [[8000, 8100]] }] }] });
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('answers who opened egress from default/myapp to 1.1.1.1:443, who approved it, and that it is still open', async () => {
    const history = await t.as(auditor.token).get('/api/v1/connections/history?cluster=prod&from=default/myapp&to=1.1.1.1&port=443').expect(200);
    expect(history.body).toEqual({
      items: [
        {
          id: expect.any(String),
          cluster: 'prod',
          change: 'OPENED',
          cause: 'PROPOSAL',
          source: { kind: 'workload', namespace: 'default', workloadKind: 'Deployment', name: 'myapp', cidr: null, except: [], text: 'default/myapp[Deployment]' },
          destination: { kind: 'cidr', namespace: null, workloadKind: null, name: null, cidr: '1.1.1.1/32', except: [], text: '1.1.1.1/32' },
          protocol: 'TCP',
          ports: { from: 443, to: 443 },
          version: 2,
          proposal: { id: proposalId, title: 'Let myapp call 1.1.1.1' },
          author: { id: 'bot-id', name: 'deploy-bot', kind: 'bot' },
          approvers: [
            { id: 'a1', name: 'alice' },
            { id: 'c1', name: 'carol' },
          ],
          snapshotId: null,
          occurredAt: '2026-12-02T10:00:00.000Z',
        },
      ],
      nextCursor: null,
      lagging: [], // no versions: nothing for the history to catch up
      laggingCount: 0,
    });
    const open = await t.as(auditor.token).get('/api/v1/connections/open?cluster=prod&to=1.1.1.1&protocol=tcp&port=443').expect(200);
    expect(open.body.items).toHaveLength(1);
    expect(open.body.items[0]).toMatchObject({ cluster: 'prod', ports: { from: 443, to: 443 }, since: '2026-12-02T10:00:00.000Z', openedBy: { cause: 'PROPOSAL', version: 2 } });
    // UDP 53 to 0.0.0.0/0 matches 1.1.1.1 too, opened by the first version.
    const all = await t.http.get('/api/v1/connections/open?cluster=prod&to=1.1.1.1').expect(200);
    expect(all.body.items.map((o: { openedBy: { cause: string }; destination: { text: string } }) => `${o.destination.text} ${o.openedBy.cause}`)).toEqual([
      '1.1.1.1/32 PROPOSAL',
      '0.0.0.0/0 except 10.0.0.0/8 INITIAL',
    ]);
  });

  it('refuses roles other than auditor and admin', async () => {
    for (const path of ['/api/v1/connections/history', '/api/v1/connections/open', '/api/v1/connections/history?cluster=prod']) {
      expect((await t.as(proposer.token).get(path).expect(403)).body.code).toBe('FORBIDDEN');
    }
  });

  it('shows a scoped auditor only its clusters and answers other clusters as everywhere else', async () => {
    const mine = await t.as(devAuditor.token).get('/api/v1/connections/history').expect(200);
    expect(mine.body.items.map((c: { cluster: string }) => c.cluster)).toEqual(['dev']);
    const open = await t.as(devAuditor.token).get('/api/v1/connections/open?to=1.1.1.1').expect(200);
    expect(open.body.items.map((c: { cluster: string; ports: { from: number } }) => `${c.cluster} ${c.ports.from}`)).toEqual(['dev 8000']);
    // Outside the scope: the same answer whether the cluster exists or not (403, see "Tokens, roles and scope").
    expect((await t.as(devAuditor.token).get('/api/v1/connections/history?cluster=prod').expect(403)).body.code).toBe('FORBIDDEN');
    expect((await t.as(devAuditor.token).get('/api/v1/connections/open?cluster=nope').expect(403)).body.code).toBe('FORBIDDEN');
    // Inside the scope but missing: 404.
    expect((await t.as(auditor.token).get('/api/v1/connections/history?cluster=nope').expect(404)).body.code).toBe('CLUSTER_NOT_FOUND');
    expect((await t.http.get('/api/v1/connections/open?cluster=nope').expect(404)).body.code).toBe('CLUSTER_NOT_FOUND');
  });

  it.each([
    ['history?port=https', 'port'],
    ['history?port=0', 'port'],
    ['history?protocol=icmp', 'protocol'],
    ['history?change=changed', 'change'],
    ['history?to=1.1.1.1/40', 'to'],
    ['history?from=Default/MyApp', 'from'],
    ['history?since=tomorrow', 'since'],
    ['history?cursor=xyz', 'cursor'],
    ['history?limit=501', 'limit'],
    ['open?limit=0', 'limit'],
    ['open?cursor=WzEsMF0', 'cursor'],
    ['open?port=65536', 'port'],
  ])('answers 400 VALIDATION_FAILED naming the parameter for %s', async (query, path) => {
    const response = await t.http.get(`/api/v1/connections/${query}`).expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors).toEqual([expect.objectContaining({ path })]);
  });

  it('pages with an opaque cursor', async () => {
    const first = await t.http.get('/api/v1/connections/history?limit=2').expect(200);
    expect(first.body.items.map((c: { cluster: string; version: number }) => `${c.cluster} v${c.version}`)).toEqual(['dev v1', 'prod v2']);
    const second = await t.http.get(`/api/v1/connections/history?limit=2&cursor=${first.body.nextCursor as string}`).expect(200);
    expect(second.body.items.map((c: { cluster: string; version: number }) => `${c.cluster} v${c.version}`)).toEqual(['prod v1']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('serves the same over GraphQL, also as fields of Cluster', async () => {
    const fields = 'items { change cause source { text } destination { text } protocol ports { from to } version proposal { title } author { name kind } approvers { name } occurredAt } nextCursor';
    const top = await t.gql<{ connectionHistory: { items: unknown[] }; openConnections: { items: { since: string; openedBy: { version: number } }[] } }>(
      `query($to: String, $port: Int) {
        connectionHistory(cluster: "prod", to: $to, port: $port, change: "opened") { ${fields} }
        openConnections(cluster: "prod", to: $to, port: $port) { items { since openedBy { version } } }
      }`,
      { to: '1.1.1.1', port: 443 },
      auditor.token,
    );
    expect(top.errors).toBeUndefined();
    expect(top.data!.connectionHistory.items).toEqual([
      {
        change: 'OPENED',
        cause: 'PROPOSAL',
        source: { text: 'default/myapp[Deployment]' },
        destination: { text: '1.1.1.1/32' },
        protocol: 'TCP',
        ports: { from: 443, to: 443 },
        version: 2,
        proposal: { title: 'Let myapp call 1.1.1.1' },
        author: { name: 'deploy-bot', kind: 'bot' },
        approvers: [{ name: 'alice' }, { name: 'carol' }],
        occurredAt: '2026-12-02T10:00:00.000Z',
      },
    ]);
    expect(top.data!.openConnections.items).toEqual([{ since: '2026-12-02T10:00:00.000Z', openedBy: { version: 2 } }]);

    const nested = await t.gql<{ cluster: { connectionHistory: { items: { version: number }[]; nextCursor: string }; openConnections: { items: { ports: { from: number } }[] } } }>(
      `{ cluster(name: "dev") { connectionHistory(first: 1) { items { version cause } nextCursor } openConnections(to: "1.1.1.1", port: 8050) { items { ports { from to } } } } }`,
      {},
      devAuditor.token,
    );
    expect(nested.errors).toBeUndefined();
    expect(nested.data!.cluster).toEqual({
      connectionHistory: { items: [{ version: 1, cause: 'IMPORT' }], nextCursor: null },
      openConnections: { items: [{ ports: { from: 8000, to: 8100 } }] },
    });

    const denied = await t.gql(`{ connectionHistory { items { id } } }`, {}, proposer.token);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const outOfScope = await t.gql(`{ openConnections(cluster: "prod") { items { since } } }`, {}, devAuditor.token);
    expect(outOfScope.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const invalid = await t.gql(`{ connectionHistory(cluster: "prod", to: "not a cidr/", port: 70000) { items { id } } }`, {}, auditor.token);
    expect(invalid.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ path: 'to' }), expect.objectContaining({ path: 'port' })] });
  });
});
