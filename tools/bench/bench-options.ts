import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { mallocTunablesEnv } from '../../bin/malloc-tunables.cjs';

/** The value after `--name` in a bench's arguments, if given. */
export function optionValue(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

/** A numeric `--name N` option, or `fallback` when absent. */
export function numberOption(args: readonly string[], name: string, fallback: number): number {
  const value = optionValue(args, name);
  return value === undefined ? fallback : Number(value);
}

/** The Node binary a bench's child processes run, and its version. */
export interface NodeBinary {
  path: string;
  version: string;
}

/**
 * `--node PATH`: the Node binary the child processes run (to compare the Node versions the README
 * supports on one machine, in one sitting); without it, the one running the bench.
 */
export function nodeOption(args: readonly string[]): NodeBinary {
  const path = optionValue(args, 'node');
  if (path === undefined) return { path: process.execPath, version: process.versions.node };
  const result = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`--node ${path}: does not run as Node (${result.error?.message ?? result.stderr.trim()})`);
  return { path, version: result.stdout.trim() };
}

/**
 * The environment of a bench's child process: glibc's malloc on huge pages, as bin/palisade.cjs
 * runs the CLI and `npm start` the API (`GLIBC_TUNABLES=glibc.malloc.hugetlb=0` measures without),
 * and SWC's project for the TypeScript it loads.
 */
export function childEnv(): NodeJS.ProcessEnv {
  return { ...(mallocTunablesEnv(process.env, process.platform) ?? process.env), SWC_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json') };
}
