import { createAnalysis, formatExplanation, inventoryFromManifests, type ManifestInventory } from '@palisade/netpol-engine';

import type { CliIo } from '../cli-io.type';
import { CliException, EXIT_OK } from '../cli.exception';
import { loadValidManifests } from '../input/load-manifests.util';
import { choiceOption, parseCommandArgs, requiredString } from '../parse-command-args.util';
import { ANALYSIS_OPTIONS, analysisOptions, requirePositionals } from './common-options.util';

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

/** `palisade explain <dirs> --from ns/pod --to ns/pod|IP --port N [--protocol P]`: why a connection is allowed or denied. */
export function explainCommand(argv: readonly string[], io: CliIo): number {
  const args = parseCommandArgs(COMMAND, argv, {
    from: { type: 'string' },
    to: { type: 'string' },
    port: { type: 'string', short: 'p' },
    protocol: { type: 'string' },
    format: { type: 'string', short: 'f' },
    ...ANALYSIS_OPTIONS,
  });
  const format = choiceOption(COMMAND, args, 'format', ['text', 'json'] as const, 'text');
  const protocol = choiceOption(COMMAND, args, 'protocol', PROTOCOLS, 'TCP');
  const from = requiredString(COMMAND, args, 'from');
  const to = requiredString(COMMAND, args, 'to');
  const port = parsePort(requiredString(COMMAND, args, 'port'));
  const paths = requirePositionals(COMMAND, args, 'at least one directory or file is');

  const loaded = loadValidManifests(paths, io.cwd);
  const manifestInventory = inventoryFromManifests(loaded);
  const analysis = createAnalysis({ inventory: manifestInventory.inventory, policies: loaded.policies, options: analysisOptions(args) });
  const explanation = analysis.explain({ from: resolvePodEndpoint(from, manifestInventory), to: resolvePodEndpoint(to, manifestInventory), port, protocol });
  io.stdout(format === 'json' ? `${JSON.stringify(explanation, null, 2)}\n` : `${formatExplanation(explanation)}\n`);
  return EXIT_OK;
}
