import { join } from 'node:path';

import type { CliIo } from '../cli-io.type';

/** The repository root: fixtures are named relative to it, as a user in the repo would. */
export const REPO_ROOT = join(__dirname, '../../../..');
export const SEED = 'test/fixtures/seed';

export interface TestIo extends CliIo {
  out: string;
  err: string;
}

export function newTestIo(cwd = REPO_ROOT): TestIo {
  const io: TestIo = {
    out: '',
    err: '',
    cwd,
    stdout: (text) => void (io.out += text),
    stderr: (text) => void (io.err += text),
  };
  return io;
}
