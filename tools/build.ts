import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { transform } from '@swc/core';
import { build, type BuildOptions, type Plugin } from 'esbuild';

// `npm run build` (or `nx run-many -t build`): compiles the API, the sync worker, the CLI and the operator
// tools into plain JavaScript under dist/, as the image runs them. Packages stay in node_modules
// (`npm ci --omit=dev` provides them); the Prisma client generated into libs/persistence is bundled.
const root = join(__dirname, '..');
const dist = join(root, 'dist');

/**
 * esbuild strips TypeScript but emits no decorator metadata, which Nest's dependency injection and
 * the validation classes rely on. SWC compiles each TypeScript file (legacy decorators plus metadata),
 * esbuild then resolves `@palisade/*` from tsconfig.json and bundles.
 */
const decoratorMetadata: Plugin = {
  name: 'swc-decorator-metadata',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const { code, map } = await transform(readFileSync(path, 'utf8'), {
        filename: path,
        sourceMaps: 'inline',
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'es6' },
      });
      return { contents: map ? `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}` : code, loader: 'js', resolveDir: join(path, '..') };
    });
  },
};

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  tsconfig: join(root, 'tsconfig.json'),
  sourcemap: true,
  logLevel: 'warning',
  // pg's optional native binding is never used (the pure JavaScript client is)
  external: ['pg-native'],
};

/** The processes: packages come from node_modules at run time. */
const programs: Record<string, string> = {
  'api/main.js': 'apps/api/src/main.ts',
  'sync-worker/main.js': 'apps/sync-worker/src/main.ts',
  'cli/main.js': 'apps/cli/src/main.ts',
  'tools/db-migrate.js': 'tools/db-migrate.ts',
  'tools/admin-token.js': 'tools/admin-token.ts',
};

/**
 * The worker-thread bundles, self-contained like the ones the API builds from source at start in
 * development (a thread never loads a TypeScript hook); the API uses these when they sit beside it.
 */
const threads: Record<string, string> = {
  'api/analysis-worker.cjs': 'libs/proposals/src/lib/analysis/analysis-worker.entry.ts',
  'api/policy-set-parse-worker.cjs': 'libs/policy-versions/src/lib/policy-set-parse.task.ts',
};

/** The build's targets: `api`, `sync-worker`, `cli` (the tools ship with the API), or all of them. */
const TARGETS: Record<string, string[]> = {
  api: ['api/', 'tools/'],
  'sync-worker': ['sync-worker/'],
  cli: ['cli/'],
};

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !(name in TARGETS));
  if (unknown.length) {
    process.stderr.write(`build: unknown target ${unknown.join(', ')}; targets: ${Object.keys(TARGETS).join(', ')}\n`);
    process.exit(2);
  }
  const prefixes = (requested.length ? requested : Object.keys(TARGETS)).flatMap((name) => TARGETS[name] ?? []);
  const wanted = (out: string): boolean => prefixes.some((prefix) => out.startsWith(prefix));
  for (const prefix of prefixes) rmSync(join(dist, prefix), { recursive: true, force: true });
  await Promise.all([
    ...Object.entries(programs)
      .filter(([out]) => wanted(out))
      .map(([out, entry]) => build({ ...common, entryPoints: [join(root, entry)], outfile: join(dist, out), packages: 'external', plugins: [decoratorMetadata] })),
    ...Object.entries(threads)
      .filter(([out]) => wanted(out))
      .map(([out, entry]) => build({ ...common, entryPoints: [join(root, entry)], outfile: join(dist, out) })),
  ]);
  process.stdout.write(`build: wrote ${[...Object.keys(programs), ...Object.keys(threads)].filter(wanted).map((out) => `dist/${out}`).join(', ')}\n`);
}

/** Every file the build writes, relative to dist/ (the image's commands, docker-compose.yml and the manifests name these). */
export const BUILD_OUTPUTS: readonly string[] = [...Object.keys(programs), ...Object.keys(threads)];

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
