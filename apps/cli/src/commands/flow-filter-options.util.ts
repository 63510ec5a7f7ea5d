import type { ChangeFindingsReport, Flow, FlowFilter, Inventory, WorkloadEndpoint } from '@palisade/netpol-engine';

import { CliException } from '../cli.exception';
import type { CommandArgs } from '../parse-command-args.util';
import { inventoryWorkloads } from './common-options.util';

function list(args: CommandArgs, name: string): string[] {
  const value = args.values[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [String(value)];
}

/**
 * `--focus-workload ns/name` (flows with that workload at either end) and `-n/--namespace NS`
 * (flows touching a namespace), each repeatable; both given, a flow must pass both. A name that
 * is no workload or namespace of the input is an input error, not an empty answer.
 */
export function flowFilterOption(command: string, args: CommandArgs, workloads: () => readonly WorkloadEndpoint[], namespaces: readonly string[]): FlowFilter | undefined {
  const focus = list(args, 'focus-workload');
  const inNamespaces = list(args, 'namespace');
  let known: readonly WorkloadEndpoint[] | undefined;
  for (const name of focus) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(name)) throw CliException.usage(`--focus-workload takes namespace/name (got ${JSON.stringify(name)})`, command);
    // The workload list is built only when a name is to be checked (a 25,000-workload list costs 0.2 s).
    if (!(known ??= workloads()).some((w) => `${w.namespace}/${w.name}` === name)) throw CliException.input(`--focus-workload ${name}: no workload of that name in the input`);
  }
  for (const ns of inNamespaces) if (!namespaces.includes(ns)) throw CliException.input(`--namespace ${ns}: no such namespace in the input`);
  if (focus.length === 0 && inNamespaces.length === 0) return undefined;
  return { ...(focus.length > 0 ? { workloads: focus } : {}), ...(inNamespaces.length > 0 ? { namespaces: inNamespaces } : {}) };
}

/** The values of `--aggregate`. */
export const AGGREGATE_VALUES = ['namespace', 'namespace-either-end'] as const;
export type Aggregate = (typeof AGGREGATE_VALUES)[number];

/**
 * `--aggregate namespace`: namespace pairs whose workloads all reach each other as one line;
 * `--aggregate namespace-either-end`: also a whole namespace at one end (`ns/* => workload`,
 * `workload => ns/*`). Undefined without the option.
 */
export function aggregateOption(command: string, args: CommandArgs): Aggregate | undefined {
  const value = args.values['aggregate'];
  if (value === undefined) return undefined;
  const known = AGGREGATE_VALUES.find((v) => v === value);
  if (!known) throw CliException.usage(`--aggregate must be ${AGGREGATE_VALUES.join(' or ')} (got ${JSON.stringify(value)})`, command);
  return known;
}

/** Whether a flow passes a filter: a workload end named by it, and one in its namespaces (each when given). */
export function flowPasses(filter: FlowFilter, flow: Flow): boolean {
  const ends = [flow.from, flow.to].filter((e) => e.kind === 'workload');
  const named = filter.workloads ? new Set(filter.workloads) : undefined;
  const inNamespaces = filter.namespaces ? new Set(filter.namespaces) : undefined;
  return (!named || ends.some((e) => named.has(`${e.namespace}/${e.name}`))) && (!inNamespaces || ends.some((e) => inNamespaces.has(e.namespace)));
}

/**
 * `diff` with `--focus-workload`/`-n`: only the opened and closed flows the filter keeps (findings
 * stay whole: they are about policies). Names are checked against both sides' inventories.
 */
export function filterChangeReport(command: string, args: CommandArgs, report: ChangeFindingsReport, inventories: readonly (Inventory | undefined)[]): ChangeFindingsReport {
  const present = inventories.filter((i): i is Inventory => i !== undefined);
  const workloads = () => present.flatMap((i) => inventoryWorkloads(i));
  const namespaces = [...new Set(present.flatMap((i) => [...i.namespaces.map((ns) => ns.name), ...i.pods.map((p) => p.namespace)]))];
  const filter = flowFilterOption(command, args, workloads, namespaces);
  if (!filter || !report.diff) return report;
  const added = report.diff.added.filter((f) => flowPasses(filter, f));
  const removed = report.diff.removed.filter((f) => flowPasses(filter, f));
  return { ...report, diff: { added, removed }, connectivityUnchanged: added.length === 0 && removed.length === 0 };
}
