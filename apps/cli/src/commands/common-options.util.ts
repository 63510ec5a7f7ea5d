import type { AnalysisOptions, FindingSeverity, Inventory, WorkloadEndpoint } from '@palisade/netpol-engine';
import { FINDING_SEVERITY_ORDER } from '@palisade/netpol-engine';

import { choiceOption, type CommandArgs } from '../parse-command-args.util';

export function analysisOptions(args: CommandArgs): AnalysisOptions {
  return { ipBlockMatchesPodIps: args.values['no-pod-ip-blocks'] !== true };
}

/** `--fail-on <severity>`: the least severity that makes the command fail, or undefined. */
export function failOnOption(command: string, args: CommandArgs): FindingSeverity | undefined {
  if (args.values['fail-on'] === undefined) return undefined;
  return choiceOption(command, args, 'fail-on', FINDING_SEVERITY_ORDER, 'high');
}

export function reachesSeverity(max: FindingSeverity | 'none', threshold: FindingSeverity | undefined): boolean {
  if (threshold === undefined || max === 'none') return false;
  return FINDING_SEVERITY_ORDER.indexOf(max) >= FINDING_SEVERITY_ORDER.indexOf(threshold);
}

/** Every workload of an inventory (a bare pod is its own workload), in namespace, kind, name order. */
export function inventoryWorkloads(inventory: Inventory): WorkloadEndpoint[] {
  const seen = new Map<string, WorkloadEndpoint>();
  for (const pod of inventory.pods) {
    const kind = pod.workload?.kind ?? 'Pod';
    const name = pod.workload?.name ?? pod.name;
    const key = `${pod.namespace}\u0000${kind}\u0000${name}`;
    if (!seen.has(key)) seen.set(key, { kind: 'workload', namespace: pod.namespace, workloadKind: kind, name });
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, w]) => w);
}
