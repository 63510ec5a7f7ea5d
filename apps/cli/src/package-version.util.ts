import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The version of the package the CLI ships in (the repository's package.json). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}
