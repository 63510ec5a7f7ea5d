import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BENCHMARKS_FILE = join(__dirname, '../../BENCHMARKS.md');

const HEADER = '# Benchmarks\n\nWritten by `npm run bench`; each bench owns the section between its markers and rewrites only that.\n';

/**
 * Replaces the section of one bench in BENCHMARKS.md (between `<!-- bench:<name>:start -->` and
 * `<!-- bench:<name>:end -->`), or appends it: benches written by different people share the file.
 */
export function writeBenchmarkSection(name: string, markdown: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${markdown.trimEnd()}\n${end}`;
  const current = existsSync(BENCHMARKS_FILE) ? readFileSync(BENCHMARKS_FILE, 'utf8') : HEADER;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}` : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(BENCHMARKS_FILE, next);
}
