import { Injectable } from '@nestjs/common';

import { Prisma } from '../generated/prisma/client';
import type {
  ApproverRecord,
  ConnectionChangeOrigin,
  ConnectionChangeRecord,
  ConnectionEndpointRecord,
  ConnectionFilter,
  ConnectionHistoryFilter,
  EndpointMatch,
  NewConnectionChange,
  OpenConnectionFilter,
  OpenConnectionPosition,
  OpenConnectionRecord,
} from './connection-change.record';
import { planOpenRanges, type RecordedChange } from './open-ranges.util';
import { PrismaService, type TransactionClient } from './prisma.service';

/** Rows per INSERT: keeps one statement's arrays (and its memory) bounded for very large changes. */
const INSERT_BATCH = 20_000;

interface EndpointColumns {
  kind: string;
  namespace: string | null;
  workload_kind: string | null;
  workload_name: string | null;
  cidr: string | null;
  except: string[] | null;
}

type Side = 'source' | 'destination';

interface ChangeRow {
  id: string;
  seq: bigint;
  cluster_id: string;
  cluster_name: string;
  change: ConnectionChangeRecord['change'];
  cause: ConnectionChangeRecord['cause'];
  version: number | null;
  proposal_id: string | null;
  proposal_title: string | null;
  author_id: string | null;
  author_kind: string | null;
  author_name: string | null;
  approvers: unknown;
  snapshot_id: string | null;
  occurred_at: Date;
  protocol: ConnectionChangeRecord['protocol'];
  port_from: number;
  port_to: number;
  source_kind: string;
  source_namespace: string | null;
  source_workload_kind: string | null;
  source_workload_name: string | null;
  source_cidr: string | null;
  source_except: string[] | null;
  destination_kind: string;
  destination_namespace: string | null;
  destination_workload_kind: string | null;
  destination_workload_name: string | null;
  destination_cidr: string | null;
  destination_except: string[] | null;
}

interface OpenRow {
  open_id: string;
  open_port_from: number;
  open_port_to: number;
  since: Date;
}

function toEndpoint(columns: EndpointColumns): ConnectionEndpointRecord {
  return columns.kind === 'CIDR'
    ? { kind: 'CIDR', cidr: columns.cidr ?? '', except: columns.except ?? [] }
    : { kind: 'WORKLOAD', namespace: columns.namespace ?? '', workloadKind: columns.workload_kind ?? '', workloadName: columns.workload_name ?? '' };
}

const sideOf = (row: ChangeRow, side: Side): EndpointColumns => ({
  kind: row[`${side}_kind`],
  namespace: row[`${side}_namespace`],
  workload_kind: row[`${side}_workload_kind`],
  workload_name: row[`${side}_workload_name`],
  cidr: row[`${side}_cidr`],
  except: row[`${side}_except`],
});

export function toConnectionChange(row: ChangeRow): ConnectionChangeRecord {
  return {
    id: row.id,
    seq: Number(row.seq),
    clusterId: row.cluster_id,
    clusterName: row.cluster_name,
    change: row.change,
    cause: row.cause,
    source: toEndpoint(sideOf(row, 'source')),
    destination: toEndpoint(sideOf(row, 'destination')),
    protocol: row.protocol,
    ports: { from: row.port_from, to: row.port_to },
    version: row.version,
    proposal: row.proposal_id ? { id: row.proposal_id, title: row.proposal_title } : null,
    author: row.author_name !== null ? { id: row.author_id, name: row.author_name, kind: (row.author_kind ?? 'human') as 'human' | 'bot' | 'system' } : null,
    approvers: Array.isArray(row.approvers) ? (row.approvers as ApproverRecord[]).map((a) => ({ id: a.id ?? null, name: a.name })) : [],
    snapshotId: row.snapshot_id,
    occurredAt: row.occurred_at,
  };
}

// Column names come from this fixed map, never from input; every value is a bound parameter.
const COLUMNS: Record<Side, { namespace: Prisma.Sql; workloadName: Prisma.Sql; workloadKind: Prisma.Sql; cidr: Prisma.Sql; except: Prisma.Sql }> = {
  source: {
    namespace: Prisma.raw('t.source_namespace'),
    workloadName: Prisma.raw('t.source_workload_name'),
    workloadKind: Prisma.raw('t.source_workload_kind'),
    cidr: Prisma.raw('t.source_cidr'),
    except: Prisma.raw('t.source_except'),
  },
  destination: {
    namespace: Prisma.raw('t.destination_namespace'),
    workloadName: Prisma.raw('t.destination_workload_name'),
    workloadKind: Prisma.raw('t.destination_workload_kind'),
    cidr: Prisma.raw('t.destination_cidr'),
    except: Prisma.raw('t.destination_except'),
  },
};

