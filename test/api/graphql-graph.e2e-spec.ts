import { GraphReadRepository, ClusterRepository } from '@palisade/persistence';
import type { Principal } from '@palisade/shared-types';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { type GraphQLObjectType, isEnumType, getNamedType } from 'graphql';
import { Client } from 'pg';

import { RequestLoaders } from '../../apps/api/src/graphql/graph-loaders';
import { createTestApp, type MintedToken, type TestApp } from '../support/test-app';

const CLUSTERS = Array.from({ length: 50 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);

function policy(name: string, port = 80): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'default' },
    spec: { podSelector: { matchLabels: { app: name } }, ingress: [{ ports: [{ port }] }] },
  };
}

/** Every relation of a cluster, two levels down (within the default query budget). */
const NESTED = `{
  clusters {
    name
    versions(first: 2) { items { number sourceProposal { id } } nextCursor }
    proposals(first: 2) { items { id status cluster { name } reviews { verdict } analysis { status } } }
    sync { status desiredVersion }
    inventory { id }
    connection { serverVersion }
  }
}`;

interface NestedCluster {
  name: string;
  versions: { items: { number: number; sourceProposal: { id: string } | null }[]; nextCursor: string | null };
  proposals: { items: { id: string; status: string; cluster: { name: string }; reviews: { verdict: string }[]; analysis: { status: string } | null }[] };
  sync: { status: string; desiredVersion: number };
  inventory: null;
  connection: null;
}

