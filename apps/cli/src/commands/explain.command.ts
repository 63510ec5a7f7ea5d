import { createAnalysis, formatExplanation, inventoryFromManifests, type ManifestInventory } from '@palisade/netpol-engine';

import type { CliIo } from '../cli-io.type';
import { CliException, EXIT_DENIED, EXIT_OK } from '../cli.exception';
import { loadValidManifests } from '../input/load-manifests.util';
import { EXPLAIN_FORMAT_NAMES } from '../command-options.constant';
import { choiceOption, formatOption, inputPaths, parseCommandArgs, requiredString } from '../parse-command-args.util';
import { analysisOptions } from './common-options.util';

const COMMAND = 'explain';
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

/** `ns/pod` as given when the pod exists; `ns/<workload>` becomes the workload's first pod. */
export function resolvePodEndpoint(text: string, m: ManifestInventory): string {
  if (!text.includes('/') || m.inventory.pods.some((p) => `${p.namespace}/${p.name}` === text)) return text;
  const pods = m.workloadPods.get(text);
  if (!pods || pods.length === 0) return text;
  return `${text.slice(0, text.indexOf('/'))}/${pods[0]}`;
}

export function parsePort(text: string): number {
  const port = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw CliException.usage(`--port must be an integer from 1 to 65535 (got ${JSON.stringify(text)})`, COMMAND);
  return port;
}

/**
 * `palisade explain <dirs> --from ns/pod --to ns/pod|IP --port N [--protocol P]`: why a connection is
 * allowed or denied. Exit 0 allowed, 3 denied (so scripts can test reachability), 1 invalid input, 2 usage.
 */
export function explainCommand(argv: readonly string[], io: CliIo): number {
  const args = parseCommandArgs(COMMAND, argv);
  const format = formatOption(COMMAND, args, EXPLAIN_FORMAT_NAMES, 'text');
  const protocol = choiceOption(COMMAND, args, 'protocol', PROTOCOLS, 'TCP');
  const from = requiredString(COMMAND, args, 'from');
  const to = requiredString(COMMAND, args, 'to');
  const port = parsePort(requiredString(COMMAND, args, 'port'));
  const paths = inputPaths(COMMAND, args);

  const loaded = loadValidManifests(paths, io, { policyLocations: false });
  const manifestInventory = inventoryFromManifests(loaded);
  const analysis = createAnalysis({ inventory: manifestInventory.inventory, policies: loaded.policies, options: analysisOptions(args) });
  const explanation = analysis.explain({ from: resolvePodEndpoint(from, manifestInventory), to: resolvePodEndpoint(to, manifestInventory), port, protocol });
  io.stdout(format === 'json' ? `${JSON.stringify(explanation, null, 2)}\n` : `${formatExplanation(explanation)}\n`);
  return explanation.allowed ? EXIT_OK : EXIT_DENIED;
}
