import { randomUUID } from 'node:crypto';

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

/** The columns of a change row `c` joined to its cluster `cl` and proposal `p`, as ChangeRow reads them. */
const CHANGE_COLUMNS = Prisma.raw(`
  c.id::text AS id, c.seq, c.cluster_id::text AS cluster_id, cl.name AS cluster_name, c.change::text AS change, c.cause::text AS cause,
  c.version, c.proposal_id::text AS proposal_id, p.title AS proposal_title, c.author_id, c.author_kind, c.author_name, c.approvers,
  c.snapshot_id::text AS snapshot_id, c.occurred_at, c.protocol::text AS protocol, lower(c.ports) AS port_from, upper(c.ports) - 1 AS port_to,
  c.source_kind::text AS source_kind, c.source_namespace, c.source_workload_kind, c.source_workload_name,
  c.source_cidr::text AS source_cidr, c.source_except::text[] AS source_except,
  c.destination_kind::text AS destination_kind, c.destination_namespace, c.destination_workload_kind, c.destination_workload_name,
  c.destination_cidr::text AS destination_cidr, c.destination_except::text[] AS destination_except`);

interface Unnested {
  ids: string[];
  changes: string[];
  protocols: string[];
  portFrom: number[];
  portTo: number[];
  sides: Record<Side, { kind: string[]; namespace: (string | null)[]; workloadKind: (string | null)[]; workloadName: (string | null)[]; cidr: (string | null)[]; except: (string | null)[] }>;
}

function unnested(changes: readonly NewConnectionChange[]): Unnested {
  const side = () => ({ kind: [] as string[], namespace: [] as (string | null)[], workloadKind: [] as (string | null)[], workloadName: [] as (string | null)[], cidr: [] as (string | null)[], except: [] as (string | null)[] });
  const out: Unnested = { ids: [], changes: [], protocols: [], portFrom: [], portTo: [], sides: { source: side(), destination: side() } };
  for (const change of changes) {
    out.ids.push(randomUUID());
    out.changes.push(change.change);
    out.protocols.push(change.protocol);
    out.portFrom.push(change.ports.from);
    out.portTo.push(change.ports.to);
    for (const name of ['source', 'destination'] as const) {
      const endpoint = change[name];
      const columns = out.sides[name];
      columns.kind.push(endpoint.kind);
      columns.namespace.push(endpoint.kind === 'WORKLOAD' ? endpoint.namespace : null);
      columns.workloadKind.push(endpoint.kind === 'WORKLOAD' ? endpoint.workloadKind : null);
      columns.workloadName.push(endpoint.kind === 'WORKLOAD' ? endpoint.workloadName : null);
      columns.cidr.push(endpoint.kind === 'CIDR' ? endpoint.cidr : null);
      // Arrays of arrays cannot be unnested row by row: except travels as one comma-separated text.
      columns.except.push(endpoint.kind === 'CIDR' && endpoint.except.length > 0 ? endpoint.except.join(',') : null);
    }
  }
  return out;
}