describe('GraphQL as a graph: relations batched per request, within the caller scope', () => {
  let t: TestApp;
  let scoped: MintedToken;
  let approver: MintedToken;
  const proposals = new Map<string, string>();
  let merged: string;

  /** Counts the SQL statements the app's pg clients send while `run` runs. */
  async function statementsOf(run: () => Promise<unknown>): Promise<number> {
    const prototype = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = prototype.query;
    let count = 0;
    prototype.query = function counted(this: unknown, ...args: unknown[]) {
      count += 1;
      return original.apply(this, args);
    };
    try {
      await run();
    } finally {
      prototype.query = original;
    }
    return count;
  }

  beforeAll(async () => {
    // No background reads while statements are counted.
    t = await createTestApp({ ANALYSIS_RECONCILE_MS: '0', AUDIT_CHECKPOINT_INTERVAL_MS: '0' });
    scoped = await t.mintToken({ name: 'c01-proposer', roles: ['proposer'], clusters: ['c01', 'c02'] });
    approver = await t.mintToken({ name: 'approver', roles: ['approver'] });
    for (const name of CLUSTERS) {
      await t.http.post('/api/v1/clusters').send({ name }).expect(201);
      await t.http.post(`/api/v1/clusters/${name}/versions/import`).send({ policies: [policy('web')] }).expect(201);
      const created = await t.http.post(`/api/v1/clusters/${name}/proposals`).set('Prefer', 'wait=30').send({ title: `open ${name}`, baseVersion: 1, changes: { upsert: [policy('db', 5432)] } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      proposals.set(name, (created.body as { id: string }).id);
    }
    // c01 gets a second version from a merged proposal.
    const c01 = proposals.get('c01') as string;
    await t.as(approver.token).post(`/api/v1/proposals/${c01}/reviews`).send({ verdict: 'APPROVE' }).expect(201);
    await t.http.post(`/api/v1/proposals/${c01}/merge`).expect(200);
    merged = c01;
  }, 240_000);
  afterAll(() => t.close());

  it('answers a nested query over 50 clusters in as many SQL statements as over 2', async () => {
    let all: NestedCluster[] = [];
    const overFifty = await statementsOf(async () => {
      const result = await t.gql<{ clusters: NestedCluster[] }>(NESTED);
      expect(result.errors, JSON.stringify(result.errors?.slice(0, 3))).toBeUndefined();
      all = result.data?.clusters ?? [];
    });
    expect(all.map((c) => c.name)).toEqual(CLUSTERS);
    expect(all[0]).toEqual({
      name: 'c01',
      versions: { items: [{ number: 2, sourceProposal: { id: merged } }, { number: 1, sourceProposal: null }], nextCursor: null },
      proposals: { items: [{ id: merged, status: 'MERGED', cluster: { name: 'c01' }, reviews: [{ verdict: 'APPROVE' }], analysis: { status: 'READY' } }] },
      sync: { status: 'PENDING', desiredVersion: 2 },
      inventory: null,
      connection: null,
    });
    expect(all[49].proposals.items).toEqual([{ id: proposals.get('c50'), status: 'OPEN', cluster: { name: 'c50' }, reviews: [], analysis: { status: 'READY' } }]);

    let few: NestedCluster[] = [];
    const overTwo = await statementsOf(async () => {
      const result = await t.gql<{ clusters: NestedCluster[] }>(NESTED, {}, scoped.token);
      few = result.data?.clusters ?? [];
    });
    expect(few.map((c) => c.name)).toEqual(['c01', 'c02']);
    expect(overFifty).toBe(overTwo);
    // Authentication, the clusters and one batch per relation: nowhere near one per cluster.
    expect(overFifty).toBeLessThan(20);
  });

  it("serves a version's policies and source proposal, and a proposal's cluster with its own relations", async () => {
    const result = await t.gql<{ version: { policies: { metadata: { name: string } }[]; sourceProposal: { id: string; title: string } }; proposal: { cluster: { name: string; versions: { items: { number: number; policies: unknown[] }[] } } } }>(
      `query($id: String!) {
        version(cluster: "c01", number: 2) { policies sourceProposal { id title } }
        proposal(id: $id) { cluster { name versions(first: 1) { items { number policies } } } }
      }`,
      { id: merged },
    );
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.data?.version.policies.map((p) => p.metadata.name)).toEqual(['db', 'web']);
    expect(result.data?.version.sourceProposal).toEqual({ id: merged, title: 'open c01' });
    expect(result.data?.proposal.cluster).toEqual({ name: 'c01', versions: { items: [{ number: 2, policies: result.data?.version.policies }] } });
  });

  it('answers a missing or hidden cluster with null and an error for that field only', async () => {
    const missing = await t.gql<{ cluster: null; me: { roles: string[] } }>('{ cluster(name: "nope") { name } me { roles } }');
    expect(missing.data).toEqual({ cluster: null, me: { roles: ['admin'] } });
    expect(missing.errors?.map((e) => [e.extensions?.code, (e as { path?: string[] }).path])).toEqual([['CLUSTER_NOT_FOUND', ['cluster']]]);
    const hidden = await t.gql<{ cluster: null; clusters: { name: string }[] }>('{ cluster(name: "c03") { name } clusters { name } }', {}, scoped.token);
    expect(hidden.data).toEqual({ cluster: null, clusters: [{ name: 'c01' }, { name: 'c02' }] });
    expect(hidden.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('keeps a scoped token inside its clusters on nested fields', async () => {
    const own = await t.gql<{ proposal: { cluster: { name: string; proposals: { items: { cluster: { name: string } }[] } } } }>(
      `{ proposal(id: "${proposals.get('c02')}") { cluster { name proposals { items { cluster { name } } } } } }`,
      {},
      scoped.token,
    );
    expect(own.errors, JSON.stringify(own.errors)).toBeUndefined();
    expect(own.data?.proposal.cluster).toEqual({ name: 'c02', proposals: { items: [{ cluster: { name: 'c02' } }] } });
    const other = await t.gql(`{ proposal(id: "${proposals.get('c03')}") { cluster { name } } }`, {}, scoped.token);
    expect(other.data).toBeNull();
    expect(other.errors?.map((e) => e.extensions?.code)).toEqual(['PROPOSAL_NOT_FOUND']);

    // The loaders themselves: a parent from another cluster reaches nothing of it.
    const principal: Principal = { actor: { id: scoped.principalId, name: 'c01-proposer', kind: 'human' }, roles: ['proposer'], groups: [], clusters: ['c01', 'c02'] };
    const loaders = new RequestLoaders(principal, t.app.get(GraphReadRepository), t.app.get(ClusterRepository));
    expect(await loaders.cluster.load('c03')).toBeNull();
    expect((await loaders.cluster.load('c02'))?.name).toBe('c02');
    expect(await loaders.proposal.load(proposals.get('c03') as string)).toBeNull();
    expect(await loaders.manifests.load({ clusterName: 'c03', number: 1 })).toEqual([]);
    expect(await loaders.manifests.load({ clusterName: 'c02', number: 1 })).toEqual([policy('web')]);
  });

  it('types kinds, roles, verdicts and statuses as enums, and audit sequence numbers as Int', async () => {
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const typeOf = (type: string, field: string): string => (schema.getType(type) as GraphQLObjectType).getFields()[field].type.toString();
    expect(typeOf('AuditEvent', 'seq')).toBe('Int!');
    expect(typeOf('AuditVerification', 'headSeq')).toBe('Int');
    for (const [type, field] of [['Actor', 'kind'], ['TokenPrincipal', 'kind'], ['Principal', 'roles'], ['ApiToken', 'roles'], ['Review', 'verdict'], ['Proposal', 'status'], ['ProposalAnalysis', 'status'], ['ApprovalEvaluation', 'analysisStatus'], ['WebhookDelivery', 'status'], ['ClusterSync', 'status']]) {
      expect(isEnumType(getNamedType((schema.getType(type) as GraphQLObjectType).getFields()[field].type)), `${type}.${field}`).toBe(true);
    }
    const result = await t.gql<{ me: { roles: string[]; actor: { kind: string } }; auditEvents: { items: { seq: number; actor: { kind: string } }[] } }>(
      '{ me { roles actor { kind } } auditEvents(first: 2) { items { seq actor { kind } } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.me).toEqual({ roles: ['admin'], actor: { kind: 'human' } });
    const [newest, previous] = result.data?.auditEvents.items ?? [];
    expect(Number.isInteger(newest.seq) && newest.seq === previous.seq + 1).toBe(true);
  });
});
