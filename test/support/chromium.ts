import { existsSync } from 'node:fs';

/** Debian's Chromium: playwright-core brings no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

const SKIP_MESSAGE = `browser tests skipped: no ${CHROMIUM}. Install it with \`apt-get install chromium\` (CI does this in .ci/run).`;

/** `describe` when Chromium is installed, otherwise `describe.skip` with a plain message; in CI it is mandatory. */
export function describeWithChromium(name: string, fn: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, fn);
    return;
  }
  if (process.env['CI'] === 'true' || process.env['CI'] === '1') throw new Error(`CI requires the browser tests: ${CHROMIUM} is missing`);
  process.stdout.write(`\n${SKIP_MESSAGE}\n`);
  describe.skip(`${name} (${SKIP_MESSAGE})`, fn);
}
