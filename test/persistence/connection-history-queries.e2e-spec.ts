import { Test } from '@nestjs/testing';
import type { Client } from 'pg';

import {
  type ConnectionChangeView,
  ConnectionHistoryModule,
  ConnectionHistoryQueryCommand,
  type ConnectionHistoryQueryInput,
  ConnectionHistoryRecorder,
  type ConnectivityChangeInput,
  ListOpenConnectionsService,
  OpenConnectionsQueryCommand,
  type OpenConnectionsQueryInput,
  type OpenConnectionView,
  QueryConnectionHistoryService,
} from '../../libs/connection-history/src';
import type { Flow } from '../../libs/netpol-engine/src';
import { PersistenceModule, PrismaService } from '../../libs/persistence/src';
import type { Caller, Role } from '../../libs/shared-types/src';
import { connectTo, createTestDatabase, type TestDatabase } from '../../libs/testing/src';

const caller = (roles: Role[], clusters: string[] | null = null): Caller => ({
  principal: { actor: { id: null, name: 'reader', kind: 'human' }, roles, clusters, groups: [] },
});
const auditor = caller(['auditor']);

const myapp = { kind: 'workload', namespace: 'default', workloadKind: 'Deployment', name: 'myapp' } as const;
const worker = { kind: 'workload', namespace: 'default', workloadKind: 'StatefulSet', name: 'worker' } as const;
const frontend = { kind: 'workload', namespace: 'web', workloadKind: 'Deployment', name: 'frontend' } as const;
const flow = (from: Flow['from'], to: Flow['to'], ports: Flow['ports']): Flow => ({ from, to, ports });

