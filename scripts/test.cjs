#!/usr/bin/env node
// `npm test`: generate the Prisma client, lint (with Nx module boundaries), type-check, run every test.
// Uses DATABASE_URL when set; otherwise the test setup starts an embedded PostgreSQL.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true', TZ: 'UTC' };

function step(title, command, args) {
  process.stdout.write(`\n== ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`\n${title} failed\n`);
    process.exit(result.status ?? 1);
  }
}

const extra = process.argv.slice(2);
step('Prisma client', process.execPath, [join(__dirname, 'prisma-generate.cjs')]);
step('Project graph', bin('nx'), ['show', 'projects']);
step('Lint', bin('eslint'), ['--max-warnings', '0', 'apps', 'libs', 'test', 'tools']);
step('Type-check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
step('Tests', bin('vitest'), ['run', ...extra]);