@Injectable()
export class ConnectionHistoryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Appends the changes (in the given order) and keeps open_connections exact: closed ranges are
   * subtracted from the open ones of the same flow (a partly closed range is split and keeps its
   * opener and `since`), then opened ranges are added where not already open. A few statements per
   * 20,000 changes, whatever their number.
   */
  async record(origin: ConnectionChangeOrigin, changes: readonly NewConnectionChange[], tx: TransactionClient): Promise<{ opened: number; closed: number }> {
    let opened = 0;
    let closed = 0;
    for (let start = 0; start < changes.length; start += INSERT_BATCH) {
      const batch = changes.slice(start, start + INSERT_BATCH);
      const ids = await this.insertChanges(origin, batch, tx);
      await this.subtractClosed(origin.clusterId, ids, tx);
      await this.addOpened(origin.clusterId, ids, tx);
      for (const change of batch) {
        if (change.change === 'OPENED') opened++;
        else closed++;
      }
    }
    return { opened, closed };
  }

  private async insertChanges(origin: ConnectionChangeOrigin, changes: readonly NewConnectionChange[], tx: TransactionClient): Promise<string[]> {
    const u = unnested(changes);
    const { source: s, destination: d } = u.sides;
    const approvers = JSON.stringify(origin.approvers.map((a) => ({ id: a.id, name: a.name })));
    await tx.$executeRaw`
      INSERT INTO connection_changes (id, approvers, author_id, author_kind, author_name, cause, change, cluster_id,
        destination_cidr, destination_except, destination_kind, destination_namespace, destination_workload_kind, destination_workload_name,
        flow_key, occurred_at, ports, proposal_id, protocol, snapshot_id,
        source_cidr, source_except, source_kind, source_namespace, source_workload_kind, source_workload_name, version)
      SELECT n.id, ${approvers}::jsonb, ${origin.author?.id ?? null}, ${origin.author?.kind ?? null}, ${origin.author?.name ?? null},
             ${origin.cause}::"ConnectionChangeCause", n.change::"ConnectionChangeKind", ${origin.clusterId}::uuid,
             n.destination_cidr, n.destination_except, n.destination_kind::"ConnectionEndpointKind", n.destination_namespace,
             n.destination_workload_kind, n.destination_workload_name,
             md5(jsonb_build_array(n.source_kind, n.source_namespace, n.source_workload_kind, n.source_workload_name, n.source_cidr::text, n.source_except::text,
                                   n.destination_kind, n.destination_namespace, n.destination_workload_kind, n.destination_workload_name,
                                   n.destination_cidr::text, n.destination_except::text, n.protocol)::text)::uuid,
             ${origin.occurredAt}::timestamptz, n.ports, ${origin.proposalId}::uuid, n.protocol::"NetworkProtocol", ${origin.snapshotId}::uuid,
             n.source_cidr, n.source_except, n.source_kind::"ConnectionEndpointKind", n.source_namespace,
             n.source_workload_kind, n.source_workload_name, ${origin.version}::int
        FROM (
          SELECT t.id, t.change, t.protocol, int4range(t.port_from, t.port_to, '[]') AS ports,
                 t.source_kind, t.source_namespace, t.source_workload_kind, t.source_workload_name,
                 network(t.source_cidr::inet) AS source_cidr,
                 ARRAY(SELECT DISTINCT network(x::inet) FROM unnest(string_to_array(t.source_except, ',')) AS x ORDER BY 1) AS source_except,
                 t.destination_kind, t.destination_namespace, t.destination_workload_kind, t.destination_workload_name,
                 network(t.destination_cidr::inet) AS destination_cidr,
                 ARRAY(SELECT DISTINCT network(x::inet) FROM unnest(string_to_array(t.destination_except, ',')) AS x ORDER BY 1) AS destination_except,
                 t.ord
            FROM unnest(${u.ids}::uuid[], ${u.changes}::text[], ${u.protocols}::text[], ${u.portFrom}::int[], ${u.portTo}::int[],
                        ${s.kind}::text[], ${s.namespace}::text[], ${s.workloadKind}::text[], ${s.workloadName}::text[], ${s.cidr}::text[], ${s.except}::text[],
                        ${d.kind}::text[], ${d.namespace}::text[], ${d.workloadKind}::text[], ${d.workloadName}::text[], ${d.cidr}::text[], ${d.except}::text[])
                 WITH ORDINALITY AS t(id, change, protocol, port_from, port_to,
                        source_kind, source_namespace, source_workload_kind, source_workload_name, source_cidr, source_except,
                        destination_kind, destination_namespace, destination_workload_kind, destination_workload_name, destination_cidr, destination_except, ord)
        ) AS n
       ORDER BY n.ord`;
    return u.ids;
  }

  /** Removes the closed ranges from the open ones of the same flow; what remains keeps its opener. */
  private async subtractClosed(clusterId: string, ids: string[], tx: TransactionClient): Promise<void> {
    await tx.$executeRaw`
      WITH cut AS (
        SELECT flow_key, range_agg(ports) AS ports
          FROM connection_changes WHERE id = ANY (${ids}::uuid[]) AND change = 'CLOSED'
         GROUP BY flow_key
      ), removed AS (
        DELETE FROM open_connections o USING cut
         WHERE o.cluster_id = ${clusterId}::uuid AND o.flow_key = cut.flow_key AND o.ports && cut.ports
        RETURNING o.*, cut.ports AS cut
      )
      INSERT INTO open_connections (cluster_id, destination_cidr, destination_except, destination_kind, destination_namespace,
        destination_workload_kind, destination_workload_name, flow_key, opened_by_id, opened_seq, ports, protocol, since,
        source_cidr, source_except, source_kind, source_namespace, source_workload_kind, source_workload_name)
      SELECT r.cluster_id, r.destination_cidr, r.destination_except, r.destination_kind, r.destination_namespace,
             r.destination_workload_kind, r.destination_workload_name, r.flow_key, r.opened_by_id, r.opened_seq, rest.ports, r.protocol, r.since,
             r.source_cidr, r.source_except, r.source_kind, r.source_namespace, r.source_workload_kind, r.source_workload_name
        FROM removed r CROSS JOIN LATERAL unnest(int4multirange(r.ports) - r.cut) AS rest(ports)`;
  }

  /** Adds the opened ranges, minus any part of them already open (which keeps its first opener). */
  private async addOpened(clusterId: string, ids: string[], tx: TransactionClient): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO open_connections (cluster_id, destination_cidr, destination_except, destination_kind, destination_namespace,
        destination_workload_kind, destination_workload_name, flow_key, opened_by_id, opened_seq, ports, protocol, since,
        source_cidr, source_except, source_kind, source_namespace, source_workload_kind, source_workload_name)
      SELECT c.cluster_id, c.destination_cidr, c.destination_except, c.destination_kind, c.destination_namespace,
             c.destination_workload_kind, c.destination_workload_name, c.flow_key, c.id, c.seq, rest.ports, c.protocol, c.occurred_at,
             c.source_cidr, c.source_except, c.source_kind, c.source_namespace, c.source_workload_kind, c.source_workload_name
        FROM connection_changes c
        CROSS JOIN LATERAL (
          SELECT COALESCE(range_agg(o.ports), '{}'::int4multirange) AS ports
            FROM open_connections o WHERE o.cluster_id = ${clusterId}::uuid AND o.flow_key = c.flow_key AND o.ports && c.ports
        ) AS already
        CROSS JOIN LATERAL unnest(int4multirange(c.ports) - already.ports) AS rest(ports)
       WHERE c.id = ANY (${ids}::uuid[]) AND c.change = 'OPENED'
       ORDER BY c.seq`;
  }

  /** Changes matching the filter, newest first (descending seq). */
  async queryHistory(filter: ConnectionHistoryFilter, limit: number): Promise<ConnectionChangeRecord[]> {
    const conditions = commonConditions(filter);
    if (filter.change !== undefined) conditions.push(Prisma.sql`t.change = ${filter.change}::"ConnectionChangeKind"`);
    if (filter.since !== undefined) conditions.push(Prisma.sql`t.occurred_at >= ${filter.since}::timestamptz`);
    if (filter.until !== undefined) conditions.push(Prisma.sql`t.occurred_at < ${filter.until}::timestamptz`);
    if (filter.beforeSeq !== undefined) conditions.push(Prisma.sql`t.seq < ${filter.beforeSeq}::bigint`);
    const rows = await this.prisma.$queryRaw<ChangeRow[]>`
      SELECT ${CHANGE_COLUMNS}
        FROM (SELECT t.* FROM connection_changes t ${where(conditions)} ORDER BY t.seq DESC LIMIT ${limit}::int) AS c
        JOIN clusters cl ON cl.id = c.cluster_id
        LEFT JOIN proposals p ON p.id = c.proposal_id
       ORDER BY c.seq DESC`;
    return rows.map(toConnectionChange);
  }

  /** Open connections matching the filter, newest opener first, then by port. */
  async queryOpen(filter: OpenConnectionFilter, limit: number): Promise<OpenConnectionRecord[]> {
    const conditions = commonConditions(filter);
    if (filter.after !== undefined) {
      conditions.push(
        Prisma.sql`(t.opened_seq < ${filter.after.openedSeq}::bigint OR (t.opened_seq = ${filter.after.openedSeq}::bigint AND lower(t.ports) > ${filter.after.portFrom}::int))`,
      );
    }
    const rows = await this.prisma.$queryRaw<(ChangeRow & OpenRow)[]>`
      SELECT ${CHANGE_COLUMNS}, o.id::text AS open_id, lower(o.ports) AS open_port_from, upper(o.ports) - 1 AS open_port_to, o.since
        FROM (SELECT t.* FROM open_connections t ${where(conditions)} ORDER BY t.opened_seq DESC, t.ports LIMIT ${limit}::int) AS o
        JOIN connection_changes c ON c.id = o.opened_by_id
        JOIN clusters cl ON cl.id = c.cluster_id
        LEFT JOIN proposals p ON p.id = c.proposal_id
       ORDER BY o.opened_seq DESC, o.ports`;
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
}

/** Where the listing of open connections continues after `record`. */
export function openConnectionPosition(record: OpenConnectionRecord): OpenConnectionPosition {
  return { openedSeq: record.openedBy.seq, portFrom: record.ports.from };
}
