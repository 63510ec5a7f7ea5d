import { readFileSync } from 'node:fs';

import {
  formatManifestError,
  type ManifestError,
  ManifestRegistry,
  type NamespaceManifest,
  type NetworkPolicy,
  parseManifests,
  type PodManifest,
  type PolicyLocation,
  type SkippedManifest,
  type WorkloadManifest,
} from '@palisade/netpol-engine';

import type { CliIo } from '../cli-io.type';
import { CliException } from '../cli.exception';
import { collectManifestFiles, type ManifestFile, STDIN_PATH } from './collect-manifest-files.util';

/** What reading needs of CliIo: where relative paths start, standard input, and where warnings go. */
export type ManifestInputIo = Pick<CliIo, 'cwd' | 'stdin' | 'stderr'>;

/** Everything read from a set of files; `errors` are ready-to-print lines. */
export interface LoadedManifests {
  files: string[];
  policies: NetworkPolicy[];
  namespaces: NamespaceManifest[];
  pods: PodManifest[];
  workloads: WorkloadManifest[];
  /** Where each policy was read (file as `source`, document, lines), by `namespace/name`. */
  policyLocations: Map<string, PolicyLocation>;
  /** Every error, ready to print. */
  errors: string[];
  /** The same errors, with file, document, line and field apart (for SARIF and Markdown). */
  manifestErrors: ManifestError[];
  /** One warning line per file with skipped documents (also written to standard error). */
  warnings: string[];
}

/** Whether the manifests describe a cluster (namespaces, pods or workloads), not only policies. */
export function hasInventory(m: Pick<LoadedManifests, 'namespaces' | 'pods' | 'workloads'>): boolean {
  return m.namespaces.length > 0 || m.pods.length > 0 || m.workloads.length > 0;
}

// BOM kept, as readFileSync(path, 'utf8') keeps it (the YAML reader reports it); invalid bytes become U+FFFD alike.
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * A file's text, the same as `readFileSync(path, 'utf8')` gives, in half the time: Node 20's
 * utf8 read took 1 s for a 78 MB `kubectl get -o json` file, the bytes plus TextDecoder 0.5 s.
 */
export function readUtf8File(path: string): string {
  return UTF8.decode(readFileSync(path));
}

function readText(file: ManifestFile, io: ManifestInputIo): string {
  if (file.path === STDIN_PATH) return io.stdin?.() ?? '';
  try {
    return readUtf8File(file.path);
  } catch (e) {
    throw CliException.input(`cannot read ${file.name}: ${(e as Error).message}`);
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The warning for a file's skipped documents: a Helm values.yaml is "not a Kubernetes manifest",
 * a file of Services and a CRD lists the kinds.
 *
 * @example skippedWarning('k8s/web.yaml', [{ document: 1, kind: 'Service', reason: 'kind-not-used' }], false)
 * // 'k8s/web.yaml: skipped 1 object of a kind the analysis does not use (Service)'
 */
export function skippedWarning(file: string, skipped: readonly SkippedManifest[], usedAnything: boolean): string {
  const foreign = skipped.filter((s) => s.reason === 'not-a-manifest');
  const kinds = skipped.filter((s) => s.reason === 'kind-not-used');
  if (!usedAnything && kinds.length === 0) return `${file}: skipped, not a Kubernetes manifest (no kind or apiVersion)`;
  const parts: string[] = [];
  if (foreign.length > 0) parts.push(`${plural(foreign.length, 'document that is', 'documents that are')} not a Kubernetes manifest`);
  if (kinds.length > 0) {
    const names = [...new Set(kinds.map((s) => s.kind ?? '?'))].join(', ');
    parts.push(`${plural(kinds.length, 'object of a kind', 'objects of kinds')} the analysis does not use (${names})`);
  }
  return `${file}: skipped ${parts.join(' and ')}`;
}

export interface LoadOptions {
  /**
   * Keep where each policy was read (`policyLocations`, default true). A location can find the
   * line of any field later, so it keeps its file's text and parsed documents: a command that
   * never reports a policy's line passes false (on the bench's 78 MB open L input, locations
   * kept 257 MB of heap through the analysis).
   */
  policyLocations?: boolean;
}

/**
 * Reads and parses every manifest file the arguments name (see collectManifestFiles; `-` is
 * standard input). Errors of one file do not stop the others: all are collected, each naming file,
 * document, line and field. An object defined in two files is an error in the second, naming where
 * the first one is. Documents that are no Kubernetes manifest (a Helm values.yaml) and objects of
 * kinds the analysis does not use (a Service, a CRD) are skipped with one warning line per file on
 * standard error; malformed YAML stays an error.
 */
export function loadManifests(args: readonly string[], io: ManifestInputIo, options: LoadOptions = {}): LoadedManifests {
  const files = collectManifestFiles(args, io.cwd);
  const out: LoadedManifests = {
    files: files.map((f) => f.name),
    policies: [],
    namespaces: [],
    pods: [],
    workloads: [],
    policyLocations: new Map(),
    errors: [],
    manifestErrors: [],
    warnings: [],
  };
  const seen = new ManifestRegistry();
  for (const file of files) {
    const parsed = parseManifests(readText(file, io), { source: file.name, seen, skipNonManifests: true });
    out.errors.push(...parsed.errors.map(formatManifestError));
    out.manifestErrors.push(...parsed.errors);
    parsed.policies.forEach((p, i) => {
      const key = `${p.metadata.namespace}/${p.metadata.name}`;
      out.policies.push(p);
      if (options.policyLocations !== false) out.policyLocations.set(key, parsed.policyLocations[i] as PolicyLocation);
    });
    // One by one: a spread of 100,000 pods would pass them all as call arguments.
    for (const n of parsed.namespaces) out.namespaces.push(n);
    for (const pod of parsed.pods) out.pods.push(pod);
    for (const w of parsed.workloads) out.workloads.push(w);
    if (parsed.skipped.length > 0) {
      const used = parsed.policies.length + parsed.namespaces.length + parsed.pods.length + parsed.workloads.length + parsed.errors.length > 0;
      const warning = skippedWarning(file.name, parsed.skipped, used);
      out.warnings.push(warning);
      io.stderr(`palisade: warning: ${warning}\n`);
    }
  }
  return out;
}

/** loadManifests, failing with every error when there is one (commands that cannot work on partial input). */
export function loadValidManifests(args: readonly string[], io: ManifestInputIo, options: LoadOptions = {}): LoadedManifests {
  const loaded = loadManifests(args, io, options);
  if (loaded.errors.length > 0) {
    const count = loaded.errors.length;
    throw CliException.input(`invalid input: ${count} error${count === 1 ? '' : 's'}`, loaded.errors);
  }
  return loaded;
}
