import type { Client } from 'pg';

import { networkPolicy } from './polling';
import type { TestApp } from './test-app';

/** A policy letting port `port` in to the pods labelled `app: name` of `default`. */
export const portPolicy = (name: string, port: number) => networkPolicy('default', name, { podSelector: { matchLabels: { app: name } }, ingress: [{ ports: [{ port }] }] });

/**
 * A proposal upserting `portPolicy(name, port)` onto version 1 of `cluster`, proposed by the test
 * app's admin, analysed (waited for) and approved by `approver`: ready to merge. Returns its id.
 */
export async function approvedPortProposal(t: TestApp, approver: string, cluster: string, name: string, port: number): Promise<string> {
  const created = await t.http
    .post(`/api/v1/clusters/${cluster}/proposals`)
    .set('Prefer', 'wait=30')
    .send({ title: `${name} on ${port}`, baseVersion: 1, changes: { upsert: [portPolicy(name, port)], delete: [] } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.analysis.status).toBe('READY');
  const review = await t.as(approver).post(`/api/v1/proposals/${created.body.id as string}/reviews`).send({ verdict: 'APPROVE' });
  expect(review.status, JSON.stringify(review.body)).toBe(201);
  expect(review.body.status).toBe('APPROVED');
  return created.body.id as string;
}

/**
 * Everything a merge writes, for one cluster and proposal: head, versions, the proposal's status,
 * its analysis, its audit events, the cluster's connection history and tracking, webhook events.
 * Equal before and after a refused merge when nothing of it was stored.
 */
export async function mergeState(sql: Client, cluster: string, proposalId: string) {
  const one = async (text: string, values: unknown[]) => (await sql.query(text, values)).rows[0] as Record<string, unknown>;
  return {
    cluster: await one('SELECT head_version FROM clusters WHERE name = $1', [cluster]),
    versions: await one('SELECT count(*)::int AS n, max(number) AS head FROM policy_set_versions v JOIN clusters c ON c.id = v.cluster_id WHERE c.name = $1', [cluster]),
    proposal: await one('SELECT status, merged_version, merged_onto_version, closed_at FROM proposals WHERE id = $1', [proposalId]),
    analysis: await one('SELECT status, hash, base_version FROM proposal_analyses WHERE proposal_id = $1', [proposalId]),
    audit: (await sql.query<{ action: string }>('SELECT action FROM audit_events WHERE subject_id = $1 ORDER BY seq', [proposalId])).rows.map((r) => r.action),
    history: await one('SELECT count(*)::int AS n FROM connection_changes h JOIN clusters c ON c.id = h.cluster_id WHERE c.name = $1', [cluster]),
    tracking: await one('SELECT t.version FROM clusters c LEFT JOIN connectivity_tracking t ON t.cluster_id = c.id WHERE c.name = $1', [cluster]),
    webhookEvents: await one('SELECT count(*)::int AS n FROM webhook_events WHERE subject_id = $1', [proposalId]),
  };
}
