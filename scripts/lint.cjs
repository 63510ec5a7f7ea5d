#!/usr/bin/env node
// Lint needs Nx's project graph for @nx/enforce-module-boundaries; compute it first.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
for (const [cmd, args] of [
  ['nx', ['show', 'projects']],
  ['eslint', ['--max-warnings', '0', 'apps', 'libs', 'test', 'tools', ...process.argv.slice(2)]],
]) {
  const result = spawnSync(join(root, 'node_modules', '.bin', cmd), args, { cwd: root, env, stdio: cmd === 'nx' ? 'ignore' : 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
