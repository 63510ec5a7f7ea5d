import { createHash } from 'node:crypto';

import {
  type Analysis,
  canonicalJson,
  createAnalysis,
  ENGINE_VERSION,
  type Finding,
  findingsForChange,
  type Flow,
  formatFlow,
  hashNetworkPolicy,
  type Inventory,
  type NetworkPolicy,
  policyKey,
} from '@palisade/netpol-engine';

import { applyChanges } from '../proposal-changes.util';
import { RecentCache } from '../recent-cache.util';
import { AnalysisDataLoader } from './analysis-data.loader';
import type { AnalysisOptionsInput, AnalysisResponse, AnalysisTask, ChangeAnalysis, ConnectivityDelta, FindingView, FlowView, PictureRef, PolicySetRef, SnapshotRef } from './analysis-result.type';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Per-thread caches: parsed inventories by content hash, policy sets by content hash, prepared analyses. */
const policySets = new RecentCache<NetworkPolicy[]>(8);
const inventories = new RecentCache<Inventory>(4);
const analyses = new RecentCache<Analysis>(4);

/** Each policy's canonical hash, remembered: a proposed set shares all but a few policy objects with its cached base. */
const policyHashes = new WeakMap<NetworkPolicy, string>();

/**
 * The engine's hashPolicySet (sha256 of the sorted lines `<namespace>/<name> <policy hash>\n`), with
 * the policy hashes remembered: hashing all 60,000 policies of a proposed set again took a second.
 */
export function hashProposedPolicySet(policies: readonly NetworkPolicy[]): string {
  const lines = policies.map((p) => {
    let hash = policyHashes.get(p);
    if (hash === undefined) {
      hash = hashNetworkPolicy(p);
      policyHashes.set(p, hash);
    }
    return `${policyKey(p)} ${hash}\n`;
  });
  return sha256(lines.sort().join(''));
}

/** The identity of an analysis: what a review is bound to. */
export function analysisHashOf(input: { base: string; proposed: string; inventory: string | null; engineVersion: string; options: AnalysisOptionsInput }): string {
  return sha256(canonicalJson({ base: input.base, proposed: input.proposed, inventory: input.inventory, engine: input.engineVersion, options: input.options }));
}

let loader: AnalysisDataLoader | undefined;

/** The policy set, from this thread's cache or read from the database. */
async function policySetOf(ref: PolicySetRef): Promise<NetworkPolicy[]> {
  let policies = policySets.get(ref.contentHash);
  if (!policies) {
    policies = await (loader ??= new AnalysisDataLoader()).policySet(ref);
    policySets.set(ref.contentHash, policies);
  }
  return policies;
}

/** The inventory, from this thread's cache (parsed once per content hash) or read from the database. */
async function inventoryOf(ref: SnapshotRef): Promise<Inventory> {
  let inventory = inventories.get(ref.contentHash);
  if (!inventory) {
    inventory = await (loader ??= new AnalysisDataLoader()).inventory(ref);
    inventories.set(ref.contentHash, inventory);
  }
  return inventory;
}

async function preparedAnalysis(policyRef: PolicySetRef, inventoryRef: SnapshotRef, options: AnalysisOptionsInput): Promise<Analysis> {
  const key = `${policyRef.contentHash}|${inventoryRef.contentHash}|${options.ipBlockMatchesPodIps}`;
  let analysis = analyses.get(key);
  if (!analysis) {
    const [policies, inventory] = await Promise.all([policySetOf(policyRef), inventoryOf(inventoryRef)]);
    analysis = createAnalysis({ policies, inventory, options });
    analyses.set(key, analysis);
  }
  return analysis;
}

const flowView = (flow: Flow, widened?: boolean): FlowView => ({ from: flow.from, to: flow.to, ports: flow.ports, text: formatFlow(flow), ...(widened ? { widened } : {}) });