describe('connection history: recorder, history and open connections (PostgreSQL)', () => {
  let db: TestDatabase;
  let sql: Client;
  let close: () => Promise<void>;
  let prisma: PrismaService;
  let recorder: ConnectionHistoryRecorder;
  let historyService: QueryConnectionHistoryService;
  let openService: ListOpenConnectionsService;
  let prod: string;
  let dev: string;
  let proposalId: string;

  const record = (input: Partial<ConnectivityChangeInput> & Pick<ConnectivityChangeInput, 'clusterId' | 'occurredAt'>) =>
    prisma.$transaction(
      (tx) =>
      recorder.record(tx, {
        clusterName: 'x',
        version: null,
        cause: 'PROPOSAL',
        proposalId: null,
        author: null,
        approvers: [],
        snapshotId: null,
        opened: [],
        closed: [],
        ...input,
      }),
      // Tens of thousands of flows take seconds: more than Prisma's default 5 s on a busy machine.
      { timeout: 60_000 },
    );
  const history = async (input: Partial<ConnectionHistoryQueryInput>, as: Caller = auditor) =>
    historyService.execute(ConnectionHistoryQueryCommand.from({ limit: 50, cluster: 'prod', ...input, caller: as }));
  const open = async (input: Partial<OpenConnectionsQueryInput>, as: Caller = auditor) =>
    openService.execute(OpenConnectionsQueryCommand.from({ limit: 50, cluster: 'prod', ...input, caller: as }));
  /** A change as one line: `OPENED default/myapp[Deployment] -> 1.1.1.0/24 TCP 80-90`. */
  const line = (c: ConnectionChangeView | OpenConnectionView): string =>
    `${'change' in c ? `${c.change} ` : ''}${c.source.text} -> ${c.destination.text} ${c.protocol} ${c.ports.from === c.ports.to ? c.ports.from : `${c.ports.from}-${c.ports.to}`}`;
  const lines = async (input: Partial<ConnectionHistoryQueryInput>, as?: Caller) => (await history(input, as)).items.map(line);
  const openLines = async (input: Partial<OpenConnectionsQueryInput>, as?: Caller) => (await open(input, as)).items.map(line);

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = await connectTo(db.url);
    const app = await Test.createTestingModule({ imports: [PersistenceModule.forRoot({ databaseUrl: db.url, poolSize: 3 }), ConnectionHistoryModule] }).compile();
    close = () => app.close();
    prisma = app.get(PrismaService);
    recorder = app.get(ConnectionHistoryRecorder);
    historyService = app.get(QueryConnectionHistoryService);
    openService = app.get(ListOpenConnectionsService);
    const ids = await sql.query<{ id: string; name: string }>(`INSERT INTO clusters (name, updated_at) VALUES ('prod', now()), ('dev', now()) RETURNING id, name`);
    prod = ids.rows.find((r) => r.name === 'prod')!.id;
    dev = ids.rows.find((r) => r.name === 'dev')!.id;
    const proposal = await sql.query<{ id: string }>(
      `INSERT INTO proposals (author_id, author_kind, author_name, base_version, change_hash, changes, cluster_id, status, title, updated_at)
       VALUES ('alice-id', 'bot', 'alice', 1, 'h', '{}', $1, 'MERGED', 'Let myapp resolve names', now()) RETURNING id`,
      [prod],
    );
    proposalId = proposal.rows[0]!.id;

    // Version 1: the first version opens four flows.
    expect(
      await record({
        clusterId: prod,
        version: 1,
        cause: 'INITIAL',
        author: { id: 'bob-id', name: 'bob', kind: 'human' },
        occurredAt: new Date('2026-12-01T10:00:00Z'),
        opened: [
          flow(myapp, { kind: 'cidr', cidr: '1.1.1.0/24' }, [{ protocol: 'TCP', ranges: [[80, 90], [443, 443]] }]),
          flow(myapp, { kind: 'cidr', cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }, [{ protocol: 'UDP', ranges: [[53, 53]] }]),
          flow(frontend, myapp, [{ protocol: 'TCP', ranges: [[8080, 8080]] }]),
          flow(worker, { kind: 'cidr', cidr: '2001:db8::/32' }, [{ protocol: 'TCP', ranges: [[443, 443]] }]),
        ],
      }),
    ).toEqual({ opened: 5, closed: 0 });
    // Version 2, a merged proposal: closes port 85 of the 80-90 range and opens DNS to 8.8.8.8.
    expect(
      await record({
        clusterId: prod,
        version: 2,
        cause: 'PROPOSAL',
        proposalId,
        author: { id: 'alice-id', name: 'alice', kind: 'bot' },
        approvers: [
          { id: 'carol-id', name: 'carol' },
          { id: null, name: 'dave' },
        ],
        occurredAt: new Date('2026-12-02T10:00:00Z'),
        closed: [flow(myapp, { kind: 'cidr', cidr: '1.1.1.0/24' }, [{ protocol: 'TCP', ranges: [[85, 85]] }])],
        opened: [flow(myapp, { kind: 'cidr', cidr: '8.8.8.8/32' }, [{ protocol: 'TCP', ranges: [[53, 53]] }, { protocol: 'UDP', ranges: [[53, 53]] }])],
      }),
    ).toEqual({ opened: 2, closed: 1 });
    // Another cluster.
    await record({
      clusterId: dev,
      version: 1,
      cause: 'IMPORT',
      occurredAt: new Date('2026-12-03T10:00:00Z'),
      opened: [flow(myapp, { kind: 'cidr', cidr: '1.1.1.1/32' }, [{ protocol: 'TCP', ranges: [[443, 443]] }])],
    });
  });

  afterAll(async () => {
    await close();
    await sql.end();
    await db.drop();
  });

  const S1 = 'OPENED default/myapp[Deployment] -> 1.1.1.0/24 TCP 80-90';
  const S2 = 'OPENED default/myapp[Deployment] -> 1.1.1.0/24 TCP 443';
  const S3 = 'OPENED default/myapp[Deployment] -> 0.0.0.0/0 except 10.0.0.0/8 UDP 53';
  const S4 = 'OPENED web/frontend[Deployment] -> default/myapp[Deployment] TCP 8080';
  const S5 = 'OPENED default/worker[StatefulSet] -> 2001:db8::/32 TCP 443';
  const S6 = 'CLOSED default/myapp[Deployment] -> 1.1.1.0/24 TCP 85';
  const S7 = 'OPENED default/myapp[Deployment] -> 8.8.8.8/32 TCP 53';
  const S8 = 'OPENED default/myapp[Deployment] -> 8.8.8.8/32 UDP 53';

  it('stores one row per flow, protocol and port range, with normalised endpoints', async () => {
    const { rows } = await sql.query(
      `SELECT change::text, cause::text, version, destination_cidr::text AS cidr, destination_except::text[] AS except, ports::text AS ports, protocol::text
         FROM connection_changes WHERE cluster_id = $1 ORDER BY seq`,
      [prod],
    );
    expect(rows).toEqual([
      { change: 'OPENED', cause: 'INITIAL', version: 1, cidr: '1.1.1.0/24', except: [], ports: '[80,91)', protocol: 'TCP' },
      { change: 'OPENED', cause: 'INITIAL', version: 1, cidr: '1.1.1.0/24', except: [], ports: '[443,444)', protocol: 'TCP' },
      { change: 'OPENED', cause: 'INITIAL', version: 1, cidr: '0.0.0.0/0', except: ['10.0.0.0/8'], ports: '[53,54)', protocol: 'UDP' },
      { change: 'OPENED', cause: 'INITIAL', version: 1, cidr: null, except: [], ports: '[8080,8081)', protocol: 'TCP' },
      { change: 'OPENED', cause: 'INITIAL', version: 1, cidr: '2001:db8::/32', except: [], ports: '[443,444)', protocol: 'TCP' },
      { change: 'CLOSED', cause: 'PROPOSAL', version: 2, cidr: '1.1.1.0/24', except: [], ports: '[85,86)', protocol: 'TCP' },
      { change: 'OPENED', cause: 'PROPOSAL', version: 2, cidr: '8.8.8.8/32', except: [], ports: '[53,54)', protocol: 'TCP' },
      { change: 'OPENED', cause: 'PROPOSAL', version: 2, cidr: '8.8.8.8/32', except: [], ports: '[53,54)', protocol: 'UDP' },
    ]);
  });

  it.each<[string, Partial<ConnectionHistoryQueryInput>, string[]]>([
    // the whole cluster, newest first
    ['no filter', {}, [S8, S7, S6, S5, S4, S3, S2, S1]],
    // an address inside a /24, and inside 0.0.0.0/0 (not excepted)
    ['an IP inside a /24', { to: '1.1.1.7' }, [S6, S3, S2, S1]],
    // 10.1.2.3 is inside 0.0.0.0/0 but excepted by 10.0.0.0/8
    ['an IP excluded by except', { to: '10.1.2.3' }, []],
    ['an IP of a /32', { to: '8.8.8.8' }, [S8, S7, S3]],
    ['an IPv6 address', { to: '2001:db8::1' }, [S5]],
    // ranges that contain the whole CIDR
    ['a CIDR inside a /24', { to: '1.1.1.0/25' }, [S6, S3, S2, S1]],
    ['a CIDR only 0.0.0.0/0 contains', { to: '1.1.0.0/16' }, [S3]],
    // 10.0.0.0/7 overlaps the excepted 10.0.0.0/8: not contained
    ['a CIDR overlapping an except', { to: '10.0.0.0/7' }, []],
    // host bits are ignored: 1.1.1.9/25 is 1.1.1.0/25
    ['a CIDR with host bits', { to: '1.1.1.9/25' }, [S6, S3, S2, S1]],
    ['a source namespace', { from: 'default' }, [S8, S7, S6, S5, S3, S2, S1]],
    ['another source namespace', { from: 'web' }, [S4]],
    ['a destination namespace', { to: 'default' }, [S4]],
    ['a namespace/workload', { from: 'default/worker' }, [S5]],
    ['a namespace/workload[Kind]', { from: 'default/myapp[Deployment]', to: '1.1.1.1' }, [S6, S3, S2, S1]],
    ['a workload of another kind', { from: 'default/myapp[StatefulSet]' }, []],
    // an address never matches a workload
    ['an address against workloads', { from: '10.1.2.3' }, []],
    ['a port inside a range', { to: '1.1.1.7', port: '85' }, [S6, S1]],
    ['a port as a number', { port: 443 }, [S5, S2]],
    ['a protocol', { protocol: 'UDP' }, [S8, S3]],
    ['a protocol in lower case', { protocol: 'tcp', to: '8.8.8.8' }, [S7]],
    ['closed changes', { change: 'closed' }, [S6]],
    ['opened changes to an address', { change: 'OPENED', to: '1.1.1.7' }, [S3, S2, S1]],
    // since inclusive, until exclusive
    ['since', { since: '2026-12-02T10:00:00Z' }, [S8, S7, S6]],
    ['until', { until: '2026-12-02T10:00:00Z' }, [S5, S4, S3, S2, S1]],
    ['since and until', { since: '2026-12-01T00:00:00Z', until: '2026-12-01T23:00:00Z', protocol: 'UDP' }, [S3]],
  ])('history filtered by %s', async (_case, input, expected) => {
    expect(await lines(input)).toEqual(expected);
  });

  it('returns who proposed, who approved, the version, the cause and the proposal title', async () => {
    const page = await history({ to: '8.8.8.8', protocol: 'TCP' });
    expect(page).toEqual({
      items: [
        {
          id: expect.any(String),
          cluster: 'prod',
          change: 'OPENED',
          cause: 'PROPOSAL',
          source: { kind: 'workload', namespace: 'default', workloadKind: 'Deployment', name: 'myapp', cidr: null, except: [], text: 'default/myapp[Deployment]' },
          destination: { kind: 'cidr', namespace: null, workloadKind: null, name: null, cidr: '8.8.8.8/32', except: [], text: '8.8.8.8/32' },
          protocol: 'TCP',
          ports: { from: 53, to: 53 },
          version: 2,
          proposal: { id: proposalId, title: 'Let myapp resolve names' },
          author: { id: 'alice-id', name: 'alice', kind: 'bot' },
          approvers: [
            { id: 'carol-id', name: 'carol' },
            { id: null, name: 'dave' },
          ],
          snapshotId: null,
          occurredAt: new Date('2026-12-02T10:00:00Z'),
        },
      ],
      nextCursor: null,
      lagging: [], // no versions: nothing for the history to catch up
      laggingCount: 0,
    });
  });

  it('pages newest first with an opaque cursor until the end', async () => {
    const first = await history({ limit: 3 });
    expect(first.items.map(line)).toEqual([S8, S7, S6]);
    const second = await history({ limit: 3, cursor: first.nextCursor });
    expect(second.items.map(line)).toEqual([S5, S4, S3]);
    const third = await history({ limit: 3, cursor: second.nextCursor });
    expect(third.items.map(line)).toEqual([S2, S1]);
    expect(third.nextCursor).toBeNull();
    // A cursor keeps its filters' meaning: the next page of a filtered query.
    const filtered = await history({ limit: 1, to: '1.1.1.7', port: 85 });
    expect(filtered.items.map(line)).toEqual([S6]);
    expect((await history({ limit: 1, to: '1.1.1.7', port: 85, cursor: filtered.nextCursor })).items.map(line)).toEqual([S1]);
  });

  it('searches every cluster of the caller when no cluster is named, and only those', async () => {
    const dev1 = 'OPENED default/myapp[Deployment] -> 1.1.1.1/32 TCP 443';
    expect(await lines({ cluster: undefined, to: '1.1.1.1', port: 443 })).toEqual([dev1, S2]);
    expect(await lines({ cluster: undefined, to: '1.1.1.1', port: 443 }, caller(['auditor'], ['dev']))).toEqual([dev1]);
    expect(await lines({ cluster: undefined }, caller(['auditor'], []))).toEqual([]);
    expect((await history({ cluster: undefined, to: '1.1.1.1', port: 443 })).items.map((c) => c.cluster)).toEqual(['dev', 'prod']);
  });

  it('refuses other roles, clusters outside the scope and unknown clusters', async () => {
    await expect(history({}, caller(['proposer', 'approver']))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(history({}, caller(['auditor'], ['dev']))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(history({ cluster: 'nope' })).rejects.toMatchObject({ code: 'CLUSTER_NOT_FOUND' });
    await expect(open({}, caller(['reporter']))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(open({ cluster: 'nope' }, caller(['admin']))).rejects.toMatchObject({ code: 'CLUSTER_NOT_FOUND' });
  });

  it.each<[string, Partial<ConnectionHistoryQueryInput>, string]>([
    ['a bad address', { to: '1.1.1.300' }, 'to'],
    ['a bad prefix', { from: '1.1.1.0/33' }, 'from'],
    ['an upper-case namespace', { from: 'Default' }, 'from'],
    ['a path of three parts', { to: 'a/b/c' }, 'to'],
    ['port 0', { port: '0' }, 'port'],
    ['port 65536', { port: 65536 }, 'port'],
    ['a port range', { port: '80-90' }, 'port'],
    ['an unknown protocol', { protocol: 'ICMP' }, 'protocol'],
    ['an unknown change', { change: 'modified' }, 'change'],
    ['a bad date', { since: 'yesterday' }, 'since'],
    ['until before since', { since: '2026-12-02T00:00:00Z', until: '2026-12-01T00:00:00Z' }, 'until'],
    ['a forged cursor', { cursor: 'bm90LWEtY3Vyc29y' }, 'cursor'],
    ['limit 501', { limit: 501 }, 'limit'],
  ])('rejects %s naming the parameter', (_case, input, path) => {
    let error: unknown;
    try {
      ConnectionHistoryQueryCommand.from({ limit: 50, ...input, caller: auditor });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ path })] });
  });

  const O8 = 'default/myapp[Deployment] -> 8.8.8.8/32 UDP 53';
  const O7 = 'default/myapp[Deployment] -> 8.8.8.8/32 TCP 53';
  const O5 = 'default/worker[StatefulSet] -> 2001:db8::/32 TCP 443';
  const O4 = 'web/frontend[Deployment] -> default/myapp[Deployment] TCP 8080';
  const O3 = 'default/myapp[Deployment] -> 0.0.0.0/0 except 10.0.0.0/8 UDP 53';
  const O2 = 'default/myapp[Deployment] -> 1.1.1.0/24 TCP 443';
  const O1a = 'default/myapp[Deployment] -> 1.1.1.0/24 TCP 80-84';
  const O1b = 'default/myapp[Deployment] -> 1.1.1.0/24 TCP 86-90';

  it.each<[string, Partial<OpenConnectionsQueryInput>, string[]]>([
    // a partly closed range is split around the closed port
    ['no filter', {}, [O8, O7, O5, O4, O3, O2, O1a, O1b]],
    ['an IP inside a /24', { to: '1.1.1.7' }, [O3, O2, O1a, O1b]],
    ['the closed port', { to: '1.1.1.7', port: 85 }, []],
    ['a port of the upper part', { to: '1.1.1.7', port: '86' }, [O1b]],
    ['an IP excluded by except', { to: '10.9.9.9' }, []],
    ['a CIDR', { to: '8.8.0.0/16' }, [O3]],
    ['a namespace', { to: 'default' }, [O4]],
    ['a namespace/workload and protocol', { from: 'default/myapp', protocol: 'UDP' }, [O8, O3]],
    ['another cluster', { cluster: 'dev' }, ['default/myapp[Deployment] -> 1.1.1.1/32 TCP 443']],
  ])('open connections filtered by %s', async (_case, input, expected) => {
    expect(await openLines(input)).toEqual(expected);
  });

  it('names the change that opened each open connection, and since when', async () => {
    const page = await open({ to: '1.1.1.7', port: 86 });
    expect(page.items).toHaveLength(1);
    const item = page.items[0]!;
    expect(item.since).toEqual(new Date('2026-12-01T10:00:00Z'));
    expect(item.ports).toEqual({ from: 86, to: 90 });
    expect(item.openedBy).toMatchObject({
      change: 'OPENED',
      cause: 'INITIAL',
      version: 1,
      proposal: null,
      author: { id: 'bob-id', name: 'bob', kind: 'human' },
      approvers: [],
      ports: { from: 80, to: 90 },
      occurredAt: new Date('2026-12-01T10:00:00Z'),
    });
    const dns = (await open({ to: '8.8.8.8', protocol: 'TCP' })).items[0]!;
    expect(dns.openedBy).toMatchObject({ cause: 'PROPOSAL', version: 2, proposal: { id: proposalId, title: 'Let myapp resolve names' }, approvers: [{ name: 'carol' }, { name: 'dave' }] });
  });

  it('pages open connections, also between two parts of one opened range', async () => {
    const first = await open({ limit: 7 });
    expect(first.items.map(line)).toEqual([O8, O7, O5, O4, O3, O2, O1a]);
    const second = await open({ limit: 7, cursor: first.nextCursor });
    expect(second.items.map(line)).toEqual([O1b]);
    expect(second.nextCursor).toBeNull();
  });

  it('keeps the first opener of a range opened again, and closes across split parts', async () => {
    const target = { kind: 'cidr', cidr: '192.0.2.0/24' } as const;
    await record({ clusterId: dev, version: 2, occurredAt: new Date('2026-12-04T10:00:00Z'), opened: [flow(worker, target, [{ protocol: 'TCP', ranges: [[100, 110]] }])] });
    await record({ clusterId: dev, version: 3, occurredAt: new Date('2026-12-05T10:00:00Z'), closed: [flow(worker, target, [{ protocol: 'TCP', ranges: [[104, 105]] }])] });
    // 95-120 is partly open already: only 95-99, 104-105 and 111-120 are new.
    await record({ clusterId: dev, version: 4, occurredAt: new Date('2026-12-06T10:00:00Z'), opened: [flow(worker, target, [{ protocol: 'TCP', ranges: [[95, 120]] }])] });
    const rows = (await open({ cluster: 'dev', to: '192.0.2.1' })).items.map((o) => `${o.ports.from}-${o.ports.to} v${o.openedBy.version}`);
    expect(rows).toEqual(['95-99 v4', '104-105 v4', '111-120 v4', '100-103 v2', '106-110 v2']);
    // One close spanning parts of both openers leaves only the edges.
    await record({ clusterId: dev, version: 5, occurredAt: new Date('2026-12-07T10:00:00Z'), closed: [flow(worker, target, [{ protocol: 'TCP', ranges: [[97, 115]] }])] });
    const left = (await open({ cluster: 'dev', to: '192.0.2.1' })).items.map((o) => `${o.ports.from}-${o.ports.to} v${o.openedBy.version}`);
    expect(left).toEqual(['95-96 v4', '116-120 v4']);
    await record({ clusterId: dev, version: 6, occurredAt: new Date('2026-12-08T10:00:00Z'), closed: [flow(worker, target, [{ protocol: 'TCP', ranges: [[1, 65535]] }])] });
    expect(await openLines({ cluster: 'dev', to: '192.0.2.1' })).toEqual([]);
  });

  it('records tens of thousands of flows in one call', async () => {
    const { rows } = await sql.query<{ id: string }>(`INSERT INTO clusters (name, updated_at) VALUES ('big', now()) RETURNING id`);
    const big = rows[0]!.id;
    const flows = Array.from({ length: 25_000 }, (_, i) =>
      flow({ kind: 'workload', namespace: `ns-${i % 100}`, workloadKind: 'Deployment', name: `app-${i}` }, { kind: 'cidr', cidr: `10.${i % 250}.${Math.floor(i / 250)}.0/24` }, [
        { protocol: 'TCP', ranges: [[443, 443]] },
      ]),
    );
    const start = Date.now();
    expect(await record({ clusterId: big, version: 1, cause: 'INITIAL', occurredAt: new Date(), opened: flows })).toEqual({ opened: 25_000, closed: 0 });
    expect(await record({ clusterId: big, version: 2, occurredAt: new Date(), closed: flows.slice(0, 21_000) })).toEqual({ opened: 0, closed: 21_000 });
    expect(Date.now() - start).toBeLessThan(30_000);
    const counts = await sql.query(`SELECT (SELECT count(*)::int FROM connection_changes WHERE cluster_id = $1) AS changes, (SELECT count(*)::int FROM open_connections WHERE cluster_id = $1) AS open`, [big]);
    expect(counts.rows[0]).toEqual({ changes: 46_000, open: 4_000 });
  });
});
