import type { FlowFilter, WorkloadEndpoint } from '@palisade/netpol-engine';

import { CliException } from '../cli.exception';
import type { CommandArgs } from '../parse-command-args.util';

function list(args: CommandArgs, name: string): string[] {
  const value = args.values[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [String(value)];
}

/**
 * `--focus-workload ns/name` (flows with that workload at either end) and `-n/--namespace NS`
 * (flows touching a namespace), each repeatable; both given, a flow must pass both. A name that
 * is no workload or namespace of the input is an input error, not an empty answer.
 */
export function flowFilterOption(command: string, args: CommandArgs, workloads: readonly WorkloadEndpoint[], namespaces: readonly string[]): FlowFilter | undefined {
  const focus = list(args, 'focus-workload');
  const inNamespaces = list(args, 'namespace');
  for (const name of focus) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(name)) throw CliException.usage(`--focus-workload takes namespace/name (got ${JSON.stringify(name)})`, command);
    if (!workloads.some((w) => `${w.namespace}/${w.name}` === name)) throw CliException.input(`--focus-workload ${name}: no workload of that name in the input`);
  }
  for (const ns of inNamespaces) if (!namespaces.includes(ns)) throw CliException.input(`--namespace ${ns}: no such namespace in the input`);
  if (focus.length === 0 && inNamespaces.length === 0) return undefined;
  return { ...(focus.length > 0 ? { workloads: focus } : {}), ...(inNamespaces.length > 0 ? { namespaces: inNamespaces } : {}) };
}

/** `--aggregate namespace`: namespace pairs whose workloads all reach each other as one line. */
export function aggregateOption(command: string, args: CommandArgs): boolean {
  const value = args.values['aggregate'];
  if (value === undefined) return false;
  if (value !== 'namespace') throw CliException.usage(`--aggregate must be namespace (got ${JSON.stringify(value)})`, command);
  return true;
}