function findingView(f: Finding): FindingView {
  return {
    code: f.code,
    severity: f.severity,
    message: f.message,
    policies: f.policies,
    namespace: f.namespace ?? null,
    path: f.path ?? null,
    flow: f.flow ? formatFlow(f.flow) : null,
  };
}

async function analyseChange(task: Extract<AnalysisTask, { kind: 'change' }>, started: number): Promise<ChangeAnalysis> {
  const base = await policySetOf(task.base);
  const proposed = applyChanges(base, task.changes);
  const proposedContentHash = hashProposedPolicySet(proposed);
  const options = task.options;
  let report;
  if (task.inventory === null) {
    report = findingsForChange({ policies: base, options }, { policies: proposed, options });
  } else {
    const inventory = await inventoryOf(task.inventory);
    const before = await preparedAnalysis(task.base, task.inventory, options);
    const after = before.withPolicyChanges(task.changes);
    report = findingsForChange({ policies: base, inventory, options, analysis: before }, { policies: proposed, inventory, options, analysis: after });
  }
  const widened = new Set(report.findings.filter((f) => f.code === 'FLOW_WIDENED' && f.flow).map((f) => formatFlow(f.flow as Flow)));
  const opened = (report.diff?.added ?? []).map((flow) => flowView(flow, widened.has(formatFlow(flow))));
  const closed = (report.diff?.removed ?? []).map((flow) => flowView(flow));
  const findings = report.findings.map(findingView);
  const flowsWidened = opened.filter((f) => f.widened).length;
  const hash = analysisHashOf({ base: task.base.contentHash, proposed: proposedContentHash, inventory: task.inventory?.contentHash ?? null, engineVersion: ENGINE_VERSION, options });
  const resultHash = sha256(
    canonicalJson({
      opened: opened.map((f) => f.text).sort(),
      closed: closed.map((f) => f.text).sort(),
      findings: report.findings.map((f) => f.fingerprint).sort(),
    }),
  );
  return {
    baseContentHash: task.base.contentHash,
    proposedContentHash,
    snapshotContentHash: task.inventory?.contentHash ?? null,
    engineVersion: ENGINE_VERSION,
    options,
    hash,
    resultHash,
    summary: {
      flowsOpened: opened.length - flowsWidened,
      flowsWidened,
      flowsClosed: closed.length,
      connectivityChange: report.connectivityUnchanged === undefined ? null : !report.connectivityUnchanged,
      findings: findings.length,
      maxSeverity: report.maxSeverity,
      counts: report.counts,
      policies: report.changes,
    },
    findings,
    flows: { opened, closed },
    durationMs: Math.round(performance.now() - started),
  };
}

async function connectivityOf(picture: PictureRef | null, options: AnalysisOptionsInput): Promise<Analysis | null> {
  if (!picture || picture.inventory === null) return null;
  return preparedAnalysis(picture.policies, picture.inventory, options);
}

async function analyseDelta(task: Extract<AnalysisTask, { kind: 'delta' }>, started: number): Promise<ConnectivityDelta> {
  const before = await connectivityOf(task.before, task.options);
  const after = await connectivityOf(task.after, task.options);
  let opened: Flow[] = [];
  let closed: Flow[] = [];
  if (before && after) ({ added: opened, removed: closed } = before.diff(after));
  else if (after) opened = after.connectivity();
  else if (before) closed = before.connectivity();
  return { opened: opened.map((f) => flowView(f)), closed: closed.map((f) => flowView(f)), durationMs: Math.round(performance.now() - started) };
}

/**
 * Runs one analysis task on this thread. Policy sets and inventories are named by content hash: the
 * thread reuses the ones it holds and reads the others from the database itself.
 *
 * @example await runAnalysisTask({ kind: 'change', base: { clusterId, number: 1, contentHash }, changes, inventory: null, options }) // { change: {...} }
 */
export async function runAnalysisTask(task: AnalysisTask): Promise<AnalysisResponse> {
  const started = performance.now();
  if (task.kind === 'change') return { change: await analyseChange(task, started) };
  return { delta: await analyseDelta(task, started) };
}