function endpointCondition(side: Side, match: EndpointMatch): Prisma.Sql {
  const c = COLUMNS[side];
  switch (match.kind) {
    case 'namespace':
      return Prisma.sql`${c.namespace} = ${match.namespace}`;
    case 'workload':
      return match.workloadKind === undefined
        ? Prisma.sql`${c.namespace} = ${match.namespace} AND ${c.workloadName} = ${match.name}`
        : Prisma.sql`${c.namespace} = ${match.namespace} AND ${c.workloadName} = ${match.name} AND ${c.workloadKind} = ${match.workloadKind}`;
    case 'address':
      // The range contains the queried one (GiST, inet_ops) and no excepted range overlaps it.
      return Prisma.sql`${c.cidr} >>= network(${match.cidr}::inet) AND NOT (network(${match.cidr}::inet) && ANY (${c.except}))`;
  }
}

/** Conditions shared by both tables (aliased `t`); the caller adds its own. */
function commonConditions(filter: ConnectionFilter): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filter.clusterIds !== null) {
    conditions.push(
      filter.clusterIds.length === 1 ? Prisma.sql`t.cluster_id = ${filter.clusterIds[0]}::uuid` : Prisma.sql`t.cluster_id = ANY (${[...filter.clusterIds]}::uuid[])`,
    );
  }
  if (filter.from) conditions.push(endpointCondition('source', filter.from));
  if (filter.to) conditions.push(endpointCondition('destination', filter.to));
  if (filter.port !== undefined) conditions.push(Prisma.sql`t.ports @> ${filter.port}::int`);
  if (filter.protocol !== undefined) conditions.push(Prisma.sql`t.protocol = ${filter.protocol}::"NetworkProtocol"`);
  return conditions;
}

const where = (conditions: Prisma.Sql[]): Prisma.Sql => (conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty);

/**
 * The columns of a change row `c` as ChangeRow reads them. Cluster name and proposal title are
 * looked up per returned row (a page at most), never joined before the page is cut.
 */
const CHANGE_COLUMNS = Prisma.raw(`
  c.id::text AS id, c.seq, c.cluster_id::text AS cluster_id, (SELECT cl.name FROM clusters cl WHERE cl.id = c.cluster_id) AS cluster_name,
  c.change::text AS change, c.cause::text AS cause, c.version, c.proposal_id::text AS proposal_id,
  (SELECT p.title FROM proposals p WHERE p.id = c.proposal_id) AS proposal_title, c.author_id, c.author_kind, c.author_name, c.approvers,
  c.snapshot_id::text AS snapshot_id, c.occurred_at, c.protocol::text AS protocol, lower(c.ports) AS port_from, upper(c.ports) - 1 AS port_to,
  c.source_kind::text AS source_kind, c.source_namespace, c.source_workload_kind, c.source_workload_name,
  c.source_cidr::text AS source_cidr, c.source_except::text[] AS source_except,
  c.destination_kind::text AS destination_kind, c.destination_namespace, c.destination_workload_kind, c.destination_workload_name,
  c.destination_cidr::text AS destination_cidr, c.destination_except::text[] AS destination_except`);

/** One change as a JSON object for json_to_recordset (short keys: tens of thousands travel in one parameter). */
function toInputRow(change: NewConnectionChange, index: number): Record<string, unknown> {
  const side = (endpoint: ConnectionEndpointRecord, prefix: 's' | 'd') =>
    endpoint.kind === 'WORKLOAD'
      ? { [`${prefix}k`]: 'WORKLOAD', [`${prefix}n`]: endpoint.namespace, [`${prefix}wk`]: endpoint.workloadKind, [`${prefix}wn`]: endpoint.workloadName }
      : { [`${prefix}k`]: 'CIDR', [`${prefix}c`]: endpoint.cidr, [`${prefix}e`]: endpoint.except };
  return { o: index, ch: change.change, pr: change.protocol, pf: change.ports.from, pt: change.ports.to, ...side(change.source, 's'), ...side(change.destination, 'd') };
}

