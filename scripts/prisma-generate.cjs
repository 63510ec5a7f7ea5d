#!/usr/bin/env node
// Generates the Prisma client into libs/persistence/src/generated. `prisma generate` never runs the
// schema engine, but Prisma insists on locating one; where its download host is unreachable any
// executable will do, so point it at node itself unless the user configured a real engine.
const { execFileSync } = require('node:child_process');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const schema = join(root, 'prisma', 'schema.prisma');
const marker = join(root, 'libs', 'persistence', 'src', 'generated', 'prisma', 'client.ts');
const stamp = join(root, 'libs', 'persistence', 'src', 'generated', '.schema-hash');
const hash = require('node:crypto').createHash('sha256').update(readFileSync(schema)).digest('hex');

if (existsSync(marker) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && !process.argv.includes('--force')) {
  process.exit(0);
}
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
execFileSync(process.execPath, [join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate', '--schema', schema], {
  cwd: root,
  env,
  stdio: ['ignore', 'ignore', 'inherit'],
});
writeFileSync(stamp, hash);
