import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Shared manifest fixtures in test/fixtures/netpol/manifests. */
export const FIXTURES_DIR = join(__dirname, '../../../../../../test/fixtures/netpol/manifests');

export function readFixture(name: string): string {
  return readFileSync(join(FIXTURES_DIR, name), 'utf8');
}