@Injectable()
export class ConnectionHistoryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Appends the changes (in the given order) and keeps open_connections exact: closed ranges are
   * subtracted from the open ones of the same flow (a partly closed range is split and keeps its
   * opener and `since`), then opened ranges are added where not already open (an already open part
   * keeps its first opener). Four statements per 20,000 changes, each a single pass: the changes
   * travel as one JSON parameter, and no statement reads open_connections while writing it.
   */
  async record(origin: ConnectionChangeOrigin, changes: readonly NewConnectionChange[], tx: TransactionClient): Promise<{ opened: number; closed: number }> {
    let opened = 0;
    let closed = 0;
    for (let start = 0; start < changes.length; start += INSERT_BATCH) {
      const recorded = await this.insertChanges(origin, changes.slice(start, start + INSERT_BATCH), tx);
      await this.updateOpen(origin.clusterId, recorded, tx);
      for (const change of recorded) {
        if (change.change === 'OPENED') opened++;
        else closed++;
      }
    }
    return { opened, closed };
  }

  private async insertChanges(origin: ConnectionChangeOrigin, changes: readonly NewConnectionChange[], tx: TransactionClient): Promise<RecordedChange[]> {
    const input = JSON.stringify(changes.map(toInputRow));
    const approvers = JSON.stringify(origin.approvers.map((a) => ({ id: a.id, name: a.name })));
    const rows = await tx.$queryRaw<{ id: string; change: RecordedChange['change']; flow_key: string; port_from: number; port_to: number }[]>`
      WITH input AS MATERIALIZED (
        SELECT t.o, t.ch, t.pr, int4range(t.pf, t.pt, '[]') AS ports,
               t.sk, t.sn, t.swk, t.swn, network(t.sc::inet) AS sc,
               CASE WHEN cardinality(t.se) > 0 THEN ARRAY(SELECT DISTINCT network(x::inet) FROM unnest(t.se) AS x ORDER BY 1) ELSE '{}'::cidr[] END AS se,
               t.dk, t.dn, t.dwk, t.dwn, network(t.dc::inet) AS dc,
               CASE WHEN cardinality(t.de) > 0 THEN ARRAY(SELECT DISTINCT network(x::inet) FROM unnest(t.de) AS x ORDER BY 1) ELSE '{}'::cidr[] END AS de
          FROM json_to_recordset(${input}::json) AS t(o int, ch text, pr text, pf int, pt int,
               sk text, sn text, swk text, swn text, sc text, se text[], dk text, dn text, dwk text, dwn text, dc text, de text[])
      )
      INSERT INTO connection_changes (approvers, author_id, author_kind, author_name, cause, change, cluster_id,
        destination_cidr, destination_except, destination_kind, destination_namespace, destination_workload_kind, destination_workload_name,
        flow_key, occurred_at, ports, proposal_id, protocol, snapshot_id,
        source_cidr, source_except, source_kind, source_namespace, source_workload_kind, source_workload_name, version)
      SELECT ${approvers}::jsonb, ${origin.author?.id ?? null}, ${origin.author?.kind ?? null}, ${origin.author?.name ?? null},
             ${origin.cause}::"ConnectionChangeCause", i.ch::"ConnectionChangeKind", ${origin.clusterId}::uuid,
             i.dc, i.de, i.dk::"ConnectionEndpointKind", i.dn, i.dwk, i.dwn,
             md5(jsonb_build_array(i.sk, i.sn, i.swk, i.swn, i.sc::text, i.se::text, i.dk, i.dn, i.dwk, i.dwn, i.dc::text, i.de::text, i.pr)::text)::uuid,
             ${origin.occurredAt}::timestamptz, i.ports, ${origin.proposalId}::uuid, i.pr::"NetworkProtocol", ${origin.snapshotId}::uuid,
             i.sc, i.se, i.sk::"ConnectionEndpointKind", i.sn, i.swk, i.swn, ${origin.version}::int
        FROM input i ORDER BY i.o
      RETURNING id::text AS id, change::text AS change, flow_key::text AS flow_key, lower(ports) AS port_from, upper(ports) - 1 AS port_to`;
    return rows.map((r) => ({ id: r.id, change: r.change, flowKey: r.flow_key, from: r.port_from, to: r.port_to }));
  }

  /** Applies the recorded changes to the open ranges of their flows. */
  private async updateOpen(clusterId: string, recorded: readonly RecordedChange[], tx: TransactionClient): Promise<void> {
    const flowKeys = [...new Set(recorded.map((c) => c.flowKey))];
    const existing = await tx.$queryRaw<{ id: string; flow_key: string; opened_by_id: string; port_from: number; port_to: number }[]>`
      SELECT id::text AS id, flow_key::text AS flow_key, opened_by_id::text AS opened_by_id, lower(ports) AS port_from, upper(ports) - 1 AS port_to
        FROM open_connections WHERE cluster_id = ${clusterId}::uuid AND flow_key = ANY (${flowKeys}::uuid[])`;
    const plan = planOpenRanges(
      existing.map((r) => ({ id: r.id, flowKey: r.flow_key, openedById: r.opened_by_id, from: r.port_from, to: r.port_to })),
      recorded,
    );
    if (plan.deleteIds.length > 0) await tx.$executeRaw`DELETE FROM open_connections WHERE id = ANY (${plan.deleteIds}::uuid[])`;
    if (plan.inserts.length === 0) return;
    // Every part of a range keeps the endpoints, opener and `since` of the change that opened it.
    await tx.$executeRaw`
      INSERT INTO open_connections (cluster_id, destination_cidr, destination_except, destination_kind, destination_namespace,
        destination_workload_kind, destination_workload_name, flow_key, opened_by_id, opened_seq, ports, protocol, since,
        source_cidr, source_except, source_kind, source_namespace, source_workload_kind, source_workload_name)
      SELECT c.cluster_id, c.destination_cidr, c.destination_except, c.destination_kind, c.destination_namespace,
             c.destination_workload_kind, c.destination_workload_name, c.flow_key, c.id, c.seq, int4range(r.f, r.t, '[]'), c.protocol, c.occurred_at,
             c.source_cidr, c.source_except, c.source_kind, c.source_namespace, c.source_workload_kind, c.source_workload_name
        FROM json_to_recordset(${JSON.stringify(plan.inserts.map((i) => ({ o: i.openedById, f: i.from, t: i.to })))}::json) AS r(o uuid, f int, t int)
        JOIN connection_changes c ON c.id = r.o
       ORDER BY c.seq, r.f`;
  }

  /** Changes matching the filter, newest first (descending seq). */
  async queryHistory(filter: ConnectionHistoryFilter, limit: number): Promise<ConnectionChangeRecord[]> {
    const rows = await this.prisma.$queryRaw<ChangeRow[]>(historySql(filter, limit));
    return rows.map(toConnectionChange);
  }

  /** Open connections matching the filter, newest opener first, then by port. */
  async queryOpen(filter: OpenConnectionFilter, limit: number): Promise<OpenConnectionRecord[]> {
    const rows = await this.prisma.$queryRaw<(ChangeRow & OpenRow)[]>(openSql(filter, limit));
    return rows.map((row) => {
      const openedBy = toConnectionChange(row);
      return {
        id: row.open_id,
        clusterId: openedBy.clusterId,
        clusterName: openedBy.clusterName,
        source: openedBy.source,
        destination: openedBy.destination,
        protocol: openedBy.protocol,
        ports: { from: row.open_port_from, to: row.open_port_to },
        since: row.since,
        openedBy,
      };
    });
  }

  /** The executed plan of queryHistory or queryOpen (EXPLAIN ANALYZE), for benchmarks and operators checking index use. */
  async explain(query: 'history' | 'open', filter: ConnectionHistoryFilter | OpenConnectionFilter, limit: number): Promise<string> {
    const sql = query === 'history' ? historySql(filter, limit) : openSql(filter, limit);
    const rows = await this.prisma.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  }
}

