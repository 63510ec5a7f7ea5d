import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { CliException } from '../cli.exception';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** The argument that stands for standard input, as kubectl's `-f -`. */
export const STDIN_PATH = '-';
/** How standard input is named in messages. */
export const STDIN_NAME = '<stdin>';

export interface ManifestFile {
  /** As shown in messages: the argument, joined with the path inside a directory. */
  name: string;
  /** Absolute path, or STDIN_PATH. */
  path: string;
}

function isManifestName(name: string): boolean {
  return MANIFEST_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));
}

function walk(dir: string, shown: string, out: ManifestFile[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const name = join(shown, entry.name);
    if (entry.isDirectory()) walk(path, name, out);
    else if (entry.isFile() && isManifestName(entry.name)) out.push({ name, path });
  }
}

/**
 * The manifest files the arguments name: a file as given (any extension), a directory read
 * recursively for .yaml, .yml and .json in name order. Missing paths and directories without
 * manifests are input errors. `-` is standard input (once).
 *
 * @example collectManifestFiles(['policies/', 'cluster.yaml'], process.cwd())
 * // [{ name: 'policies/a.yaml', path: '/repo/policies/a.yaml' }, …, { name: 'cluster.yaml', … }]
 */
export function collectManifestFiles(args: readonly string[], cwd: string): ManifestFile[] {
  const out: ManifestFile[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    if (arg === STDIN_PATH) {
      if (seen.has(STDIN_PATH)) throw CliException.usage('standard input (-) can be read only once');
      seen.add(STDIN_PATH);
      out.push({ name: STDIN_NAME, path: STDIN_PATH });
      continue;
    }
    const path = resolve(cwd, arg);
    let stats;
    try {
      stats = statSync(path);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message;
      throw CliException.input(`cannot read ${arg}: ${reason}`);
    }
    const found: ManifestFile[] = [];
    if (stats.isDirectory()) {
      walk(path, arg, found);
      if (found.length === 0) throw CliException.input(`${arg}: no .yaml, .yml or .json files in this directory`);
    } else {
      found.push({ name: arg, path });
    }
    for (const file of found) {
      if (seen.has(file.path)) continue;
      seen.add(file.path);
      out.push(file);
    }
  }
  return out;
}
