import { readFileSync } from 'node:fs';

import {
  formatManifestError,
  ManifestRegistry,
  type NamespaceManifest,
  type NetworkPolicy,
  parseManifests,
  type PodManifest,
  type WorkloadManifest,
} from '@palisade/netpol-engine';

import { CliException } from '../cli.exception';
import { collectManifestFiles } from './collect-manifest-files.util';

/** Everything read from a set of files; `errors` are ready-to-print lines. */
export interface LoadedManifests {
  files: string[];
  policies: NetworkPolicy[];
  namespaces: NamespaceManifest[];
  pods: PodManifest[];
  workloads: WorkloadManifest[];
  /** File each policy came from, by `namespace/name`. */
  policySource: Map<string, string>;
  errors: string[];
}

/** Whether the manifests describe a cluster (namespaces, pods or workloads), not only policies. */
export function hasInventory(m: Pick<LoadedManifests, 'namespaces' | 'pods' | 'workloads'>): boolean {
  return m.namespaces.length > 0 || m.pods.length > 0 || m.workloads.length > 0;
}

/**
 * Reads and parses every manifest file the arguments name (see collectManifestFiles). Errors of
 * one file do not stop the others: all are collected, each naming file, document, line and field.
 * An object defined in two files is an error in the second, naming where the first one is.
 */
export function loadManifests(args: readonly string[], cwd: string): LoadedManifests {
  const files = collectManifestFiles(args, cwd);
  const out: LoadedManifests = { files: files.map((f) => f.name), policies: [], namespaces: [], pods: [], workloads: [], policySource: new Map(), errors: [] };
  const seen = new ManifestRegistry();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file.path, 'utf8');
    } catch (e) {
      throw CliException.input(`cannot read ${file.name}: ${(e as Error).message}`);
    }
    const parsed = parseManifests(text, { source: file.name, seen });
    out.errors.push(...parsed.errors.map(formatManifestError));
    for (const p of parsed.policies) {
      out.policies.push(p);
      out.policySource.set(`${p.metadata.namespace}/${p.metadata.name}`, file.name);
    }
    out.namespaces.push(...parsed.namespaces);
    out.pods.push(...parsed.pods);
    out.workloads.push(...parsed.workloads);
  }
  return out;
}

/** loadManifests, failing with every error when there is one (commands that cannot work on partial input). */
export function loadValidManifests(args: readonly string[], cwd: string): LoadedManifests {
  const loaded = loadManifests(args, cwd);
  if (loaded.errors.length > 0) {
    const count = loaded.errors.length;
    throw CliException.input(`invalid input: ${count} error${count === 1 ? '' : 's'}`, loaded.errors);
  }
  return loaded;
}