function historySql(filter: ConnectionHistoryFilter, limit: number): Prisma.Sql {
  const conditions = commonConditions(filter);
  if (filter.change !== undefined) conditions.push(Prisma.sql`t.change = ${filter.change}::"ConnectionChangeKind"`);
  if (filter.since !== undefined) conditions.push(Prisma.sql`t.occurred_at >= ${filter.since}::timestamptz`);
  if (filter.until !== undefined) conditions.push(Prisma.sql`t.occurred_at < ${filter.until}::timestamptz`);
  if (filter.beforeSeq !== undefined) conditions.push(Prisma.sql`t.seq < ${filter.beforeSeq}::bigint`);
  return Prisma.sql`
    SELECT ${CHANGE_COLUMNS}
      FROM (SELECT t.* FROM connection_changes t ${where(conditions)} ORDER BY t.seq DESC LIMIT ${limit}::int) AS c
     ORDER BY c.seq DESC`;
}

function openSql(filter: OpenConnectionFilter, limit: number): Prisma.Sql {
  const conditions = commonConditions(filter);
  if (filter.after !== undefined) {
    conditions.push(
      Prisma.sql`(t.opened_seq < ${filter.after.openedSeq}::bigint OR (t.opened_seq = ${filter.after.openedSeq}::bigint AND lower(t.ports) > ${filter.after.portFrom}::int))`,
    );
  }
  return Prisma.sql`
    SELECT ${CHANGE_COLUMNS}, o.id::text AS open_id, lower(o.ports) AS open_port_from, upper(o.ports) - 1 AS open_port_to, o.since
      FROM (SELECT t.* FROM open_connections t ${where(conditions)} ORDER BY t.opened_seq DESC, t.ports LIMIT ${limit}::int) AS o
      JOIN connection_changes c ON c.id = o.opened_by_id
     ORDER BY o.opened_seq DESC, o.ports`;
}

/** Where the listing of open connections continues after `record`. */
export function openConnectionPosition(record: OpenConnectionRecord): OpenConnectionPosition {
  return { openedSeq: record.openedBy.seq, portFrom: record.ports.from };
}
