import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

const shared = {
  // SWC instead of esbuild: Nest's dependency injection needs emitDecoratorMetadata.
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: {
    alias: [{ find: /^@palisade\/([a-z0-9-]+)$/, replacement: resolve(root, 'libs/$1/src/index.ts') },
      // One copy of graphql: Nest's GraphQL module loads the CommonJS build, so our code must too.
      { find: /^graphql$/, replacement: resolve(root, 'node_modules/graphql/index.js') },
    ],
  },
};

export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          globals: true,
          include: ['libs/netpol-engine/**/*.spec.ts', 'apps/cli/**/*.spec.ts'],
          env: { TZ: 'UTC' },
          testTimeout: 60_000,
        },
      },
      {
        ...shared,
        test: {
          name: 'db',
          globals: true,
          include: ['apps/**/*.spec.ts', 'libs/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
          exclude: ['libs/netpol-engine/**', 'apps/cli/**', '**/node_modules/**'],
          globalSetup: ['test/support/global-setup.ts'],
          env: { TZ: 'UTC' },
          testTimeout: 60_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
    ],
  },
});
